"""How a data file writes its rows, so a row brief suggests can be pasted in as it is.

Providers write their files their own way: a semicolon between cells (Dutch Excel), the
header in Dutch (``jaar;gebied;waarde``) or in another order, and the kind of a figure as
"realisatie" or "doel". A suggested row follows the file: its delimiter, its column order,
its kind words, with the value and source left as ``<waarde>`` under the file's own names.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from brief.notebook.validate import COLUMN_ALIASES, kind_words

CANONICAL = ("indicator", "year", "area", "value", "kind", "source")
WORKBOOK_SEPARATOR = " | "  # between the cells of a suggested row of a workbook


@dataclass(frozen=True)
class RowStyle:
    """The way one data file writes a row: delimiter, header and kind words."""

    delimiter: str
    header: tuple[str, ...]  # as the file writes it: ("indicator", "jaar", ...)
    kind_words: dict[str, str]  # realisation -> the word the file uses ("realisatie")

    def header_line(self) -> str:
        return self.delimiter.join(self.header)

    def row(self, indicator: str, year: int, area: str, kind: str, value=None, source=None) -> str:
        """Return a row as this file writes it; an unknown value or source as <its column>."""
        named = dict(zip(self._columns(), self.header, strict=True))
        cells = {
            "indicator": indicator,
            "year": str(year),
            "area": area,
            "value": f"<{named.get('value', 'value')}>" if value is None else str(value),
            "kind": self.kind_words.get(kind, kind),
            "source": f"<{named.get('source', 'source')}>" if source is None else str(source),
        }
        written = [_quoted(cells.get(column, ""), self.delimiter) for column in self._columns()]
        return self.delimiter.join(written)

    def _columns(self) -> list[str]:
        tidy = [" ".join(name.split()).lower() for name in self.header]
        return [COLUMN_ALIASES.get(name, name) for name in tidy]


PLAIN = RowStyle(",", CANONICAL, {})  # brief's own way, for a file it cannot read


def _quoted(cell: str, delimiter: str) -> str:
    return f'"{cell}"' if delimiter.strip() and delimiter in cell else cell


def row_style(path: Path, kind_words: dict[str, str] | None = None) -> RowStyle:
    """Return how the data file at ``path`` writes its rows; brief's own way if unreadable.

    ``kind_words`` are the file's words for the kinds when its reader knows them already
    (:func:`brief.notebook.validate.kind_words`); else the file is read for them.
    """
    from brief.notebook.data import read_long_table

    try:
        if path.suffix == ".xlsx":
            delimiter, header = WORKBOOK_SEPARATOR, _workbook_header(path)
        else:
            delimiter, header = _csv_header(path, whole=kind_words is None)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, IndexError):
        return PLAIN
    if not header:
        return PLAIN
    if kind_words is None:
        kind_words = _kind_words(read_long_table(path))
    return RowStyle(delimiter, tuple(header), kind_words)


def _csv_header(path: Path, whole: bool = True) -> tuple[str, list[str]]:
    """Return the delimiter and header of a CSV file.

    Without ``whole`` only the first line is read: for a file brief has read already, so
    it is known to be UTF-8 throughout.
    """
    if whole:
        text = path.read_text(encoding="utf-8-sig")
    else:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            text = stream.readline()
    if not text:
        raise IndexError("empty file")
    # The first line as splitlines() ends it, without splitting a million lines.
    first = (text[: text.find("\n") + 1 or None].splitlines() or [""])[0]
    dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    return dialect.delimiter, next(csv.reader([first], dialect))


def _workbook_header(path: Path) -> list[str]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = workbook.sheetnames
        sheet = workbook[names[0] if len(names) == 1 else "data"]
        first = next(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    return ["" if cell is None else str(cell) for cell in first]


def _kind_words(frame) -> dict[str, str]:
    """Return the word the file uses for each kind; Dutch for all if it writes any Dutch."""
    if frame is None or "kind" not in frame.columns:
        return {}
    return kind_words(frame["kind"])
