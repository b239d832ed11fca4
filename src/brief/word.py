"""Everything that edits Word XML directly, and nothing else does.

python-docx covers paragraphs, runs, tables and pictures; it has no API for fields
(PAGE, NUMPAGES, SEQ captions), alt text or repeating header rows. Those few XML tricks
live here so they never leak into the rest of the package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from copy import deepcopy

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shape import InlineShape
from docx.shared import Emu
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# A Jinja tag left in the letter: {{ }}, {% %} or {# #}.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
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


def part_elements(document: Document) -> Iterator[tuple[str, object]]:
    """Yield (part name, root element) for the body and every header and footer."""
    yield "body", document.element.body
    seen = set()
    for section in document.sections:
        for kind in (
            "header",
            "first_page_header",
            "even_page_header",
            "footer",
            "first_page_footer",
            "even_page_footer",
        ):
            part = getattr(section, kind)
            if part.is_linked_to_previous:
                continue
            element = part._element
            if id(element) in seen:
                continue
            seen.add(id(element))
            yield kind.replace("_", " "), element


# Relationships that pull content into the document when Word or LibreOffice opens it.
_CONTENT_RELATIONS = {
    "image", "oleObject", "subDocument", "frame", "package", "video", "audio", "aFChunk",
    "media", "chart", "diagramData", "externalLinkPath",
}  # fmt: skip
# Fields that do the same: INCLUDETEXT "C:\\x.docx", INCLUDEPICTURE "http://...", LINK, DDE.
_CONTENT_FIELDS = re.compile(r"^\s*(INCLUDETEXT|INCLUDEPICTURE|LINK|DDEAUTO|DDE|IMPORT)\b", re.I)


def outside_content(document: Document) -> list[str]:
    """Return what the document takes from outside itself (a linked picture, an included
    file, a DDE link), as "field INCLUDETEXT" or "image file:///...": when the letter is
    opened or turned into a PDF, such content is fetched from the machine or the network."""
    found = []
    for part in document.part.package.iter_parts():
        for relation in part.rels.values():
            kind = relation.reltype.rsplit("/", 1)[-1]
            if relation.is_external and kind in _CONTENT_RELATIONS:
                found.append(f"{kind} {relation.target_ref}")
    for _part_name, element in part_elements(document):
        instructions = [t.text or "" for t in element.iter(qn("w:instrText"))]
        instructions += [f.get(qn("w:instr"), "") for f in element.iter(qn("w:fldSimple"))]
        for instruction in instructions:
            field = _CONTENT_FIELDS.match(instruction)
            if field:
                found.append(f"field {instruction.strip()}")
    return found


def content_fingerprint(document: Document) -> str:
    """Return a hash of what a reader of ``document`` sees: the text and pictures of every
    paragraph, in order, in the body (tables included), headers and footers.

    Styles and document properties (the time it was saved) are left out, so two builds
    that fill in the same letter have the same fingerprint.
    """
    digest = hashlib.sha256()
    stories = [("body", document.part, document.element.body)]
    seen = set()
    for section in document.sections:
        for kind in ("header", "first_page_header", "even_page_header"):
            stories += _story(getattr(section, kind), kind, seen)
        for kind in ("footer", "first_page_footer", "even_page_footer"):
            stories += _story(getattr(section, kind), kind, seen)
    for name, part, element in stories:
        digest.update(f"\x1e{name}".encode())
        for paragraph in element.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            digest.update(f"\x1f{text}".encode())
            for blip in paragraph.iter(qn("a:blip")):
                digest.update(hashlib.sha256(_image(part, blip)).digest())
    return digest.hexdigest()


def _story(story, kind: str, seen: set) -> list:
    if story.is_linked_to_previous or id(story._element) in seen:
        return []
    seen.add(id(story._element))
    return [(kind, story.part, story._element)]


def paragraph_texts(document: Document) -> Iterator[tuple[str, str]]:
    """Yield (part name, text) for every paragraph: body, tables, headers, footers, text boxes.

    Text boxes and table cells are included because their paragraphs sit inside the part.
    """
    for part_name, element in part_elements(document):
        for paragraph in element.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            if text:
                yield part_name, text


def find_placeholders(document: Document, literals: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Return (part name, paragraph text) for every paragraph that still holds a Jinja tag.

    ``literals`` are filled-in values that contain tag characters themselves (a text with
    "{{" in it); they are meant to be there, so they are taken out before looking.
    """
    literals = sorted({text.replace("\n", "") for text in literals}, key=len, reverse=True)
    found = []
    for part, text in paragraph_texts(document):
        rest = text
        for literal in literals:
            rest = rest.replace(literal, "")
        if PLACEHOLDER.search(rest):
            found.append((part, text))
    return found


# --- what makes a letter accessible: language, properties, pictures, headings, tables --

_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
_HEADING_STYLE = re.compile(r"^(?:Heading|Kop)\s*(\d)$")


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


def languages(document: Document) -> set[str]:
    """Return every text language the letter names: its default and any run's."""
    found = set()
    for _, element in [("styles", document.styles.element), *part_elements(document)]:
        found |= {lang.get(qn("w:val")) for lang in element.iter(qn("w:lang"))}
    return found - {None}


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


def pictures(document: Document) -> list[tuple[str, str, bool]]:
    """Return (part, alt text, marked decorative) for every picture in the letter."""
    found = []
    for part, element in part_elements(document):
        for properties in element.iter(qn("wp:docPr")):
            decorative = any(e.get("val") in ("1", "true") for e in properties.iter(_DECORATIVE))
            found.append((part, properties.get("descr") or "", decorative))
    return found


def heading_levels(document: Document) -> list[tuple[int, str]]:
    """Return (level, text) of every heading in the body, in order."""
    levels = []
    for paragraph in document.paragraphs:
        match = _HEADING_STYLE.match(paragraph.style.name if paragraph.style is not None else "")
        if match:
            levels.append((int(match.group(1)), paragraph.text))
    return levels


def table_facts(document: Document) -> list[tuple[str, bool, int, int]]:
    """Return (first cell's text, header row marked, merged cells, empty cells) per table."""
    facts = []
    for table in document.tables:
        rows = table._tbl.tr_lst
        header = bool(rows) and bool(rows[0].xpath("./w:trPr/w:tblHeader"))
        merged = len(table._tbl.xpath(".//w:gridSpan | .//w:vMerge"))
        texts = [
            "".join(t.text or "" for t in cell.iter(qn("w:t"))).strip()
            for cell in table._tbl.iter(qn("w:tc"))
        ]
        empty = sum(1 for text in texts if not text)
        first = texts[0] if texts else ""
        facts.append((first, header, merged, empty))
    return facts


# Private-use characters around everything a tag printed, while a letter is being filled:
# text between them came from a value, text outside them from the template itself.
FILL_START, FILL_END = "\ue003", "\ue004"
_FILLED = re.compile(f"{FILL_START}[^{FILL_END}]*{FILL_END}")
# docxtpl turns "{_{" into "{{" wherever it stands after filling, values included; in a
# value the underscore is held as this character until the marks are removed.
_KEPT_UNDERSCORE = "\ue005"
_MARKS = re.compile(f"[{FILL_START}{FILL_END}{_KEPT_UNDERSCORE}]")
_BRACE_UNDERSCORE = re.compile(r"(?<=[{%])_|_(?=[}%])")


def filled(text: str) -> str:
    """Return a value's ``text`` marked as printed by a tag (see :func:`leftover_tags`)."""
    return f"{FILL_START}{_BRACE_UNDERSCORE.sub(_KEPT_UNDERSCORE, text)}{FILL_END}"


def literal_braces(text: str) -> str:
    """Return docxtpl's literal braces ``{_{`` of the template, marked as meant to print."""
    return f"{FILL_START}{text}{FILL_END}"


def unfilled(text: str) -> str:
    """Return ``text`` without fill marks, as it prints."""
    return text.replace(FILL_START, "").replace(FILL_END, "").replace(_KEPT_UNDERSCORE, "_")


def mark_all_filled(element) -> None:
    """Mark every text under ``element`` as filled: a figure or table built from data."""
    for text in element.iter(qn("w:t")):
        if text.text:
            text.text = filled(text.text)


_PART_LABELS = {"document": "body", "header": "header", "footer": "footer"}
_PART_LABELS["footnotes"] = "footnotes"


def _filled_parts(document: Document) -> Iterator[tuple[str, object]]:
    """Yield (label, root element) for the body, headers, footers and footnotes as filled.

    Read from the package, not from python-docx's sections: docxtpl replaces the header
    and footer parts while it fills them, and the sections keep pointing at the old ones.
    """
    for part in document.part.package.iter_parts():
        label = _PART_LABELS.get(re.sub(r"\d+$", "", part.partname.filename.rsplit(".", 1)[0]))
        if label is None:
            continue
        element = getattr(part, "_element", None)
        if element is None:
            element = parse_xml(part.blob)  # footnotes: docxtpl leaves them as bytes
        yield label, element


def leftover_tags(document: Document) -> list[tuple[str, str]]:
    """Return (part name, paragraph text) for every paragraph whose own text, outside what
    tags printed, still holds a Jinja tag: a tag the template failed to fill."""
    found = []
    for label, element in _filled_parts(document):
        for paragraph in element.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            if PLACEHOLDER.search(_FILLED.sub("", text)):
                found.append((label, unfilled(text)))
    return found


def remove_fill_marks(document: Document) -> None:
    """Remove the fill marks from every part of the letter and its properties."""
    for part in document.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            for text in element.iter(qn("w:t")):
                if text.text and _MARKS.search(text.text):
                    text.text = unfilled(text.text)
        elif part.content_type.endswith("+xml") and _MARKS.search(part.blob.decode("utf-8")):
            part._blob = unfilled(part.blob.decode("utf-8")).encode("utf-8")  # footnotes
    properties = document.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(properties, name)
        if value and _MARKS.search(value):
            setattr(properties, name, unfilled(value))


# Private-use characters that bracket a filled value in a review copy: start, name, text, end.
MARK_START, MARK_TEXT, MARK_END = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"{MARK_START}([^{MARK_TEXT}]*){MARK_TEXT}([^{MARK_END}]*){MARK_END}")


def mark(name: str, text: str) -> str:
    """Return ``text`` bracketed so that :func:`comment_marked` can find it as ``name``."""
    return f"{MARK_START}{name}{MARK_TEXT}{text}{MARK_END}"


def comment_marked(document: Document, comments: dict[str, str], author: str) -> int:
    """Give every marked text in the body its own run with a Word comment; return the count.

    A value is filled into the middle of a run ("In 2023 waren er [88] pleinen"), so that
    run is split in three with the same formatting, and the middle one carries the
    comment. Marks left where Word allows no comment (headers) are removed.
    """
    added = 0
    for run in list(document.element.body.iter(qn("w:r"))):
        texts = run.findall(qn("w:t"))
        content = [child for child in run if child.tag != qn("w:rPr")]
        if len(texts) != 1 or len(content) != 1 or MARK_START not in (texts[0].text or ""):
            continue  # a run with a break or tab inside: handled by the clean-up below
        properties = run.find(qn("w:rPr"))
        for piece, name in _split_marked(texts[0].text):
            new_run = OxmlElement("w:r")
            if properties is not None:
                new_run.append(deepcopy(properties))
            text = OxmlElement("w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = piece
            new_run.append(text)
            run.addprevious(new_run)
            if name is not None:
                document.add_comment(
                    Run(new_run, None), text=comments[name], author=author, initials=author[:1]
                )
                added += 1
        run.getparent().remove(run)
    remove_review_marks(document)
    return added


def remove_review_marks(document: Document) -> None:
    """Remove the marks :func:`mark` left, keeping the text: the letter has no comments."""
    for _, element in part_elements(document):
        for text in element.iter(qn("w:t")):
            if text.text and MARK_START in text.text:
                text.text = _MARKED.sub(r"\2", text.text)


def _split_marked(text: str) -> Iterator[tuple[str, str | None]]:
    """Yield (text, name) pieces of ``text``; name is None for the unmarked pieces."""
    position = 0
    for match in _MARKED.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], None
        yield match.group(2), match.group(1)
        position = match.end()
    if position < len(text):
        yield text[position:], None


# --- tracked changes: the letter with every change since an earlier build -------------
#
# A redline is the new letter in which each change is a Word revision: the old text
# deleted (w:del holding w:delText) and the new text inserted (w:ins), one author and date.
# Accepting all revisions gives the new letter, rejecting all gives the old one. The
# functions take python-docx objects; the XML stays here.

_TEXT_OF = {qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:tab"): "\t", qn("w:ptab"): "\t"}
_TEXT_OF[qn("w:noBreakHyphen")] = "-"
# Elements that hold runs inside a paragraph: their runs are tracked where they stand.
_RUN_HOLDERS = {
    qn(tag)
    for tag in ("w:hyperlink", "w:fldSimple", "w:smartTag", "w:customXml", "w:sdt")
    + ("w:sdtContent", "w:dir", "w:bdo")
}
# Left out of a deleted copy: they would clash with the new letter's own (ids, names).
_NOT_COPIED = {
    qn(tag)
    for tag in ("w:bookmarkStart", "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd")
    + ("w:proofErr", "w:permStart", "w:permEnd")
}
_DELETED_TAGS = {qn("w:t"): qn("w:delText"), qn("w:instrText"): qn("w:delInstrText")}
_RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NUMBER = re.compile(r"^\d+$")


def letter_order(document: Document, labels: tuple[str, ...]) -> dict[str, str | None]:
    """Return the marked names in the order the letter shows them, each once, with the
    caption number of a figure or table ("Figuur 2"); None for a value.

    Reads a document filled with review marks, its captions numbered (number_captions).
    """
    caption = re.compile(rf"^({'|'.join(map(re.escape, labels))}) (\d+)\b")
    order: dict[str, str | None] = {}
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        if MARK_START not in text:
            continue
        numbered = caption.match(text)
        for name, _text in marked_values(text):
            order.setdefault(name, numbered.group(0) if numbered else None)
    return order


def marked_values(text: str) -> list[tuple[str, str]]:
    """Return (name, text) of every value :func:`mark` bracketed in ``text``, in order."""
    return [(match.group(1), match.group(2)) for match in _MARKED.finditer(text)]


def unmarked_as(text: str, olds: list[str | None]) -> str:
    """Return ``text`` without marks, the n-th marked value printed as ``olds[n]`` (as it
    is where that is None): the text as it read when the values had their old texts."""
    olds = iter(olds)

    def old(match: re.Match) -> str:
        before = next(olds, None)
        return match.group(2) if before is None else before

    return _MARKED.sub(old, text)


def marked_pattern(text: str) -> re.Pattern:
    """Return a pattern matching ``text`` with every marked value free to be any text.

    Matched against a paragraph of the old letter it gives, group by group, the old text
    of each value: the words around the values are the template's, the values the data's.
    """
    pattern, position = [], 0
    for match in _MARKED.finditer(text):
        pattern += [re.escape(text[position : match.start()]), "(.*?)"]
        position = match.end()
    pattern.append(re.escape(text[position:]))
    return re.compile("".join(pattern), re.DOTALL)


def picture_images(paragraph: Paragraph) -> list[bytes]:
    """Return the image of every picture in ``paragraph``, in order."""
    return [_image(paragraph.part, blip) for blip in paragraph._p.iter(qn("a:blip"))]


def revisions(document: Document) -> list[tuple[str, str]]:
    """Return (kind, text) of every tracked change in the body, headers and footers.

    kind is "ins" or "del"; the text is what was inserted or deleted ("" for a picture).
    The marks on paragraph marks and table rows are left out: their text is listed.
    """
    found = []
    for _, element in part_elements(document):
        for change in element.iter(qn("w:ins"), qn("w:del")):
            if change.getparent().tag in (qn("w:rPr"), qn("w:trPr")):  # a mark, a row
                continue
            items = change.iter(qn("w:t"), qn("w:delText"), *_TEXT_OF)
            text = "".join(_TEXT_OF.get(item.tag) or item.text or "" for item in items)
            found.append((change.tag.rsplit("}", 1)[1], text))
    return found


class TrackedChanges:
    """Writes revisions into ``document``: one author, one date, ids unique in the letter."""

    def __init__(self, document: Document, author: str, when: dt.datetime):
        self.document = document
        self.author = author
        self.when = when
        self._date = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        numbers = [0]
        pictures = [0]
        for _, element in part_elements(document):
            numbers += [int(i) for i in element.xpath(".//@w:id") if _NUMBER.match(i)]
            pictures += [
                int(p.get("id")) for p in element.iter(qn("wp:docPr")) if p.get("id", "").isdigit()
            ]
        # Apart from the comments' own ids (0, 1, ...), which Word keeps in their own part.
        self._next_id = max(numbers) + 10_000
        self._next_picture = max(pictures) + 1

    # -- values inside a sentence ------------------------------------------------------

    def replace_marked(
        self, paragraph: Paragraph, olds: list[str | None]
    ) -> list[tuple[str, str, str, tuple]]:
        """Track every marked value of ``paragraph`` whose text differs from its old text.

        ``olds`` holds the old text of each marked value in order (None: unchanged). The
        run a value was filled into is split into the text before it, the old value
        deleted, the new value inserted and the text after it, all formatted as the run
        was. Return (name, old, new, anchor) per change; the anchor is for :meth:`comment`.
        """
        changes = []
        remaining = iter(olds)
        for run in paragraph._p.xpath("./w:r | ./w:hyperlink/w:r"):
            if not any(MARK_START in (t.text or "") for t in run.iter(qn("w:t"))):
                continue
            pieces = _marked_pieces(run)
            wanted = [next(remaining, None) for name, _ in pieces if name is not None]
            properties = run.find(qn("w:rPr"))
            olds_here = iter(wanted)
            for name, items in pieces:
                new = "".join(i if isinstance(i, str) else _TEXT_OF.get(i.tag, "") for i in items)
                old = next(olds_here) if name is not None else None
                if old is None or old == new:
                    if items:
                        run.addprevious(_run_of(properties, items))
                    continue
                deleted = self._change("del")
                deleted.append(_deleted_run(properties, old))
                inserted = self._change("ins")
                if items:
                    inserted.append(_run_of(properties, items))
                run.addprevious(deleted)
                run.addprevious(inserted)
                changes.append((name, old, new, (deleted, inserted)))
            run.getparent().remove(run)
        return changes

    # -- whole paragraphs, tables and rows ---------------------------------------------

    def replace_paragraph(self, old: Paragraph, new: Paragraph) -> tuple:
        """Track ``new`` as replacing ``old`` within one paragraph: old text deleted, new
        text inserted, the paragraph mark kept. Return the anchor for :meth:`comment`."""
        self._wrap_runs(new._p, "ins")
        copy = self._copy(old._p, old.part, new.part)
        content = [child for child in copy if child.tag != qn("w:pPr")]
        properties = new._p.find(qn("w:pPr"))
        for child in reversed(content):
            if properties is not None:
                properties.addnext(child)
            else:
                new._p.insert(0, child)
        self._wrap_runs(new._p, "del", only=content)
        changed = [c for c in new._p if c.tag in (qn("w:ins"), qn("w:del"))]
        return (changed[0], changed[-1]) if changed else ()

    def insert_paragraph(self, paragraph: Paragraph, *, mark: bool = True) -> None:
        """Track ``paragraph`` as inserted: its text and, with ``mark``, its paragraph mark."""
        self._wrap_runs(paragraph._p, "ins")
        if mark:
            self.track_paragraph_mark(paragraph, "ins")

    def delete_paragraph(
        self, old: Paragraph, *, before=None, after=None, mark: bool = True
    ) -> Paragraph:
        """Place a copy of ``old`` before ``before`` (or after ``after``), tracked as deleted:
        its text and, with ``mark``, its paragraph mark. Return the copy."""
        neighbour = before if before is not None else after
        copy = self._copy(old._p, old.part, neighbour.part)
        self._wrap_runs(copy, "del")
        _place(copy, before, after)
        placed = Paragraph(copy, neighbour._parent)
        if mark:
            self.track_paragraph_mark(placed, "del")
        return placed

    def track_paragraph_mark(self, paragraph: Paragraph, kind: str) -> None:
        """Track the paragraph mark of ``paragraph`` as inserted or deleted (``kind``)."""
        properties = paragraph._p.get_or_add_pPr()
        run_properties = properties.find(qn("w:rPr"))
        if run_properties is None:
            run_properties = OxmlElement("w:rPr")
            later = [properties.find(qn(t)) for t in ("w:sectPr", "w:pPrChange")]
            following = next((e for e in later if e is not None), None)
            if following is not None:
                following.addprevious(run_properties)
            else:
                properties.append(run_properties)
        run_properties.insert(0, self._change(kind))

    def insert_table(self, table: Table) -> None:
        """Track every row of ``table`` as inserted."""
        for row in table.rows:
            self.insert_row(row)

    def delete_table(self, old: Table, *, before=None, after=None) -> Table:
        """Place a copy of ``old`` before ``before`` (or after ``after``), every row tracked
        as deleted. Return the copy."""
        neighbour = before if before is not None else after
        copy = self._copy(old._tbl, old.part, neighbour.part)
        for row in copy.iter(qn("w:tr")):
            self._track_row(row, "del")
        _place(copy, before, after)
        return Table(copy, neighbour._parent)

    def insert_row(self, row: _Row) -> None:
        """Track ``row`` as inserted: the row and all its text."""
        self._track_row(row._tr, "ins")

    def delete_row(self, old: _Row, *, before=None, after=None) -> None:
        """Place a copy of ``old`` before row ``before`` (or after row ``after``), tracked
        as deleted."""
        neighbour = before if before is not None else after
        copy = self._copy(old._tr, old.part, neighbour.part)
        self._track_row(copy, "del")
        _place(copy, before, after)

    # -- comments ----------------------------------------------------------------------

    def comment(self, anchor: tuple, text: str) -> None:
        """Attach a Word comment saying ``text`` to the revisions of ``anchor``.

        The comment's range starts before the deleted text and ends after the inserted text;
        its reference stands after both, outside the revisions, so it stays whichever way
        the revisions are resolved.
        """
        if not anchor:
            return
        first, last = anchor
        added = self.document.comments.add_comment(
            text=text, author=self.author, initials=self.author[:1]
        )
        added._comment_elm.date = self.when
        number = str(added.comment_id)
        first.addprevious(OxmlElement("w:commentRangeStart", attrs={qn("w:id"): number}))
        end = OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): number})
        last.addnext(end)
        reference = OxmlElement("w:r")
        reference.append(OxmlElement("w:commentReference", attrs={qn("w:id"): number}))
        end.addnext(reference)

    @staticmethod
    def whole(paragraph: Paragraph) -> tuple:
        """Return the anchor for :meth:`comment` that spans all of ``paragraph``'s text."""
        content = [child for child in paragraph._p if child.tag != qn("w:pPr")]
        return (content[0], content[-1]) if content else ()

    # -- the XML -----------------------------------------------------------------------

    def _change(self, kind: str):
        """Return an empty ``w:ins`` or ``w:del`` (``kind``) by this author at this date."""
        if kind not in ("ins", "del"):
            raise ValueError(f"kind must be 'ins' or 'del', got {kind!r}")
        self._next_id += 1
        return OxmlElement(
            f"w:{kind}",
            attrs={
                qn("w:id"): str(self._next_id),
                qn("w:author"): self.author,
                qn("w:date"): self._date,
            },
        )

    def _wrap_runs(self, parent, kind: str, only: list | None = None) -> None:
        """Put each stretch of consecutive runs under ``parent`` into one revision of
        ``kind``; runs inside links and fields are wrapped where they stand. ``only``
        limits it to those children of ``parent``."""
        group = None
        for child in list(parent):
            if only is not None and child not in only:
                group = None
                continue
            if child.tag == qn("w:r"):
                if group is None:
                    group = self._change(kind)
                    child.addprevious(group)
                group.append(child)
                if kind == "del":
                    _as_deleted(child)
            elif child.tag in _RUN_HOLDERS:
                group = None
                self._wrap_runs(child, kind)
            else:
                group = None

    def _track_row(self, row, kind: str) -> None:
        properties = row.get_or_add_trPr()
        change = properties.find(qn("w:trPrChange"))
        if change is not None:
            change.addprevious(self._change(kind))
        else:
            properties.append(self._change(kind))
        for paragraph in row.iter(qn("w:p")):
            self._wrap_runs(paragraph, kind)

    def _copy(self, element, source_part, target_part):
        """Return a copy of ``element`` of the old letter that can stand in the new one:
        its pictures and links carried over, no bookmarks or comment ranges, fresh
        picture ids."""
        copy = deepcopy(element)
        for unwanted in [e for e in copy.iter() if e.tag in _NOT_COPIED]:
            unwanted.getparent().remove(unwanted)
        for item in copy.iter():
            for attribute, value in item.attrib.items():
                if attribute.startswith(_RELATIONSHIP_NS):
                    item.set(attribute, _carry_over(value, source_part, target_part))
        for properties in copy.iter(qn("wp:docPr")):
            properties.set("id", str(self._next_picture))
            self._next_picture += 1
        return copy


def _carry_over(relationship: str, source_part, target_part) -> str:
    """Return the id under which ``target_part`` reaches what ``relationship`` of
    ``source_part`` reaches: the same picture, or the same link."""
    rel = source_part.rels.get(relationship)
    if rel is None:
        return relationship
    if rel.is_external:
        return target_part.relate_to(rel.target_ref, rel.reltype, is_external=True)
    if rel.reltype == RT.IMAGE:
        new_id, _ = target_part.get_or_add_image(io.BytesIO(rel.target_part.blob))
        return new_id
    raise ValueError(f"cannot carry a {rel.reltype.rsplit('/', 1)[-1]} over into another letter")


def _image(part, blip) -> bytes:
    related = part.related_parts.get(blip.get(qn("r:embed")))
    return related.blob if related is not None else b""


def _place(element, before, after) -> None:
    if before is not None:
        before._element.addprevious(element)
    elif after is not None:
        after._element.addnext(element)
    else:
        raise ValueError("a deleted copy needs a neighbour to stand beside, got none")


def _as_deleted(run) -> None:
    """Turn the text of ``run`` into deleted text (w:delText, w:delInstrText)."""
    for item in run.iter(*_DELETED_TAGS):
        item.tag = _DELETED_TAGS[item.tag]


def _marked_pieces(run) -> list[tuple[str | None, list]]:
    """Return the content of ``run`` as (name, items) pieces: name None outside marks.

    Items are text (str) and the run's other content elements (breaks, tabs), in order.
    """
    pieces: list[tuple[str | None, list]] = [(None, [])]
    state, name = "out", []
    for child in run:
        if child.tag == qn("w:rPr"):
            continue
        if child.tag != qn("w:t"):
            if state != "name":
                pieces[-1][1].append(child)
            continue
        for character in child.text or "":
            if character == MARK_START:
                state, name = "name", []
            elif character == MARK_TEXT and state == "name":
                pieces.append(("".join(name), []))
                state = "in"
            elif character == MARK_END and state == "in":
                pieces.append((None, []))
                state = "out"
            elif state == "name":
                name.append(character)
            else:
                items = pieces[-1][1]
                if items and isinstance(items[-1], str):
                    items[-1] += character
                else:
                    items.append(character)
    return [(name, items) for name, items in pieces if name is not None or items]


def _run_of(properties, items: list):
    """Return a run formatted by ``properties`` holding ``items`` (text and elements)."""
    run = OxmlElement("w:r")
    if properties is not None:
        run.append(deepcopy(properties))
    for item in items:
        if isinstance(item, str):
            text = OxmlElement("w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = item
            run.append(text)
        else:
            run.append(item)
    return run


def _deleted_run(properties, text: str):
    """Return a run formatted by ``properties`` holding ``text`` as deleted text."""
    items = []
    for piece in re.split(r"([\n\t])", text):
        if piece == "\n":
            items.append(OxmlElement("w:br"))
        elif piece == "\t":
            items.append(OxmlElement("w:tab"))
        elif piece:
            items.append(piece)
    run = _run_of(properties, items)
    _as_deleted(run)
    return run


def row_cells(row: _Row) -> list[_Cell]:
    """Return one cell per ``w:tc`` of ``row`` (python-docx repeats a merged cell)."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]
