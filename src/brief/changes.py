"""What changed in a letter between two builds of the same year.

Each build stores a snapshot of everything it put in the letter, as the letter shows it:
values as formatted text, figures by the hash of their image, tables cell by cell, and
the params file's entries. A rebuild compares its snapshot with the last one, writes
``outputs/<year>/changes.md`` and prints a short summary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from brief.collect import Collection
from brief.formatting import format_value, long_date
from brief.params import Params


def snapshot(params: Params, collection: Collection) -> dict[str, dict]:
    """Return every name the letter can show, with what it shows and where it came from."""
    from brief.letter import table_texts  # docxtpl is loaded only where a letter is made

    shown: dict[str, dict] = {}
    for name, value in params.template_context().items():
        shown[name] = {"kind": "parameter", "text": _parameter_text(value)}
    for name, item in collection.items.items():
        payload = item.payload
        entry = {
            "kind": item.kind,
            "notebook": item.origin.notebook,
            "cell": item.origin.cell,
            "cell_id": item.origin.cell_id,
        }
        if item.kind == "value":
            raw, unit = payload["value"], payload["unit"]
            entry["text"] = raw if unit == "text" else format_value(raw, unit)
        elif item.kind == "figure":
            entry["text"] = payload["title"]
            entry["image"] = hashlib.sha256(payload["png"].encode()).hexdigest()
        else:
            entry["text"] = payload["title"]
            entry["columns"] = payload["columns"]
            entry["cells"] = table_texts(payload)
        shown[name] = entry
    return shown


def _parameter_text(value) -> str:
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


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


def compare(before: dict[str, dict], after: dict[str, dict]) -> Changes:
    """Return what differs between the snapshot ``before`` and the snapshot ``after``."""
    changes = Changes(
        added=sorted(set(after) - set(before)), removed=sorted(set(before) - set(after))
    )
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        if new["kind"] == "figure" and old.get("image") != new.get("image"):
            changes.figures.append(name)
        elif new["kind"] == "table":
            cells = _changed_cells(old, new)
            if cells:
                changes.tables[name] = cells
        elif new["kind"] in ("value", "parameter") and old["text"] != new["text"]:
            changes.values.append((name, old["text"], new["text"]))
    return changes


def _changed_cells(old: dict, new: dict) -> list[str]:
    """Return each changed cell as 'row "first cell", column "name": old → new'."""
    if old.get("columns") != new.get("columns") or len(old["cells"]) != len(new["cells"]):
        return ["the columns or the number of rows changed"]
    key = _key_column(new["cells"])
    changed = []
    for number, (old_row, new_row) in enumerate(zip(old["cells"], new["cells"], strict=True)):
        row = f'row "{new_row[key]}"' if key is not None else f"row {number + 1}"
        for column, was, now in zip(new["columns"], old_row, new_row, strict=True):
            if was != now:
                changed.append(f'{row}, column "{column}": {was} → {now}')
    return changed


def _key_column(cells: list[list[str]]) -> int | None:
    """Return the first column whose cells name each row once (the indicator), if any."""
    for index, column in enumerate(zip(*cells, strict=True)):
        if len(set(column)) == len(column):
            return index
    return None


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
