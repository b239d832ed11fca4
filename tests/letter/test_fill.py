"""Filling a template: syntax errors point at the paragraph, and template-side table rows."""

from __future__ import annotations

import docx
import pytest

from brief.exceptions import TemplateError
from brief.letter.fill import render_letter
from brief.letter.templating import jinja_environment, open_template, template_names
from brief.notebook.collect import Collection, Published
from brief.records import Origin, PublishedTable
from tests.letter.test_escaping import params


def template_with(tmp_path, *paragraphs, header: str = ""):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    path = tmp_path / "template.docx"
    document.save(path)
    return open_template(path)


def syntax_error(template) -> str:
    with pytest.raises(TemplateError) as caught:
        template_names(template, jinja_environment())
    return str(caught.value)


def test_bad_tag_is_reported_with_its_paragraph(tmp_path):
    template = template_with(
        tmp_path,
        "Inleiding zonder tags.",
        "In {{ jaar }} bereikten we {{ bereik | }} kinderen.",
        "Slot.",
    )

    message = syntax_error(template)

    assert 'In the body, at: "In {{ jaar }} bereikten we {{ bereik | }} kinderen."' in message


def test_block_left_open_is_reported_where_it_opens(tmp_path):
    template = template_with(
        tmp_path, "Eerste alinea.", "{% if jaar > 2022 %}Alleen na 2022.", "Laatste alinea."
    )

    message = syntax_error(template)

    assert "Unexpected end of template" in message
    assert 'at: "{% if jaar > 2022 %}Alleen na 2022."' in message


def test_bad_tag_in_the_header_names_the_header(tmp_path):
    template = template_with(tmp_path, "Goed: {{ jaar }}", header="Kenmerk {{ kenmerk }")

    assert 'In the header, at: "Kenmerk {{ kenmerk }"' in syntax_error(template)


def test_published_table_rows_fill_a_table_drawn_in_the_template(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for rij in aanbieders.rijen %}"
    table.rows[1].cells[0].text = "{{ rij.Aanbieder }}"
    table.rows[1].cells[1].text = "{{ rij['Bereik 2023'] }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("Bron: {{ aanbieders.bron }}")
    document.save(tmp_path / "template.docx")
    table = PublishedTable(
        name="aanbieders",
        title="Aanbieders",
        source="Test",
        alt="",
        columns=["Aanbieder", "Bereik 2023"],
        rows=[["DOCK & co", 12500], ["SOL", None]],
    )
    origin = Origin(notebook="05-indicatoren.ipynb", cell=3)
    collection = Collection(items={"aanbieders": Published(table, origin)})

    render_letter(
        tmp_path / "template.docx",
        params(),
        collection,
        tmp_path / "letter.docx",
    )

    letter = docx.Document(tmp_path / "letter.docx")
    rows = [[cell.text for cell in row.cells] for row in letter.tables[0].rows]
    assert rows == [["DOCK & co", "12.500"], ["SOL", "n.v.t."]]
    assert "Bron: Test" in [p.text for p in letter.paragraphs]


def test_a_subdocument_holds_what_docxtpls_own_holds(tmp_path):
    """Figures and tables are built in subdocuments made from one copy of python-docx's
    blank document; the XML they add to the letter is docxtpl's, byte for byte."""
    from docx.enum.style import WD_STYLE_TYPE

    from brief.letter.fill import _new_subdoc, _styled
    from tests.conftest import REPO

    template = open_template(REPO / "templates" / "brief.docx")
    caption = template.get_docx().part.get_style_id("Caption", WD_STYLE_TYPE.PARAGRAPH)
    made = []
    for sub in (template.new_subdoc(), _new_subdoc(template), _new_subdoc(template)):
        _styled(sub.add_paragraph("Figuur 1: bereik"), caption)
        table = sub.add_table(rows=2, cols=3)
        table.cell(1, 2).text = "1.234"
        sub.add_paragraph("Bron: jeugd.csv")
        made.append(str(sub))
    assert made[0] == made[1] == made[2] and 'w:pStyle w:val="Caption"' in made[0]


@pytest.mark.parametrize("review", [True, False])
def test_the_key_of_a_saved_letter_is_that_of_the_file_written(tmp_path, review):
    """A build takes the letter's key from the document it saved, not from the file read
    back: both must be the same, marks and comments of the review copy left out."""
    from brief.letter.fill import fill_letter
    from brief.letter.parts import fingerprint_of
    from tests.letter.test_escaping import text_values

    template_with(tmp_path, "Het bereik was {{ bereik }} in {{ jaar }}.", header="K")
    filled = fill_letter(
        tmp_path / "template.docx", params(), text_values({"bereik": "12"}), review=review
    )

    key = filled.save_letter(tmp_path / "letter.docx")

    assert filled.marked is review
    assert key == fingerprint_of(tmp_path / "letter.docx")
    assert key != fingerprint_of(filled.package) or not review  # the marks are left out
