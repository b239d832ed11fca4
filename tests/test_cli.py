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
        app, ["build", "2023", "--project", str(project.root), "--template", str(fake)])

    assert result.exit_code == 1
    assert "cannot be opened as a Word document" in result.output
