"""The letter with every change since an earlier build tracked, as Word users read corrections.

``changes.md`` says in plain text what changed. An advisor checking a correction wants to
see it in the letter itself, the way colleagues mark corrections in Word: the redline
(``brief-<year>-wijzigingen.docx``) is the new letter in which each change is a tracked
revision, the old text deleted and the new text inserted, by the author "brief" at the
build's time. Accepting all revisions gives the new letter; rejecting all gives the old one.

How the changes are found:

- The new letter is filled with review marks around every value and caption
  (:func:`brief.letter.marks.mark`), so where each value sits is known. A value whose text differs
  from what the earlier build showed (its run record's ``shown``) is tracked inside its
  sentence, with a comment naming the notebook that reran and why.
- Everything else is compared block by block with the earlier letter itself (difflib over
  the paragraphs and tables of the body, every table cell, the headers and footers). A
  paragraph that changed otherwise (the template, a params text) is tracked whole; a
  picture whose image changed is tracked as the old picture deleted and the new one
  inserted, with a comment; table cells are compared one by one, rows added or removed
  are tracked as rows.

Every distinct letter is kept with its run record (:mod:`brief.build.history`), so `brief diff
YEAR --since ...` (:mod:`brief.build.diff`) can make the same redline against any of them:
"what changed since the version we sent on 3 June?".
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from brief.i18n import _
from brief.letter import layout, marks, tracked
from brief.records import RunRecord, ShownParameter, notebook_reason

AUTHOR = "brief"


@dataclass(frozen=True)
class TrackedChange:
    """One revision in the redline: what changed, its old and its new text."""

    kind: str  # "value", "picture", "paragraph", "cell" (a table's), "row" or "table"
    name: str | None  # the published name or parameter, where known
    old: str
    new: str


@dataclass
class Redline:
    """The new letter with every change since an earlier build tracked, in memory."""

    document: Document
    changes: list[TrackedChange] = field(default_factory=list)

    def save(self, path: Path) -> Path:
        """Write the redline to ``path`` in one step (no half-written file) and return it."""
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            self.document.save(partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path


def make_redline(
    marked: bytes,
    old_letter: bytes,
    old_record: RunRecord | None,
    new_record: RunRecord | None,
    when: dt.datetime,
) -> Redline:
    """Return the new letter ``marked`` (filled with review marks) with every change since
    ``old_letter`` tracked, dated ``when``.

    The run records give each value's old text and the reasons for the comments; without
    them values are found by comparing paragraphs alone.
    """
    new = docx.Document(io.BytesIO(marked))
    old = docx.Document(io.BytesIO(old_letter))
    comparer = _Comparer(tracked.TrackedChanges(new, AUTHOR, when), old_record, new_record)
    comparer.blocks(list(old.iter_inner_content()), list(new.iter_inner_content()))
    for old_story, new_story in _headers_and_footers(old, new):
        comparer.blocks(
            list(old_story.iter_inner_content()),
            list(new_story.iter_inner_content()),
            comments=False,  # Word keeps comments in the body only
        )
    marks.remove_review_marks(new)
    return Redline(new, comparer.changes)


def write_redline(
    marked: bytes,
    old_letter: Path,
    old_record: RunRecord,
    new_record: RunRecord,
    target: Path,
) -> Redline | None:
    """Write the redline between ``old_letter`` and the new letter to ``target``.

    Return it, or None when there is nothing to track (or no old letter to compare with).
    """
    if not old_letter.is_file():
        return None
    when = dt.datetime.fromisoformat(new_record.started)
    redline = make_redline(marked, old_letter.read_bytes(), old_record, new_record, when)
    if not redline.changes:
        return None
    redline.save(target)
    return redline


class _Comparer:
    """Walks the old and the new letter side by side and tracks what differs."""

    def __init__(
        self, tracker: tracked.TrackedChanges, old: RunRecord | None, new: RunRecord | None
    ):
        self.tracker = tracker
        self.old_texts = {name: shown.text for name, shown in old.shown.items()} if old else {}
        self.old_record, self.new_record = old, new
        self.changes: list[TrackedChange] = []
        self._table_name: str | None = None  # within a table: its name ("" if it has none)

    # -- paragraphs and tables of one story (body, cell, header, footer) ----------------

    def blocks(self, old: list, new: list, *, comments: bool = True) -> None:
        """Track the differences between the blocks ``old`` and ``new`` of one story."""
        matcher = difflib.SequenceMatcher(
            None,
            [self._key(b, b.text if _is_paragraph(b) else "") for b in old],
            [self._key(b, self._as_before(b.text) if _is_paragraph(b) else "") for b in new],
            autojunk=False,
        )
        # The first name marked in each paragraph, before changes take the marks away: in
        # a caption, its figure's or table's.
        names = [_first_name(block) for block in new]
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for offset in range(i2 - i1):
                    self._same(old[i1 + offset], new, names, j1 + offset, comments)
            else:
                self._region(old[i1:i2], new, names, j1, j2, comments)

    @staticmethod
    def _key(block, text: str) -> tuple:
        """Return what must be equal for two blocks to be the same block, changes inside
        it aside: a paragraph's text as it read before and its number of pictures; a
        table's number of columns."""
        if _is_paragraph(block):
            return ("paragraph", text, len(tracked.picture_images(block)))
        return ("table", len(block.columns))

    def _as_before(self, text: str) -> str:
        """Return a new paragraph's ``text`` with every marked value as it read before."""
        return marks.unmarked_as(text, self._olds(text))

    def _olds(self, text: str) -> list[str | None]:
        return [self.old_texts.get(name) for name, _text in marks.marked_values(text)]

    def _same(self, old, new: list, names: list, index: int, comments: bool) -> None:
        """Track what changed inside a block that is the same block in both letters."""
        block = new[index]
        if _is_paragraph(block):
            self._paragraph(old, new, names, index, self._olds(block.text), comments)
        else:
            self._table(old, block, comments, _name_at(names, index - 1) or "")

    def _paragraph(
        self, old: Paragraph, new: list, names: list, index: int, olds: list, comments: bool
    ) -> None:
        """Track each value that changed in a paragraph otherwise the same; a paragraph
        whose picture changed is tracked whole, old deleted and new inserted.

        Whole, because LibreOffice (7.4) resolving a tracked picture that ends a
        paragraph also takes the paragraph mark: with the marks tracked too, that is what
        accepting or rejecting means anyway, in Word and LibreOffice alike.
        """
        paragraph = new[index]
        pictures = zip(tracked.picture_images(old), tracked.picture_images(paragraph), strict=True)
        if any(before != after for before, after in pictures):
            following = new[index + 1] if index + 1 < len(new) else None
            self.tracker.delete_paragraph(old, before=paragraph)
            self.tracker.insert_paragraph(paragraph, mark=following is not None)
            name = _name_at(names, index + 1)  # the figure's caption
            self.changes.append(TrackedChange("picture", name, "", ""))
            if comments and name is not None:
                # On the caption: LibreOffice neither accepts nor rejects a picture with a
                # comment in its paragraph.
                self.tracker.comment(self.tracker.whole(following), self._picture_note(name))
            return
        for name, before, after, anchor in self.tracker.replace_marked(paragraph, olds):
            self.changes.append(TrackedChange("value", name, before, after))
            if comments:
                self.tracker.comment(anchor, self._value_note(name, before, after))

    def _region(
        self, old: list, new: list, names: list, start: int, end: int, comments: bool
    ) -> None:
        """Track the blocks ``old`` as replaced by ``new[start:end]``.

        Paragraphs are paired from the end: the old text of each pair is deleted and the
        new text inserted within one paragraph, so the paragraph marks stay. Paragraphs
        left over are deleted or inserted whole, marks included. Where tables are among
        them, all old blocks are deleted and all new ones inserted.
        """
        added = new[start:end]
        following = new[end] if end < len(new) else None
        preceding = new[start - 1] if start > 0 else None
        if any(not _is_paragraph(block) for block in [*old, *added]):
            self._delete_blocks(old, added[0] if added else following, preceding)
            for block in added:
                self._insert_block(block, mark=True)
            return
        pairs = min(len(old), len(added))
        if pairs:
            extra_old, extra_new = old[: len(old) - pairs], added[: len(added) - pairs]
            paired_new = added[len(added) - pairs :]
            for paragraph in extra_old:
                self.tracker.delete_paragraph(paragraph, before=paired_new[0])
                self._text_changed(paragraph.text, "")
            for paragraph in extra_new:
                self._insert_block(paragraph, mark=True)
            for offset, before in enumerate(old[len(old) - pairs :]):
                self._pair(before, new, names, start + len(extra_new) + offset, comments)
        elif added:
            self._insert_at_end(added, following, preceding)
        else:
            self._delete_blocks(old, following, preceding)

    def _pair(self, old: Paragraph, new: list, names: list, index: int, comments: bool) -> None:
        """Track ``new[index]`` as the changed ``old``: value by value where only values
        differ (a value the old build did not show), else the whole text."""
        paragraph = new[index]
        match = marks.marked_pattern(paragraph.text).fullmatch(old.text)
        same_pictures = len(tracked.picture_images(old)) == len(tracked.picture_images(paragraph))
        if match is not None and same_pictures:
            self._paragraph(old, new, names, index, list(match.groups()), comments)
            return
        after = marks.unmarked_as(paragraph.text, [])
        self.tracker.replace_paragraph(old, paragraph)
        self._text_changed(old.text, after)

    def _insert_block(self, block, *, mark: bool) -> None:
        if _is_paragraph(block):
            self._text_changed("", self._plain(block))
            self.tracker.insert_paragraph(block, mark=mark)
        else:
            self.tracker.insert_table(block)
            self.changes.append(TrackedChange("table", None, "", ""))

    def _insert_at_end(self, added: list, following, preceding) -> None:
        """Insert paragraphs whole. At the end of a story the last paragraph's mark cannot
        be taken out again, so the mark before them is tracked instead."""
        for number, paragraph in enumerate(added):
            last = number == len(added) - 1
            self._insert_block(paragraph, mark=following is not None or not last)
        if following is None and _is_paragraph(preceding):
            self.tracker.track_paragraph_mark(preceding, "ins")

    def _delete_blocks(self, old: list, following, preceding) -> None:
        """Place copies of the ``old`` blocks before ``following`` (else after
        ``preceding``), tracked as deleted. At the end of a story the last one keeps its
        paragraph mark, and the mark before them is tracked instead."""
        neighbour = preceding
        for number, block in enumerate(old):
            if _is_paragraph(block):
                last = number == len(old) - 1
                mark = following is not None or not last
                if following is not None:
                    self.tracker.delete_paragraph(block, before=following, mark=mark)
                elif neighbour is not None:
                    neighbour = self.tracker.delete_paragraph(block, after=neighbour, mark=mark)
                else:
                    continue  # nothing to stand beside: a story that is empty now
                self._text_changed(block.text, "")
            else:
                if following is not None:
                    self.tracker.delete_table(block, before=following)
                elif neighbour is not None:
                    neighbour = self.tracker.delete_table(block, after=neighbour)
                else:
                    continue
                self.changes.append(TrackedChange("table", None, "", ""))
        if following is None and old and _is_paragraph(old[-1]) and _is_paragraph(preceding):
            self.tracker.track_paragraph_mark(preceding, "del")

    # -- tables: rows, then cells ------------------------------------------------------

    def _text_changed(self, before: str, after: str) -> None:
        """Note a paragraph tracked whole: in a table, a cell of that table."""
        if self._table_name is None:
            self.changes.append(TrackedChange("paragraph", None, before, after))
        else:
            self.changes.append(TrackedChange("cell", self._table_name or None, before, after))

    def _row_changed(self, before: str, after: str) -> None:
        self.changes.append(TrackedChange("row", self._table_name or None, before, after))

    def _table(self, old: Table, new: Table, comments: bool, name: str) -> None:
        """Track a table's changes: cell by cell in rows that stand in both, whole rows
        where rows were added or removed. ``name``: the published table's, else ""."""
        outer, self._table_name = self._table_name, name
        try:
            self._rows(old, new, comments)
        finally:
            self._table_name = outer

    def _rows(self, old: Table, new: Table, comments: bool) -> None:
        old_rows, new_rows = list(old.rows), list(new.rows)
        if len(old_rows) == len(new_rows):
            for before, after in zip(old_rows, new_rows, strict=True):
                self._row(before, after, comments)
            return
        matcher = difflib.SequenceMatcher(
            None,
            [self._row_key(row, as_before=False) for row in old_rows],
            [self._row_key(row, as_before=True) for row in new_rows],
            autojunk=False,
        )
        for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = min(i2 - i1, j2 - j1)
            for offset in range(pairs):
                self._row(old_rows[i1 + offset], new_rows[j1 + offset], comments)
            for row in old_rows[i1 + pairs : i2]:
                if j2 < len(new_rows):
                    self.tracker.delete_row(row, before=new_rows[j2])
                else:
                    self.tracker.delete_row(row, after=new_rows[-1])
                self._row_changed(_row_text(row), "")
            for row in new_rows[j1 + pairs : j2]:
                self._row_changed("", self._row_text(row))
                self.tracker.insert_row(row)

    def _row(self, old, new, comments: bool) -> None:
        old_cells, new_cells = layout.row_cells(old), layout.row_cells(new)
        if len(old_cells) != len(new_cells):
            self._row_changed(_row_text(old), self._row_text(new))
            self.tracker.delete_row(old, before=new)
            self.tracker.insert_row(new)
            return
        for before, after in zip(old_cells, new_cells, strict=True):
            self.blocks(
                list(before.iter_inner_content()),
                list(after.iter_inner_content()),
                comments=comments,
            )

    def _row_key(self, row, *, as_before: bool) -> str:
        texts = (p.text for cell in layout.row_cells(row) for p in cell.paragraphs)
        return "\x1f".join(self._as_before(t) if as_before else t for t in texts)

    def _row_text(self, row) -> str:
        return " | ".join(
            "\n".join(self._plain(p) for p in cell.paragraphs) for cell in layout.row_cells(row)
        )

    @staticmethod
    def _plain(paragraph: Paragraph) -> str:
        return marks.unmarked_as(paragraph.text, [])

    # -- comments ----------------------------------------------------------------------

    # The comments are read in Word by whoever checks the corrections: in the language
    # brief speaks; the names and values in them as the letter has them.

    def _value_note(self, name: str, before: str, after: str) -> str:
        # TRANSLATORS: a Word comment on a value that changed in the letter with tracked
        # changes: its name, its old and its new text; why it changed may follow.
        note = _("{name}: {before} → {after}.").format(name=name, before=before, after=after)
        return f"{note} {self._why(name)}".strip()

    def _picture_note(self, name: str) -> str:
        # TRANSLATORS: a Word comment on a chart that changed in the letter with tracked
        # changes; why it changed may follow.
        note = _("{name}: the chart changed.").format(name=name)
        return f"{note} {self._why(name)}".strip()

    def _why(self, name: str) -> str:
        """Return why ``name`` shows something else: which notebook reran, and why."""
        if self.new_record is None or name not in self.new_record.shown:
            return ""
        shown = self.new_record.shown[name]
        if isinstance(shown, ShownParameter):
            # TRANSLATORS: {path} is the params file, params/2023.yaml
            return _("{path} changed.").format(path=self.new_record.params.path)
        notebook = shown.origin.notebook
        reason = notebook_reason(notebook, self.old_record, self.new_record)
        if reason:
            # TRANSLATORS: {place} is "02-ouderen.ipynb, cell 5", {reason} why the notebook
            # reran: "data/ouderen.csv changed".
            message = _("Published by {place}; {notebook} reran: {reason}.")
        else:
            message = _("Published by {place}.")
        return message.format(place=shown.origin.place, notebook=notebook, reason=reason)


def _is_paragraph(block) -> bool:
    return isinstance(block, Paragraph)


def _first_name(block) -> str | None:
    """Return the first name marked in ``block`` if it is a paragraph, else None."""
    if _is_paragraph(block):
        names = marks.marked_values(block.text)
        if names:
            return names[0][0]
    return None


def _name_at(names: list, index: int) -> str | None:
    return names[index] if 0 <= index < len(names) else None


def _row_text(row) -> str:
    return " | ".join("\n".join(p.text for p in cell.paragraphs) for cell in layout.row_cells(row))


def _headers_and_footers(old: Document, new: Document):
    """Yield (old, new) headers and footers that stand in the same place in both letters."""
    seen = set()
    kinds = ("header", "first_page_header", "even_page_header")
    kinds += ("footer", "first_page_footer", "even_page_footer")
    for old_section, new_section in zip(old.sections, new.sections, strict=False):
        for kind in kinds:
            before, after = getattr(old_section, kind), getattr(new_section, kind)
            if before.is_linked_to_previous or after.is_linked_to_previous:
                continue
            if id(after.part) in seen:
                continue
            seen.add(id(after.part))
            yield before, after
