"""The index brief.notebook.indicators finds figures through gives what filtering the table gives.

Each question is asked twice, through the index and with the index switched off (the plain
filter over every row), and the answers must be the same: figures, series, their lineage
(the data rows behind them), the rows selected, and the errors and gaps with their words.
"""

import gc
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.exceptions import DataError
from brief.notebook import indicators as ind
from brief.notebook import rowindex
from brief.notebook.validate import TEXT

CITY = "Stad"
INDICATORS = ["a", "b", "c", "ä"]
AREAS = [CITY, "Noord", "Zuid"]
KINDS = ["realisation", "target", "baseline"]
YEARS = [2020, 2021, 2022, 2023]


def long_table(rows: list[tuple], dtype=TEXT) -> pd.DataFrame:
    """Return a table as brief.load_data returns one, lineage columns and all."""
    frame = pd.DataFrame(
        {
            "indicator": pd.Series([r[0] for r in rows], dtype=dtype),
            "year": pd.Series([r[1] for r in rows], dtype=np.int64),
            "area": pd.Series([r[2] for r in rows], dtype=dtype),
            "value": pd.Series([float(r[3]) for r in rows], dtype=np.float64),
            "kind": pd.Series([r[4] for r in rows], dtype=dtype),
            "source": pd.Series([r[5] for r in rows], dtype=dtype),
            "row": pd.Series(range(2, len(rows) + 2), dtype=np.int64),
            "file": pd.Series(["data/x.csv"] * len(rows), dtype=dtype),
            "sheet": pd.Series([""] * len(rows), dtype=dtype),
        }
    )
    frame.attrs.update(city=CITY, path="data/x.csv")
    return frame


def scanned(function, *args, **kwargs):
    """Return what ``function`` answers, or the error it raises, with the index switched off."""
    saved = rowindex.lookup
    rowindex.lookup = lambda frame: None
    try:
        return answer(function, *args, **kwargs)
    finally:
        rowindex.lookup = saved


def answer(function, *args, **kwargs):
    """Return ``function``'s result with its lineage, or the type and words of its error."""
    try:
        result = function(*args, **kwargs)
    except (DataError, KeyError) as error:
        return ("error", type(error).__name__, str(error))
    if isinstance(result, pd.DataFrame):
        return ("frame", result.to_dict("split"), list(result.index))
    if isinstance(result, pd.Series):
        return ("series", result.to_dict(), result.name, ind.lineage_of(result))
    if isinstance(result, ind.NoData):
        return ("gap", result.reason)
    return ("value", result, type(result).__name__, ind.lineage_of(result))


def same_both_ways(function, *args, **kwargs):
    indexed = answer(function, *args, **kwargs)
    assert indexed == scanned(function, *args, **kwargs)
    return indexed


@pytest.fixture(autouse=True)
def outside_a_project(monkeypatch):
    # A suggested row is written brief's own way here: no project, no data file to read.
    monkeypatch.setattr(ind, "find_project", lambda: (_ for _ in ()).throw(DataError("none")))


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(INDICATORS),
        st.sampled_from(YEARS),
        st.sampled_from(AREAS),
        st.integers(0, 1000),
        st.sampled_from(KINDS),
        st.sampled_from(["CBS", "fictief"]),
    ),
    min_size=0,
    max_size=40,
)
question = st.tuples(
    st.sampled_from([*INDICATORS, "onbekend"]),
    st.sampled_from([*YEARS, 2030]),
    st.sampled_from(KINDS),  # another word is refused before any row is looked up
    st.sampled_from([*AREAS, "Elders"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy, asked=question, shuffle=st.randoms())
def test_every_question_gets_the_answer_the_filter_gives(rows, asked, shuffle):
    shuffle.shuffle(rows)
    frame = long_table(rows)
    indicator, year, kind, area = asked

    same_both_ways(ind._rows, frame, indicator, kind, area)
    same_both_ways(ind._rows, frame, indicator, "other", area)  # a kind no table has
    same_both_ways(ind.value_for, frame, indicator, year, kind, area)
    same_both_ways(ind.city_value, frame, indicator, year, kind)
    same_both_ways(ind.series, frame, indicator, kind, area)
    same_both_ways(ind.series, frame, indicator, kind, area, years=[year, 2021])
    same_both_ways(ind.target_year, frame, indicator, year, area)
    same_both_ways(ind.by_area, frame, indicator, year, kind)
    same_both_ways(ind.years_until, frame, year, [indicator, "b"])
    same_both_ways(ind.years_until, frame, year)
    same_both_ways(ind.source_note, frame, [indicator, "c"], [year])
    same_both_ways(ind.source_note, frame, [indicator], areas=True)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(rows_strategy, min_size=2, max_size=4), asked=question)
def test_a_table_joined_from_indexed_tables_answers_as_the_filter(parts, asked):
    tables = [long_table(rows) for rows in parts]
    for table in tables:
        rowindex.lookup(table)  # as a notebook's first question on each table makes it
    frame = pd.concat(tables)
    indicator, year, kind, area = asked

    joined = rowindex.lookup(frame)

    assert isinstance(joined, rowindex.Joined)  # found through the parts', not sorted again
    same_both_ways(ind.value_for, frame, indicator, year, kind, area)
    same_both_ways(ind.series, frame, indicator, kind, area)
    same_both_ways(ind.target_year, frame, indicator, year, area)
    same_both_ways(ind.by_area, frame, indicator, year, kind)
    same_both_ways(ind.years_until, frame, year, [indicator, "b"])
    same_both_ways(ind.source_note, frame, [indicator, "c"], [year])


def part_tables(parts: list[list[tuple]]) -> list[pd.DataFrame]:
    """Return one table per part, each read from a file of its own (data/p0.csv, ...)."""
    tables = []
    for number, rows in enumerate(parts):
        table = long_table(rows)
        table["file"] = pd.Series([f"data/p{number}.csv"] * len(rows), dtype=TEXT)
        table.attrs.update(path=f"data/p{number}.csv")
        tables.append(table)
    return tables


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(rows_strategy, min_size=1, max_size=4), asked=question)
def test_a_list_of_tables_answers_as_the_tables_joined(parts, asked):
    tables = part_tables(parts)
    joined = pd.concat(tables)
    # What pd.concat drops, as the list keeps it: the city, and the files of the tables.
    files = [table.attrs["path"] for table in tables]
    named = files[0] if len(files) == 1 else f"{', '.join(files[:-1])} or {files[-1]}"
    joined.attrs.update(city=CITY, path=named)
    indicator, year, kind, area = asked

    for function, *arguments in [
        (ind.value_for, indicator, year, kind, area),
        (ind.city_value, indicator, year, kind),
        (ind.series, indicator, kind, area),
        (ind.target_year, indicator, year, area),
        (ind.by_area, indicator, year, kind),
        (ind.years_until, year, [indicator, "b"]),
        (ind.years_until, year),
        (ind.source_note, [indicator, "c"], [year]),
        (ind.source_note, [indicator], None, True),
    ]:
        assert answer(function, tables, *arguments) == answer(function, joined, *arguments)
        assert answer(function, tuple(tables), *arguments) == answer(function, joined, *arguments)
    saved = ind.letter_area
    ind.letter_area = lambda: "Noord"  # an area's letter: gaps name the same files
    try:
        for function, *arguments in [
            (ind.value_for, indicator, year, kind),
            (ind.target_year, indicator, year),
            (ind.source_note, [indicator]),
        ]:
            assert answer(function, tables, *arguments) == answer(function, joined, *arguments)
    finally:
        ind.letter_area = saved


def test_a_list_of_tables_keeps_each_ones_city_and_file():
    tables = part_tables(
        [
            [
                ("a", 2023, CITY, 9, "realisation", "CBS"),
                ("a", 2023, "Noord", 4, "realisation", "CBS"),
            ],
            [("b", 2023, CITY, 7, "realisation", "CBS"), ("b", 2022, CITY, 6, "target", "CBS")],
        ]
    )
    for table in tables:
        table.attrs["city"] = "Havenstad"
        table.loc[table["area"] == CITY, "area"] = "Havenstad"

    figure = ind.city_value(tables, "b", 2023)

    # find_project() is not asked (it raises here): the city comes from the tables.
    assert figure == 7
    assert [(r.file, r.row) for r in ind.lineage_of(figure).rows] == [("data/p1.csv", 2)]
    assert ind.by_area(tables, "a", 2023).to_dict() == {"Noord": 4.0}
    assert rowindex.lookup(tables[0]) is not None and rowindex.lookup(tables[1]) is not None
    with pytest.raises(DataError) as raised:
        ind.value_for(tables, "c", 2023)
    assert str(raised.value).startswith(
        "data/p0.csv or data/p1.csv has no realisation of 'c' for Havenstad."
    )


@pytest.mark.parametrize("given_as", [{}, [], ["jeugd"], "jeugd", None], ids=repr)
def test_anything_but_tables_is_refused_with_what_to_pass(given_as):
    with pytest.raises(TypeError) as raised:
        ind.value_for(given_as, "a", 2023)

    assert str(raised.value).startswith(
        "value_for: give a table brief.load_data read, or a list of them such as "
        "[jeugd, ouderen], not "
    )


def test_a_list_with_something_else_in_it_is_shown_readably():
    table = long_table([("a", 2023, CITY, 9, "realisation", "CBS")])

    with pytest.raises(TypeError) as raised:
        ind.source_note([table, None], ["a"])

    assert str(raised.value).endswith("[jeugd, ouderen], not [<table>, None].")


def test_a_joined_table_of_a_table_without_an_index_gets_its_own():
    one = long_table([("a", 2023, CITY, 9, "realisation", "CBS")])
    other = long_table([("a", 2022, CITY, 3, "realisation", "CBS")])
    rowindex.lookup(one)

    frame = pd.concat([one, other.iloc[:1]])
    made = rowindex.lookup(frame)

    assert isinstance(made, rowindex.Lookup)
    assert list(ind.series(frame, "a")) == [3.0, 9.0]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy, asked=question)
def test_an_areas_gaps_say_the_same(rows, asked):
    frame = long_table(rows)
    indicator, year, kind, _area = asked
    saved = ind.letter_area
    ind.letter_area = lambda: "Noord"  # as in the grid's letter for the area Noord
    try:
        found = same_both_ways(ind.value_for, frame, indicator, year, kind)
        same_both_ways(ind.target_year, frame, indicator, year)
        same_both_ways(ind.source_note, frame, [indicator])
    finally:
        ind.letter_area = saved

    if not any(r[0] == indicator and r[4] == kind and r[2] == "Noord" for r in rows):
        assert found[0] == "gap"  # the letter of Noord prints that it has no data


def test_a_figure_names_the_row_it_was_read_from():
    frame = long_table(
        [
            ("b", 2023, CITY, 7, "realisation", "CBS"),
            ("a", 2023, "Noord", 1, "realisation", "CBS"),
            ("a", 2023, CITY, 9, "realisation", "CBS"),
        ]
    )

    figure = ind.value_for(frame, "a", 2023)

    assert figure == 9
    assert [(r.row, r.area, r.value) for r in ind.lineage_of(figure).rows] == [(4, CITY, 9.0)]


def test_a_changed_cell_is_seen_at_once():
    frame = long_table(
        [("a", 2023, CITY, 9, "realisation", "CBS"), ("b", 2023, CITY, 7, "realisation", "CBS")]
    )
    assert ind.value_for(frame, "a", 2023) == 9

    frame.loc[1, "indicator"] = "a"  # now two rows of a; the first still comes first
    frame.loc[0, "year"] = 2022
    frame.loc[1, "value"] = 8

    assert ind.value_for(frame, "a", 2023) == 8
    assert answer(ind.series, frame, "a") == scanned(ind.series, frame, "a")
    assert list(ind.series(frame, "a")) == [9.0, 8.0]


def test_a_table_keeps_its_index_until_its_columns_change():
    frame = long_table(
        [("a", 2023, CITY, 9, "realisation", "CBS"), ("b", 2023, CITY, 1, "realisation", "CBS")]
    )

    first = rowindex.lookup(frame)

    assert first is not None and rowindex.lookup(frame) is first
    assert rowindex.lookup(frame.copy(deep=False)) is first  # the same columns: the same index
    assert rowindex.lookup(frame[frame["indicator"] == "a"]) is not first  # another table
    frame["area"] = frame["area"].str.upper()
    assert rowindex.lookup(frame) is not first
    assert answer(ind.value_for, frame, "a", 2023, area="STAD")[1] == 9


def test_a_table_without_arrow_text_is_filtered_as_before():
    rows = [("a", 2023, CITY, 9, "realisation", "CBS"), ("a", 2022, CITY, 3, "target", "CBS")]
    frame = long_table(rows, dtype=object)

    assert rowindex.lookup(frame) is None
    assert answer(ind.value_for, frame, "a", 2023) == answer(
        ind.value_for, long_table(rows), "a", 2023
    )


def test_empty_cells_are_found_by_no_question():
    frame = long_table(
        [("a", 2023, CITY, 9, "realisation", "CBS"), ("a", 2022, CITY, 3, "realisation", "CBS")]
    )
    frame.loc[0, "area"] = np.nan

    assert same_both_ways(ind.value_for, frame, "a", 2022)[1] == 3
    assert same_both_ways(ind.value_for, frame, "a", 2023)[0] == "error"
    assert same_both_ways(ind.series, frame, "a")[1] == {2022: 3.0}


def test_a_name_that_looks_like_a_number_is_found_and_a_number_is_refused():
    frame = long_table([("5", 2023, CITY, 9, "realisation", "CBS")])

    assert same_both_ways(ind.value_for, frame, "5", 2023)[1] == 9
    assert same_both_ways(ind.source_note, frame, ["5"])[1] == "CBS"
    for asked in (lambda: ind.value_for(frame, 5, 2023), lambda: ind.source_note(frame, [5])):
        with pytest.raises(TypeError, match="in quotes, as indicatoren.csv writes it, not 5"):
            asked()


@pytest.mark.parametrize("kept", [False, True], ids=["checked now", "from the cache"])
def test_a_suggested_row_is_written_as_the_file_writes_rows(project, kept):
    from brief.notebook.data import load_data
    from brief.notebook.rowstyle import _kind_words, row_style

    path = project.data_dir / "jeugd.csv"
    text = path.read_text(encoding="utf-8").replace(",realisation,", ",Realisatie,")
    path.write_text(text.replace(",", ";"), encoding="utf-8")
    if kept:
        load_data("jeugd", project)

    frame = load_data("jeugd", project)
    style = row_style(path, frame.attrs["kind_words"])

    assert frame.attrs["kind_words"] == _kind_words(pd.read_csv(path, sep=";", dtype=str))
    assert style == row_style(path)  # as read from the file itself
    assert (
        style.row("x", 2030, "Noord", "realisation") == "x;2030;Noord;<value>;Realisatie;<source>"
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy, asked=question)
def test_a_table_read_back_from_the_cache_answers_through_the_index_kept_with_it(
    rows, asked, tmp_path_factory
):
    from brief.notebook import tablecache

    folder = tmp_path_factory.mktemp("cache")
    written = long_table(rows).drop(columns=["file"])
    tablecache.write_table(folder, Path("data/x.csv"), "k" * 64, written, [], {"kind_words": {}})
    frame, _notes, _facts = tablecache.read_table(folder, Path("data/x.csv"), "k" * 64)
    frame["file"] = written.assign(file="data/x.csv")["file"].astype(TEXT)
    frame.attrs.update(city=CITY, path="data/x.csv")
    indicator, year, kind, area = asked
    made, making = [], rowindex.Lookup.__init__
    rowindex.Lookup.__init__ = lambda self, arrays: made.append(arrays)
    try:
        lookup = rowindex.lookup(frame)
    finally:
        rowindex.Lookup.__init__ = making

    assert isinstance(lookup, rowindex.Lookup) and not made  # kept, not sorted again
    same_both_ways(ind.value_for, frame, indicator, year, kind, area)
    same_both_ways(ind.series, frame, indicator, kind, area)
    same_both_ways(ind.by_area, frame, indicator, year, kind)
    same_both_ways(ind.years_until, frame, year, [indicator, "b"])
    same_both_ways(ind.source_note, frame, [indicator, "c"], [year])


def test_an_index_that_does_not_fit_its_table_is_made_anew():
    frame = long_table(
        [("a", 2023, CITY, 9, "realisation", "CBS"), ("b", 2023, CITY, 7, "realisation", "CBS")]
    )
    one_row = long_table([("a", 2023, CITY, 9, "realisation", "CBS")])
    order, keys, names = rowindex.kept_index(rowindex.key_arrays(one_row))

    rowindex.adopt_index(frame, order, keys, names)  # one row's index for a table of two

    assert len(rowindex.lookup(frame).order) == 2
    assert ind.value_for(frame, "b", 2023) == 7


@pytest.mark.parametrize(
    "damage", ["a position past the end", "keys out of order", "a name twice", "a key past"]
)
def test_a_damaged_index_is_made_anew(damage):
    rows = [("a", 2023, CITY, 9, "realisation", "CBS"), ("b", 2023, CITY, 7, "realisation", "CBS")]
    order, keys, names = rowindex.kept_index(rowindex.key_arrays(long_table(rows)))
    order, keys = order.copy(), keys.copy()
    if damage == "a position past the end":
        order[0] = 5
    elif damage == "keys out of order":
        keys = keys[::-1].copy()
    elif damage == "a name twice":
        names = [["a", "a"], *names[1:]]
    else:
        keys[-1] = 1000
    frame = long_table(rows)

    rowindex.adopt_index(frame, order, keys, names)

    assert list(rowindex.lookup(frame).order) == [0, 1]
    assert ind.value_for(frame, "a", 2023) == 9 and ind.value_for(frame, "b", 2023) == 7


def test_an_index_goes_with_its_table_but_not_again_as_the_process_exits():
    # A kernel forked from the zygote that let go of the zygote's index as it exits would
    # write to every name in it: pages of the zygote's, copied for nothing at each exit.
    rows = [("a", 2023, CITY, 9, "realisation", "CBS"), ("b", 2023, CITY, 7, "realisation", "CBS")]
    made, adopted = long_table(rows), long_table(rows)
    rowindex.lookup(made)
    rowindex.adopt_index(adopted, *rowindex.kept_index(rowindex.key_arrays(made)))
    keys = [tuple(map(id, rowindex.key_arrays(frame))) for frame in (made, adopted)]
    columns = [rowindex.key_arrays(frame)[0] for frame in (made, adopted)]
    finalizers = [
        f
        for f in list(weakref.finalize._registry)
        if f.alive and any(f.peek()[0] is column for column in columns)
    ]

    assert len(finalizers) == 2 and not any(f.atexit for f in finalizers)
    assert all(key in rowindex._LOOKUPS for key in keys)
    del made, adopted, columns, finalizers
    gc.collect()
    assert not any(key in rowindex._LOOKUPS for key in keys)  # each went with its table
