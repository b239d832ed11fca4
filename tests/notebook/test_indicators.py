import math

import pandas as pd
import pytest

from brief.exceptions import DataError
from brief.notebook import indicators as ind

FRAME = pd.DataFrame(
    [
        ("a", 2022, "Rotterdam", 10, "realisation", "fictief (illustratie)"),
        ("a", 2023, "Rotterdam", 30, "realisation", "Brief 2024"),
        ("a", 2023, "Rotterdam", 15, "target", "Brief 2024"),
        ("a", 2014, "Rotterdam", 5, "baseline", "Jaarstukken"),
        ("b", 2023, "Rotterdam", 27, "realisation", "Wijkprofiel"),
    ],
    columns=["indicator", "year", "area", "value", "kind", "source"],
)
FRAME.attrs["city"] = "Rotterdam"  # as brief.load_data marks it, from brief.yaml
CATALOGUE = pd.DataFrame(
    {"label": ["A", "B"], "unit": ["count", "percent"], "type": ["x", "y"], "monitor": ["m", "n"]},
    index=pd.Index(["a", "b"], name="indicator"),
)


def test_source_note_names_fictitious_years():
    note = ind.source_note(FRAME, ["a"], [2022, 2023])

    assert note == "Brief 2024; fictief ter illustratie: realisatie 2022"


def test_source_note_names_the_kind_that_is_fictitious():
    frame = FRAME.copy()
    frame.loc[2, "source"] = "fictief"

    note = ind.source_note(frame, ["a"], [2022, 2023])

    assert note == "Brief 2024; fictief ter illustratie: realisatie 2022, doel 2023"


def test_source_note_without_fiction_is_plain():
    assert ind.source_note(FRAME, ["b"]) == "Wijkprofiel"


def test_target_sentence_both_ways():
    assert ind.target_sentence(30133, 15000) == "het doel is gehaald"
    assert ind.target_sentence(500, 600) == "het doel is niet gehaald"
    assert ind.target_sentence(20, 24, higher_is_better=False) == "het doel is gehaald"


def test_indicator_table_marks_missing_cells():
    table, units = ind.indicator_table(FRAME, CATALOGUE, ["a", "b"], 2023, years_back=1)

    assert list(table.columns) == [
        "Soort",
        "Indicator",
        "Nulmeting",
        "Realisatie 2022",
        "Realisatie 2023",
        "Doel 2023",
        "Monitor",
    ]
    assert table.loc[0, "Nulmeting"] == "5 (2014)"
    assert math.isnan(table.loc[1, "Realisatie 2022"])
    assert units == ["count", "percent"]


def test_years_until_follows_the_data():
    later = pd.concat([FRAME, FRAME.assign(year=FRAME["year"] + 2)])

    assert ind.years_until(FRAME, 2023) == [2014, 2022, 2023]
    assert ind.years_until(FRAME, 2022, ["a"]) == [2014, 2022]
    assert ind.years_until(FRAME, 2023, ["b"]) == [2023]
    assert ind.years_until(later, 2025, ["b"]) == [2023, 2025]
    assert ind.years_until(later, 2024, ["b"]) == [2023]
    assert all(type(y) is int for y in ind.years_until(later, 2025))


def test_target_year_is_the_first_target_from_the_year_on():
    later = pd.concat([FRAME, FRAME.assign(year=FRAME["year"] + 2)])

    assert ind.target_year(later, "a", 2022) == 2023
    assert ind.target_year(later, "a", 2024) == 2025
    assert ind.target_year(later, "a", 2025) == 2025


def test_target_year_without_a_target_says_what_to_add():
    frame = FRAME.copy()
    frame.attrs["path"] = "data/x.csv"

    with pytest.raises(DataError) as raised:
        ind.target_year(frame, "a", 2024)

    assert str(raised.value) == (
        "data/x.csv has no target of 'a' for Rotterdam in 2024 or later. "
        "Add a row 'a,2024,Rotterdam,<value>,target,<source>' to data/x.csv."
    )


@pytest.mark.parametrize(
    "asked, error, says",
    [
        # A year typed as text found no rows, and the message asked for a row the data has.
        (lambda: ind.value_for(FRAME, "a", "2023"), TypeError, "value_for: the year is a whole"),
        (lambda: ind.value_for(FRAME, "a", True), TypeError, "not True"),
        (lambda: ind.value_for(FRAME, 5, 2023), TypeError, "as indicatoren.csv writes it, not 5"),
        (lambda: ind.city_value(FRAME, None, 2023), TypeError, "city_value: the indicator"),
        (lambda: ind.value_for(FRAME, "a", 2023, kind="doel"), ValueError, "write kind='target'"),
        (lambda: ind.series(FRAME, "a", kind="realised"), ValueError, "not 'realised'"),
        (lambda: ind.series(FRAME, "a", kind=["target"]), ValueError, "not ['target']"),
        (lambda: ind.value_for(FRAME, "a", 2023, area=3), TypeError, "or None for the letter's"),
        (lambda: ind.target_year(FRAME, "a", "2023"), TypeError, "target_year: the year"),
        (lambda: ind.by_area(FRAME, "a", 2023.5), TypeError, "not 2023.5"),
        (lambda: ind.years_until(FRAME, "2023"), TypeError, "years_until: the year"),
        (lambda: ind.source_note(FRAME, "a"), TypeError, "as a list, such as ['a']"),
        (lambda: ind.source_note(FRAME, ["a"], ["2023"]), TypeError, "not '2023'"),
        (lambda: ind.indicator_table(FRAME, CATALOGUE, "a", 2023), TypeError, "as a list"),
    ],
)
def test_a_wrong_argument_is_named_with_what_to_write_instead(asked, error, says):
    with pytest.raises(error, match=None) as raised:
        asked()

    assert says in str(raised.value)
    assert "Add a row" not in str(raised.value)


def test_a_whole_year_of_another_type_is_the_same_year():
    import numpy as np

    assert ind.value_for(FRAME, "a", np.int64(2023)) == ind.value_for(FRAME, "a", 2023.0) == 30
