"""End to end: build the example letters and check the real .docx files."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn

from brief.build.year import build_year
from brief.exceptions import NotebookError, TemplateError
from brief.letter import parts
from tests.conftest import spoil_a_value

pytestmark = pytest.mark.slow


def letter_text(path) -> str:
    """Return all paragraph text of a letter, body, tables, headers and footers included."""
    document = docx.Document(path)
    return "\n".join(text for _, text in parts.paragraph_texts(document)).replace("\xa0", " ")


def test_2023_letter_has_the_seeds_figures_in_dutch_format(built):
    text = letter_text(built["results"][2023].letter)

    for expected in (
        "30.133 kinderen",
        "88 pleinen",
        "15.000",
        "€ 1,7 mln.",
        "€ 2,8 mln.",
        "700 ouderen",
        "92 aanvragen",
        "9 jongerenhubs",
        "het doel is gehaald",
        "14 gebieden",
        "6 welzijnsaanbieders",
        "23bb005467",
    ):
        assert expected in text, expected


def test_2023_letter_has_charts_with_captions_and_alt_text(built):
    document = docx.Document(built["results"][2023].letter)

    shapes = document.inline_shapes
    captions = [p.text for p in document.paragraphs if p.text.startswith("Figuur ")]
    assert len(shapes) >= 5
    assert captions[0].startswith("Figuur 1: ")
    assert len(captions) == len(shapes)
    descriptions = [shape._inline.docPr.get("descr") for shape in shapes]
    assert all(descriptions)
    assert any(d.startswith("Lijndiagram: kinderen bereikt") for d in descriptions)


def test_letterhead_has_date_reference_and_page_fields(built):
    header = docx.Document(built["results"][2023].letter).sections[0].header
    text = "\n".join(cell.text for t in header.tables for row in t.rows for cell in row.cells)
    fields = [i.text.strip() for i in header._element.iter(qn("w:instrText"))]

    assert "12 juli 2024" in text
    assert "M2312-1203" in text
    assert "Blad:" in text
    assert fields == ["PAGE", "NUMPAGES"]


def test_no_template_tag_is_left_anywhere(built):
    for result in built["results"].values():
        document = docx.Document(result.letter)
        assert parts.find_placeholders(document) == []


def test_indicator_table_is_in_the_letter_with_na_cells(built):
    document = docx.Document(built["results"][2023].letter)
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Soort"]

    assert len(tables) == 1
    cells = [cell.text for row in tables[0].rows for cell in row.cells]
    assert "Realisatie 2023" in cells
    assert "30.133" in cells
    assert "n.v.t." in cells


def test_every_table_fits_the_text_width_and_rows_never_split(built):
    document = docx.Document(built["results"][2023].letter)
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin

    for table in document.tables:
        assert sum(column.width for column in table.columns) <= text_width + 10  # rounding
    published = document.tables[:2]  # aanbieders and indicatoren; the third is the template's
    assert [t.rows[0].cells[0].text for t in published] == ["Welzijnsaanbieder", "Soort"]
    for table in published:
        assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows)
        # The header keeps with the first row, the last row with the source line below.
        for row in (table.rows[0], table.rows[-1]):
            assert all(cell.paragraphs[0].paragraph_format.keep_with_next for cell in row.cells)
        source = table._tbl.getnext()
        assert source.xpath("./w:pPr/w:pStyle/@w:val") == ["Bron"]


def test_commitments_table_loops_over_the_params_file_in_template_rows(built):
    document = docx.Document(built["results"][2023].letter)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Kenmerk")
    rows = [[cell.text for cell in row.cells] for row in table.rows]

    assert rows[0] == ["Kenmerk", "Toezegging", "Status"]
    assert [row[0] for row in rows[1:]] == ["23bb005467", "23bb007137", "24bb003839"]
    assert all(row[2] == "afgedaan" for row in rows[1:])
    captions = [p.text for p in document.paragraphs if p.text.startswith("Tabel ")]
    assert captions[-1] == "Tabel 3: Toezeggingen waarop deze brief ingaat"


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2022,
            ["11.840 kinderen", "300 ouderen", "M2305-0871", "fictief ter illustratie: doel 2022"],
        ),
        (2024, ["26.410 kinderen", "76 aanvragen", "8 herstelacademies", "M2506-0412"]),
    ],
)
def test_other_years_carry_their_own_figures(built, year, expected):
    text = letter_text(built["results"][year].letter)

    for fragment in expected:
        assert fragment in text, fragment


def test_executed_notebooks_and_figures_are_kept(built):
    folder = built["paths"].year_dir(2023)

    assert sorted(p.name for p in (folder / "notebooks").glob("*.ipynb")) == [
        p.name for p in built["paths"].notebooks()
    ]
    assert (folder / "figuren" / "kinderwerk_trend.png").is_file()
    assert (folder / "figuren" / "kinderwerk_trend.csv").is_file()


def test_failing_notebook_keeps_previous_letter(project):
    first = build_year(project, 2023, jobs=2)
    before = first.letter.read_bytes()
    spoil_a_value(project)

    with pytest.raises(NotebookError) as caught:
        build_year(project, 2023, jobs=2)

    # Both notebooks that read the file fail, and both are reported, each with its error.
    message = str(caught.value)
    assert message.startswith("2 notebooks failed:\n\n1. ouderen.csv has 1 problem(s):")
    assert "02-ouderen.ipynb failed for 2023" in message
    assert "\n\n2. ouderen.csv has 1 problem(s):" in message
    assert "05-indicatoren.ipynb failed for 2023" in message
    assert "DataError" in message
    assert first.letter.read_bytes() == before
    failed = project.year_dir(2023) / "failed"
    assert (failed / "02-ouderen.ipynb").is_file()
    page = failed / "02-ouderen.html"  # the failed notebook as a page an advisor can open
    assert f"open {page} to read it in a web browser" in message
    assert "zevenhonderd" in page.read_text(encoding="utf-8")
    assert not list(project.outputs_dir.glob(".2023-building-*"))


def test_unknown_placeholder_stops_the_build_with_suggestion(project):
    import shutil

    from docx import Document

    template = project.templates_dir / "typo.docx"
    shutil.copy(project.default_template, template)
    document = Document(template)
    document.add_paragraph("Bereik: {{ kinderwerk_beriek }}")
    document.save(template)

    with pytest.raises(TemplateError, match="Did you mean 'kinderwerk_bereik'"):
        build_year(project, 2023, template=template, jobs=2)
    assert not project.year_dir(2023).exists()


def add_notebook(project, name: str, code: str) -> None:
    """Add a chapter notebook with a parameters cell and one cell of ``code``."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("year = 2023")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(code)]
    nbformat.write(notebook, project.notebooks_dir / name)


def test_hanging_cell_is_stopped_with_a_clear_message(project):
    add_notebook(project, "06-hangt.ipynb", "import time\ntime.sleep(60)")

    with pytest.raises(NotebookError, match="took longer than 3 seconds in one cell"):
        build_year(project, 2023, jobs=2, timeout=3)
    assert (project.year_dir(2023) / "failed" / "06-hangt.ipynb").is_file()
    assert not project.year_dir(2023).joinpath("brief-2023.docx").exists()


def test_kernel_that_dies_is_reported_and_keeps_the_notebook(project):
    add_notebook(project, "06-sterft.ipynb", "import os\nos._exit(1)")

    with pytest.raises(NotebookError) as caught:
        build_year(project, 2023, jobs=2)

    assert str(caught.value).startswith(
        "The Python kernel running 06-sterft.ipynb for 2023 died (out of memory, or the "
        "process was killed)."
    )
    assert (project.year_dir(2023) / "failed" / "06-sterft.ipynb").is_file()
    assert not project.year_dir(2023).joinpath("brief-2023.docx").exists()


def test_missing_kernel_says_how_to_reinstall(project, monkeypatch):
    monkeypatch.setattr("brief.build.run.KERNEL", "geen-kernel")

    with pytest.raises(NotebookError) as caught:
        build_year(project, 2023, jobs=1)  # one at a time: the first notebook is the one named

    assert str(caught.value) == (
        "Cannot run 01-jeugd.ipynb: the Jupyter kernel 'geen-kernel' is not installed in this "
        "environment. Reinstall the project with `make report`."
    )
    assert not project.year_dir(2023).exists() or not list(project.year_dir(2023).iterdir())
