"""Read back what executed notebooks published, with where each item came from.

Executed notebooks are read as plain JSON: nbformat would validate them, which costs a
second and a half of imports on every build for files papermill has just written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from brief.exceptions import PublishError

# What notebooks display for brief to collect: brief.publish_* shows the published items,
# brief.load_data shows which data file it read (with its hash and row count).
PUBLISH_MIMETYPE = "application/vnd.brief.publish+json"
INPUT_MIMETYPE = "application/vnd.brief.input+json"


@dataclass(frozen=True)
class Origin:
    """Where a published item came from: the notebook and the cell (0-based) that made it."""

    notebook: str
    cell: int
    cell_id: str = ""  # the cell's nbformat id; the HTML copy anchors it as #cell-id=<id>


@dataclass(frozen=True)
class Published:
    """One item a notebook published: its payload (as publish.py wrote it) and origin."""

    name: str
    kind: str  # "value", "figure" or "table"
    payload: dict
    origin: Origin


@dataclass
class Collection:
    """Everything a year's notebooks published, and the data files they read."""

    items: dict[str, Published] = field(default_factory=dict)
    # notebook -> data file it read (as data/x.csv) -> {"sha256": ..., "rows": ...}
    inputs: dict[str, dict[str, dict]] = field(default_factory=dict)

    def block_names(self) -> set[str]:
        """Return the names of figures and tables: those fill a paragraph of their own."""
        return {name for name, item in self.items.items() if item.kind != "value"}


def collect(executed: list[Path]) -> Collection:
    """Return what the executed notebooks published; a name published twice is an error."""
    collection = Collection()
    for path in executed:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        reads = collection.inputs.setdefault(path.name, {})
        for index, cell in enumerate(notebook["cells"]):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if INPUT_MIMETYPE in data:
                    read = data[INPUT_MIMETYPE]
                    reads[read["path"]] = {
                        "sha256": read["sha256"],
                        "rows": read.get("rows"),
                        "notes": read.get("notes", []),
                    }
                if PUBLISH_MIMETYPE not in data:
                    continue
                payload = data[PUBLISH_MIMETYPE]
                origin = Origin(path.name, index, cell.get("id", ""))
                item = Published(payload["name"], payload["type"], payload, origin)
                earlier = collection.items.get(item.name)
                if earlier is not None:
                    raise PublishError(
                        f"'{item.name}' is published twice: in {earlier.origin.notebook} "
                        f"(cell {earlier.origin.cell + 1}) and in {path.name} "
                        f"(cell {index + 1}). Give one of them another name."
                    )
                collection.items[item.name] = item
    return collection
