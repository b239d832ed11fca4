"""Charts fit their figures: the tick labels matplotlib draws, broken lines, the own area."""

from __future__ import annotations

import matplotlib.colors
import pandas as pd
import pytest

from brief.notebook import charts

NBSP = "\xa0"


def drawn_labels(chart: charts.Chart, axis: str = "y") -> list[str]:
    """Return the tick labels as matplotlib draws them, inside the visible range."""
    chart.figure.canvas.draw()
    axes = chart.figure.axes[0]
    ticks = axes.get_yticklabels() if axis == "y" else axes.get_xticklabels()
    low, high = axes.get_ylim() if axis == "y" else axes.get_xlim()
    return [
        t.get_text() for t in ticks if low <= (t.get_position()[1 if axis == "y" else 0]) <= high
    ]


def budget(besteed: list[float], geoormerkt: list[float]) -> charts.Chart:
    years = [2022, 2023, 2024]
    return charts.target_bars(
        pd.Series(besteed, index=years),
        pd.Series(geoormerkt, index=years),
        title="t",
        what="budget",
        unit="euro_mln",
        labels=("Besteed", "Geoormerkt"),
    )


def test_city_sized_amounts_tick_in_millions_each_label_different():
    labels = drawn_labels(
        budget([640_000, 1_700_000, 2_350_000], [1_630_000, 2_800_000, 2_800_000])
    )

    assert len(set(labels)) == len(labels) > 2
    assert all(label.endswith(f"{NBSP}mln.") for label in labels)


def test_area_sized_amounts_tick_in_whole_euros_each_label_different():
    labels = drawn_labels(budget([30_000, 85_000, 110_000], [100_000, 140_000, 150_000]))

    assert len(set(labels)) == len(labels) > 2
    assert not any("mln." in label for label in labels)
    assert f"€{NBSP}50.000" in labels


def test_amounts_just_over_a_million_get_the_decimals_that_tell_them_apart():
    labels = drawn_labels(
        budget([1_000_000, 1_020_000, 1_050_000], [1_010_000, 1_040_000, 1_060_000])
    )

    assert len(set(labels)) == len(labels) > 2


def hubs(values: list[int], targets: list[int] | None = None) -> charts.Chart:
    years = list(range(2022, 2022 + len(values)))
    target = None if targets is None else pd.Series(targets, index=years)
    return charts.trend_chart(pd.Series(values, index=years), target=target, title="t", what="hubs")


@pytest.mark.parametrize(
    "values", [[0, 0, 1], [1, 1, 2], [5, 9, 11], [20_000, 25_000, 30_133]], ids=str
)
def test_counts_tick_in_distinct_whole_numbers(values):
    labels = drawn_labels(hubs(values))

    assert len(set(labels)) == len(labels) > 1
    assert all("," not in label for label in labels), labels  # no 0,5 hub


def test_a_line_never_bridges_years_without_figures():
    series = pd.Series([40, 44, 4, 3], index=[2016, 2022, 2023, 2024])

    chart = charts.trend_chart(series, title="t", what="aanvragen")

    lines = [line for line in chart.figure.axes[0].get_lines() if len(line.get_xdata())]
    assert sorted(list(line.get_xdata()) for line in lines) == [[2016], [2022, 2023, 2024]]
    assert "Over 2017 tot en met 2021 zijn er geen cijfers; de lijn is daar onderbroken." in (
        chart.alt
    )


def test_consecutive_years_are_one_line_and_the_alt_text_names_no_gap():
    chart = hubs([1, 2, 3])

    assert len(chart.figure.axes[0].get_lines()) == 1
    assert "geen cijfers" not in chart.alt


def test_per_area_bars_mark_the_letters_own_area_in_colour_and_words():
    values = pd.Series({"Charlois": 7, "Noord": 12, "Pernis": 2, "Delfshaven": 9})

    chart = charts.area_bars(values, title="t", what="pleinen", area="Charlois")

    axes = chart.figure.axes[0]
    colours = {
        label.get_text(): matplotlib.colors.to_hex(bar.get_facecolor())
        for label, bar in zip(axes.get_yticklabels(), axes.patches, strict=True)
    }
    assert colours["▶ Charlois"] == charts.PALETTE[1].lower()
    assert {colours[n] for n in ("Noord", "Pernis", "Delfshaven")} == {charts.PALETTE[0].lower()}
    assert "Charlois, het gebied van deze brief, is gemarkeerd: 7, plaats 3 van 4." in chart.alt
    assert list(chart.data["gebied"]) == ["Noord", "Delfshaven", "Charlois", "Pernis"]


def test_per_area_bars_in_the_city_letter_mark_nothing():
    values = pd.Series({"Charlois": 7, "Noord": 12})

    chart = charts.area_bars(values, title="t", what="pleinen")

    colours = {matplotlib.colors.to_hex(b.get_facecolor()) for b in chart.figure.axes[0].patches}
    assert colours == {charts.PALETTE[0].lower()}
    assert "gemarkeerd" not in chart.alt


def test_the_amounts_written_on_one_chart_are_all_in_one_unit():
    chart = budget([640_000, 1_700_000, 2_350_000], [1_630_000, 2_800_000, 2_800_000])

    written = [t.get_text() for t in chart.figure.axes[0].texts if t.get_text()]
    assert f"€{NBSP}0,6{NBSP}mln." in written
    assert all(text.endswith(f"{NBSP}mln.") for text in written), written
