"""Running notebooks: each kernel starts in its own notebook's folder, whatever the process does."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from brief.run import run_notebooks

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
