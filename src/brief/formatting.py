"""Dutch number, money and date formats, written by Babel's nl_NL locale.

Each formatter is also a Jinja filter in the Word template (see ``FILTERS``), so an advisor
can write ``{{ budget_besteed|euro_mln }}``. The README lists them with examples.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real

from babel.dates import format_date
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
)

from brief.i18n import _

LOCALE = "nl_NL"
MISSING_CELL = "n.v.t."  # how a table cell without a figure prints


def _number(value) -> float:
    """Return ``value`` as a float, accepting published values and plain numbers."""
    raw = getattr(value, "raw", value)
    if isinstance(raw, bool) or not isinstance(raw, Real):
        raise TypeError(_("expected a number, got {value!r}").format(value=raw))
    if math.isnan(raw):
        raise ValueError(_("expected a number, got NaN (a missing value)"))
    return float(raw)


def whole_number(value) -> str:
    """Return a whole number with Dutch thousands separators: 30133 -> '30.133'."""
    return format_decimal(round(_number(value)), format="#,##0", locale=LOCALE)


def decimal(value, digits: int = 1) -> str:
    """Return a number with up to ``digits`` decimals and a decimal comma: 4.4 -> '4,4'."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(_number(value), format=pattern, locale=LOCALE)


def percent(value, digits: int = 0) -> str:
    """Return a percentage from percentage points: 27 -> '27%', 4.35 (digits=1) -> '4,4%'."""
    pattern = "#,##0." + "#" * digits + "%" if digits else "#,##0%"
    return format_percent(_number(value) / 100, format=pattern, locale=LOCALE)


def euro(value) -> str:
    """Return a whole euro amount: 742500 -> '€ 742.500'."""
    return format_currency(
        round(_number(value)), "EUR", format="¤\xa0#,##0", currency_digits=False, locale=LOCALE
    )


# From this amount on euro_mln writes millions; below it whole euros, so that € 85.000
# never prints as € 0,1 mln. (an area's amounts are often tens of thousands).
EURO_MLN_FROM = 1_000_000


def euro_millions(value, digits: int = 1) -> str:
    """Return an amount in millions the way letters write it: 2800000 -> '€ 2,8 mln.'.

    Below EURO_MLN_FROM in whole euros (640000 -> '€ 640.000'): in millions it would
    read '€ 0,6 mln.', and Babel's compact form '€ 640K' is not written in Dutch letters.
    """
    amount = _number(value)
    if abs(amount) < EURO_MLN_FROM:
        return euro(amount)
    return in_millions(amount, digits)


def in_millions(value, digits: int = 1) -> str:
    """Return an amount in millions whatever its size: 640000 -> '€ 0,6 mln.' (chart axes
    whose largest amount is a million or more)."""
    pattern = "¤\xa0#,##0." + "0" * digits if digits else "¤\xa0#,##0"
    millions = format_currency(
        _number(value) / 1_000_000, "EUR", format=pattern, currency_digits=False, locale=LOCALE
    )
    return f"{millions}\xa0mln."


def count_of(value, one: str, many: str, none: str | None = None) -> str:
    """Return a count with its noun, singular or plural: (1, 'hub', 'hubs') -> '1 hub',
    (3, ...) -> '3 hubs'; given ``none``, 0 -> 'geen hubs'. Area letters need it: a
    figure written for the city (tens of hubs) is often 0 or 1 in an area."""
    number = round(_number(value))
    if number == 0 and none is not None:
        return f"{none} {many}"
    return f"{whole_number(number)} {one if number == 1 else many}"


def long_date(value) -> str:
    """Return a long Dutch date: 2024-07-12 -> '12 juli 2024'."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date):
        raise TypeError(_("expected a date, got {value!r}").format(value=value))
    return format_date(value, format="long", locale=LOCALE)


def change(new, old=None) -> str:
    """Return a relative change with its sign: (115, 100) -> '+15%'; (0.15,) -> '+15%'.

    With one argument the value is already a fraction; with two, the change from ``old``.
    """
    if old is None:
        fraction = _number(new)
    else:
        base = _number(old)
        if base == 0:
            raise ValueError(_("cannot compute a change from zero"))
        fraction = (_number(new) - base) / abs(base)
    return format_percent(fraction, format="+#,##0%;-#,##0%", locale=LOCALE)


# Every unit a published number may have, and how it prints by default: the one list.
UNIT_FORMATS = {
    "count": whole_number,
    "decimal": decimal,
    "percent": percent,
    "euro": euro,
    "euro_mln": euro_millions,
    "fte": decimal,
}
NUMBER_UNITS = tuple(UNIT_FORMATS)


def format_value(value, unit: str) -> str:
    """Return ``value`` formatted the way its unit prints in the letter by default.

    The unit "text" is a short text published as it is.
    """
    if unit == "text":
        return str(value)
    if unit not in UNIT_FORMATS:
        raise ValueError(
            _("unit must be one of {units}, got {unit!r}").format(
                units=", ".join(NUMBER_UNITS), unit=unit
            )
        )
    return UNIT_FORMATS[unit](value)


# The Jinja filters of the Word template, named in Dutch for the advisors who write it.
FILTERS = {
    "getal": whole_number,
    "decimaal": decimal,
    "procent": percent,
    "euro": euro,
    "euro_mln": euro_millions,
    "datum": long_date,
    "verandering": change,
    "aantal": count_of,
}
