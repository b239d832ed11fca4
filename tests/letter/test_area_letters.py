"""Area letters one can send: their own template, gaps a template handles, brief check per area."""

from __future__ import annotations

import docx
import pytest

from brief.build.check import check_letter
from brief.build.grid import build_grid, expand
from brief.letter import parts
from brief.project.letters import Letter

pytestmark = pytest.mark.slow


def letter_text(path) -> str:
    return "\n".join(text for _, text in parts.paragraph_texts(docx.Document(path)))


def newcomers_template(path) -> None:
    """A template written for the city letter, with filters on values that are gaps in areas."""
    document = docx.Document()
    document.add_paragraph("Aan de {{ commissie }}: {{ onderwerp }}")
    document.add_paragraph(
        "Op {{ kinderwerk_pleinen|getal }} pleinen, doel {{ kinderwerk_pleinen_doel|getal }}; "
        "{{ lokaal_budget_besteed|euro_mln }} besteed, {{ kinderwerk_doel_tekst|upper }}."
    )
    document.save(path)


def test_a_newcomers_template_with_filters_on_gaps_builds_a_letter_for_every_area(project):
    template = project.templates_dir / "nieuw.docx"
    newcomers_template(template)
    letters = expand(project, [2024], only=["area=Rotterdam", "area=Pernis"])

    grid = build_grid(project, letters, jobs=2, template=template)

    assert [entry.status for entry in grid.entries] == ["built", "built"]
    city, pernis = (project.outputs_dir / entry.letter for entry in grid.entries)
    assert "Op 72 pleinen, doel 70; € 2,4 mln. besteed" in letter_text(city).replace("\xa0", " ")
    text = letter_text(pernis)
    assert "doel geen gegevens voor dit gebied;" in text
    assert "€ 267.000 besteed" in text.replace("\xa0", " ")  # tens of thousands, in euros
    assert [gap.name for gap in grid.entries[1].gaps] == ["kinderwerk_pleinen_doel"]


def test_brief_check_fills_an_area_letter_from_the_area_template_with_the_areas_names(project):
    template, report = check_letter(project, Letter(2024, "Pernis"))

    assert template == project.area_template
    assert report.errors == []
    assert not [w for w in report.warnings if "not used" in w], report.warnings


def test_the_area_template_reads_right_for_an_area_with_figures_of_one_and_a_gap(project):
    letters = expand(project, [2024], only=["area=Rozenburg"])

    grid = build_grid(project, letters, jobs=2)

    text = letter_text(project.outputs_dir / grid.entries[0].letter)
    assert "Aan de gebiedscommissie Rozenburg" in text
    assert "geen gegevens" not in text  # the gap is said in a sentence of its own
    assert "Voor het aantal pleinen is geen doel per gebied vastgesteld." in text
    assert "telde Rozenburg 1 open jongerenhub, van de " in text  # singular, city beside it
    assert "het doel voor Rozenburg is 1 hub eind 2024" in text
    assert "in de hele stad € 2,8 mln." in text.replace("\xa0", " ")
    assert "{{" not in text and "{%" not in text
