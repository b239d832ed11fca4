"""Check data rows as providers deliver them, and convert what they write to plain values.

Providers write numbers the Dutch way ("30.133", "4,4", "1.234,5", "12%", "€ 2.800.000"),
area names with or without hyphens, and headers in Dutch or English. A row is checked
against one pydantic model (:class:`DataRow`); every problem in a file is collected and
reported together, each with its row as the user sees it in a spreadsheet. Conversions a
reader could doubt ("1.234": one thousand two hundred and thirty-four, or one point two?)
are returned as notes (:class:`brief.records.ReadNote`), which the notebook shows and the
review page lists.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError, ValidationInfo, field_validator, model_validator

from brief.exceptions import did_you_mean
from brief.i18n import _, ngettext
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
        message = ngettext(
            "{written!r} is not {city} or one of the {count} areas in {file}.",
            "{written!r} is not {city} or one of the {count} areas in {file}.",
            len(self.names),
        ).format(written=written, city=self.city, count=len(self.names), file=self.file)
        if closest:
            message += " " + did_you_mean(self._by_key[closest[0]])
        raise ValueError(message)


class DataRow(BaseModel):
    """One figure: which indicator, for which year and area, how much, of what kind.

    Validated with context ``{"catalogue": {indicator: unit}, "areas": AreaNames,
    "notes": []}``; conversions worth a reader's check are appended to "notes", each as
    (what was written, the number read, the kind of doubt).
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
        hint = did_you_mean(closest[0]) if closest else _("Add it there first.")
        raise ValueError(_("{name!r} is not in indicatoren.csv.").format(name=name) + " " + hint)

    @field_validator("year", mode="before")
    @classmethod
    def _plausible_year(cls, written):
        text = str(written).strip()
        if isinstance(written, float) and written.is_integer():
            text = str(int(written))
        if not text.isdigit():
            raise ValueError(_("{written!r} is not a year").format(written=written))
        if not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
            raise ValueError(
                _("{written!r} is not a year between {earliest} and {latest}").format(
                    written=written, earliest=EARLIEST_YEAR, latest=LATEST_YEAR
                )
            )
        return int(text)

    @field_validator("area", mode="before")
    @classmethod
    def _known_area(cls, written, info: ValidationInfo):
        return info.context["areas"].match(str(written).strip())

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, written, info: ValidationInfo):
        if isinstance(written, bool):
            raise ValueError(_not_a_number(written))
        if isinstance(written, (int, float)):  # a number cell in Excel: nothing to read
            return written
        try:
            number, doubt = parse_number(str(written), info.context.get("notation"))
        except NotANumber as exc:
            raise ValueError(str(exc)) from None
        if doubt:
            info.context["notes"].append((str(written).strip(), number, doubt))
        return number

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, written):
        kind = str(written).strip().lower()
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in KINDS:
            raise ValueError(
                # TRANSLATORS: {kinds} lists the kinds of figure as the data names them
                _("{written!r} must be one of {kinds}").format(
                    written=written, kinds=", ".join(KINDS)
                )
            )
        return kind

    @field_validator("source", mode="before")
    @classmethod
    def _text(cls, written):
        return "" if written is None else str(written).strip()

    @model_validator(mode="after")
    def _not_negative(self, info: ValidationInfo):
        if self.value < 0:
            unit = info.context["catalogue"][self.indicator]
            # TRANSLATORS: {unit} is a unit as indicatoren.csv names it: count, percent, euro
            problem = _("{value} is negative; a {unit} cannot be").format(
                value=plain_number(self.value), unit=unit
            )
            raise ValueError(f"value: {problem}")  # a check across columns names its own
        return self


@dataclass
class Checked:
    """The rows of a file that passed, the problems of those that did not, and the notes."""

    rows: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[ReadNote] = field(default_factory=list)


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
    first: dict[Doubt, ReadNote] = {}  # the first value read with each kind of doubt
    counts: dict[Doubt, int] = {}
    for row_number, record in records:
        notes: list[tuple[str, float | int, Doubt]] = []
        context = {"catalogue": catalogue, "areas": areas, "notes": notes, "notation": notation}
        try:
            row = DataRow.model_validate(record, context=context)
        except ValidationError as exc:
            for error in exc.errors():
                column, problem = _where(error)
                checked.problems.append(
                    _("row {row}, column {column!r}: {problem}").format(
                        row=row_number, column=column, problem=problem
                    )
                )
            continue
        checked.rows.append({"row": row_number, **row.model_dump()})
        for written, number, doubt in notes:
            if doubt not in first:
                first[doubt] = ReadNote(
                    column="value", row=row_number, written=written, read_as=number, doubt=doubt
                )
            counts[doubt] = counts.get(doubt, 0) + 1
    checked.notes = [
        note.model_copy(update={"more": counts[doubt] - 1}) for doubt, note in first.items()
    ]
    return checked


def _where(error: dict) -> tuple[str, str]:
    """Return the column and what is wrong in it, for one pydantic error."""
    message = error["msg"].removeprefix("Value error, ")
    if error["loc"]:
        column = str(error["loc"][0])
        if error["type"] == "missing":
            return column, _("the cell is empty")
        return column, message
    column, _sep, message = message.partition(": ")  # a check across columns names its own
    return column, message
