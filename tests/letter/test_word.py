from docx import Document
from docx.oxml.ns import qn

from brief.letter import layout, parts


def instructions(element):
    return [i.text.strip() for i in element.iter(qn("w:instrText"))]


def test_caption_is_a_seq_field_numbered_in_order():
    document = Document()
    for title in ("Eerste", "Tweede"):
        layout.add_caption(document.add_paragraph(), "Figuur", title)
    layout.add_caption(document.add_paragraph(), "Tabel", "Derde")

    counts = layout.number_captions(document)

    assert instructions(document.element.body) == [
        "SEQ Figuur \\* ARABIC",
        "SEQ Figuur \\* ARABIC",
        "SEQ Tabel \\* ARABIC",
    ]
    assert [p.text for p in document.paragraphs] == [
        "Figuur 1: Eerste",
        "Figuur 2: Tweede",
        "Tabel 1: Derde",
    ]
    assert counts == {"Figuur": 2, "Tabel": 1}


def test_table_alt_text_and_repeating_header():
    document = Document()
    table = document.add_table(rows=2, cols=2)

    layout.set_table_alt_text(table, "Titel", "Beschrijving")
    layout.repeat_as_header(table.rows[0])

    tbl_pr = table._tbl.tblPr
    assert tbl_pr.find(qn("w:tblCaption")).get(qn("w:val")) == "Titel"
    assert tbl_pr.find(qn("w:tblDescription")).get(qn("w:val")) == "Beschrijving"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_placeholders_are_found_in_headers_and_table_cells():
    document = Document()
    document.add_paragraph("Geen tag hier")
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "{{ vergeten }}"
    document.sections[0].header.paragraphs[0].text = "Kenmerk {{ kenmerk }}"

    found = parts.find_placeholders(document)

    assert ("body", "{{ vergeten }}") in found
    assert ("header", "Kenmerk {{ kenmerk }}") in found
