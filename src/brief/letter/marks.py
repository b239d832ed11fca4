"""The invisible marks brief puts around filled text, and the review copy's comments.

While a letter is filled, private-use characters bracket everything a tag printed, so
leftover tags are told from text a value brought; in a review copy other marks bracket each
value with its name, and become comments saying where the value came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy

from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.text.run import Run

from brief.letter.parts import PLACEHOLDER, part_elements

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
