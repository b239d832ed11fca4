"""Every published number names the data row it came from (its lineage), or says honestly
that the notebook computed it."""

from __future__ import annotations

import pytest

from brief.exceptions import PublishError
from brief.notebook import indicators as ind
from brief.notebook.collect import Collection, Published
from brief.notebook.data import load_data
from brief.notebook.publish import value_item
from brief.records import Lineage, Origin, PublishedValue, read_published
from brief.review.pages import source_comments


def row_of(path, *cells: str) -> int:
    """Return the row a spreadsheet shows for the line of ``path`` starting with ``cells``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    prefix = ",".join(cells) + ","
    (index,) = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    return index + 1


def test_a_loaded_table_keeps_each_rows_file_and_row_number(project):
    ouderen = load_data("ouderen", project)

    first = ouderen.iloc[0]
    assert (first["file"], first["row"], first["sheet"]) == ("data/ouderen.csv", 2, "")
    assert list(ouderen["row"])[:3] == [2, 3, 4]


def test_a_value_names_the_row_it_was_read_from(project):
    ouderen = load_data("ouderen", project)
    expected = row_of(
        project.data_dir / "ouderen.csv", "valpreventie_deelnemers", "2023", "Rotterdam", "700"
    )

    value = ind.value_for(ouderen, "valpreventie_deelnemers", 2023)
    (row,) = value.lineage.rows

    assert value == 700
    assert (row.file, row.row, row.value, row.kind) == (
        "data/ouderen.csv",
        expected,
        700,
        "realisation",
    )
    assert row.source == "Voortgangsbrief welzijn 2024"
    assert value.lineage.text == (
        f"read from data/ouderen.csv, row {expected}: valpreventie_deelnemers, 2023, "
        "Rotterdam, realisation 700 (source: Voortgangsbrief welzijn 2024)"
    )


def test_a_workbook_row_is_named_with_its_sheet(project):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "cijfers"
    sheet.append(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    sheet.append(["kinderwerk_bereik", 2022, "Rotterdam", 29000, "realisatie", "Brief 2023"])
    sheet.append(["kinderwerk_bereik", 2023, "Rotterdam", 30133, "realisatie", "Brief 2024"])
    workbook.save(project.data_dir / "bereik.xlsx")

    value = ind.value_for(load_data("bereik", project), "kinderwerk_bereik", 2023)

    assert value.lineage.rows[0].place == "data/bereik.xlsx, sheet 'cijfers', row 3"


def test_the_sheet_is_kept_for_a_workbook_and_made_for_a_csv_file_read_back_from_the_cache(
    project,
):
    import openpyxl
    import pyarrow as pa

    from brief.notebook import tablecache

    workbook = openpyxl.Workbook()
    workbook.active.title = "cijfers"
    workbook.active.append(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    workbook.active.append(["kinderwerk_bereik", 2023, "Rotterdam", 30133, "realisatie", "x"])
    workbook.save(project.data_dir / "bereik.xlsx")
    for name in ("bereik", "ouderen"):
        load_data(name, project)
    tablecache.finish_writing()

    kept = {}
    for path in (project.outputs_dir / ".cache").glob("*.arrow"):
        with pa.memory_map(str(path)) as source:
            kept[path.name.split("-")[1]] = pa.ipc.open_file(source).schema.names
    bereik, ouderen = load_data("bereik", project), load_data("ouderen", project)  # kept

    assert "sheet" in kept["bereik.xlsx"]
    assert "sheet" not in kept["ouderen.csv"]  # empty in every row: made when read back
    assert set(bereik["sheet"]) == {"cijfers"} and set(ouderen["sheet"]) == {""}
    assert list(ouderen.columns) == list(bereik.columns)
    value = ind.value_for(bereik, "kinderwerk_bereik", 2023)
    assert value.lineage.rows[0].place == "data/bereik.xlsx, sheet 'cijfers', row 2"


def test_derived_values_keep_the_rows_they_were_computed_from(project):
    lokaal = load_data("lokale_initiatieven", project)
    besteed = ind.value_for(lokaal, "lokaal_budget_besteed", 2023)
    geoormerkt = ind.value_for(lokaal, "lokaal_budget_geoormerkt", 2023)

    share = ind.share(besteed, geoormerkt)
    total = ind.total(besteed, geoormerkt)
    change = ind.change(ind.value_for(lokaal, "lokaal_budget_besteed", 2022), besteed)

    assert share == pytest.approx(100 * 1_700_000 / 2_800_000)
    assert share.lineage.derived == "share"
    assert {r.indicator for r in share.lineage.rows} == {
        "lokaal_budget_besteed",
        "lokaal_budget_geoormerkt",
    }
    assert total == 4_500_000 and total.lineage.derived == "sum"
    assert [r.year for r in change.lineage.rows] == [2022, 2023]
    assert share.lineage.text.startswith("a share, computed from data/lokale_initiatieven.csv")


def test_arithmetic_outside_the_indicator_functions_is_called_computed_in_the_notebook(project):
    ouderen = load_data("ouderen", project)
    value = ind.value_for(ouderen, "valpreventie_deelnemers", 2023)

    by_hand = value_item("dubbel", value * 2)
    typed = value_item("getypt", 42)
    half_typed = ind.share(value, 1000)

    assert by_hand.lineage.by_hand and typed.lineage.by_hand
    assert not hasattr(half_typed, "lineage")  # a number typed in: not passed off as data
    assert by_hand.lineage.text == "computed in the notebook, not read from a data row by brief"


def test_a_series_names_only_the_rows_it_still_shows(project):
    ouderen = load_data("ouderen", project)
    series = ind.series(ouderen, "valpreventie_deelnemers")

    recent = series[series.index >= 2023]

    assert [r.year for r in ind.lineage_of(recent).rows] == [2023, 2024]
    assert ind.lineage_of(recent).summary == "data/ouderen.csv, rows 3\u20134"


def test_the_indicator_table_names_the_rows_of_its_cells(project):
    from brief.notebook.data import load_catalogue

    ouderen = load_data("ouderen", project)

    table, _units = ind.indicator_table(
        ouderen, load_catalogue(project), ["eenzaamheid_ouderen"], 2023
    )

    rows = ind.lineage_of(table).rows
    assert {(r.kind, r.year) for r in rows} == {
        ("baseline", 2014),
        ("realisation", 2022),
        ("target", 2023),
    }


def test_publishing_keeps_the_lineage_in_the_typed_contract(project):
    ouderen = load_data("ouderen", project)
    value = ind.value_for(ouderen, "valpreventie_deelnemers", 2023)

    item = value_item("valpreventie_deelnemers", value)
    again = read_published(item.as_json(), "02-ouderen.ipynb")
    shown = again.shown(Origin(notebook="02-ouderen.ipynb", cell=4))

    assert again.lineage == item.lineage and not item.lineage.by_hand
    assert shown.lineage.rows[0].row == item.lineage.rows[0].row


def test_a_count_that_is_not_whole_is_refused_naming_value_and_row(project):
    ouderen = load_data("ouderen", project)
    value = ind.value_for(ouderen, "valpreventie_deelnemers", 2023)

    with pytest.raises(PublishError) as from_data:
        value_item("deelnemers_per_week", ind.share(value, value, percent=False) * 1.5)
    with pytest.raises(PublishError) as derived:
        value_item("derde", ind.share(value, ind.total(value, value, value)), unit="count")

    assert str(from_data.value) == (
        "Cannot publish 'deelnemers_per_week': its unit 'count' counts whole things, but the "
        "value is 1.5, which the letter would print rounded. Round it in the notebook where "
        "that is meant (round(...)), or publish it with unit='decimal'."
    )
    assert str(derived.value).startswith(
        "Cannot publish 'derde': its unit 'count' counts whole things, but the value is "
        "33.333333333333336 (a share, computed from data/ouderen.csv, row 3: "
        "valpreventie_deelnemers, 2023, Rotterdam, realisation 700"
    )


def test_a_whole_count_and_a_decimal_unit_publish_as_they_are(project):
    ouderen = load_data("ouderen", project)
    value = ind.value_for(ouderen, "valpreventie_deelnemers", 2023)

    assert value_item("deelnemers", value).value == 700
    assert value_item("helft", value / 3, unit="decimal").value == pytest.approx(233.333, 1e-3)


def test_the_review_comment_names_the_row_or_says_the_notebook_computed_it(project):
    ouderen = load_data("ouderen", project)
    value = ind.value_for(ouderen, "valpreventie_deelnemers", 2023)
    collection = Collection()
    origin = Origin(notebook="02-ouderen.ipynb", cell=4)
    collection.items["deelnemers"] = Published(value_item("deelnemers", value), origin)
    collection.items["typed"] = Published(PublishedValue(name="typed", value=3), origin)

    comments = source_comments(collection)

    assert comments["deelnemers"] == (
        "deelnemers: published by 02-ouderen.ipynb, cell 5; read from data/ouderen.csv, "
        "row 3: valpreventie_deelnemers, 2023, Rotterdam, realisation 700 (source: "
        "Voortgangsbrief welzijn 2024)."
    )
    assert comments["typed"] == (
        "typed: published by 02-ouderen.ipynb, cell 5; computed in the notebook, not read "
        "from a data row by brief. Data read by that notebook: none."
    )


def test_lineage_of_rows_from_several_files_is_summarised_per_file():
    from brief.records import SourceRow

    def row(file, number):
        return SourceRow(
            file=file, row=number, indicator="x", year=2023, area="R", kind="target", value=1
        )

    lineage = Lineage.joined(
        Lineage(rows=[row("data/b.csv", 9), row("data/a.csv", 4)]),
        Lineage(rows=[row("data/a.csv", 2), row("data/a.csv", 3), row("data/a.csv", 4)]),
    )

    assert lineage.summary == "data/a.csv, rows 2\u20134; data/b.csv, row 9"


def test_a_table_cell_of_a_count_that_is_not_whole_is_refused():
    import pandas as pd

    from brief.notebook.publish import publish_table

    table = pd.DataFrame({"Gebied": ["Noord", "Zuid"], "Deelnemers": [12, 7.5]})

    with pytest.raises(PublishError) as caught:
        publish_table("deelname", table, title="Deelname", source="fictief")
    publish_table("deelname", table, title="t", source="s", units={"Deelnemers": "decimal"})

    assert str(caught.value) == (
        "Cannot publish table 'deelname': row 2, column 'Deelnemers' holds 7.5, but its unit "
        "'count' counts whole things and the letter would print it rounded. Round it in the "
        "notebook where that is meant, or give the column a unit such as "
        "units={'Deelnemers': 'decimal'}."
    )


def test_a_gap_in_an_areas_letter_is_commented_with_its_reason():
    origin = Origin(notebook="02-ouderen.ipynb", cell=4)
    gap = PublishedValue(
        name="deelnemers",
        value="geen gegevens voor dit gebied",
        unit="text",
        gap="data/ouderen.csv has no realisation of 'x' for Noord.",
    )

    comments = source_comments(Collection(items={"deelnemers": Published(gap, origin)}))

    assert comments["deelnemers"] == (
        "deelnemers: published by 02-ouderen.ipynb, cell 5; no data for this area: "
        "data/ouderen.csv has no realisation of 'x' for Noord."
    )
