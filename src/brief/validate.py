"""Check data rows as providers deliver them, and convert what they write to plain values.

Providers write numbers the Dutch way ("30.133", "4,4", "1.234,5", "12%", "€ 2.800.000"),
area names with or without hyphens, and headers in Dutch or English. A row is checked
against one pydantic model (:class:`DataRow`); every problem in a file is collected and
reported together, each with its row as the user sees it in a spreadsheet. Conversions a
reader could doubt ("1.234": one thousand two hundred and thirty-four, or one point two?)
are returned as notes, which the notebook shows and the review page lists.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError, ValidationInfo, field_validator, model_validator

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


def parse_number(text: str, notation: str | None = None) -> tuple[float | int, str | None]:
    """Return the number a provider wrote, and a note when the reading could be doubted.

    Dutch first: a dot groups thousands and a comma starts the decimals. "1.234" is read
    as 1234 and "1,234" as 1,234 (a decimal), each with a note, since an English writer
    would mean the other. Several groups ("1,234,567") can only be English; a lone dot
    with other than three decimals ("4.4") is how programs write numbers. A file whose
    ``notation`` the project declared ("nl" or "en") is read that way and never doubted.
    """
    if notation is not None:
        if notation == "en":  # 1,234.5 -> 1.234,5: then read it the Dutch way
            text = text.translate(str.maketrans({",": ".", ".": ","}))
        return parse_number(text)[0], None
    cleaned = _CURRENCY_AND_SPACES.sub("", text)
    negative = cleaned[:1] in ("-", "\u2212")
    body = cleaned[1:] if negative else cleaned
    body = body.removesuffix("%")
    note = None
    if _PLAIN.fullmatch(body):
        number: float | int = int(body)
    elif _DUTCH_GROUPED.fullmatch(body):
        number = float(body.replace(".", "").replace(",", "."))
        if "," not in body and body.count(".") == 1:
            note = f"read {text.strip()!r} as {_plain(number)} (the dot groups thousands)"
    elif _DECIMAL_COMMA.fullmatch(body):
        number = float(body.replace(",", "."))
        if len(body.split(",")[1]) == 3:
            note = f"read {text.strip()!r} as {_plain(number)} (the comma starts the decimals)"
    elif _ENGLISH_GROUPED.fullmatch(body) and (body.count(",") > 1 or "." in body):
        number = float(body.replace(",", ""))
        note = f"read {text.strip()!r} as {_plain(number)} (English notation)"
    elif _DECIMAL_POINT.fullmatch(body):
        number = float(body)
    else:
        raise NotANumber(f"{text!r} is not a number")
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return (-number if negative else number), note


def _plain(number: float | int) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _area_key(name: str) -> str:
    """The form two spellings of one area share: no accents, case, hyphens or spaces."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_only.casefold())


@dataclass(frozen=True)
class AreaNames:
    """The areas a data file may name, matched the way people write them."""

    names: tuple[str, ...]  # the areas of the areas file
    city: str  # the name of city-wide figures
    file: str = "gebieden.csv"  # the areas file, as messages name it
    # Other ways providers write an area ("Den Bosch" for 's-Hertogenbosch): alias -> area.
    aliases: tuple[tuple[str, str], ...] = ()
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {_area_key(name): name for name in (*self.names, self.city)}
        by_key.update({_area_key(alias): name for alias, name in self.aliases})
        object.__setattr__(self, "_by_key", by_key)

    def match(self, written: str) -> str:
        """Return the area's name as listed, or raise ValueError suggesting the closest."""
        found = self._by_key.get(_area_key(written))
        if found is not None:
            return found
        closest = difflib.get_close_matches(_area_key(written), list(self._by_key), n=1, cutoff=0.6)
        hint = f" Did you mean {self._by_key[closest[0]]!r}?" if closest else ""
        raise ValueError(
            f"{written!r} is not {self.city} or one of the {len(self.names)} areas in "
            f"{self.file}.{hint}"
        )


class DataRow(BaseModel):
    """One figure: which indicator, for which year and area, how much, of what kind.

    Validated with context ``{"catalogue": {indicator: unit}, "areas": AreaNames,
    "notes": []}``; conversions worth a reader's check are appended to "notes".
    """

    indicator: str
    year: int
    area: str
    value: float
    kind: str
    source: str = ""

    @field_validator("indicator", mode="before")
    @classmethod
    def _known_indicator(cls, written, info: ValidationInfo):
        catalogue = info.context["catalogue"]
        name = str(written).strip()
        if name in catalogue:
            return name
        closest = difflib.get_close_matches(name, list(catalogue), n=1)
        hint = f" Did you mean {closest[0]!r}?" if closest else " Add it there first."
        raise ValueError(f"{name!r} is not in indicatoren.csv.{hint}")

    @field_validator("year", mode="before")
    @classmethod
    def _plausible_year(cls, written):
        text = str(written).strip()
        if isinstance(written, float) and written.is_integer():
            text = str(int(written))
        if not text.isdigit():
            raise ValueError(f"{written!r} is not a year")
        if not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
            raise ValueError(f"{written!r} is not a year between {EARLIEST_YEAR} and {LATEST_YEAR}")
        return int(text)

    @field_validator("area", mode="before")
    @classmethod
    def _known_area(cls, written, info: ValidationInfo):
        return info.context["areas"].match(str(written).strip())

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, written, info: ValidationInfo):
        if isinstance(written, bool):
            raise ValueError(f"{written!r} is not a number")
        if isinstance(written, (int, float)):  # a number cell in Excel: nothing to read
            return written
        try:
            number, note = parse_number(str(written), info.context.get("notation"))
        except NotANumber as exc:
            raise ValueError(str(exc)) from None
        if note:
            info.context["notes"].append(note)
        return number

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, written):
        kind = str(written).strip().lower()
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in KINDS:
            raise ValueError(f"{written!r} must be one of {', '.join(KINDS)}")
        return kind

    @field_validator("source", mode="before")
    @classmethod
    def _text(cls, written):
        return "" if written is None else str(written).strip()

    @model_validator(mode="after")
    def _not_negative(self, info: ValidationInfo):
        if self.value < 0:
            unit = info.context["catalogue"][self.indicator]
            raise ValueError(f"value: {_plain(self.value)} is negative; a {unit} cannot be")
        return self


@dataclass
class Checked:
    """The rows of a file that passed, the problems of those that did not, and the notes."""

    rows: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_rows(
    records: list[tuple[int, dict]],
    catalogue: dict[str, str],
    areas: AreaNames,
    notation: str | None = None,
) -> Checked:
    """Check every (row number, record) and return all rows, problems and notes at once.

    Doubtful readings are noted once per kind of doubt, with a count and the first example,
    so a file written consistently in one notation gives one line, not one per value.
    """
    checked = Checked()
    doubts: dict[str, list[str]] = {}
    for row_number, record in records:
        notes: list[str] = []
        context = {"catalogue": catalogue, "areas": areas, "notes": notes, "notation": notation}
        try:
            row = DataRow.model_validate(record, context=context)
        except ValidationError as exc:
            for error in exc.errors():
                checked.problems.append(f"row {row_number}, {_where(error, record)}")
            continue
        checked.rows.append({"row": row_number, **row.model_dump()})
        for note in notes:
            doubts.setdefault(note.rpartition(" (")[2], []).append(f"row {row_number}: {note}")
    for found in doubts.values():
        more = f" and {len(found) - 1} more value(s) read the same way" if len(found) > 1 else ""
        checked.notes.append(f"column 'value', {found[0]}{more}")
    return checked


def _where(error: dict, record: dict) -> str:
    """Return "column 'x': what is wrong" for one pydantic error."""
    message = error["msg"].removeprefix("Value error, ")
    if error["loc"]:
        column = str(error["loc"][0])
        if error["type"] == "missing":
            return f"column {column!r}: the cell is empty"
        return f"column {column!r}: {message}"
    column, _, message = message.partition(": ")  # a check across columns names its own
    return f"column {column!r}: {message}"
