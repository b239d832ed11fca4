"""Read back what executed notebooks published, with where each item came from.

Executed notebooks are read as plain JSON: nbformat would validate them, which costs a
second and a half of imports on every build for files papermill has just written. Each
output is read through the models of :mod:`brief.records`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from brief.exceptions import PublishError
from brief.i18n import _
from brief.records import (
    INPUT_MIMETYPE,
    PUBLISH_MIMETYPE,
    DataRead,
    Origin,
    PublishedItem,
    read_published,
)


@dataclass(frozen=True)
class Published:
    """One item a notebook published, and the cell it came from."""

    item: PublishedItem
    origin: Origin

    @property
    def name(self) -> str:
        return self.item.name


@dataclass
class Collection:
    """Everything a year's notebooks published, and the data files they read."""

    items: dict[str, Published] = field(default_factory=dict)
    # notebook -> data file it read (as data/x.csv) -> what was read
    inputs: dict[str, dict[str, DataRead]] = field(default_factory=dict)

    def block_names(self) -> set[str]:
        """Return the names of figures and tables: those fill a paragraph of their own."""
        return {name for name, entry in self.items.items() if entry.item.is_block}

    def notes(self) -> list[str]:
        """Return, once per data file, how doubtful numbers in it were read.

        Each in the language spoken now, whatever the language of the run that read the
        file (a note is a :class:`brief.records.ReadNote`; one of an older brief is its
        English sentence, shown as it is).
        """
        return sorted(
            {
                f"{path}, {note}"
                for reads in self.inputs.values()
                for path, read in reads.items()
                for note in read.notes
            }
        )


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
                    read = DataRead.model_validate(data[INPUT_MIMETYPE])
                    reads[read.path] = read
                if PUBLISH_MIMETYPE not in data:
                    continue
                item = read_published(data[PUBLISH_MIMETYPE], path.name)
                origin = Origin(
                    notebook=path.name,
                    cell=index,
                    cell_id=cell.get("id", ""),
                    count=cell.get("execution_count"),
                )
                entry = Published(item, origin)
                earlier = collection.items.get(item.name)
                if earlier is not None:
                    raise PublishError(
                        _(
                            "'{name}' is published twice: in {first} and in {second}. "
                            "Give one of them another name."
                        ).format(
                            name=item.name, first=earlier.origin.place, second=entry.origin.place
                        )
                    )
                collection.items[item.name] = entry
    return collection
