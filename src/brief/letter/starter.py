"""The Word template `brief init` gives a new project: a letter of the organisation, with
placeholders where the example notebook's values, figure and table go."""

from __future__ import annotations

from pathlib import Path

from brief.letter import layout
from brief.letter.accessibility import LANGUAGE


def write_starter_template(path: Path, organisation: str) -> None:
    """Write a Word template that looks like a letter of the organisation.

    A letterhead (the organisation, with date, reference and page in a block on the right,
    each on one line), the addressee and subject, numbered headings, a closing paragraph,
    then the greeting and the signature each on their own. Arial throughout: brief brings a
    font of its widths for the PDF.
    """
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    accent, grey = RGBColor(0x1F, 0x3A, 0x5F), RGBColor(0x55, 0x55, 0x55)
    document = docx.Document()
    # Arial, not the theme's fonts (Calibri, Calibri Light), which Word prefers when named.
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for name in [name for name in fonts.attrib if name.lower().endswith("theme")]:
            del fonts.attrib[name]
        if fonts.get(qn("w:ascii")) is None:
            fonts.set(qn("w:ascii"), "Arial")
            fonts.set(qn("w:hAnsi"), "Arial")
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in ((1, 13), (2, 11)):
        heading = document.styles[f"Heading {level}"]
        heading.font.name, heading.font.size = "Arial", Pt(size)
        heading.font.color.rgb = accent
        heading.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        heading.paragraph_format.space_after = Pt(4)

    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)
    header = section.header
    name = header.paragraphs[0].add_run(organisation)
    name.bold, name.font.size, name.font.color.rgb = True, Pt(14), accent
    block = header.add_table(rows=3, cols=2, width=Cm(7.5))
    block.alignment = WD_TABLE_ALIGNMENT.RIGHT
    for row, (label, value) in zip(
        block.rows,
        (("Datum:", "{{ datum|datum }}"), ("Ons kenmerk:", "{{ kenmerk }}"), ("Blad:", None)),
        strict=True,
    ):
        row.cells[0].width, row.cells[1].width = Cm(2.7), Cm(4.8)
        row.cells[0].text = label
        cell = row.cells[1].paragraphs[0]
        if value is None:
            layout.add_field(cell, "PAGE")
            cell.add_run("/")
            layout.add_field(cell, "NUMPAGES")
        else:
            cell.add_run(value)
        for paragraph in (p for c in row.cells for p in c.paragraphs):
            paragraph.paragraph_format.space_after = Pt(0)
            for run in paragraph.runs:
                run.font.size = Pt(9)
    header.add_paragraph()
    footer = section.footer.paragraphs[0]
    footer.text = "{{ onderwerp }}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.runs[0].font.size, footer.runs[0].font.color.rgb = Pt(8), grey

    document.add_paragraph("Aan de {{ commissie }}")
    subject = document.add_paragraph()
    subject.add_run("Onderwerp: ").bold = True
    subject.add_run("{{ onderwerp }}")
    subject.paragraph_format.space_after = Pt(18)
    document.add_paragraph("Geachte commissieleden,")
    document.add_paragraph("{{ teksten.inleiding }}")
    document.add_heading("1. Bereik", level=1)
    document.add_paragraph(
        "In {{ jaar }} bereikten de welzijnsaanbieders {{ bereik }} bewoners; het doel was "
        "{{ bereik_doel }}, dus {{ bereik_doel_tekst }}. Van de deelnemers was "
        "{{ tevredenheid }} tevreden."
    )
    document.add_paragraph("{{p bereik_trend }}")
    document.add_paragraph("{{p bereik_per_gebied }}")
    document.add_heading("2. Tot slot", level=1)
    document.add_paragraph(
        "Ik vertrouw erop u hiermee voldoende te hebben geïnformeerd over de voortgang in "
        "{{ jaar }}."
    )
    greeting = document.add_paragraph("Met vriendelijke groet,")
    greeting.paragraph_format.space_before = Pt(18)
    greeting.paragraph_format.space_after = Pt(36)  # room for the signature
    layout.keep_with_next(greeting)
    signatory = document.add_paragraph("{{ ondertekening.naam }}")
    signatory.paragraph_format.space_after = Pt(0)
    layout.keep_with_next(signatory)
    document.add_paragraph("{{ ondertekening.functie }}")
    layout.set_language(document, LANGUAGE)
    properties = document.core_properties
    properties.author = properties.last_modified_by = organisation
    properties.title, properties.comments, properties.language = "Voortgangsbrief", "", LANGUAGE
    document.save(path)
