"""Checking data at scale: the column-wise reading agrees with parse_number, problems are
grouped when there are many, counts stay whole and percentages are bounded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief.exceptions import DataError
from brief.i18n import speaking
from brief.notebook.data import load_data
from brief.notebook.validate import (
    DOUBTS,
    TEXT,
    CloseNames,
    NotANumber,
    _read_numbers,
    parse_number,
)
from brief.records import ReadNote

HEADER = "indicator,year,area,value,kind,source"

# What providers type: digits, separators, signs, spaces, currency and percent signs.
WRITTEN = st.text(alphabet="0123456789.,-−€% \u00a0x", max_size=14)


@settings(max_examples=400, deadline=None)
@given(st.lists(WRITTEN, min_size=1, max_size=20), st.sampled_from([None, "nl", "en"]))
def test_the_columnwise_reading_agrees_with_parse_number(texts, notation):
    number, doubts, readable = _read_numbers(pa.array(texts, pa.large_string()), notation)

    for text, read, doubt, fast in zip(texts, number, doubts, readable, strict=True):
        if not fast:  # left for parse_number, which reads or refuses it itself
            continue
        expected, expected_doubt = parse_number(text, notation)
        assert read == float(expected), text
        assert (DOUBTS[doubt - 1] if doubt else None) == expected_doubt, text


def test_texts_the_columnwise_reading_leaves_alone_are_refused_or_read_one_by_one():
    texts = ["12%", "€ 2.800.000", "−5", "1 234", "1e5", "x", "١٢"]

    number, _doubts, readable = _read_numbers(pa.array(texts, pa.large_string()), None)

    assert list(number[:4][readable[:4]]) == [12, 2_800_000, 1234][: readable[:4].sum()]
    assert not readable[4:].any()
    for text in ("1e5", "x"):
        with pytest.raises(NotANumber):
            parse_number(text)


def csv_with(project, *rows: str, name: str = "jeugd") -> None:
    (project.data_dir / f"{name}.csv").write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")


def data_error(project, name: str = "jeugd") -> str:
    with pytest.raises(DataError) as caught:
        load_data(name, project)
    return str(caught.value)


def test_a_count_written_with_a_thousands_comma_is_refused_with_its_likely_meaning(project):
    csv_with(project, 'kinderwerk_bereik,2023,Rotterdam,"1,234",realisation,x')

    assert data_error(project) == (
        "jeugd.csv has 1 problem(s):\n  - row 2, column 'value': '1,234' is not a whole "
        "number, and a count is always whole. Did you mean 1234? Write 1234 or 1.234."
    )
    with speaking("nl"):
        assert data_error(project) == (
            "jeugd.csv heeft 1 probleem:\n  - rij 2, kolom 'value': '1,234' is geen heel "
            "getal, en een count is altijd heel. Bedoel je 1234? Schrijf 1234 of 1.234."
        )


def test_a_fractional_count_is_refused_not_rounded(project):
    csv_with(project, 'kinderwerk_bereik,2023,Rotterdam,"1.234,5",realisation,x')

    assert data_error(project) == (
        "jeugd.csv has 1 problem(s):\n  - row 2, column 'value': '1.234,5' is not a whole "
        "number, and a count is always whole. Write it as a whole number, or check the "
        "indicator's unit in indicatoren.csv."
    )


def test_a_fractional_count_in_a_workbook_cell_is_refused(project):
    import openpyxl

    (project.data_dir / "jeugd.csv").unlink()
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["kinderwerk_bereik", 2023, "Rotterdam", 1234.5, "realisation", "x"])
    workbook.save(project.data_dir / "jeugd.xlsx")

    assert "row 2, column 'value': 1234.5 is not a whole number" in data_error(project)


def test_fractions_are_fine_where_the_unit_is_not_a_count(project):
    csv_with(project, 'jongerenwerk_fte,2023,Rotterdam,"12,5",realisation,x')

    assert list(load_data("jeugd", project)["value"]) == [12.5]


def test_a_percentage_over_100_is_noted_with_its_row(project, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    csv_with(
        project,
        "eenzaamheid_ouderen,2022,Rotterdam,28,realisation,x",
        "eenzaamheid_ouderen,2023,Rotterdam,128,realisation,x",
        "eenzaamheid_ouderen,2024,Rotterdam,101%,realisation,x",
    )

    load_data("jeugd", project)

    note = ReadNote(column="value", row=3, written="128", read_as=128, doubt="above", more=1)
    assert shown[-1]["text/plain"].endswith(
        "data/jeugd.csv, column 'value', row 3: '128' is a percentage over 100; check it and "
        "1 more value(s) over 100"
    )
    with speaking("nl"):
        assert note.text == (
            "kolom 'value', rij 3: '128' is een percentage boven 100; controleer het, en nog "
            "1 waarde boven 100"
        )


def test_many_problems_are_grouped_by_value_with_row_ranges(project):
    rows = [f"kinderwerk_plein{i // 10},2023,Rotterdam,1,realisation,x" for i in range(150)]
    rows += ["kinderwerk_pleinen,1999,Rotterdam,1,realisation,x"] * 15
    rows += ["kinderwerk_pleinen,2023,Rotterdam,veel,realisation,x"] * 3
    csv_with(project, *rows)

    message = data_error(project)

    assert message == (
        "jeugd.csv has 168 problems, grouped by what is wrong:\n"
        "  - rows 2–11, column 'indicator': 'kinderwerk_plein0' is not in indicatoren.csv. "
        "Did you mean 'kinderwerk_pleinen'?\n"
        "  - rows 12–21, column 'indicator': 'kinderwerk_plein1' is not in indicatoren.csv. "
        "Did you mean 'kinderwerk_pleinen'?\n"
        "  - rows 22–31, column 'indicator': 'kinderwerk_plein2' is not in indicatoren.csv. "
        "Did you mean 'kinderwerk_pleinen'?\n"
        "  - column 'indicator': 12 more values have the same problem, in rows 32–151.\n"
        "  - rows 152–166, column 'year': '1999' is not a year between 2000 and 2100.\n"
        "  - rows 167–169, column 'value': 'veel' is not a number."
    )
    with speaking("nl"):
        dutch = data_error(project).splitlines()
    assert dutch[0] == "jeugd.csv heeft 168 problemen, gegroepeerd naar wat er mis is:"
    assert dutch[4] == (
        "  - kolom 'indicator': nog 12 waarden hebben hetzelfde probleem, in rijen 32–151."
    )


def test_the_first_kinds_of_problem_are_shown_and_the_rest_counted(project):
    columns = ["indicator", "year", "area", "value", "kind"]
    rows = []
    for broken in range(8):  # 8 kinds: each column wrong, then empty, 20 rows each
        cells = ["kinderwerk_pleinen", "2023", "Rotterdam", "1", "realisation"]
        column = broken % len(columns)
        cells[column] = "" if broken >= len(columns) else "?"
        rows += [",".join([*cells, "x"])] * 20
    csv_with(project, *rows)

    lines = data_error(project).splitlines()

    assert len(lines) <= 30
    assert lines[0] == "jeugd.csv has 160 problems, grouped by what is wrong:"
    assert lines[-1] == "  ... and 2 more kinds of problem, in 40 row(s)."


def test_grouping_starts_only_past_a_hundred_problems(project):
    csv_with(project, *[f"x{i},2023,Rotterdam,1,realisation,x" for i in range(100)])

    message = data_error(project)

    assert message.splitlines()[0] == "jeugd.csv has 100 problem(s):"
    assert message.splitlines()[1] == (
        "  - row 2, column 'indicator': 'x0' is not in indicatoren.csv. Add it there first."
    )
    assert message.splitlines()[-1] == "  ... and 75 more."


def test_a_large_catalogue_still_suggests_the_closest_name():
    names = [f"indicator_{i}" for i in range(20_000)] + ["valpreventie_deelnemers"]
    close = CloseNames(names)

    assert close.closest("valpreventie_deelnemer") == "valpreventie_deelnemers"
    assert close.closest("indicator_1234x") == "indicator_1234"
    assert close.closest("zzzz") is None


def test_row_ranges_are_short():
    from brief.notebook.problems import row_ranges

    assert row_ranges(np.array([5])) == "row 5"
    assert row_ranges(np.array([2, 3, 4, 9])) == "rows 2–4, 9"
    assert row_ranges(np.arange(2, 40, 2)) == "rows 2, 4, 6, 8 and 15 more"


def workbook_with(path, rows: list[list]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "data"
    for values in rows:
        workbook.active.append(values)
    workbook.save(path)


def test_calamine_reads_a_workbook_as_openpyxl_does(tmp_path):
    import datetime as dt

    from brief.notebook.data import _read_xlsx_calamine, _read_xlsx_openpyxl

    path = tmp_path / "cijfers.xlsx"
    workbook_with(
        path,
        [
            ["indicator", "jaar", "gebied", "waarde", "soort", "bron", 2024],
            ["kinderwerk_bereik", 2023, "Rotterdam", 30133, "realisatie", None, None],
            ["kinderwerk_bereik", 2024.0, "Noord", 12.5, "doel", 7, True],
            [None, None, None, None, None, None, None],
            ["x", dt.datetime(2024, 3, 1), "Zuid", -4, "doel", "€ 1.234,5", False],
        ],
    )

    assert _read_xlsx_calamine(path) == _read_xlsx_openpyxl(path)


def test_a_workbook_with_stored_formula_results_is_read_by_calamine(project):
    import re
    import zipfile

    (project.data_dir / "jeugd.csv").unlink()
    plain = project.data_dir / "plain.xlsx"
    workbook_with(
        plain,
        [
            HEADER.split(","),
            ["kinderwerk_bereik", 2023, "Rotterdam", 30133, "realisation", None],
            ["kinderwerk_bereik", 2024, "Rotterdam", "=D2*2", "realisation", "x"],
        ],
    )
    # As Excel saves it: the formula with its result (openpyxl writes no results).
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(project.data_dir / "jeugd.xlsx", "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb"<f>D2\*2</f><v>\s*</v>|<f>D2\*2</f>", b"<f>D2*2</f><v>60266</v>", data
                )
            target.writestr(item, data)
    plain.unlink()

    frame = load_data("jeugd", project)

    assert list(frame["value"]) == [30133, 60266]
    assert list(frame["source"]) == ["", "x"]


def test_a_file_of_blank_lines_has_no_data_rows(project):
    csv_with(project, "", ",,,,,", "")

    assert data_error(project) == "jeugd.csv has a header row but no data rows."


def test_kinds_and_areas_are_kept_as_listed_however_written(project):
    csv_with(
        project,
        "kinderwerk_pleinen,2023, kralingen crooswijk ,1,Realisatie,x",
        "kinderwerk_pleinen,2023,Rotterdam,2,realisation, y ",
    )

    frame = load_data("jeugd", project)

    assert list(frame["area"]) == ["Kralingen-Crooswijk", "Rotterdam"]
    assert list(frame["kind"]) == ["realisation", "realisation"]
    assert list(frame["source"]) == ["x", "y"]
    assert list(frame["year"]) == [2023, 2023]
    assert str(frame["kind"].dtype) == "str"


def test_a_file_arrow_reads_in_several_blocks_is_checked_whole(project):
    rows = [
        f'jongerenwerk_fte,{year},{area},"{year},5",{kind},{"bron " * 400}'
        for year in range(2000, 2101)
        for area in ("Rotterdam", "Noord", "Charlois")
        for kind in ("realisatie", "doel", "baseline")
    ]  # about 2 MB: Arrow reads it in more than one block
    csv_with(project, *rows)

    frame = load_data("jeugd", project)

    assert len(frame) == 101 * 3 * 3
    assert frame["value"].iloc[-1] == 2100.5
    assert set(frame["area"]) == {"Rotterdam", "Noord", "Charlois"}
    assert set(frame["kind"]) == {"realisation", "target", "baseline"}
    rows[-1] = rows[-1].replace(",Charlois,", ", noord ,")
    csv_with(project, *rows)
    assert data_error(project) == (
        "jeugd.csv has 1 problem(s):\n  - row 910: the same indicator, year, area and kind as "
        "row 907 (jongerenwerk_fte, 2100, Noord, baseline); keep one of the two."
    )


def test_a_control_character_far_into_a_long_column_is_found(project):
    rows = [
        f"kinderwerk_pleinen,{2000 + n % 100},Rotterdam,{n},doel,{'x' * 40}" for n in range(9000)
    ]
    rows[8765] = rows[8765].replace(",x", ",\x1bx")  # past the first pieces of the column

    csv_with(project, *rows)

    assert data_error(project) == (
        "jeugd.csv, row 8767, column 'source': the cell holds an invisible control character "
        "(U+001B). Remove it: retype the cell, or paste it as plain text."
    )


# Cells of each column as providers leave them: right, misspelt, blank, spaced, missing.
CELLS = {
    "indicator": ["kinderwerk_pleinen", "jongerenwerk_fte", " jongerenwerk_fte ", "onbekend", ""],
    "year": ["2023", "2022", " 2023", "1999", "twee", "", None],
    "area": ["Rotterdam", "Noord", " kralingen crooswijk ", "Atlantis", " ", ""],
    "value": ["12", "4,5", "1.234", "-3", "veel", "", " 7 "],
    "kind": ["realisation", "Doel", "nulmeting", "raar", "", None],
    "source": ["x", " y ", "", None],
}
BLANK_ROW = dict.fromkeys(CELLS, " ")  # a row left out, as a blank line in a spreadsheet
ROWS = st.lists(
    st.one_of(
        st.fixed_dictionaries({column: st.sampled_from(cells) for column, cells in CELLS.items()}),
        st.just(BLANK_ROW),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(ROWS)
def test_a_column_held_by_arrow_is_checked_as_python_cells_are(rows):
    from brief.notebook.problems import problems_message
    from brief.notebook.validate import AreaNames, check_rows, check_table

    catalogue = {"kinderwerk_pleinen": "count", "jongerenwerk_fte": "fte"}
    areas = AreaNames(("Noord", "Kralingen-Crooswijk"), "Rotterdam")
    numbered = list(enumerate(rows, start=2))
    cells = pd.DataFrame(
        {column: [row[column] for row in rows] for column in CELLS},
        index=[row for row, _cells in numbered],
    ).astype(TEXT)

    arrow = check_table(cells, catalogue, areas)
    python = check_rows(numbered, catalogue, areas)

    said = [problems_message("a.csv", checked.found) for checked in (arrow, python)]
    assert said[0] == said[1]
    assert arrow.notes == python.notes
    pd.testing.assert_frame_equal(arrow.table, python.table, check_dtype=False)
