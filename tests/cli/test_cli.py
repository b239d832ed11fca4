import pytest
from typer.testing import CliRunner

from brief.cli import app

runner = CliRunner()


def test_path_like_year_is_refused(project):
    result = runner.invoke(app, ["build", "../../etc", "--project", str(project.root)])

    assert result.exit_code == 1
    assert "'../../etc' is not a year" in result.output
    assert "Traceback" not in result.output


def test_year_without_params_says_what_to_do(project):
    result = runner.invoke(app, ["build", "2031", "--project", str(project.root)])

    assert result.exit_code == 1
    assert "There is no params file for 2031" in result.output


def test_folder_that_is_not_a_project(tmp_path):
    result = runner.invoke(app, ["build", "2023", "--project", str(tmp_path)])

    assert result.exit_code == 1
    assert "is not a brief project" in result.output


def test_template_that_is_not_docx(project, tmp_path):
    fake = tmp_path / "brief.docx"
    fake.write_text("not a zip", encoding="utf-8")

    result = runner.invoke(
        app, ["build", "2023", "--project", str(project.root), "--template", str(fake)]
    )

    assert result.exit_code == 1
    assert "cannot be opened as a Word document" in result.output


def test_paths_are_printed_from_the_folder_brief_runs_in(project, monkeypatch, tmp_path):
    letter = project.year_dir(2023) / "brief-2023.docx"

    monkeypatch.chdir(project.root)
    assert project.shown(letter) == "outputs/2023/brief-2023.docx"
    monkeypatch.chdir(project.data_dir)
    assert project.shown(letter) == "../outputs/2023/brief-2023.docx"
    monkeypatch.chdir(tmp_path)  # the project's parent: the way down into it
    assert project.shown(letter) == "project/outputs/2023/brief-2023.docx"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # beside the project: absolute
    assert project.shown(letter) == str(letter.resolve())
    assert project.relative(letter) == "outputs/2023/brief-2023.docx"  # records: the project's


def test_new_year_starts_from_the_latest_and_lists_missing_data(project, monkeypatch):
    monkeypatch.chdir(project.root)  # paths are printed from where brief runs
    result = runner.invoke(app, ["new", "2025", "--project", str(project.root)])

    assert result.exit_code == 0, result.output
    assert "Wrote params/2025.yaml from 2024.yaml." in result.output
    assert "Fill in: datum, kenmerk" in result.output
    assert "  data/ouderen.csv (header: indicator,year,area,value,kind,source)" in result.output
    assert "      vitale_flats,2025,Rotterdam,<value>,realisation,<source>\n" in result.output
    import yaml

    written = yaml.safe_load(project.params_file(2025).read_text(encoding="utf-8"))
    assert written["jaar"] == 2025
    assert written["datum"] == written["kenmerk"] == "INVULLEN"
    assert written["toezeggingen"] == []
    assert "2025" in written["onderwerp"] and "2024" not in written["onderwerp"]

    again = runner.invoke(app, ["new", "2025", "--project", str(project.root)])
    assert again.exit_code == 1
    assert "params/2025.yaml already exists" in again.output

    build = runner.invoke(app, ["build", "2025", "--project", str(project.root)])
    assert build.exit_code == 1
    assert "INVULLEN" in build.output and "datum" in build.output
    assert "Traceback" not in build.output


def test_internal_fault_prints_one_line_and_writes_the_traceback_to_a_log(project, monkeypatch):
    monkeypatch.chdir(project.root)

    def broken_plan(*args, **kwargs):
        return {}["no such key"]  # a fault of brief's own, deep inside a build

    monkeypatch.setattr("brief.build.year.make_plan", broken_plan)

    result = runner.invoke(app, ["build", "2023", "--project", str(project.root)])

    assert result.exit_code == 70
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "Error: brief stopped on an internal fault (KeyError: 'no such key')"
    )
    assert "outputs/.brief-error.log" in lines[0]
    assert "Traceback" not in result.output
    log = (project.outputs_dir / ".brief-error.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log
    assert "broken_plan" in log and "command:" in log


def test_fields_never_cuts_a_name_at_80_columns(project, monkeypatch):
    from brief.build import check as checking
    from brief.notebook.collect import Collection, Published
    from brief.records import Origin, PublishedValue
    from tests.letter.test_escaping import params

    names = [
        "valpreventie_doel_realisatie_per_gebied_in_het_jaar_van_de_brief",
        "valpreventie_doel_realisatie_per_gebied_in_het_jaar_ervoor",
    ]
    origin = Origin(notebook="02-ouderen-met-een-lange-naam.ipynb", cell=4)
    items = {n: Published(PublishedValue(name=n, value=700), origin) for n in names}
    monkeypatch.setattr(
        checking,
        "load_year",
        lambda paths, year, *letter_and_runner: (params(), Collection(items=items)),
    )

    result = runner.invoke(app, ["fields", "2023", "--project", str(project.root)])

    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for name in names:
        assert name in result.output
    assert "…" not in result.output
    assert "computed in the notebook" in " ".join(result.output.split())


@pytest.mark.parametrize("command", ["build", "check", "fields"])
@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "'abc' is no number of threads. Give local, local:N"),
        ("nl", "'abc' is geen aantal threads. Geef local, local:N"),
    ],
)
def test_a_local_cluster_without_a_number_is_said_before_any_work(
    project, monkeypatch, command, language, said
):
    monkeypatch.setenv("BRIEF_LANG", language)
    result = runner.invoke(
        app, [command, "2023", "--cluster", "local:abc", "--project", str(project.root)]
    )

    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.replace("│", " ").split())
    assert not project.outputs_dir.exists()  # nothing planned, nothing written


def test_a_local_cluster_names_its_threads_or_is_refused():
    from brief.build.cluster import local_threads
    from brief.exceptions import ClusterError

    assert local_threads("local:3") == 3
    assert local_threads("local") >= 1
    assert local_threads("tcp://scheduler:8786") is None
    for wrong in ("local:", "local:0", "local:-2", "local:two"):
        with pytest.raises(ClusterError, match="no number of threads"):
            local_threads(wrong)


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--help"], "geschiedenis"),
        (["nonsense"], "nonsense"),
        (["build", "1999", "--project", "{project}"], "1999"),
        (["build", "2023", "--jobs", "0", "--project", "{project}"], "--jobs"),
        (["diff", "--project", "{project}"], "diff"),
    ],
)
def test_the_brief_command_ends_as_the_command_line_does(project, arguments, said):
    """`brief` (python -m brief) ends without unloading its modules: its exit code is the
    command line's own, as CliRunner sees it, and nothing it printed is lost."""
    import os
    import subprocess
    import sys

    arguments = [argument.format(project=project.root) for argument in arguments]
    expected = runner.invoke(app, arguments)
    done = subprocess.run(
        [sys.executable, "-m", "brief", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == expected.exit_code
    assert said in done.stdout + done.stderr
