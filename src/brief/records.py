"""The typed contract between notebooks, builds and readers, with a version in every file.

Three kinds of record cross a boundary and are written and read through these models only:

- what a notebook publishes (a value, a figure, a table) and which data it read: custom
  MIME outputs in the executed notebook, written by :mod:`brief.notebook.publish` and
  :mod:`brief.notebook.data`, read back by :mod:`brief.notebook.collect`;
- what the letter showed of each name (:data:`Shown`), kept to compare builds;
- the run record, ``outputs/<year>/run.json``, from which the next build plans.

Each kind knows how it prints, how it is compared with the build before and where the
review page lists it, so no reader switches on a kind string. A record of another version
is recognised and treated as absent (the build redoes the work), never misread.

Both sides import this module: it needs only pydantic, :mod:`brief.formatting` and
:mod:`brief.i18n`. What a person reads is stored as data where it is made in a kernel and
shown later (:class:`ReadNote`), so it prints in the language of whoever reads it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Protocol

from babel.numbers import get_decimal_symbol
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from brief.exceptions import PublishError
from brief.formatting import MISSING_CELL, NUMBER_UNITS, format_value
from brief.i18n import N_, _, current_language, ngettext

PUBLISH_MIMETYPE = "application/vnd.brief.publish+json"
INPUT_MIMETYPE = "application/vnd.brief.input+json"
PUBLISH_SCHEMA = 3  # bump when a published item changes shape (3: with its lineage)
RECORD_VERSION = 2  # bump when run.json changes shape; an old record then means "rebuild"

Unit = Literal[NUMBER_UNITS]  # the one list of units lives in brief.formatting
ValueUnit = Literal[(*NUMBER_UNITS, "text")]  # a value may also be a short text


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Origin(_Record):
    """Where a published item came from: the notebook and the cell (0-based) that made it."""

    notebook: str
    cell: int
    cell_id: str = ""  # the cell's nbformat id; the HTML copy anchors it as #cell-id=<id>
    count: int | None = None  # its execution count: the n of "In [n]" on the notebook page

    @property
    def place(self) -> str:
        """The cell as a reader counts it: '01-jeugd.ipynb, cell 4'."""
        # TRANSLATORS: a notebook's file name and the number of one of its cells
        return _("{notebook}, cell {cell}").format(notebook=self.notebook, cell=self.cell + 1)


def plain_number(number: float | int) -> str:
    """Return a number as a program writes it, without grouping: 1234, 1.234, 1234567.5."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


# How a doubtful number was read: a dot that groups thousands ("1.234" as 1234), a comma
# that starts the decimals ("1,234" as 1.234), or English notation ("1,234,567"); or a
# number above what its unit can usually be (a percentage over 100).
Doubt = Literal["thousands", "decimals", "english", "above"]


class ReadNote(_Record):
    """A number a data file wrote that brief read one way where a reader could read another.

    Made in the kernel that read the file and kept in the executed notebook as data, not
    as a sentence: :attr:`text` (and ``str()``) writes the sentence in the language spoken
    when it is shown, so a notebook reused from a build in another language shows it right.
    """

    column: str  # as the data names it: 'value'
    row: int  # as a spreadsheet counts it, the header being row 1
    written: str  # what the cell holds, as written: '1.234'
    read_as: int | float  # the number brief read it as
    doubt: Doubt
    more: int = 0  # how many more values of the file were read the same way

    @property
    def text(self) -> str:
        """The note as a sentence in the language brief speaks now."""
        # Ungrouped, with the decimal sign of the language: 1.234 in English, 1,234 in Dutch.
        number = plain_number(self.read_as).replace(".", get_decimal_symbol(current_language()))
        if self.doubt == "thousands" and not self.more:
            # TRANSLATORS: {column} is the data's column name ('value'); {number} is written
            # with the decimal sign of the language spoken (English 1.234, Dutch 1,234)
            message = _(
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(the dot groups thousands)"
            )
        elif self.doubt == "thousands":
            # TRANSLATORS: {count} more values of the file were read the same way; {number}
            # is written with the decimal sign of the language spoken (Dutch 1,234)
            message = ngettext(
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(the dot groups thousands) and {count} more value(s) read the same way",
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(the dot groups thousands) and {count} more value(s) read the same way",
                self.more,
            )
        elif self.doubt == "decimals" and not self.more:
            message = _(
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(the comma starts the decimals)"
            )
        elif self.doubt == "decimals":
            message = ngettext(
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(the comma starts the decimals) and {count} more value(s) read the same way",
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(the comma starts the decimals) and {count} more value(s) read the same way",
                self.more,
            )
        elif self.doubt == "above" and not self.more:
            # TRANSLATORS: a percentage in the data over 100, which may be a typo
            message = _(
                "column {column!r}, row {row}: {written!r} is a percentage over 100; check it"
            )
        elif self.doubt == "above":
            message = ngettext(
                "column {column!r}, row {row}: {written!r} is a percentage over 100; check it "
                "and {count} more value(s) over 100",
                "column {column!r}, row {row}: {written!r} is a percentage over 100; check it "
                "and {count} more value(s) over 100",
                self.more,
            )
        elif not self.more:
            message = _(
                "column {column!r}, row {row}: read {written!r} as {number} (English notation)"
            )
        else:
            message = ngettext(
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(English notation) and {count} more value(s) read the same way",
                "column {column!r}, row {row}: read {written!r} as {number} "
                "(English notation) and {count} more value(s) read the same way",
                self.more,
            )
        return message.format(
            column=self.column, row=self.row, written=self.written, number=number, count=self.more
        )

    def __str__(self) -> str:  # the review page prints a note with {{ note }}
        return self.text


class DataRead(_Record):
    """A data file a notebook read: its hash, its rows and how doubtful numbers were read."""

    path: str  # as written inside the project: data/jeugd.csv
    sha256: str
    rows: int | None = None
    # A note of brief before notes were records is its English sentence: shown as it is.
    notes: list[ReadNote | str] = []
    # What the file holds: yearly figures, or the indicator catalogue or areas they use.
    table: Literal["figures", "catalogue", "areas"] = "figures"


# --- where a published number came from ------------------------------------------------

# How a value was made from its rows by an indicator function (see brief.notebook.indicators).
Derivation = Literal["share", "sum", "difference", "change", "comparison"]


class SourceRow(_Record):
    """One data row a published item was read from, as a spreadsheet shows it."""

    file: str  # as written inside the project: data/ouderen.csv
    row: int  # as a spreadsheet counts it, the header being row 1
    sheet: str = ""  # the sheet of a workbook; "" for a CSV file
    indicator: str
    year: int
    area: str
    kind: str  # realisation, target or baseline
    value: int | float
    source: str = ""  # the row's source column

    @property
    def place(self) -> str:
        """The row as a reader finds it: 'data/ouderen.csv, row 3'."""
        if self.sheet:
            # TRANSLATORS: a row of a sheet of an Excel workbook, counted as Excel counts it
            return _("{file}, sheet {sheet!r}, row {row}").format(
                file=self.file, sheet=self.sheet, row=self.row
            )
        # TRANSLATORS: a row of a data file, counted as a spreadsheet counts it (header: 1)
        return _("{file}, row {row}").format(file=self.file, row=self.row)

    @property
    def text(self) -> str:
        """The row and what it says: its figure, indicator, year, area, kind and source."""
        # TRANSLATORS: one data row behind a number of the letter; {kind} is realisation,
        # target or baseline, {source} the row's own source column
        return _("{place}: {indicator}, {year}, {area}, {kind} {value} (source: {source})").format(
            place=self.place,
            indicator=self.indicator,
            year=self.year,
            area=self.area,
            kind=_(KIND_NAMES.get(self.kind, self.kind)),
            value=plain_number(self.value),
            source=self.source or "-",
        )


# The kinds of figure, as messages name them (translated where shown).
KIND_NAMES = {"realisation": N_("realisation"), "target": N_("target"), "baseline": N_("baseline")}


class Lineage(_Record):
    """Where a published item came from: the data rows it was read or computed from.

    No rows: the notebook made it itself (a literal, or a computation outside the
    indicator functions), and the review copy says so rather than guess.
    """

    rows: list[SourceRow] = []
    derived: Derivation | None = None  # how the value was computed from its rows, if it was

    @property
    def by_hand(self) -> bool:
        return not self.rows

    @classmethod
    def joined(cls, *lineages: Lineage | None, derived: Derivation | None = None) -> Lineage:
        """Return one lineage holding every row of ``lineages``, each once, in file order."""
        rows = {
            (row.file, row.sheet, row.row): row
            for lineage in lineages
            if lineage is not None
            for row in lineage.rows
        }
        return cls(rows=[rows[key] for key in sorted(rows)], derived=derived)

    @property
    def text(self) -> str:
        """Every row in full, in the language spoken now; how it was computed first."""
        return self._said("; ".join(row.text for row in self.rows) if not self.by_hand else "")

    def _said(self, rows: str) -> str:
        if self.by_hand:
            return computed_in_notebook()
        if self.derived is None:
            # TRANSLATORS: {rows} lists the data rows a number of the letter was read from
            return _("read from {rows}").format(rows=rows)
        # TRANSLATORS: {how} is "a share", "a sum", ...; {rows} lists the data rows used
        return _("{how}, computed from {rows}").format(how=_(DERIVED[self.derived]), rows=rows)

    @property
    def short(self) -> str:
        """The rows in short, with how: 'read from data/jeugd.csv, rows 8-9, 11-12'."""
        return self._said(self.summary)

    @property
    def summary(self) -> str:
        """The rows in short, per file: 'data/jeugd.csv rows 2-4, 9' (figures, tables)."""
        if self.by_hand:
            return computed_in_notebook()
        by_file: dict[tuple[str, str], list[int]] = {}
        for row in self.rows:
            by_file.setdefault((row.file, row.sheet), []).append(row.row)
        parts = []
        for (file, sheet), numbers in by_file.items():
            spans = _spans(sorted(numbers))
            if sheet:
                # TRANSLATORS: data rows of a sheet of a workbook: "data/x.xlsx, sheet 'data',
                # rows 2-4, 9"
                text = ngettext(
                    "{file}, sheet {sheet!r}, row {rows}",
                    "{file}, sheet {sheet!r}, rows {rows}",
                    len(numbers),
                )
            else:
                # TRANSLATORS: data rows of a file: "data/jeugd.csv, rows 2-4, 9"
                text = ngettext("{file}, row {rows}", "{file}, rows {rows}", len(numbers))
            parts.append(text.format(file=file, sheet=sheet, rows=spans))
        return "; ".join(parts)


def computed_in_notebook() -> str:
    """What the review copy says of a value no data row stands behind."""
    # TRANSLATORS: said of a published value that was not read from a data row by brief's
    # indicator functions: a number typed in the notebook, or computed there
    return _("computed in the notebook, not read from a data row by brief")


DERIVED: dict[str, str] = {
    "share": N_("a share"),
    "sum": N_("a sum"),
    "difference": N_("a difference"),
    "change": N_("a change"),
    "comparison": N_("a comparison"),
}


def _spans(numbers: list[int]) -> str:
    """Return row numbers as spans: [2, 3, 4, 9] -> '2-4, 9'."""
    spans, start = [], numbers[0]
    for previous, number in zip(numbers, [*numbers[1:], None], strict=True):
        if number != previous + 1 if number is not None else True:
            spans.append(str(start) if start == previous else f"{start}\u2013{previous}")
            start = number
    return ", ".join(spans)


# --- what the letter showed, compared between builds ------------------------------------


class ChangeLog(Protocol):
    """What :meth:`compare_with` reports to (see :class:`brief.review.changes.Changes`)."""

    def text_changed(self, name: str, before: str, after: str) -> None: ...
    def image_changed(self, name: str) -> None: ...
    def cells_changed(self, name: str, cells: list[str]) -> None: ...


class _ShownText(_Record):
    text: str

    def compare_with(self, name: str, before: Shown, log: ChangeLog) -> None:
        if before.text != self.text:
            log.text_changed(name, before.text, self.text)


class ShownParameter(_ShownText):
    """A params-file entry as the letter prints it."""

    kind: Literal["parameter"] = "parameter"


class ShownValue(_ShownText):
    """A published value as the letter prints it."""

    kind: Literal["value"] = "value"
    origin: Origin
    lineage: Lineage | None = None  # None: recorded by a brief that kept no lineage


class ShownFigure(_Record):
    """A published figure: its caption title and the hash of its image."""

    kind: Literal["figure"] = "figure"
    text: str
    image: str
    origin: Origin
    lineage: Lineage | None = None

    def compare_with(self, name: str, before: Shown, log: ChangeLog) -> None:
        if getattr(before, "image", None) != self.image:
            log.image_changed(name)


class ShownTable(_Record):
    """A published table: its title, header and every cell as it prints."""

    kind: Literal["table"] = "table"
    text: str
    columns: list[str]
    cells: list[list[str]]
    origin: Origin
    lineage: Lineage | None = None

    def compare_with(self, name: str, before: Shown, log: ChangeLog) -> None:
        old_cells = getattr(before, "cells", None)
        if getattr(before, "columns", None) != self.columns or len(old_cells) != len(self.cells):
            log.cells_changed(name, [_("the columns or the number of rows changed")])
            return
        key = _key_column(self.cells)
        changed = [
            _cell_change(new_row[key] if key is not None else None, number + 1, column, was, now)
            for number, (old_row, new_row) in enumerate(zip(old_cells, self.cells, strict=True))
            for column, was, now in zip(self.columns, old_row, new_row, strict=True)
            if was != now
        ]
        if changed:
            log.cells_changed(name, changed)


def _cell_change(key: str | None, number: int, column: str, before: str, after: str) -> str:
    """Return one changed cell for changes.md, its row named by its key cell if it has one."""
    if key is not None:
        # TRANSLATORS: a changed table cell; "row" is the row's indicator (or other key cell)
        message = _('row "{row}", column "{column}": {before} → {after}')
    else:
        # TRANSLATORS: a changed table cell; the rows are counted from 1
        message = _('row {number}, column "{column}": {before} → {after}')
    return message.format(row=key, number=number, column=column, before=before, after=after)


def _key_column(cells: list[list[str]]) -> int | None:
    """Return the first column whose cells name each row once (the indicator), if any."""
    for index, column in enumerate(zip(*cells, strict=True)):
        if len(set(column)) == len(column):
            return index
    return None


Shown = Annotated[
    ShownParameter | ShownValue | ShownFigure | ShownTable, Field(discriminator="kind")
]


# --- what a notebook publishes ----------------------------------------------------------


class LetterBuilder(Protocol):
    """What turns a published item into something the template can place."""

    def value(self, item: PublishedValue): ...
    def figure(self, item: PublishedFigure): ...
    def table(self, item: PublishedTable): ...


class _Published(_Record):
    schema_version: Literal[3] = PUBLISH_SCHEMA
    name: str
    # Why an area's letter has no figure here (it prints "geen gegevens voor dit gebied").
    gap: str | None = None
    # The data rows it was read or computed from; none: made in the notebook itself.
    lineage: Lineage = Lineage()
    review_section: ClassVar[str]  # where the review page lists it
    is_block: ClassVar[bool] = False  # placed as a paragraph of its own: {{p name }}

    @property
    def text(self) -> str:
        """What the letter prints for it: the value, or the caption title."""
        raise NotImplementedError

    @property
    def years_shown(self) -> list[int]:
        """The years it shows figures for, oldest first; [] when it is not a time series."""
        return []

    @property
    def chart_png(self) -> bytes | None:
        """The chart's image, for the checks on its colours; None when it is no chart."""
        return None

    def as_json(self) -> dict:
        return self.model_dump(mode="json")


class PublishedValue(_Published):
    """One number (or short text) for the letter."""

    type: Literal["value"] = "value"
    value: int | float | str
    unit: ValueUnit = "count"
    description: str = ""
    review_section: ClassVar[str] = "values"

    @property
    def text(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def display_line(self) -> str:
        return f"{self.name} = {self.text}"

    def shown(self, origin: Origin) -> ShownValue:
        return ShownValue(text=self.text, origin=origin, lineage=self.lineage)

    def for_letter(self, builder: LetterBuilder):
        return builder.value(self)


class _Block(_Published):
    """A figure or table: a paragraph of its own, with caption title, source line, alt text."""

    title: str
    source: str
    alt: str
    is_block: ClassVar[bool] = True

    @property
    def text(self) -> str:
        return self.title


class PublishedFigure(_Block):
    """A chart for the letter: the PNG, its caption title, source line and alt text."""

    type: Literal["figure"] = "figure"
    png: str  # base64
    data: str | None = None  # the table behind the chart, as CSV
    years: list[int] | None = None  # the years it shows figures for, when known
    review_section: ClassVar[str] = "figures"

    @property
    def years_shown(self) -> list[int]:
        return sorted(self.years or [])

    @property
    def png_bytes(self) -> bytes:
        return base64.b64decode(self.png)

    @property
    def chart_png(self) -> bytes:
        return self.png_bytes

    @property
    def display_line(self) -> str:
        # TRANSLATORS: what a notebook shows under a published chart: its name and title
        return _("Figure {name}: {title}").format(name=self.name, title=self.title)

    def shown(self, origin: Origin) -> ShownFigure:
        image = hashlib.sha256(self.png.encode()).hexdigest()
        return ShownFigure(text=self.title, image=image, origin=origin, lineage=self.lineage)

    def for_letter(self, builder: LetterBuilder):
        return builder.figure(self)


class PublishedTable(_Block):
    """A table for the letter: header, rows, the unit of each column or row."""

    type: Literal["table"] = "table"
    columns: list[str]
    units: dict[str, Unit] = {}
    row_units: list[Unit] | None = None
    rows: list[list[int | float | str | None]]
    review_section: ClassVar[str] = "tables"

    @property
    def display_line(self) -> str:
        # TRANSLATORS: what a notebook shows under a published table: its name and title
        return _("Table {name}: {title}").format(name=self.name, title=self.title)

    def cells(self) -> list[list[str]]:
        """Return every cell as it prints: Dutch numbers, "n.v.t." when empty."""
        row_units = self.row_units or ["count"] * len(self.rows)
        return [
            [
                _cell_text(value, self.units.get(column, row_unit))
                for column, value in zip(self.columns, values, strict=True)
            ]
            for values, row_unit in zip(self.rows, row_units, strict=True)
        ]

    def numeric_columns(self) -> list[bool]:
        """Return, per column, whether it holds numbers (aligned right in the letter)."""
        return [
            any(isinstance(row[i], int | float) for row in self.rows)
            for i in range(len(self.columns))
        ]

    def shown(self, origin: Origin) -> ShownTable:
        return ShownTable(
            text=self.title,
            columns=self.columns,
            cells=self.cells(),
            origin=origin,
            lineage=self.lineage,
        )

    def for_letter(self, builder: LetterBuilder):
        return builder.table(self)


def _cell_text(value, unit: str) -> str:
    if value is None:
        return MISSING_CELL
    if isinstance(value, str):
        return value
    return format_value(value, unit)


class Gap:
    """A figure an area's letter has no data for, as the template sees it.

    Inert on purpose (the template sees no callables): ``text`` is what the letter prints
    (brief.yaml's ``geen_gegevens``), ``reason`` why it is missing. It is false in an
    ``{% if %}``, every filter passes it through unchanged, and sums with it stay gaps, so
    a template written for figures never fails on it; ``is gegeven`` and ``|of(...)``
    test for it (see :mod:`brief.letter.templating`).
    """

    __slots__ = ("reason", "text")

    def __init__(self, text: str, reason: str = ""):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "reason", reason)

    def __setattr__(self, name, value):
        raise AttributeError(name)

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Gap({self.text!r}, {self.reason!r})"

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other) -> bool:
        return isinstance(other, Gap) and (other.text, other.reason) == (self.text, self.reason)

    def __hash__(self) -> int:
        return hash((Gap, self.text, self.reason))

    def _stays(self, *_other) -> Gap:
        return self

    # Like NaN: a sum with a gap is a gap, and a gap is never more or less than anything.
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _stays
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _stays
    __neg__ = __pos__ = __abs__ = _stays

    def __lt__(self, _other) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__


PublishedItem = Annotated[
    PublishedValue | PublishedFigure | PublishedTable, Field(discriminator="type")
]
_PUBLISHED = TypeAdapter(PublishedItem)


def read_published(payload: dict, notebook: str) -> PublishedItem:
    """Return the item a notebook published, or raise PublishError if it cannot be read."""
    if payload.get("schema_version") != PUBLISH_SCHEMA:
        raise PublishError(
            _(
                "{notebook} was run by another version of brief (what it published has another "
                "shape). Build again with --force to rerun it."
            ).format(notebook=notebook)
        )
    try:
        return _PUBLISHED.validate_python(payload)
    except ValidationError as exc:
        raise PublishError(
            _("{notebook} published something brief cannot read: {error}").format(
                notebook=notebook, error=exc
            )
        ) from None


# --- the run record ---------------------------------------------------------------------


class FileFingerprint(_Record):
    path: str
    sha256: str | None  # None: the file does not exist


class Inputs(_Record):
    """What a build depends on, as fingerprints: compared with the last run record."""

    parameters: dict[str, int | str]  # what papermill gives every notebook
    template: FileFingerprint
    params: FileFingerprint
    toolkit: str  # brief's code and the library versions
    notebooks: dict[str, str]  # notebook name -> sha256 of its source
    language: str  # of what brief writes for people: the review page, changes.md


class NotebookRecord(_Record):
    """One notebook in a build: why it ran (None: reused), how long, what it read."""

    sha256: str
    reason: str | None
    seconds: float
    reads: dict[str, DataRead]


class GitState(_Record):
    commit: str | None
    dirty: bool | None


class OutputsMade(_Record):
    letter: str
    review_copy: bool
    pdf: bool


class ChartColour(_Record):
    """A colour of a chart's series that stands out too little from the chart's ground."""

    colour: str = Field(pattern=r"^#[0-9A-F]{6}$")  # as the finding names it: #FFD966
    ratio: float = Field(ge=1, lt=3)  # its contrast with the ground (WCAG 1.4.11 asks 3)


class RunRecord(_Record):
    """``outputs/<year>/run.json``: what went into a build and what the letter showed."""

    record_version: Literal[2] = RECORD_VERSION
    year: int
    started: str
    finished: str
    seconds: float
    git: GitState
    packages: dict[str, str]
    toolkit: str
    parameters: dict[str, int | str]
    template: FileFingerprint
    params: FileFingerprint
    language: str = "en"  # of the review page and changes.md; records before it: English
    notebooks: dict[str, NotebookRecord]
    data: dict[str, str]  # every data file read -> sha256
    outputs: OutputsMade
    shown: dict[str, Shown]
    # Each chart's faint colours, by the SHA-256 of its PNG (none: a chart that passes); the
    # next build looks only at charts that are not here (accessibility.look_at_charts).
    charts: dict[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")], list[ChartColour]] = {}

    @classmethod
    def read(cls, path: Path) -> RunRecord | None:
        """Return the record at ``path``, or None if there is none this version can trust."""
        try:
            return cls.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def write(self, path: Path) -> None:
        data = self.model_dump(mode="json")
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- why a notebook's results may differ between two builds ------------------------------


def files_changed(paths: list[str]) -> str:
    """Return the reason "data/ouderen.csv changed" for the files ``paths``, in the words
    of the language spoken now (also :func:`notebook_reason`'s)."""
    # TRANSLATORS: why a notebook reruns: {files} is one data file or a list of them,
    # "data/jeugd.csv, data/ouderen.csv".
    return ngettext("{files} changed", "{files} changed", len(paths)).format(files=", ".join(paths))


def notebook_reason(notebook: str, old: RunRecord | None, new: RunRecord) -> str | None:
    """Return why ``notebook``'s results may differ between the builds ``old`` and ``new``,
    in the words of `brief build` ("data/ouderen.csv changed"); None when nothing did."""
    after = new.notebooks.get(notebook)
    before = old.notebooks.get(notebook) if old is not None else None
    if after is None:
        return None
    # The reasons of brief.build.plan, in the language brief speaks now.
    if before is None:
        return _("no earlier result")
    if before.sha256 != after.sha256:
        return _("the notebook changed")
    if old.parameters != new.parameters:
        return _("its parameters changed")
    changed = sorted(
        path
        for path, read in after.reads.items()
        if path not in before.reads or before.reads[path].sha256 != read.sha256
    )
    if changed:
        return files_changed(changed)
    if old.toolkit != new.toolkit:
        return _("brief or a library it uses changed")
    return None
