"""Writing tracked changes: the letter with every change since an earlier one as Word
revisions.

Each change is the old text deleted (w:del holding w:delText) and the new text inserted
(w:ins), by one author at one date. Accepting all revisions gives the new letter,
rejecting all gives the old one. The functions take python-docx objects; the XML stays here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from copy import deepcopy

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from brief.letter.marks import MARK_END, MARK_START, MARK_TEXT, marked_values
from brief.letter.parts import image_of, part_elements

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


def picture_images(paragraph: Paragraph) -> list[bytes]:
    """Return the image of every picture in ``paragraph``, in order."""
    return [image_of(paragraph.part, blip) for blip in paragraph._p.iter(qn("a:blip"))]


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
