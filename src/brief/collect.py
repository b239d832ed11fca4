"""Read back what executed notebooks published, with where each item came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from brief.data import INPUT_MIMETYPE
from brief.exceptions import PublishError
from brief.publish import PUBLISH_MIMETYPE


@dataclass(frozen=True)
class Origin:
    """Where a published item came from: the notebook and the cell (0-based) that made it."""

    notebook: str
    cell: int


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
    inputs: dict[str, set[str]] = field(default_factory=dict)  # notebook -> data files

    def block_names(self) -> set[str]:
        """Return the names of figures and tables: those fill a paragraph of their own."""
        return {name for name, item in self.items.items() if item.kind != "value"}


def collect(executed: list[Path]) -> Collection:
    """Return what the executed notebooks published; a name published twice is an error."""
    collection = Collection()
    for path in executed:
        notebook = nbformat.read(path, as_version=4)
        reads = collection.inputs.setdefault(path.name, set())
        for index, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if INPUT_MIMETYPE in data:
                    reads.add(data[INPUT_MIMETYPE]["path"])
                if PUBLISH_MIMETYPE not in data:
                    continue
                payload = data[PUBLISH_MIMETYPE]
                item = Published(
                    payload["name"], payload["type"], payload, Origin(path.name, index)
                )
                earlier = collection.items.get(item.name)
                if earlier is not None:
                    raise PublishError(
                        f"'{item.name}' is published twice: in {earlier.origin.notebook} "
                        f"(cell {earlier.origin.cell + 1}) and in {path.name} "
                        f"(cell {index + 1}). Give one of them another name."
                    )
                collection.items[item.name] = item
    return collection
