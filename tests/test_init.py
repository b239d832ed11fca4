"""`brief init` starts a project for any municipality; it builds, with its own areas and keys."""

from __future__ import annotations

import csv
import io

import docx
import openpyxl
import pytest
import yaml
from docx.oxml.ns import qn
from typer.testing import CliRunner

from brief import word
from brief.cli import app

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
    monkeypatch.setattr("brief.cli._at_a_terminal", lambda: True)

    result = runner.invoke(
        app, ["init", str(tmp_path / "p")], input="Gemeente Zwolle\nZwolle\nNoord,Zuid\n"
    )

    assert result.exit_code == 0, result.output
    settings = yaml.safe_load((tmp_path / "p" / "brief.yaml").read_text(encoding="utf-8"))
    assert settings["organisatie"] == "Gemeente Zwolle" and settings["stad"] == "Zwolle"


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
    header = letter.sections[0].header.tables[0]
    assert header.rows[0].cells[0].text == "Gemeente Utrecht"
    assert header.rows[1].cells[1].text == f"Ons kenmerk: {year}-001"
    alt_texts = [e.get("descr") for e in letter.element.body.iter(qn("wp:docPr"))]
    assert any(area in alt for alt in alt_texts for area in AREAS)
    per_area = (folder / "outputs" / str(year) / "figuren" / "bereik_per_gebied.csv").read_text()
    assert all(area in per_area for area in AREAS) and "Utrecht" not in per_area
    assert "Rotterdam" not in "\n".join(text for _, text in word.paragraph_texts(letter))
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
