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
        f"ouderen.csv has 1 problem(s):\n  - row {len(lines) + 1}: the same indicator, year, "
        "area and kind as row 2 (valpreventie_deelnemers, 2022, Rotterdam, realisation); keep "
        "one of the two."
    )


def write_rows(project, name: str, values: list[str]) -> None:
    """Write data/<name>.csv, as Dutch Excel saves it, one row per value, years 2001 on."""
    header = ";".join(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    rows = [
        ";".join(["kinderwerk_bereik", str(2001 + i), "Rotterdam", v, "realisatie", "x"])
        for i, v in enumerate(values)
    ]
    (project.data_dir / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")


def notes_of(project, name: str) -> list[str]:
    from brief.data import _read_table, area_names, load_catalogue
    from brief.validate import check_rows

    path = project.data_dir / f"{name}.csv"
    frame = _read_table(path, ("indicator", "year", "area", "value", "kind", "source"))
    records = [(i + 2, row) for i, row in enumerate(frame.to_dict("records"))]
    notation = project.settings().notatie.get(path.name)
    catalogue = load_catalogue(project)["unit"].to_dict()
    return check_rows(records, catalogue, area_names(project), notation).notes


def test_doubtful_readings_are_reported_once_per_kind_with_a_count(project):
    write_rows(project, "telling", ["1.234", "2.500", "3.750", "12,5"])

    notes = notes_of(project, "telling")

    assert notes == [
        "column 'value', row 2: read '1.234' as 1234 (the dot groups thousands) and 2 more "
        "value(s) read the same way",
    ]


def test_a_file_whose_notation_is_declared_is_not_doubted(project):
    write_rows(project, "telling", ["1.234", "2.500"])
    write_rows(project, "engels", ["1,234", "2.5"])
    settings = project.settings_file
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "notatie: {}", "notatie:\n  telling.csv: nl\n  engels.csv: en"
        ),
        encoding="utf-8",
    )

    assert notes_of(project, "telling") == []
    assert notes_of(project, "engels") == []
    engels = load_data("engels", project)
    assert list(engels["value"]) == [1234, 2.5]


def test_a_formula_without_a_stored_result_is_named_with_its_formula(project):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    sheet.append(["kinderwerk_bereik", 2023, "Rotterdam", 30133, "realisatie", "x"])
    sheet.append(["kinderwerk_bereik", 2024, "Rotterdam", "=D2*2", "realisatie", "x"])
    workbook.save(project.data_dir / "formules.xlsx")  # openpyxl stores no formula results

    with pytest.raises(DataError) as caught:
        load_data("formules", project)

    assert str(caught.value) == (
        "formules.xlsx has 1 problem(s):\n  - row 3, column 'waarde' (cell D3): the cell holds "
        "the formula =D2*2 but no result, because the workbook was not saved by Excel; open "
        "and save it in Excel, or type the number."
    )
