"""Reading a letter's Word XML: its parts, their texts and tags, and the facts checked.

The parts that hold text (body, headers, footers, footnotes, comments), the tags left in
them, content from outside the file, a fingerprint of what a reader sees, and the
accessibility facts brief checks (languages, pictures, headings, tables).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

# A Jinja tag left in the letter: {{ }}, {% %} or {# #}.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


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


def fingerprint_of(letter: Path | bytes) -> str:
    """Return :func:`content_fingerprint` of the letter in the file or bytes ``letter``."""
    import docx

    return content_fingerprint(
        docx.Document(io.BytesIO(letter) if isinstance(letter, bytes) else letter)
    )


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
                digest.update(hashlib.sha256(image_of(part, blip)).digest())
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


def languages(document: Document) -> set[str]:
    """Return every text language the letter names: its default and any run's."""
    found = set()
    for _, element in [("styles", document.styles.element), *part_elements(document)]:
        found |= {lang.get(qn("w:val")) for lang in element.iter(qn("w:lang"))}
    return found - {None}


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
    # Each paragraph's style name as paragraph.style gives it (the default style for none
    # or an unknown one), from one pass over the styles: paragraph.style searches them all
    # for each paragraph.
    names = {s.style_id: s.name for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_name = default.name if default is not None else ""
    levels = []
    for paragraph in document.paragraphs:
        match = _HEADING_STYLE.match(names.get(paragraph._p.style, default_name) or "")
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


def image_of(part, blip) -> bytes:
    related = part.related_parts.get(blip.get(qn("r:embed")))
    return related.blob if related is not None else b""
