"""`brief init` starts a project for any municipality; it builds, with its own areas and keys."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess

import docx
import nbformat
import openpyxl
import pytest
import yaml
from docx.oxml.ns import qn
from typer.testing import CliRunner

from brief.cli import app
from brief.letter import parts, pdf
from brief.project.starter import split_areas

runner = CliRunner()
AREAS = ["Binnenstad", "Oost", "Leidsche Rijn", "Overvecht"]


def init(folder):
    return runner.invoke(
        app,
        [
            "init",
            str(folder),
            "--organisatie",
            "Gemeente Utrecht",
            "--stad",
            "Utrecht",
            "--gebieden",
            ",".join(AREAS),
        ],
    )


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notities.txt").write_text("van iemand", encoding="utf-8")

    result = init(tmp_path)

    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notities.txt"]


def test_init_without_answers_off_a_terminal_says_which_to_give(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "nieuw"), "--stad", "Utrecht"])

    assert result.exit_code == 1
    assert "Give --organisatie, --gebieden" in result.output
    assert not (tmp_path / "nieuw").exists()


def test_init_asks_at_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr("brief.cli.project._at_a_terminal", lambda: True)

    result = runner.invoke(
        app, ["init", str(tmp_path / "p")], input="Gemeente Zwolle\nZwolle\nNoord,Zuid\n"
    )

    assert result.exit_code == 0, result.output
    settings = yaml.safe_load((tmp_path / "p" / "brief.yaml").read_text(encoding="utf-8"))
    assert settings["organisatie"] == "Gemeente Zwolle" and settings["stad"] == "Zwolle"


def git(folder, *arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_makes_a_git_repository_that_commits_notebooks_without_outputs(tmp_path):
    folder = tmp_path / "utrecht"

    result = init(folder)

    assert result.exit_code == 0, result.output
    assert "It is a git repository with a first commit" in result.output
    assert git(folder, "status", "--porcelain") == ""  # everything is in the first commit
    assert len(git(folder, "log", "--format=%s").splitlines()) == 1
    committed = git(folder, "ls-files").split()
    assert {"brief.yaml", "notebooks/01-overzicht.ipynb", "templates/brief.docx"} <= set(committed)
    assert ".gitattributes" in committed and "outputs" not in " ".join(committed)

    # A notebook run in JupyterLab, with outputs, is committed without them.
    notebook = folder / "notebooks" / "01-overzicht.ipynb"
    ran = nbformat.read(notebook, as_version=4)
    code = next(cell for cell in ran.cells if cell.cell_type == "code")
    code.execution_count = 3
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="30.133 kinderen\n")]
    nbformat.write(ran, notebook)
    git(folder, "add", "notebooks/01-overzicht.ipynb")

    staged = nbformat.reads(git(folder, "show", ":notebooks/01-overzicht.ipynb"), as_version=4)
    assert all(c.outputs == [] for c in staged.cells if c.cell_type == "code")
    assert "30.133" not in git(folder, "show", ":notebooks/01-overzicht.ipynb")


def test_init_without_git_writes_the_project_all_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr("brief.project.starter.shutil.which", lambda command: None)

    result = init(tmp_path / "utrecht")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "utrecht" / "brief.yaml").is_file()
    assert not (tmp_path / "utrecht" / ".git").exists()
    assert "git repository" not in result.output


def test_areas_may_be_separated_by_semicolons_as_excel_writes_them():
    assert split_areas("Noord;Oost; Zuid ;West;") == ["Noord", "Oost", "Zuid", "West"]
    assert split_areas("Noord,Oost;Zuid") == ["Noord", "Oost", "Zuid"]


def test_init_takes_semicolons(tmp_path):
    result = runner.invoke(
        app,
        ["init", str(tmp_path / "p"), "--organisatie", "Gemeente Zwolle", "--stad", "Zwolle"]
        + ["--gebieden", "Noord;Zuid;Stadshagen"],
    )

    assert result.exit_code == 0, result.output
    areas = (tmp_path / "p" / "data" / "gebieden.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in areas[1:]] == ["Noord", "Zuid", "Stadshagen"]


def test_the_starter_template_is_laid_out_as_a_letter(tmp_path):
    assert init(tmp_path / "utrecht").exit_code == 0
    template = docx.Document(tmp_path / "utrecht" / "templates" / "brief.docx")

    header = template.sections[0].header
    assert header.paragraphs[0].text == "Gemeente Utrecht"
    block = [[cell.text for cell in row.cells] for row in header.tables[0].rows]
    assert block == [
        ["Datum:", "{{ datum|datum }}"],
        ["Ons kenmerk:", "{{ kenmerk }}"],
        ["Blad:", "1/1"],
    ]
    paragraphs = template.paragraphs
    texts = [p.text for p in paragraphs]
    assert texts[:3] == [
        "Aan de {{ commissie }}",
        "Onderwerp: {{ onderwerp }}",
        "Geachte commissieleden,",
    ]
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"] == [
        "1. Bereik",
        "2. Tot slot",
    ]
    greeting = texts.index("Met vriendelijke groet,")
    assert paragraphs[greeting - 1].style.name == "Normal"  # a closing sentence, then the greeting
    assert paragraphs[greeting].paragraph_format.space_before > 0
    assert texts[greeting + 1 :] == ["{{ ondertekening.naam }}", "{{ ondertekening.functie }}"]
    assert pdf.letter_fonts(tmp_path / "utrecht" / "templates" / "brief.docx") == {"Arial"}


def as_semicolon_csv(path) -> None:
    """Rewrite a CSV the way Dutch Excel saves it: semicolons, decimal commas."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def as_xlsx(path) -> None:
    """Replace a CSV by a workbook holding the same rows, numbers as numbers."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([float(cell) if cell.replace(".", "").isdigit() else cell for cell in row])
    workbook.save(path.with_suffix(".xlsx"))
    path.unlink()


@pytest.mark.slow
def test_a_new_municipality_builds_its_own_letter(tmp_path):
    folder = tmp_path / "utrecht"
    assert init(folder).exit_code == 0
    year = int(next((folder / "params").glob("*.yaml")).stem)

    # Its own params key, its areas file as Dutch Excel saves it, its figures as a workbook.
    settings = folder / "brief.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "extra_velden: {}", "extra_velden:\n  portefeuillehouder: tekst"
        ),
        encoding="utf-8",
    )
    params = folder / "params" / f"{year}.yaml"
    params.write_text(
        params.read_text(encoding="utf-8") + "portefeuillehouder: Zorg & Welzijn\n", "utf-8"
    )
    template = folder / "templates" / "brief.docx"
    document = docx.Document(template)
    document.add_paragraph("Portefeuillehouder: {{ portefeuillehouder }}")
    document.save(template)
    as_semicolon_csv(folder / "data" / "gebieden.csv")
    as_xlsx(folder / "data" / "cijfers.csv")

    built = runner.invoke(app, ["build", str(year), "--project", str(folder)])

    assert built.exit_code == 0, built.output
    letter = docx.Document(folder / "outputs" / str(year) / f"brief-{year}.docx")
    body = [p.text for p in letter.paragraphs]
    assert "Portefeuillehouder: Zorg & Welzijn" in body
    assert any(text.startswith(f"In {year} bereikten de welzijnsaanbieders ") for text in body)
    header = letter.sections[0].header
    assert header.paragraphs[0].text == "Gemeente Utrecht"
    assert [c.text for c in header.tables[0].rows[1].cells] == ["Ons kenmerk:", f"{year}-001"]
    alt_texts = [e.get("descr") for e in letter.element.body.iter(qn("wp:docPr"))]
    assert any(area in alt for alt in alt_texts for area in AREAS)
    per_area = (folder / "outputs" / str(year) / "figuren" / "bereik_per_gebied.csv").read_text()
    assert all(area in per_area for area in AREAS) and "Utrecht" not in per_area
    assert "Rotterdam" not in "\n".join(text for _, text in parts.paragraph_texts(letter))
    assert letter.core_properties.language == "nl-NL"


@pytest.mark.slow
def test_a_misspelt_own_key_is_refused_with_a_suggestion(tmp_path):
    folder = tmp_path / "utrecht"
    init(folder)
    settings = folder / "brief.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "extra_velden: {}", "extra_velden:\n  portefeuillehouder: tekst"
        ),
        encoding="utf-8",
    )
    params = next((folder / "params").glob("*.yaml"))
    params.write_text(params.read_text(encoding="utf-8") + "portefeuilehouder: X\n", "utf-8")

    result = runner.invoke(app, ["build", params.stem, "--project", str(folder)])

    assert result.exit_code == 1
    assert "unknown key 'portefeuilehouder'. Did you mean 'portefeuillehouder'?" in result.output
    assert "'portefeuillehouder' is missing; add it." in result.output


@pytest.mark.slow
def test_the_starter_letter_prints_its_letterhead_on_one_line_each(tmp_path):
    if pdf.find_soffice() is None or shutil.which("pdftotext") is None:
        message = "LibreOffice or pdftotext is not installed (.ci/run installs both)"
        if os.environ.get("BRIEF_REQUIRE_SOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path / "utrecht"
    assert init(folder).exit_code == 0
    year = int(next((folder / "params").glob("*.yaml")).stem)

    built = runner.invoke(app, ["build", str(year), "--pdf", "--project", str(folder)])

    assert built.exit_code == 0, built.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / "outputs" / str(year) / f"brief-{year}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert lines[0] == "Gemeente Utrecht"
    assert f"Ons kenmerk: {year}-001" in lines
    assert "Aan de commissie Zorg en Welzijn" in lines
    assert "Met vriendelijke groet," in lines  # on a line of its own
