"""Running notebooks: each kernel starts in its own notebook's folder, whatever the process does."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from brief.build.run import run_notebooks
from tests.conftest import spoil_a_value

pytestmark = pytest.mark.slow  # starts kernels


def notebook_printing_its_folder(folder, name: str):
    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("year = 2023")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("import os\nprint(os.getcwd())")]
    path = folder / name
    nbformat.write(notebook, path)
    return path


def printed_folder(executed) -> str:
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    return "".join(cells[-1]["outputs"][0]["text"]).strip()


def test_kernels_of_two_projects_at_once_start_in_their_own_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the process works elsewhere, as a test runner or CLI may
    sources = [
        notebook_printing_its_folder(tmp_path / project / "notebooks", f"0{n}-{project}.ipynb")
        for n, project in enumerate(["a", "b", "a", "b"], start=1)
    ]

    runs = run_notebooks(sources, tmp_path / "out", 2023, failed_dir=tmp_path / "failed", jobs=4)

    for run in runs:
        assert printed_folder(run.executed) == str(run.source.parent)
    assert os.getcwd() == str(tmp_path)  # running notebooks never moved this process


def notebook_failing_on_bad_data(project, name: str):
    """A chapter notebook that prints its kernel's language, then loads a data file."""
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("year = 2023")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        parameters,
        nbformat.v4.new_code_cell(
            "import os\n"
            "from brief.i18n import current_language\n"
            "print(os.environ.get('BRIEF_LANG'), current_language())"
        ),
        nbformat.v4.new_code_cell(
            "from brief.notebook.data import load_data\nload_data('ouderen')"
        ),
    ]
    path = project.notebooks_dir / name
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_kernel_speaks_the_language_of_the_build(project, tmp_path, language):
    """brief's own error raised in a notebook reads in the build's language, as the rest."""
    from brief.exceptions import DataError, NotebookError
    from brief.i18n import _, speaking
    from brief.notebook.data import load_data

    spoil_a_value(project)
    source = notebook_failing_on_bad_data(project, "09-taal.ipynb")
    failed = tmp_path / "failed"

    with speaking(language):
        with pytest.raises(NotebookError) as caught:
            run_notebooks([source], tmp_path / "out", 2023, failed_dir=failed)
        with pytest.raises(DataError) as here:  # the same file, read in the build's process
            load_data("ouderen", project)
        # Cell 4: the parameters, papermill's injected parameters, the print, load_data.
        where = _("Notebook {notebook} failed for {year} on this, in cell {cell} ({kind}).")
        where = where.format(notebook=source.name, year=2023, cell=4, kind="DataError")
        kept = _(
            "The partly run notebook is kept at {path}, the failing cell marked in it; open "
            "{page} to read it in a web browser."
        )
        kept = kept.format(path=failed / source.name, page=failed / "09-taal.html")

    # The kernel's part is what the build's process says of the file in its language, and
    # the build's parts follow in that language: the kernel was started speaking it.
    assert str(caught.value) == f"{here.value}\n{where}\n{kept}"
    cells = json.loads((failed / source.name).read_text(encoding="utf-8"))["cells"]
    (printing,) = [c for c in cells if "current_language()" in "".join(c["source"])]
    assert "".join(printing["outputs"][0]["text"]).split() == [language, language]
    if language == "en":
        assert str(caught.value).startswith("ouderen.csv has 1 problem(s):\n")
        assert where == "Notebook 09-taal.ipynb failed for 2023 on this, in cell 4 (DataError)."


IMPORTS_WHILE_RUNNING = """
import sys
from pathlib import Path
import nbformat
from brief.build.kernels import warm_kernels
from brief.build.run import import_notebook_libraries, run_notebooks

folder = Path(sys.argv[1])
notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
nbformat.write(notebook, folder / "01-een.ipynb")
nbformat.write(notebook, folder / "02-twee.ipynb")
import_notebook_libraries()
before = set(sys.modules)
with warm_kernels():
    run_notebooks(
        [folder / "01-een.ipynb", folder / "02-twee.ipynb"], folder / "out", 2023,
        failed_dir=folder / "failed", jobs=2,
    )
print(sorted(set(sys.modules) - before))
"""


@pytest.mark.parametrize("kernels", ["fork", "plain"])
def test_threads_running_notebooks_import_nothing_after_the_libraries(tmp_path, kernels):
    """Two threads importing one module's circle at once can fail ("KeyError: 'IPython'");
    the thread readying the notebook pages imports beside the notebook threads, so these
    must import nothing once import_notebook_libraries() has run."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_WHILE_RUNNING, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "BRIEF_KERNELS": kernels},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_notebook_libraries_leave_numpy_pyarrow_and_nbconvert_for_later():
    """A build imports papermill before its kernels start; papermill would import pyarrow
    and numpy for notebooks on HDFS (0.15 s), and nbconvert is for the pages, readied
    while the kernels start. Afterwards pyarrow.fs imports as ever."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from brief.build.run import import_notebook_libraries\n"
        "import_notebook_libraries()\n"
        "print(sorted({'numpy', 'pyarrow', 'nbconvert', 'pandas'} & set(sys.modules)))\n"
        "import pyarrow.fs\n"
        "print(pyarrow.fs.LocalFileSystem.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "LocalFileSystem"]


def test_papermill_never_moves_the_process_to_a_folder_it_kept(tmp_path, monkeypatch):
    """papermill's local files handler keeps one folder for the whole process and changes
    to it around each read and write; from a stale one (an earlier run's, since gone) every
    notebook would fail and the process would wander. brief's handler changes nowhere."""
    from papermill.iorw import papermill_io

    from brief.build.run import import_notebook_libraries

    import_notebook_libraries()
    papermill_io.get_handler("local").cwd(str(tmp_path / "gone"))  # an earlier run's folder
    monkeypatch.chdir(tmp_path)
    sources = [notebook_printing_its_folder(tmp_path / "p", f"0{n}-p.ipynb") for n in (1, 2)]

    runs = run_notebooks(sources, tmp_path / "out", 2023, failed_dir=tmp_path / "failed", jobs=2)

    assert [printed_folder(run.executed) for run in runs] == [str(tmp_path / "p")] * 2
    assert os.getcwd() == str(tmp_path)
