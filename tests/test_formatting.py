import datetime as dt

import pytest

from brief import formatting

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (formatting.whole_number, 30133, "30.133"),
        (formatting.whole_number, 88, "88"),
        (formatting.decimal, 4.4, "4,4"),
        (formatting.percent, 27, "27%"),
        (formatting.euro, 742500, f"€{NBSP}742.500"),
        (formatting.euro_millions, 2_800_000, f"€{NBSP}2,8{NBSP}mln."),
        (formatting.euro_millions, 1_700_000, f"€{NBSP}1,7{NBSP}mln."),
        (formatting.euro_millions, 1_000_000, f"€{NBSP}1,0{NBSP}mln."),
        (formatting.euro_millions, 640_000, f"€{NBSP}640.000"),  # below a million: euros
        (formatting.euro_millions, 85_000, f"€{NBSP}85.000"),
        (formatting.in_millions, 640_000, f"€{NBSP}0,6{NBSP}mln."),
        (formatting.long_date, dt.date(2024, 7, 12), "12 juli 2024"),
        (formatting.long_date, "2024-07-12", "12 juli 2024"),
        (formatting.change, 0.15, "+15%"),
        (formatting.change, -0.1, "-10%"),
    ],
)
def test_dutch_formats(function, value, expected):
    assert function(value) == expected


def test_change_between_two_values():
    assert formatting.change(115, 100) == "+15%"


def test_format_value_by_unit():
    assert formatting.format_value(1234.5, "decimal") == "1.234,5"
    assert formatting.format_value(90, "fte") == "90"


def test_unknown_unit_is_named():
    with pytest.raises(ValueError, match="got 'litres'"):
        formatting.format_value(1, "litres")


def test_missing_number_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        formatting.whole_number(float("nan"))
