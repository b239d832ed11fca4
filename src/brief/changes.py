"""What changed in a letter between two builds of the same year.

Each build stores a snapshot of everything it put in the letter, as the letter shows it:
values as formatted text, figures by the hash of their image, tables cell by cell, and
the params file's entries. A rebuild compares its snapshot with the last one, writes
``outputs/<year>/changes.md`` and prints a short summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from brief.collect import Collection
from brief.params import Params, parameter_text
from brief.records import Shown, ShownParameter


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

    @property
    def none(self) -> bool:
        return not (self.values or self.figures or self.tables or self.added or self.removed)

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
    return changes


def write_report(
    changes: Changes,
    year: int,
    previous_build: str,
    reruns: dict[str, str],
    reused: list[str],
    used: set[str],
) -> str:
    """Return changes.md: what changed in the letter and which notebooks reran, and why."""
    lines = [
        f"# Changes in the {year} letter",
        "",
        f"Compared with the build of {previous_build}.",
        "",
        "## Notebooks",
        "",
    ]
    lines += [f"- {name} reran: {reason}." for name, reason in reruns.items()]
    lines += [f"- {name} was reused: nothing it depends on changed." for name in reused]
    lines += ["", "## In the letter", ""]

    def where(name: str) -> str:  # published, but the template does not show it
        return "" if name in used else " (not in the letter)"

    if changes.none:
        lines.append("Nothing in the letter changed.")
        return "\n".join(lines) + "\n"
    if changes.values:
        lines += ["| name | before | after |", "| --- | --- | --- |"]
        lines += [
            f"| {name}{where(name)} | {_cell(old)} | {_cell(new)} |"
            for name, old, new in changes.values
        ]
        lines.append("")
    for name in changes.figures:
        lines.append(f"- Figure `{name}`{where(name)}: the image changed.")
    for name, cells in changes.tables.items():
        lines.append(f"- Table `{name}`{where(name)}: {len(cells)} cell(s) changed:")
        lines += [f"  - {cell}" for cell in cells]
    for name in changes.added:
        lines.append(f"- `{name}` is new.")
    for name in changes.removed:
        lines.append(f"- `{name}` is no longer published.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary(changes: Changes) -> str:
    """Return one short line for the terminal."""
    if changes.none:
        return "nothing in the letter changed"
    parts = []
    if changes.values:
        shown = ", ".join(f"{name} {old} → {new}" for name, old, new in changes.values[:3])
        more = f" and {len(changes.values) - 3} more" if len(changes.values) > 3 else ""
        parts.append(f"{len(changes.values)} value(s) changed ({shown}{more})")
    if changes.figures:
        parts.append(f"{len(changes.figures)} figure(s)")
    if changes.tables:
        parts.append(f"{len(changes.tables)} table(s)")
    if changes.added or changes.removed:
        parts.append(f"{len(changes.added)} name(s) added, {len(changes.removed)} removed")
    return "; ".join(parts)
