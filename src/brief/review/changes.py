"""What changed in a letter between two builds of the same year.

Each build stores a snapshot of everything it put in the letter, as the letter shows it:
values as formatted text, figures by the hash of their image, tables cell by cell, and
the params file's entries. A rebuild compares its snapshot with the last one, writes
``outputs/<year>/changes.md`` and prints a short summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brief.i18n import _, ngettext
from brief.notebook.collect import Collection
from brief.project.params import Params, parameter_text
from brief.records import Lineage, Shown, ShownParameter, SourceRow, plain_number


def snapshot(params: Params, collection: Collection) -> dict[str, Shown]:
    """Return every name the letter can show, with what it shows and where it came from."""
    shown: dict[str, Shown] = {
        name: ShownParameter(text=parameter_text(value))
        for name, value in params.template_context().items()
    }
    for name, entry in collection.items.items():
        shown[name] = entry.item.shown(entry.origin)
    return shown


@dataclass
class Changes:
    """The differences between two snapshots of one year's letter."""

    values: list[tuple[str, str, str]] = field(default_factory=list)  # name, before, after
    figures: list[str] = field(default_factory=list)
    tables: dict[str, list[str]] = field(default_factory=dict)  # name -> changed cells
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Text of the letter that reads otherwise and no published name explains (the
    # template, how a value prints): (before, after), from the comparison of the letters.
    texts: list[tuple[str, str]] = field(default_factory=list)
    # For a changed value: the data rows behind it that changed ("data/ouderen.csv, row 3:
    # 700 → 715"), from the lineage both builds recorded.
    rows: dict[str, list[str]] = field(default_factory=dict)

    @property
    def none(self) -> bool:
        return not (
            self.values or self.figures or self.tables or self.added or self.removed or self.texts
        )

    # What each kind of shown name reports when it differs (records.ChangeLog).
    def text_changed(self, name: str, before: str, after: str) -> None:
        self.values.append((name, before, after))

    def image_changed(self, name: str) -> None:
        self.figures.append(name)

    def cells_changed(self, name: str, cells: list[str]) -> None:
        self.tables[name] = cells


def compare(before: dict[str, Shown], after: dict[str, Shown]) -> Changes:
    """Return what differs between the snapshot ``before`` and the snapshot ``after``."""
    changes = Changes(
        added=sorted(set(after) - set(before)), removed=sorted(set(before) - set(after))
    )
    for name in sorted(set(before) & set(after)):
        after[name].compare_with(name, before[name], changes)
    for name, _old, _new in changes.values:
        rows = changed_rows(before[name], after[name])
        if rows:
            changes.rows[name] = rows
    return changes


def changed_rows(before: Shown, after: Shown) -> list[str]:
    """Return the data rows behind ``after`` whose figure differs from ``before``'s, as
    "data/ouderen.csv, row 3: 700 → 715"; [] when either build kept no lineage."""
    old_lineage, new_lineage = getattr(before, "lineage", None), getattr(after, "lineage", None)
    if not (isinstance(old_lineage, Lineage) and isinstance(new_lineage, Lineage)):
        return []

    def key(row: SourceRow) -> tuple:  # the same figure, wherever in the file it now stands
        return (row.file, row.indicator, row.year, row.area, row.kind)

    old_rows = {key(row): row for row in old_lineage.rows}
    found = []
    for row in new_lineage.rows:
        was = old_rows.get(key(row))
        if was is None:
            # TRANSLATORS: a data row the value is now read from that it was not before
            found.append(
                _("{place}: new, {value}").format(place=row.place, value=plain_number(row.value))
            )
        elif was.value != row.value:
            found.append(f"{row.place}: {plain_number(was.value)} → {plain_number(row.value)}")
    return found


def combine(snapshot: Changes, tracked: list) -> Changes:
    """Return ``snapshot`` (the published names compared) completed by ``tracked``, the
    changes found comparing the letters themselves (:class:`brief.letter.redline.TrackedChange`).

    The letters decide what changed in the letter: a value that prints otherwise while
    its data stayed (a date or number format, rounding) is a changed value, and text that
    no changed name explains (the template) is listed with its old and new text.
    """
    named = {name for name, _before, _after in snapshot.values}
    explaining = [text for _name, *texts in snapshot.values for text in texts if len(text) >= 3]
    for change in tracked:
        if change.kind == "value":
            if change.name not in named:
                snapshot.values.append((change.name, change.old, change.new))
                named.add(change.name)
        elif change.kind == "picture":
            if change.name not in snapshot.figures:
                snapshot.figures.append(change.name or "")
        elif change.kind == "cell" and change.name in snapshot.tables:
            continue
        elif not _explained(change, explaining):
            snapshot.texts.append((change.old, change.new))
    return snapshot


def _explained(change, texts: list[str]) -> bool:
    """Whether a paragraph, row or cell that changed holds (or is part of) a changed
    name's text: a params text, a value in a sentence of the template."""
    return any(
        text in side or (len(side) >= 3 and side in text)
        for text in texts
        for side in (change.old, change.new)
        if side
    )


def write_report(
    changes: Changes,
    year: int,
    previous_build: str,
    reruns: dict[str, str],
    reused: list[str],
    used: set[str],
    reference: str | None = None,
) -> str:
    """Return changes.md: what changed in the letter and which notebooks reran, and why.

    ``reference`` names the letter compared with (see :meth:`LetterHistory.describe`);
    without it, the build of ``previous_build``. In the language brief speaks; the names,
    values and file names as they are.
    """
    if reference is None:
        # TRANSLATORS: {time} is when the earlier build finished: 2026-06-01T10:00:00+02:00
        compared = _("Compared with the build of {time}.").format(time=previous_build)
    else:
        # TRANSLATORS: {reference} is "the letter marked as sent on ... (3f2a9c41d0)" or
        # "the last letter that differed, built ... (3f2a9c41d0)".
        compared = _("Compared with {reference}.").format(reference=reference)
    lines = [
        "# " + _("Changes in the {year} letter").format(year=year),
        "",
        compared,
        "",
        "## " + _("Notebooks"),
        "",
    ]
    lines += [
        # TRANSLATORS: {reason} says why: "data/jeugd.csv changed"
        "- "
        + _("{notebook} reran: {reason}.").format(
            notebook=markdown_text(name), reason=markdown_text(reason)
        )
        for name, reason in reruns.items()
    ]
    lines += [
        "- " + _("{notebook} was reused: nothing it depends on changed.").format(notebook=name)
        for name in reused
    ]
    lines += ["", "## " + _("In the letter"), ""]

    def shown(name: str, code: bool = True) -> str:
        """The name as the report writes it, with a note when the template does not show it
        (it is published, but not in the letter)."""
        written = f"`{name}`" if code else name
        if name in used:
            return written
        # TRANSLATORS: {name} is a published name that the letter does not show
        return _("{name} (not in the letter)").format(name=written)

    if changes.none:
        lines.append(_("Nothing in the letter changed."))
        return "\n".join(lines) + "\n"
    if changes.values:
        # TRANSLATORS: the head of a Markdown table: keep the | and the number of columns
        lines += [_("| name | before | after |"), "| --- | --- | --- |"]
        lines += [
            f"| {shown(name, code=False)} | {_cell(old)} | {_cell(new)} |"
            for name, old, new in changes.values
        ]
        lines.append("")
        for name, rows in changes.rows.items():
            # TRANSLATORS: {name} is a published name in `backquotes`; its data rows follow
            lines.append("- " + _("{name} changed in the data:").format(name=f"`{name}`"))
            lines += [f"  - {markdown_text(row)}" for row in rows]
        if changes.rows:
            lines.append("")
    for name in changes.figures:
        # TRANSLATORS: {name} is the figure's name in `backquotes`
        lines.append("- " + _("Figure {name}: the image changed.").format(name=shown(name)))
    for name, cells in changes.tables.items():
        # TRANSLATORS: {name} is the table's name in `backquotes`; the cells follow
        message = ngettext(
            "Table {name}: {count} cell(s) changed:",
            "Table {name}: {count} cell(s) changed:",
            len(cells),
        )
        lines.append("- " + message.format(name=shown(name), count=len(cells)))
        lines += [f"  - {markdown_text(cell)}" for cell in cells]
    for before, after in changes.texts:
        # TRANSLATORS: text of the letter that reads otherwise: its old and its new text.
        lines.append(
            "- "
            + _("Text: “{before}” → “{after}”").format(
                before=markdown_text(before), after=markdown_text(after)
            )
        )
    for name in changes.added:
        lines.append("- " + _("`{name}` is new.").format(name=name))
    for name in changes.removed:
        lines.append("- " + _("`{name}` is no longer published.").format(name=name))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


# Markdown that a viewer would turn into a link, an image, code or emphasis.
_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]"})


def markdown_text(text: str) -> str:
    """Return data text as Markdown that shows it as written: a viewer that renders HTML
    must not run ``<script>`` or ``<img onerror=...>`` from a provider's cell, nor make a
    link of ``[x](javascript:...)``."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.translate(_MARKDOWN_SPECIALS)


def summary_line(changes: Changes, reference: str | None, path: str) -> str:
    """Return the line a build prints about its changes: against what, what, and where
    changes.md is."""
    if reference is not None:
        # TRANSLATORS: {reference} is "the letter marked as sent on ... (3f2a9c41d0)" or
        # "the last letter that differed, built ... (3f2a9c41d0)".
        line = _("changes since {reference}: {summary}; see {path}")
    else:
        line = _("changes: {summary}; see {path}")
    return line.format(reference=reference, summary=summary(changes), path=path)


def summary(changes: Changes) -> str:
    """Return one short line for the terminal."""
    if changes.none:
        return _("nothing in the letter changed")
    parts = []
    if changes.values:
        count = len(changes.values)
        shown = ", ".join(f"{name} {old} → {new}" for name, old, new in changes.values[:3])
        if count > 3:
            # TRANSLATORS: {shown} lists the first three: "bereik 30.133 → 30.200, ..."
            message = ngettext(
                "{count} value(s) changed ({shown} and {more} more)",
                "{count} value(s) changed ({shown} and {more} more)",
                count,
            )
        else:
            # TRANSLATORS: {shown} lists them: "bereik 30.133 → 30.200, intern 12 → 13"
            message = ngettext(
                "{count} value(s) changed ({shown})", "{count} value(s) changed ({shown})", count
            )
        parts.append(message.format(count=count, shown=shown, more=count - 3))
    if changes.figures:
        count = len(changes.figures)
        parts.append(ngettext("{count} figure(s)", "{count} figure(s)", count).format(count=count))
    if changes.tables:
        count = len(changes.tables)
        parts.append(ngettext("{count} table(s)", "{count} table(s)", count).format(count=count))
    if changes.texts:
        count = len(changes.texts)
        parts.append(ngettext("{count} text(s)", "{count} text(s)", count).format(count=count))
    if changes.added or changes.removed:
        added, removed = len(changes.added), len(changes.removed)
        message = ngettext(
            "{added} name(s) added, {removed} removed",
            "{added} name(s) added, {removed} removed",
            added,
        )
        parts.append(message.format(added=added, removed=removed))
    return "; ".join(parts)
