"""What brief adds to a letter's Word XML that python-docx has no API for.

Fields (PAGE, NUMPAGES, SEQ captions), captions, alt text, a table's repeating header row
and cell margins, paragraph keeping and alignment, the document's language and picture
names. With parts, marks and tracked, the only modules that edit Word XML.
"""

from __future__ import annotations

import re
from collections import defaultdict

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shape import InlineShape
from docx.shared import Emu
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from brief.letter.parts import part_elements

_SEQ = re.compile(r"^\s*SEQ\s+(\S+)")


def add_field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """Append a Word field (e.g. ``PAGE``, ``SEQ Figuur \\* ARABIC``) showing ``shown``.

    The shown text is what viewers display until Word updates the field, so callers pass
    the right value where they know it (captions are renumbered by number_captions).
    """

    def run_with(child) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def add_caption(paragraph: Paragraph, label: str, title: str) -> None:
    """Fill ``paragraph`` with a Word caption "<label> N: <title>", N a SEQ field.

    A SEQ field is what Word's "Insert Table of Figures" and cross-references look for.
    """
    paragraph.add_run(f"{label} ")
    add_field(paragraph, f"SEQ {label} \\* ARABIC")
    paragraph.add_run(f": {title}")


def number_captions(document: Document) -> dict[str, int]:
    """Set the shown number of every SEQ field to its place in the letter; return counts.

    Captions are made before the template is filled, so their order is known only after.
    """
    counters: dict[str, int] = defaultdict(int)
    body = document.element.body
    label = None
    for element in body.iter(qn("w:instrText"), qn("w:t"), qn("w:fldChar")):
        if element.tag == qn("w:instrText"):
            match = _SEQ.match(element.text or "")
            label = match.group(1) if match else None
        elif element.tag == qn("w:fldChar"):
            if element.get(qn("w:fldCharType")) == "end":
                label = None
        elif label is not None:
            counters[label] += 1
            element.text = str(counters[label])
            label = None  # only the first text run after the instruction is the number
    return dict(counters)


def set_picture_alt_text(shape: InlineShape, description: str, title: str = "") -> None:
    """Give a picture the alternative text screen readers announce (``descr``)."""
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    if title:
        doc_pr.set("title", title)


def set_table_alt_text(table: Table, title: str, description: str) -> None:
    """Give a table the title and description Word shows under "Alt Text"."""
    tbl_pr = table._tbl.tblPr
    for tag, text in (("w:tblCaption", title), ("w:tblDescription", description)):
        element = tbl_pr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            # Schema order: these two come last in tblPr.
            tbl_pr.append(element)
        element.set(qn("w:val"), text)


def repeat_as_header(row: _Row) -> None:
    """Mark a table row to repeat at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def keep_row_together(row: _Row) -> None:
    """Never split a table row over two pages (a half row on each page is hard to read)."""
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    tr_pr.insert(0, cant_split)


def set_cell_margins(table: Table, left_right: Emu) -> None:
    """Set the space between a table's cell borders and text, left and right."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(left_right.twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # Word rejects a table whose properties are out of schema order: put it before these.
    later = [tbl_pr.find(qn(tag)) for tag in ("w:tblLook", "w:tblCaption", "w:tblDescription")]
    following = next((element for element in later if element is not None), None)
    if following is not None:
        following.addprevious(margins)
    else:
        tbl_pr.append(margins)


def keep_with_next(paragraph: Paragraph) -> None:
    """Keep a paragraph on the same page as the next one (a caption with its table)."""
    paragraph.paragraph_format.keep_with_next = True


def align_right(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def set_language(document: Document, tag: str) -> None:
    """Make ``tag`` (e.g. nl-NL) the text language of the whole letter.

    Screen readers pick their pronunciation from it. Set where Word keeps the default (the
    document defaults and every style that names a language), not on single runs, so a
    quotation marked as English by its author stays English.
    """
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    if properties.find(qn("w:lang")) is None:
        properties.append(OxmlElement("w:lang"))
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)


def name_pictures(document: Document, label: str = "Afbeelding") -> int:
    """Give every picture a unique id and name ("Afbeelding 3"); return how many there are.

    Pictures placed from sub-documents all arrive as "Picture 1" with clashing ids, which
    assistive technology and Word's accessibility checker report.
    """
    number = 0
    for _, element in part_elements(document):
        for properties in element.iter(qn("wp:docPr")):
            number += 1
            properties.set("id", str(number))
            properties.set("name", f"{label} {number}")
    return number


def row_cells(row: _Row) -> list[_Cell]:
    """Return one cell per ``w:tc`` of ``row`` (python-docx repeats a merged cell)."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]
