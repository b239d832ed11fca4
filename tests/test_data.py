import pytest

from brief.data import load_data
from brief.exceptions import DataError


def test_example_file_loads_with_numbers(project):
    frame = load_data("jeugd", project)

    assert frame["value"].dtype.kind in "if"
    row = frame[
        (frame.indicator == "kinderwerk_bereik")
        & (frame.year == 2023)
        & (frame.kind == "realisation")
    ]
    assert row["value"].iloc[0] == 30133


def test_all_problems_in_a_file_are_reported_together(project):
    path = project.data_dir / "jeugd.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "kinderwerk_pleinen,2022,Rotterdam,veel,realisation,x"
    lines[2] = "kinderwerk_pleinen,2023,Atlantis,88,realisation,x"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        load_data("jeugd", project)

    message = str(caught.value)
    assert "2 problem(s)" in message
    assert "row 2, column 'value': 'veel' is not a number" in message
    assert (
        "row 3, column 'area': 'Atlantis' is not Rotterdam or one of the 14 areas in gebieden.csv."
        in message
    )


def test_missing_column_is_named(project):
    path = project.data_dir / "ouderen.csv"
    text = path.read_text(encoding="utf-8").replace(",kind,", ",knid,", 1)
    path.write_text(text, encoding="utf-8")

    with pytest.raises(DataError) as caught:
        load_data("ouderen", project)

    assert str(caught.value) == (
        "ouderen.csv has no column 'kind'. Its header row must name: indicator, year, area, "
        "value, kind, source. Is it misspelt: 'knid' for 'kind'?"
    )


def test_duplicate_rows_are_refused(project):
    path = project.data_dir / "ouderen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        load_data("ouderen", project)

    assert str(caught.value) == (
        "ouderen.csv has 1 problem(s):\n  - row 17: the same indicator, year, area and kind "
        "as row 2 (valpreventie_deelnemers, 2022, Rotterdam, realisation); keep one of the two."
    )
