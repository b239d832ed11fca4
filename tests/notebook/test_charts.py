"""The chart house style: readable colours, meaning beyond colour, Dutch numbers, alt text."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from brief.notebook import charts


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in mcolors.to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_every_palette_colour_has_3_to_1_contrast_on_white(colour):
    assert contrast(colour, "#FFFFFF") >= 3.0


def test_text_colour_has_4_5_to_1_contrast_on_white():
    assert contrast(charts.TEXT_COLOUR, "#FFFFFF") >= 4.5


def test_target_differs_from_realisation_by_more_than_colour():
    chart = charts.trend_chart(
        pd.Series({2022: 11840, 2023: 30133}),
        title="Bereik",
        what="kinderen bereikt",
        target=pd.Series({2022: 15000, 2023: 15000}),
    )
    realised, target = chart.figure.axes[0].get_lines()[:2]

    assert realised.get_linestyle() != target.get_linestyle()
    assert realised.get_marker() != target.get_marker()


def test_target_bars_are_hatched_and_carry_their_values():
    chart = charts.target_bars(
        pd.Series({2022: 300, 2023: 700}),
        pd.Series({2023: 600}),
        title="Valpreventie",
        what="ouderen in valpreventie",
    )
    axes = chart.figure.axes[0]
    hatches = {patch.get_hatch() for patch in axes.patches}
    labels = {text.get_text() for text in axes.texts}

    assert hatches == {None, "///"}
    assert {"300", "700", "600"} <= labels


def test_axis_numbers_are_dutch():
    chart = charts.area_bars(
        pd.Series({"Noord": 12500, "Charlois": 2400}), title="Bezoeken", what="bezoeken"
    )
    chart.figure.canvas.draw()
    ticks = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]

    assert any("." in t for t in ticks if len(t) > 3)  # 10.000, not 10,000 or 10000
    assert not any("," in t for t in ticks)


def test_alt_text_states_the_message_from_the_data():
    chart = charts.trend_chart(
        pd.Series({2022: 11840, 2023: 30133}),
        title="Bereik",
        what="kinderen bereikt",
        target=pd.Series({2023: 15000}),
    )

    assert chart.alt == (
        "Lijndiagram: kinderen bereikt per jaar, 2022 tot en met 2023; "
        "in 2023 30.133, ruim twee keer het doel van 15.000."
    )
    assert list(chart.data.columns) == ["jaar", "realisatie", "doel"]
