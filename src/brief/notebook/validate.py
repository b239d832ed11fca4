"""Check data rows as providers deliver them, and convert what they write to plain values.

Providers write numbers the Dutch way ("30.133", "4,4", "1.234,5", "12%", "€ 2.800.000"),
area names with or without hyphens, and headers in Dutch or English. A file is checked a
column at a time: numbers in the common notations are read by Arrow's string functions,
everything else once per distinct value written, so a national file of a million rows
takes about a second. Every problem in a file is collected and reported together, each
with its row as the user sees it in a spreadsheet (:mod:`brief.notebook.problems` says them).
Conversions a reader could doubt ("1.234": one thousand two hundred and thirty-four, or
one point two?) are returned as notes (:class:`brief.records.ReadNote`), which the
notebook shows and the review page lists.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from brief.exceptions import did_you_mean
from brief.i18n import _, ngettext
from brief.notebook.problems import Found
from brief.records import Doubt, ReadNote, plain_number

KINDS = ("realisation", "target", "baseline")
# Dutch words providers use for the kind of a figure.
KIND_ALIASES = {
    "realisatie": "realisation",
    "gerealiseerd": "realisation",
    "doel": "target",
    "streefwaarde": "target",
    "nulmeting": "baseline",
    "basis": "baseline",
}
# Dutch column names, as in a provider's spreadsheet.
COLUMN_ALIASES = {
    "schrijfwijzen": "aliases",
    "jaar": "year",
    "gebied": "area",
    "waarde": "value",
    "soort": "kind",
    "bron": "source",
}
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a year outside this is a typo

_CURRENCY_AND_SPACES = re.compile(r"[€\s\u00a0\u202f]")
_PLAIN = re.compile(r"\d+")
_DUTCH_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")  # 2.800.000 / 1.234,5
_DECIMAL_COMMA = re.compile(r"\d+,\d+")  # 4,4
_ENGLISH_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234,567.5
_DECIMAL_POINT = re.compile(r"\d+\.\d+")  # 4.4, as a program writes it


class NotANumber(ValueError):
    """The text cannot be read as a number."""


def parse_number(text: str, notation: str | None = None) -> tuple[float | int, Doubt | None]:
    """Return the number a provider wrote, and the kind of doubt when it could be doubted.

    Dutch first: a dot groups thousands and a comma starts the decimals. "1.234" is read
    as 1234 ("thousands") and "1,234" as 1,234 ("decimals"), each doubted, since an
    English writer would mean the other. Several groups ("1,234,567") can only be English
    ("english", doubted too); a lone dot with other than three decimals ("4.4") is how
    programs write numbers. A file whose ``notation`` the project declared ("nl" or "en")
    is read that way and never doubted.
    """
    if notation is not None:
        if notation == "en":  # 1,234.5 -> 1.234,5: then read it the Dutch way
            text = text.translate(str.maketrans({",": ".", ".": ","}))
        return parse_number(text)[0], None
    cleaned = _CURRENCY_AND_SPACES.sub("", text)
    negative = cleaned[:1] in ("-", "\u2212")
    body = cleaned[1:] if negative else cleaned
    body = body.removesuffix("%")
    doubt: Doubt | None = None
    if _PLAIN.fullmatch(body):
        number: float | int = int(body)
    elif _DUTCH_GROUPED.fullmatch(body):
        number = float(body.replace(".", "").replace(",", "."))
        if "," not in body and body.count(".") == 1:
            doubt = "thousands"
    elif _DECIMAL_COMMA.fullmatch(body):
        number = float(body.replace(",", "."))
        if len(body.split(",")[1]) == 3:
            doubt = "decimals"
    elif _ENGLISH_GROUPED.fullmatch(body) and (body.count(",") > 1 or "." in body):
        number = float(body.replace(",", ""))
        doubt = "english"
    elif _DECIMAL_POINT.fullmatch(body):
        number = float(body)
    else:
        raise NotANumber(_not_a_number(text))
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return (-number if negative else number), doubt


def _not_a_number(written) -> str:
    return _("{written!r} is not a number").format(written=written)


def _area_key(name: str) -> str:
    """The form two spellings of one area share: no accents, case, hyphens or spaces."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_only.casefold())


class CloseNames:
    """Find the known name closest to a misspelt one, as difflib does, through an index.

    difflib compares a name with every known one, which is quick for the 15 indicators of a
    city and minutes for the 20,000 of a national monitor. Past ``SMALL`` names, the names
    that share the most three-letter pieces with the misspelt one are compared instead.
    Each misspelt name is looked up once.
    """

    SMALL = 500  # up to this many names, difflib compares them all: exactly as before
    CANDIDATES = 200  # names compared with a misspelt one, from the index

    def __init__(self, names: Iterable[str]):
        self.names = list(names)
        self._index: dict[str, list[int]] | None = None
        self._found: dict[str, str | None] = {}

    def closest(self, written: str) -> str | None:
        """Return the closest known name (difflib's ratio at least 0.6), or None."""
        if written not in self._found:
            candidates = self.names if len(self.names) <= self.SMALL else self._candidates(written)
            close = difflib.get_close_matches(written, candidates, n=1)
            self._found[written] = close[0] if close else None
        return self._found[written]

    def _candidates(self, written: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for number, name in enumerate(self.names):
                for piece in _pieces(name):
                    self._index.setdefault(piece, []).append(number)
        shared = Counter(n for piece in _pieces(written) for n in self._index.get(piece, ()))
        return [self.names[n] for n, _count in shared.most_common(self.CANDIDATES)]


def _pieces(name: str) -> set[str]:
    padded = f" {name} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class AreaNames:
    """The areas a data file may name, matched the way people write them."""

    names: tuple[str, ...]  # the areas of the areas file
    city: str  # the name of city-wide figures
    file: str = "gebieden.csv"  # the areas file, as messages name it
    # Other ways providers write an area ("Den Bosch" for 's-Hertogenbosch): alias -> area.
    aliases: tuple[tuple[str, str], ...] = ()
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _close: CloseNames = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {_area_key(name): name for name in (*self.names, self.city)}
        by_key.update({_area_key(alias): name for alias, name in self.aliases})
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_close", CloseNames(by_key))

    def find(self, written: str) -> str | None:
        """Return the area's name as listed, or None."""
        return self._by_key.get(_area_key(written))

    def unknown(self, written: str) -> str:
        """Return why ``written`` is no area, suggesting the closest."""
        message = ngettext(
            "{written!r} is not {city} or one of the {count} areas in {file}.",
            "{written!r} is not {city} or one of the {count} areas in {file}.",
            len(self.names),
        ).format(written=written, city=self.city, count=len(self.names), file=self.file)
        closest = self._close.closest(_area_key(written))
        if closest:
            message += " " + did_you_mean(self._by_key[closest])
        return message

    def match(self, written: str) -> str:
        """Return the area's name as listed, or raise ValueError suggesting the closest."""
        found = self.find(written)
        if found is None:
            raise ValueError(self.unknown(written))
        return found


@dataclass(frozen=True)
class Bounds:
    """What the values of one unit can be; declared per unit, so every indicator has them."""

    whole: bool = False  # a count is whole: 1234.5 people is a misreading, refused
    highest: float | None = None  # above it a value is possible but doubtful: a note


# Every unit refuses negative values; these are the units' further bounds.
UNIT_BOUNDS = {"count": Bounds(whole=True), "percent": Bounds(highest=100)}
# A count written with one separator and three digits: "1,234" means 1234 to many people.
_GROUPED_ONCE = re.compile(r"-?(\d{1,3})([.,])(\d{3})")


class _Refused(ValueError):
    """A cell that cannot be read; ``kind`` picks the sentence, ``shown`` is what it wrote."""

    def __init__(self, kind: str, shown):
        super().__init__(kind)
        self.kind, self.shown = kind, shown


def _indicator(written, catalogue: dict[str, str]) -> str:
    name = str(written).strip()
    if name in catalogue:
        return name
    raise _Refused("unknown", name)


def _year(written) -> int:
    text = str(written).strip()
    if isinstance(written, float) and written.is_integer():
        text = str(int(written))
    if not (text.isdigit() and text.isascii()):
        raise _Refused("not a year", written)
    if not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        raise _Refused("out of range", written)
    return int(text)


def _area(written, areas: AreaNames) -> str:
    name = str(written).strip()
    found = areas.find(name)
    if found is None:
        raise _Refused("unknown", name)
    return found


def _kind(written) -> str:
    kind = str(written).strip().lower()
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise _Refused("unknown", written)
    return kind


def _value(written, notation: str | None) -> tuple[float, Doubt | None]:
    if isinstance(written, bool):
        raise _Refused("not a number", written)
    if isinstance(written, (int, float)):  # a number cell in Excel: nothing to read
        return float(written), None
    try:
        number, doubt = parse_number(str(written), notation)
    except NotANumber:
        raise _Refused("not a number", str(written)) from None
    return float(number), doubt


def _sayings(catalogue: CloseNames, areas: AreaNames) -> dict[tuple[str, str], Callable]:
    """Return, per column and kind of problem, how to say it for one value written."""

    def unknown_indicator(name):
        closest = catalogue.closest(name)
        hint = did_you_mean(closest) if closest else _("Add it there first.")
        return _("{name!r} is not in indicatoren.csv.").format(name=name) + " " + hint

    return {
        ("indicator", "unknown"): unknown_indicator,
        ("year", "not a year"): lambda w: _("{written!r} is not a year").format(written=w),
        ("year", "out of range"): lambda w: _(
            "{written!r} is not a year between {earliest} and {latest}"
        ).format(written=w, earliest=EARLIEST_YEAR, latest=LATEST_YEAR),
        ("area", "unknown"): areas.unknown,
        ("value", "not a number"): _not_a_number,
        # TRANSLATORS: {kinds} lists the kinds of figure as the data names them
        ("kind", "unknown"): lambda w: _("{written!r} must be one of {kinds}").format(
            written=w, kinds=", ".join(KINDS)
        ),
    }


def _negative(shown) -> str:
    number, unit = shown
    # TRANSLATORS: {unit} is a unit as indicatoren.csv names it: count, percent, euro
    return _("{value} is negative; a {unit} cannot be").format(
        value=plain_number(number), unit=unit
    )


def _not_whole(shown) -> str:
    """Say that a count is not whole, and what the provider most likely meant."""
    written, unit = shown
    message = _("{written!r} is not a whole number, and a {unit} is always whole.").format(
        written=written, unit=unit
    )
    grouped = _GROUPED_ONCE.fullmatch(str(written).strip())
    if isinstance(written, str) and grouped:
        whole = str(written).strip().replace(grouped[2], "")
        other = str(written).strip().replace(grouped[2], "," if grouped[2] == "." else ".")
        # TRANSLATORS: '1,234' read as 1.234 in a count: "Did you mean 1234? Write 1234 or 1.234."
        hint = _("Did you mean {number}? Write {number} or {grouped}.").format(
            number=whole, grouped=other
        )
    else:
        hint = _("Write it as a whole number, or check the indicator's unit in indicatoren.csv.")
    return f"{message} {hint}"


@dataclass
class Checked:
    """The rows of a file that passed, the problems of those that did not, and the notes.

    ``table`` has the column ``row`` (the spreadsheet row) and then the data's columns.
    """

    table: pd.DataFrame
    found: list[Found] = field(default_factory=list)
    notes: list[ReadNote] = field(default_factory=list)


COLUMNS = ("indicator", "year", "area", "value", "kind", "source")
_REQUIRED = COLUMNS[:-1]  # source may be empty
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def check_table(
    cells: pd.DataFrame,
    catalogue: dict[str, str],
    areas: AreaNames,
    notation: str | None = None,
) -> Checked:
    """Check every row of ``cells`` and return all rows, problems and notes at once.

    ``cells`` holds the columns as read (text, or numbers from a workbook; empty or NaN
    where nothing was written), indexed by the row number a spreadsheet shows. Blank
    rows are left out. Doubtful readings are noted once per kind of doubt, with a count
    and the first example, so a file written in one notation gives one line, not one per
    value.
    """
    checks = {
        "indicator": lambda w: _indicator(w, catalogue),
        "year": _year,
        "area": lambda w: _area(w, areas),
        "kind": _kind,
    }
    # Every column is numbered by distinct cell once (the values are read, and the sources
    # tidied, per distinct text too), and its blank cells found among the distinct ones.
    encoded = {column: _Encoded.of(cells[column]) for column in COLUMNS}
    blank = {column: _blank(cells[column], encoded[column]) for column in COLUMNS}
    written = ~np.logical_and.reduce([blank[column] for column in COLUMNS])
    if not written.all():
        cells = cells[written]
        blank = {column: mask[written] for column, mask in blank.items()}
        encoded = {column: code and code.rows(written) for column, code in encoded.items()}
    rows = cells.index.to_numpy(dtype=np.int64)
    sayings = _sayings(CloseNames(catalogue), areas)
    found: list[Found] = []
    bad = np.zeros(len(cells), dtype=bool)
    read: dict[str, Any] = {}
    unchanged: dict[str, pd.Series] = {}  # columns whose every cell is kept as written
    for order, column in enumerate(COLUMNS):
        present = ~blank[column]
        if column in _REQUIRED and not present.all():
            empty = np.flatnonzero(~present)
            shown = np.full(len(empty), "", dtype=object)
            found.append(Found(column, order, rows[empty], shown, _empty_cell))
            bad[empty] = True
        if column == "source":
            read[column] = _source(cells[column], present, encoded[column])
            continue
        if column == "value":
            read[column], doubts, refused = _values(
                cells[column], present, notation, encoded[column]
            )
        else:
            read[column], refused, same = _each_distinct(
                cells[column], present, checks[column], encoded[column]
            )
            if same:
                unchanged[column] = cells[column]
        for kind, (positions, shown) in refused.items():
            found.append(Found(column, order, rows[positions], shown, sayings[column, kind]))
            bad[positions] = True

    # Checks across columns, on rows whose cells passed: the unit comes with the indicator.
    indicators = read["indicator"]
    unit_of = [catalogue[name] for name in indicators.categories] + [None]
    units = _RowUnits(np.asarray(unit_of, dtype=object), indicators.codes)  # -1: the None
    value = read["value"]
    order = COLUMNS.index("value")
    with np.errstate(invalid="ignore"):
        rules = ((value < 0, _negative), (_fraction(value, units), _not_whole))
    for rule, say in rules:
        hit = ~bad & rule
        if hit.any():
            at = np.flatnonzero(hit)
            what = value[at] if say is _negative else cells["value"].to_numpy(dtype=object)[at]
            shown = np.empty(len(at), dtype=object)
            shown[:] = list(zip(what.tolist(), units[at].tolist(), strict=True))
            found.append(Found("value", order, rows[at], shown, say))
            bad |= hit

    good = ~bad
    source = _good_rows(pd.Series(read["source"], dtype=TEXT), good).reset_index(drop=True)
    table = pd.DataFrame(
        {
            "row": _good_rows(rows, good),
            "indicator": _texts(read["indicator"], good, unchanged.get("indicator")),
            "year": np.asarray(read["year"].categories, dtype=np.int64)[read["year"].codes[good]],
            "area": _texts(read["area"], good, unchanged.get("area")),
            "value": _good_rows(value, good),
            "kind": _texts(read["kind"], good, unchanged.get("kind")),
            "source": source,
        },
        copy=False,
    )
    key = [read[column].codes[good] for column in ("indicator", "year", "area", "kind")]
    found += _duplicates(table, key)
    # Notes of the rows that passed, as a file without problems would have them.
    doubts[bad] = 0
    notes = _notes(cells["value"], rows, doubts, np.where(bad, np.nan, value), units)
    return Checked(table, found, notes)


def _texts(values: pd.Categorical, good: np.ndarray, written: pd.Series | None = None):
    """Return the text of each good row, put together by Arrow (a million rows: 0.1 s).

    ``written`` is the column as written when every cell is kept as written (no spaces,
    no other spelling): then it is the column already.
    """
    import pyarrow as pa

    if written is not None and written.dtype == TEXT and good.all():
        return written.reset_index(drop=True)  # brief.notebook.data puts it in one piece
    names = pa.array(np.asarray(values.categories, dtype=object), pa.large_string())
    taken = names.take(pa.array(values.codes[good]))
    return taken.to_pandas(types_mapper={pa.large_string(): TEXT}.get)


def _good_rows(array, good: np.ndarray):
    """Return the good rows of ``array`` (or of a Series); all of them uncopied (a million
    numbers: 8 MB)."""
    return array if good.all() else array[good]


def _empty_cell(_written) -> str:
    return _("the cell is empty")


class _RowUnits:
    """The unit of each row's indicator, compared per indicator, not per row: a million
    rows hold a few units, and comparing texts a million times costs."""

    def __init__(self, per_indicator: np.ndarray, codes: np.ndarray):
        self.per_indicator, self.codes = per_indicator, codes

    def one_of(self, units: list[str]) -> np.ndarray:
        """Return, per row, whether its unit is one of ``units``."""
        return np.isin(self.per_indicator, units)[self.codes]

    def __getitem__(self, at: np.ndarray) -> np.ndarray:
        return self.per_indicator[self.codes[at]]


def _fraction(value: np.ndarray, units: _RowUnits) -> np.ndarray:
    whole = [unit for unit, bounds in UNIT_BOUNDS.items() if bounds.whole]
    return units.one_of(whole) & (np.floor(value) != value)


def _arrow(column: pd.Series):
    """Return a text column as one Arrow array, its pieces joined if it has more than one."""
    pieces = _arrow_pieces(column)
    return pieces.chunk(0) if pieces.num_chunks == 1 else pieces.combine_chunks()


def _arrow_pieces(column: pd.Series):
    """Return a text column as Arrow holds it: a ChunkedArray of one piece at least, in as
    many as it was read in (brief.notebook.data.READ_BLOCK), none copied."""
    import pyarrow as pa

    text = pa.array(column.astype(TEXT), type=pa.large_string())
    pieces = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    return pa.chunked_array(pieces or [pa.array([], pa.large_string())])


def _blank(column: pd.Series, encoded: _Encoded | None) -> np.ndarray:
    """Return where nothing is written: no cell, NaN, or only spaces.

    With ``encoded`` (the column numbered by distinct cell) only the distinct cells are
    looked at; without, the column holds Python objects (:meth:`_Encoded.of`)."""
    if encoded is not None:
        return encoded.blank[encoded.codes]
    missing = column.isna().to_numpy()
    text = column.map(lambda c: isinstance(c, str) and not c.strip(), na_action="ignore")
    return missing | text.fillna(False).to_numpy(dtype=bool)


def _only_spaces(text):
    """Return, per text of an Arrow array, whether it is empty or only spaces."""
    import pyarrow.compute as pc

    return pc.or_(pc.equal(text, ""), pc.utf8_is_space(text))


@dataclass(frozen=True)
class _Encoded:
    """A text column held by Arrow, numbered by distinct cell (Arrow's dictionary_encode):
    a code per row, and the distinct cells (an Arrow array; a missing cell is one too)."""

    codes: np.ndarray
    distinct: Any
    blank: np.ndarray  # per distinct cell: whether nothing is written in it

    @classmethod
    def of(cls, column: pd.Series) -> _Encoded | None:
        """Return the column numbered, or None for a column of Python objects."""
        if column.dtype == object:
            return None

        # Piece by piece as Arrow read the file: its pieces share one dictionary, numbered
        # in the order of the first row that writes each cell; joining the pieces first
        # would copy the column for nothing.
        pieces = _arrow_pieces(column).dictionary_encode(null_encoding="encode")
        text = pieces.chunk(0).dictionary  # a missing cell is a distinct one too: null, blank
        blank = _only_spaces(text).fill_null(True)
        codes = [piece.indices.to_numpy(zero_copy_only=False) for piece in pieces.chunks]
        codes = codes[0] if len(codes) == 1 else np.concatenate(codes)
        return cls(codes, text, blank.to_numpy(zero_copy_only=False))

    def rows(self, kept: np.ndarray) -> _Encoded:
        return _Encoded(self.codes[kept], self.distinct, self.blank)

    def factorized(self, present: np.ndarray) -> tuple[np.ndarray, list]:
        """Return what :func:`_factorize` returns of the present cells, in the same order."""
        distinct = self.distinct.to_pylist()
        if present.all() and not self.blank.any():
            return self.codes, distinct  # rows left out held blank cells only: all are used
        codes = self.codes if present.all() else self.codes[present]
        used = np.bincount(codes, minlength=len(self.distinct)) > 0
        if used.all():
            return codes, distinct
        # Only cells written in a present row, numbered again in the order of the first
        # row that writes each, as Arrow numbers them.
        kept = np.flatnonzero(used)
        number = np.full(len(used), -1, dtype=np.int64)
        number[kept] = np.arange(len(kept))
        return number[codes], [distinct[at] for at in kept]


def _each_distinct(
    column: pd.Series,
    present: np.ndarray,
    check: Callable[[Any], Any],
    encoded: _Encoded | None = None,
) -> tuple[pd.Categorical, dict[str, tuple[np.ndarray, np.ndarray]], bool]:
    """Check each distinct cell once; return the values per row and the refused per kind.

    The values come as a categorical (missing where a cell is empty or refused); the
    refused as, per kind of problem, their positions and what each wrote; and whether
    every value is the cell as written. ``encoded`` is the column numbered already.
    """
    if encoded is not None:
        codes, distinct = encoded.factorized(present)
    else:
        codes, distinct = _factorize(column if present.all() else column[present])
    results: list = [None] * len(distinct)
    kinds = np.full(len(distinct), "", dtype=object)
    shown = np.empty(len(distinct), dtype=object)
    for number, cell in enumerate(distinct):
        try:
            results[number] = check(cell)
        except _Refused as refused:
            kinds[number], shown[number] = refused.kind, refused.shown
    # Two spellings may give one value ('Realisatie', 'realisation'): categories are unique.
    result_codes, categories = pd.factorize(pd.Series(results, dtype=object))
    if not np.array_equal(result_codes, np.arange(len(result_codes))):
        codes_of_values = result_codes[codes]
    else:  # each distinct cell a value of its own, in the same order: the same codes
        codes_of_values = codes
    if present.all():
        full = codes_of_values
    else:
        full = np.full(len(column), -1, dtype=np.int64)
        full[present] = codes_of_values
    values = pd.Categorical.from_codes(full, categories=categories)
    refused = {}
    for kind in set(kinds) - {""}:
        hit = kinds[codes] == kind
        refused[kind] = (np.flatnonzero(present)[hit], shown[codes[hit]])
    same = all(type(r) is str and r == d for r, d in zip(results, distinct, strict=True))
    return values, refused, same


def _factorize(column: pd.Series) -> tuple[np.ndarray, list]:
    """Return a code per cell and the distinct cells; 1, 1.0, True and '1' stay apart."""
    if column.dtype != object:
        encoded = _arrow(column).dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return codes, encoded.dictionary.to_pylist()
    keys = column.map(lambda cell: (type(cell).__name__, cell))
    codes, distinct = pd.factorize(keys)
    return codes, [cell for _kind, cell in distinct]


def _source(column: pd.Series, present: np.ndarray, encoded: _Encoded | None):
    """Return the sources as written, without spaces around them; '' where none is.

    With ``encoded`` each distinct text is tidied once, and the column made in one piece;
    without, the column holds Python objects (:meth:`_Encoded.of`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if encoded is not None:
        tidy = pc.utf8_trim_whitespace(encoded.distinct.fill_null(""))
        tidy = tidy.take(pa.array(encoded.codes))
        if not present.all():
            tidy = pc.if_else(pa.array(present), tidy, "")
        return TEXT.__from_arrow__(tidy)
    values = column.map(lambda c: str(c).strip(), na_action="ignore").astype(TEXT)
    return values.where(present, "").array


# Numbers in the notations providers write, read by Arrow's string functions (RE2, ASCII
# only): anything else (Unicode digits, a minus sign '−', a stray letter) goes through
# parse_number one distinct text at a time, which says what is wrong.
_FAST_TEXT = r"^[ -~\x{20ac}\x{a0}\x{202f}\t\n\r\f\v]*$"
_SPACES = r"[\x{20ac} \t\n\r\f\v\x{a0}\x{202f}]"
_NOTATIONS = {
    "plain": r"^[0-9]{1,15}$",
    "dutch grouped": r"^[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$",
    "decimal comma": r"^[0-9]+,[0-9]+$",
    "english grouped": r"^[0-9]{1,3}((,[0-9]{3}){2,}(\.[0-9]+)?|,[0-9]{3}\.[0-9]+)$",
    "decimal point": r"^[0-9]+\.[0-9]+$",
}


DOUBTS: tuple[Doubt, ...] = ("thousands", "decimals", "english")  # coded 1, 2, 3; 0: none


def _values(
    column: pd.Series, present: np.ndarray, notation: str | None, encoded: _Encoded | None
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Read the value column: the numbers (NaN where not read), the doubts, the refused.

    ``encoded`` is the column numbered by distinct text (None for a workbook's): each text
    is read once, and a million values hold a tenth as many texts or fewer.
    """
    if encoded is not None:
        number, doubt, readable = _read_numbers(encoded.distinct.fill_null(""), notation)
        number[~readable] = np.nan
        values, doubts = number[encoded.codes], doubt[encoded.codes]
        values[~present] = np.nan
        doubts[~present] = 0
        slow = present & ~readable[encoded.codes]  # left for parse_number, as below
    else:  # a workbook's: number cells are numbers already, nothing to read
        values = np.full(len(column), np.nan)
        doubts = np.zeros(len(column), dtype=np.int8)
        slow = present.copy()  # cells left for parse_number, one distinct text at a time
        numbers = np.fromiter((type(c) in (int, float) for c in column), bool, len(column))
        at = np.flatnonzero(present & numbers)
        values[at] = column.to_numpy()[at].astype(np.float64)
        slow[at] = False
    refused: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if slow.any():
        read, refused, _same = _each_distinct(column, slow, lambda w: _value(w, notation))
        for positions, _shown in refused.values():
            slow[positions] = False
        at = np.flatnonzero(slow)
        pairs = np.asarray(read, dtype=object)[at]
        values[at] = [number for number, _doubt in pairs]
        doubts[at] = [DOUBTS.index(doubt) + 1 if doubt else 0 for _number, doubt in pairs]
    return values, doubts, refused


def _read_numbers(text, notation: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read Arrow texts in the common notations as parse_number does: numbers, doubts,
    readable.

    Plain digits ("30133") are read at once; the other texts go through the notations.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    number = np.full(len(text), np.nan)
    doubts = np.zeros(len(text), dtype=np.int8)
    plain = pc.and_(pc.ascii_is_decimal(text), pc.less_equal(pc.binary_length(text), 15))
    if pc.all(plain).as_py():  # the usual file: only digits, read at once
        number[:] = pc.cast(text, pa.float64()).to_numpy()
        return number, doubts, np.ones(len(text), dtype=bool)
    digits = plain.fill_null(False).to_numpy(zero_copy_only=False)
    readable = digits.copy()
    at = np.flatnonzero(digits)
    number[at] = pc.cast(text.take(pa.array(at)), pa.float64()).to_numpy()
    if notation != "en":  # "4,4" and "12,5": a decimal comma, the Dutch way
        # Only the cells that are not plain digits can have one: the regular expression
        # runs on those alone.
        others = np.flatnonzero(~readable)
        written = text.take(pa.array(others))
        comma = pc.match_substring_regex(written, r"^[0-9]{1,15},[0-9]{1,15}$")
        comma = comma.fill_null(False).to_numpy(zero_copy_only=False)
        at = others[comma]
        decimals = _comma_as_point(written.filter(pa.array(comma)))
        number[at] = pc.cast(decimals, pa.float64()).to_numpy()
        readable[at] = True
        if notation is None:  # three decimals: "1,234" may be meant as 1234
            point = pc.find_substring(decimals, ".")
            three = pc.equal(pc.subtract(pc.binary_length(decimals), point), 4)
            doubts[at[three.to_numpy(zero_copy_only=False)]] = DOUBTS.index("decimals") + 1
    rest = np.flatnonzero(~readable)
    if len(rest):
        read, doubt, rest_readable = _read_notations(text.take(pa.array(rest)), notation)
        number[rest] = read
        doubts[rest] = doubt
        readable[rest] = rest_readable
    return number, doubts, readable


def _comma_as_point(text):
    """Return Arrow texts with each comma a point, as pc.replace_substring does, in a
    quarter of its time: the bytes are replaced where they are, and the offsets kept."""
    import pyarrow as pa

    validity, offsets, data = text.buffers()
    if data is None:  # no bytes: nothing to replace
        return text
    octets = np.frombuffer(data, dtype=np.uint8).copy()
    octets[octets == ord(",")] = ord(".")
    buffers = [validity, offsets, pa.py_buffer(octets)]
    return pa.Array.from_buffers(text.type, len(text), buffers, offset=text.offset)


def _read_notations(text, notation: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import pyarrow as pa
    import pyarrow.compute as pc

    fast = pc.match_substring_regex(text, _FAST_TEXT)
    if notation == "en":  # 1,234.5 -> 1.234,5: then read it the Dutch way
        text = pc.replace_substring(text, ",", "\x00")
        text = pc.replace_substring(text, ".", ",")
        text = pc.replace_substring(text, "\x00", ".")
    cleaned = pc.replace_substring_regex(text, _SPACES, "")
    negative = pc.starts_with(cleaned, "-")
    body = pc.if_else(negative, pc.utf8_slice_codeunits(cleaned, 1), cleaned)
    body = pc.if_else(pc.ends_with(body, "%"), pc.utf8_slice_codeunits(body, 0, -1), body)
    kind = {name: pc.match_substring_regex(body, rule) for name, rule in _NOTATIONS.items()}
    plain = pc.if_else(
        kind["dutch grouped"],
        pc.replace_substring(pc.replace_substring(body, ".", ""), ",", "."),
        body,
    )
    plain = pc.if_else(kind["decimal comma"], pc.replace_substring(plain, ",", "."), plain)
    plain = pc.if_else(kind["english grouped"], pc.replace_substring(plain, ",", ""), plain)
    known = kind["plain"]
    for name in ("dutch grouped", "decimal comma", "english grouped", "decimal point"):
        known = pc.or_(known, kind[name])
    readable = pc.and_(fast, known)
    number = pc.cast(pc.if_else(readable, plain, "0"), pa.float64()).to_numpy()
    sign = np.where(negative.to_numpy(zero_copy_only=False), -1.0, 1.0)
    number = number * sign + 0.0  # + 0.0: '-0' is 0, never -0
    doubts = np.zeros(len(text), dtype=np.int8)
    if notation is None:
        thousands = pc.and_(
            pc.and_(kind["dutch grouped"], pc.invert(pc.match_substring(body, ","))),
            pc.equal(pc.count_substring(body, "."), 1),
        )
        decimals = pc.and_(
            kind["decimal comma"], pc.match_substring_regex(body, r"^[0-9]+,[0-9]{3}$")
        )
        for code, where in enumerate((thousands, decimals, kind["english grouped"]), start=1):
            doubts[pc.and_(where, fast).to_numpy(zero_copy_only=False)] = code
    return number, doubts, readable.to_numpy(zero_copy_only=False)


def _duplicates(table: pd.DataFrame, codes: list[np.ndarray]) -> list[Found]:
    """Return the rows that repeat an earlier row's indicator/year/area/kind, as one kind.

    ``codes`` numbers the distinct values of those four columns, row by row: one number
    for the four is quicker to compare than their texts.
    """
    key = np.zeros(len(table), dtype=np.int64)
    size = 1  # how many keys there can be
    for column in codes:
        width = int(column.max(initial=0)) + 1
        key *= width
        key += column
        size *= width
    if size <= 2 * len(key) + 1024:
        # Each key once, found by marking them: quicker than hashing a million, and a
        # byte per possible key where counting them took eight.
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        if np.count_nonzero(seen) == len(key):
            return []
    keys = pd.Series(key)
    repeated = keys.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return []
    at = np.flatnonzero(repeated)
    first = table["row"].groupby(key, sort=False).transform("first").to_numpy()
    columns = ["indicator", "year", "area", "kind"]
    shown = np.empty(len(at), dtype=object)
    shown[:] = [
        (int(first[i]), ", ".join(map(str, values)))
        for i, values in zip(at, table[columns].iloc[at].itertuples(index=False), strict=True)
    ]

    def line(row, shown):
        return _(
            "row {row}: the same indicator, year, area and kind as row {first} "
            "({key}); keep one of the two"
        ).format(row=row, first=shown[0], key=shown[1])

    def say(shown):
        return _(
            "the same indicator, year, area and kind as row {first} ({key}); keep one of the two"
        ).format(first=shown[0], key=shown[1])

    rows = table["row"].to_numpy()[at]
    return [Found(None, len(COLUMNS), rows, shown, say, line)]


def _notes(
    cells: pd.Series, rows: np.ndarray, doubts: np.ndarray, value: np.ndarray, units: _RowUnits
) -> list[ReadNote]:
    """Return one note per kind of doubt, and per bound passed, with the first and a count."""
    kinds: list[tuple[int, Doubt, int]] = []
    for code, doubt in enumerate(DOUBTS, start=1):
        at = np.flatnonzero(doubts == code)
        if len(at):
            kinds.append((int(at[0]), doubt, len(at)))
    for unit, bounds in UNIT_BOUNDS.items():
        if bounds.highest is not None:
            at = np.flatnonzero(units.one_of([unit]) & (value > bounds.highest))
            if len(at):
                kinds.append((int(at[0]), "above", len(at)))
    notes = []
    for first, doubt, count in sorted(kinds):
        written = cells.iloc[first]
        read_as = float(value[first])
        notes.append(
            ReadNote(
                column="value",
                row=int(rows[first]),
                written=str(written).strip(),
                read_as=int(read_as) if read_as.is_integer() else read_as,
                doubt=doubt,
                more=count - 1,
            )
        )
    return notes


def check_rows(
    records: list[tuple[int, dict]],
    catalogue: dict[str, str],
    areas: AreaNames,
    notation: str | None = None,
) -> Checked:
    """Check every (row number, record) as :func:`check_table` checks a table."""
    cells = pd.DataFrame(
        [record for _row, record in records],
        index=[row for row, _record in records],
        columns=list(COLUMNS),
        dtype=object,
    )
    return check_table(cells, catalogue, areas, notation)


# How a file writes the kinds, for the rows brief suggests (brief.notebook.rowstyle).
DUTCH_KINDS = {"realisation": "realisatie", "target": "doel", "baseline": "nulmeting"}


def kind_words(written_kinds) -> dict[str, str]:
    """Return the word a file uses for each kind, from its kind column as text."""
    import pandas as pd

    words: dict[str, str] = {}
    dutch = False
    # Each distinct word once, in the order the file first writes it: the same words.
    if isinstance(written_kinds, pd.Series):
        written_kinds = written_kinds.unique()
    for written in written_kinds:
        word = written.strip()
        kind = KIND_ALIASES.get(word.lower(), word.lower())
        dutch = dutch or word.lower() in KIND_ALIASES
        words.setdefault(kind, word)
    fallback = DUTCH_KINDS if dutch else {}
    return {kind: words.get(kind, fallback.get(kind, kind)) for kind in DUTCH_KINDS}
