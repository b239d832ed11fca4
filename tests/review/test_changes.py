"""The change report: what moved between two builds, and whether the letter shows it."""

from brief.records import Lineage, Origin, ShownFigure, ShownValue, SourceRow
from brief.review.changes import compare, summary, write_report

ORIGIN = Origin(notebook="01-jeugd.ipynb", cell=2)


def entry(text, kind="value", image=""):
    if kind == "figure":
        return ShownFigure(text=text, image=image, origin=ORIGIN)
    return ShownValue(text=text, origin=ORIGIN)


def test_report_lists_moved_values_and_marks_those_the_letter_does_not_show():
    before = {
        "bereik": entry("30.133"),
        "intern": entry("12"),
        "kaart": entry("K", "figure", image="a"),
    }
    after = {
        "bereik": entry("30.200"),
        "intern": entry("13"),
        "kaart": entry("K", "figure", image="b"),
        "nieuw": entry("1"),
    }

    changes = compare(before, after)
    report = write_report(
        changes,
        2023,
        "2026-06-01T10:00:00+02:00",
        {"01-jeugd.ipynb": "data/jeugd.csv changed"},
        ["02-ouderen.ipynb"],
        used={"bereik", "kaart"},
    )

    assert changes.values == [("bereik", "30.133", "30.200"), ("intern", "12", "13")]
    assert "| bereik | 30.133 | 30.200 |" in report
    assert "| intern (not in the letter) | 12 | 13 |" in report
    assert "- Figure `kaart`: the image changed." in report
    assert "- `nieuw` is new." in report
    assert "- 01-jeugd.ipynb reran: data/jeugd.csv changed." in report
    assert summary(changes).startswith(
        "2 value(s) changed (bereik 30.133 → 30.200, intern 12 → 13)"
    )


def test_no_change_is_said_in_one_line():
    same = {"bereik": entry("30.133")}

    changes = compare(same, same)

    assert changes.none
    assert summary(changes) == "nothing in the letter changed"
    assert "Nothing in the letter changed." in write_report(changes, 2023, "t", {}, [], set())


def test_report_lists_tables_and_names_gone_and_the_summary_counts_each_kind():
    before = {f"v{n}": entry("1") for n in range(5)} | {"weg": entry("x")}
    after = {f"v{n}": entry("2") for n in range(5)} | {"erbij": entry("y")}
    changes = compare(before, after)
    changes.figures.append("kaart")
    changes.tables["tabel"] = ['row "Hubs", column "2023": 10 → 12', 'row 2, column "a": 1 → 2']

    report = write_report(changes, 2023, "t", {}, [], used={"v0", "kaart"})

    assert report.startswith("# Changes in the 2023 letter\n\nCompared with the build of t.\n")
    assert "| name | before | after |\n| --- | --- | --- |\n| v0 | 1 | 2 |\n" in report
    assert "- Table `tabel` (not in the letter): 2 cell(s) changed:\n" in report
    assert '  - row "Hubs", column "2023": 10 → 12\n' in report
    assert "- `erbij` is new.\n- `weg` is no longer published.\n" in report
    assert summary(changes) == (
        "5 value(s) changed (v0 1 → 2, v1 1 → 2, v2 1 → 2 and 2 more); 1 figure(s); "
        "1 table(s); 1 name(s) added, 1 removed"
    )


def _traced(text: str, *rows: tuple[int, float], derived=None) -> ShownValue:
    lineage = Lineage(
        rows=[
            SourceRow(
                file="data/ouderen.csv",
                row=number,
                indicator="valpreventie_deelnemers",
                year=2022 + index,
                area="Rotterdam",
                kind="realisation",
                value=value,
                source="fictief",
            )
            for index, (number, value) in enumerate(rows)
        ],
        derived=derived,
    )
    return ShownValue(text=text, origin=ORIGIN, lineage=lineage)


def test_the_report_names_the_data_row_behind_a_changed_value():
    before = {"deelnemers": _traced("700", (3, 700)), "groei": _traced("+6%", (2, 660), (3, 700))}
    after = {  # a correction in row 3; the row before it moved down one line
        "deelnemers": _traced("715", (4, 715)),
        "groei": _traced("+8%", (3, 660), (4, 715), derived="change"),
    }

    changes = compare(before, after)
    report = write_report(changes, 2023, "2026-06-01T10:00:00+02:00", {}, [], {"deelnemers"})

    assert changes.rows == {
        "deelnemers": ["data/ouderen.csv, row 4: 700 → 715"],
        "groei": ["data/ouderen.csv, row 4: 700 → 715"],
    }
    assert "- `deelnemers` changed in the data:\n  - data/ouderen.csv, row 4: 700 → 715" in report


def test_a_value_without_recorded_rows_names_no_row():
    changes = compare({"x": entry("1")}, {"x": _traced("2", (3, 2))})

    assert changes.values == [("x", "1", "2")] and changes.rows == {}
