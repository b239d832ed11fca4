"""The house style of every chart in the letter, defined once.

Colours come from the Okabe-Ito colour-blind-safe set, darkened where needed so each has
at least 3:1 contrast on white. Meaning never rests on colour alone: targets are dashed
or hatched and labelled in words, and values are written on the chart. Axes use Dutch
number formats. Each chart returns its alt text, written from the data, the table
behind it, so the letter can carry both, and the years it shows figures for.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen needed; notebooks still show figures inline

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import Formatter, MaxNLocator  # noqa: E402

from brief import formatting  # noqa: E402
from brief.formatting import format_value  # noqa: E402
from brief.i18n import _  # noqa: E402
from brief.records import Lineage  # noqa: E402

# Okabe-Ito blue, vermillion, bluish green (darkened) and reddish purple (darkened).
PALETTE = ("#0072B2", "#D55E00", "#00795C", "#A8527F")
TEXT_COLOUR = "#1A1A1A"
GRID_COLOUR = "#D9D9D9"
WIDTH_CM, HEIGHT_CM = 16.0, 8.0
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.edgecolor": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": GRID_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "legend.frameon": False,
}


@dataclass(frozen=True)
class Chart:
    """A finished chart: the figure, its alt text, the data it shows and for which years.

    ``years`` are the years the chart shows a realisation for (the year of a chart by
    area); `brief check` compares the last of them with the letter's year.
    """

    figure: Figure
    alt: str
    data: pd.DataFrame
    years: tuple[int, ...] = ()
    gap: str | None = None  # why an area's letter has no data for it (see no_data_chart)
    lineage: Lineage | None = None  # the data rows it shows, when they come from brief's tables


def _new_figure(title: str) -> tuple[Figure, plt.Axes]:
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54))
        axes.set_title(title)
    return figure, axes


WHOLE_UNITS = ("count",)  # units whose ticks are whole numbers: no 0,5 jongerenhub


class DutchTicks(Formatter):
    """Tick labels in the unit's Dutch format, each one different from the others.

    With as many decimals as it takes to tell the ticks apart (0,1 mln. three times is no
    axis), and for euro_mln in millions only when the largest tick is a million or more.
    """

    def __init__(self, unit: str):
        self.unit = unit
        self.digits = 0
        self.millions = True

    def __call__(self, value, position=None) -> str:
        return self._label(value, self.digits)

    def _label(self, value: float, digits: int) -> str:
        if self.unit == "euro_mln":
            if not self.millions:
                return formatting.euro(value)
            return formatting.in_millions(value, max(digits, 1))
        if self.unit == "percent":
            return formatting.percent(value, digits)
        if self.unit in WHOLE_UNITS and digits == 0:
            return formatting.whole_number(value)
        if self.unit == "euro" and digits == 0:
            return formatting.euro(value)
        return formatting.decimal(value, digits)

    def format_ticks(self, values) -> list[str]:
        values = list(values)
        self.millions = bool(values) and max(abs(v) for v in values) >= formatting.EURO_MLN_FROM
        for digits in range(4):
            labels = [self._label(v, digits) for v in values]
            if len(set(labels)) == len(labels):
                break
        self.digits = digits
        return labels


def _label_format(values, unit: str):
    """Return how the values written on a chart print: for euro_mln all in millions when
    the largest is a million or more, else all in whole euros; one chart never mixes both."""
    if unit != "euro_mln":
        return lambda value: format_value(value, unit)
    largest = max((abs(float(v)) for v in values if pd.notna(v)), default=0.0)
    return formatting.in_millions if largest >= formatting.EURO_MLN_FROM else formatting.euro


def _dutch_axis(axis, unit: str) -> None:
    if unit in WHOLE_UNITS:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(DutchTicks(unit))


def _years_axis(axes, years) -> None:
    axes.set_xticks(list(years), [str(y) for y in years])


def _compare(value: float, target: float, unit: str) -> str:
    """Return how a value relates to its target, in words: 'ruim twee keer het doel ...'."""
    shown = format_value(target, unit)
    if target > 0 and value >= 2 * target:
        return f"ruim twee keer het doel van {shown}"
    if value >= target:
        return f"boven het doel van {shown}"
    return f"onder het doel van {shown}"


def trend_chart(
    realised: pd.Series,
    *,
    title: str,
    what: str,
    unit: str = "count",
    target: pd.Series | None = None,
) -> Chart:
    """Return a line chart of ``realised`` by year, with the target as a dashed line.

    The line is broken where years have no figures: it never suggests a course the data
    does not show, and the alt text names the years without figures.
    """
    if (gap := _missing(realised, title, what)) is not None:
        return gap
    realised = realised.dropna()
    with plt.rc_context(STYLE):
        figure, axes = _new_figure(title)
        years = list(realised.index)
        for number, run in enumerate(_runs(years)):
            axes.plot(
                run,
                realised[run].values,
                marker="o",
                color=PALETTE[0],
                linewidth=2,
                label="Realisatie" if number == 0 else None,
            )
        label = _label_format(list(realised.values), unit)
        for year, value in realised.items():
            # Under its target the label goes below the point, clear of the target marker.
            below = target is not None and value < target.get(year, float("-inf"))
            axes.annotate(
                label(value),
                (year, value),
                textcoords="offset points",
                xytext=(0, -14 if below else 7),
                ha="center",
                color=TEXT_COLOUR,
            )
        if target is not None and not target.empty:
            axes.plot(
                list(target.index),
                target.values,
                linestyle="--",
                color=PALETTE[1],
                linewidth=2,
                marker="s",
                label="Doel",
            )
            axes.legend(loc="lower right")
        _years_axis(axes, sorted(set(years) | set(() if target is None else target.index)))
        _dutch_axis(axes.yaxis, unit)
        axes.set_ylim(bottom=0, top=max(realised.max(), _max(target)) * 1.18)
        figure.tight_layout()

    last_year, last = years[-1], realised.iloc[-1]
    message = f"in {last_year} {format_value(last, unit)}"
    if target is not None and last_year in target.index:
        message += ", " + _compare(last, target[last_year], unit)
    alt = f"Lijndiagram: {what} per jaar, {years[0]} tot en met {last_year}; {message}."
    missing = [(run[-1] + 1, later[0] - 1) for run, later in itertools.pairwise(_runs(years))]
    if missing:
        spans = [str(a) if a == b else f"{a} tot en met {b}" for a, b in missing]
        alt += f" Over {_and(spans)} zijn er geen cijfers; de lijn is daar onderbroken."
    data = pd.DataFrame({"jaar": years, "realisatie": realised.values})
    if target is not None:
        data["doel"] = [target.get(y) for y in years]
    return Chart(figure, alt, data, _plain_years(years), lineage=_rows_shown(realised, target))


def target_bars(
    realised: pd.Series,
    target: pd.Series,
    *,
    title: str,
    what: str,
    unit: str = "count",
    labels: tuple[str, str] = ("Realisatie", "Doel"),
) -> Chart:
    """Return bars per year of a realisation (solid) next to its target (hatched)."""
    if (gap := _missing(realised, title, what)) is not None:
        return gap
    years = sorted(set(realised.index) | set(target.index))
    written = _label_format([*realised.values, *target.values], unit)
    with plt.rc_context(STYLE):
        figure, axes = _new_figure(title)
        width = 0.38
        for offset, series, label, colour, hatch in (
            (-width / 2, realised, labels[0], PALETTE[0], None),
            (width / 2, target, labels[1], "white", "///"),
        ):
            heights = [series.get(y, 0) for y in years]
            bars = axes.bar(
                [y + offset for y in years],
                heights,
                width,
                label=label,
                color=colour,
                edgecolor=PALETTE[0],
                hatch=hatch,
                linewidth=1.2,
            )
            axes.bar_label(
                bars,
                labels=[written(h) if h else "" for h in heights],
                padding=2,
                color=TEXT_COLOUR,
                fontsize=9,
            )
        _years_axis(axes, years)
        _dutch_axis(axes.yaxis, unit)
        axes.set_ylim(top=max(realised.max(), target.max()) * 1.15)
        # Below the years: inside the plot it would cover a bar, above it the title.
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
        figure.tight_layout()

    last_year = years[-1]
    message = ""
    if last_year in realised.index and last_year in target.index:
        message = (
            f"; in {last_year} {format_value(realised[last_year], unit)} tegen "
            f"{labels[1].lower()} {format_value(target[last_year], unit)}"
        )
    alt = f"Staafdiagram: {what}, {labels[0].lower()} naast {labels[1].lower()} per jaar{message}."
    data = pd.DataFrame(
        {
            "jaar": years,
            labels[0].lower(): [realised.get(y) for y in years],
            labels[1].lower(): [target.get(y) for y in years],
        }
    )
    lineage = _rows_shown(realised, target)
    return Chart(figure, alt, data, _plain_years(realised.index), lineage=lineage)


def area_bars(
    values: pd.Series,
    *,
    title: str,
    what: str,
    unit: str = "count",
    year: int | None = None,
    area: str | None = None,
) -> Chart:
    """Return horizontal bars by area, largest at the top, each labelled with its value.

    ``year`` is the year the values are of, recorded with the chart. ``area`` (by default
    the letter's own, in an area's letter) is marked: another colour, its name in bold
    with an arrow, and named in the alt text.
    """
    from brief.notebook.indicators import letter_area

    ordered = values.sort_values()
    area = area if area is not None else letter_area()
    own = area if area in ordered.index else None
    with plt.rc_context({**STYLE, "axes.grid.axis": "x"}):
        figure, axes = plt.subplots(figsize=(WIDTH_CM / 2.54, 10 / 2.54))
        axes.set_title(title)
        colours = [PALETTE[1] if name == own else PALETTE[0] for name in ordered.index]
        names = [f"▶ {name}" if name == own else name for name in ordered.index]
        bars = axes.barh(names, ordered.values, color=colours)
        for label in axes.get_yticklabels():
            if own is not None and label.get_text() == f"▶ {own}":
                label.set_fontweight("bold")
        axes.bar_label(
            bars,
            labels=[_label_format(ordered.values, unit)(v) for v in ordered.values],
            padding=3,
            color=TEXT_COLOUR,
            fontsize=9,
        )
        _dutch_axis(axes.xaxis, unit)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(right=ordered.max() * 1.15)
        figure.tight_layout()
    top, bottom = ordered.index[-1], ordered.index[0]
    alt = (
        f"Staafdiagram: {what} per gebied; het meest in {top} "
        f"({format_value(ordered.iloc[-1], unit)}), het minst in {bottom} "
        f"({format_value(ordered.iloc[0], unit)})."
    )
    if own is not None:
        rank = list(ordered.index[::-1]).index(own) + 1
        alt += (
            f" {own}, het gebied van deze brief, is gemarkeerd: "
            f"{format_value(ordered[own], unit)}, plaats {rank} van {len(ordered)}."
        )
    data = ordered[::-1].rename_axis("gebied").reset_index(name="waarde")
    years = () if year is None else _plain_years([year])
    return Chart(figure, alt, data, years, lineage=_rows_shown(values))


def no_data_chart(title: str, what: str, reason: str) -> Chart:
    """Return the chart an area's letter shows where its data has no figures: the title
    and, in words, that there is no data for this area."""
    from brief.notebook.indicators import gap_text

    shown = gap_text()
    shown = shown[:1].upper() + shown[1:]
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(WIDTH_CM / 2.54, 3 / 2.54))
        axes.set_title(title)
        axes.axis("off")
        axes.text(0.5, 0.4, shown, ha="center", va="center", color=TEXT_COLOUR)
        figure.tight_layout()
    alt = f"{shown}: {what}."
    return Chart(figure, alt, pd.DataFrame({"jaar": []}), (), gap=reason)


def _rows_shown(*series: pd.Series | None) -> Lineage:
    """Return the data rows behind the series a chart shows (see brief.notebook.indicators)."""
    from brief.notebook.indicators import lineage_of

    return Lineage.joined(*(lineage_of(s) for s in series if s is not None))


def _missing(realised: pd.Series, title: str, what: str) -> Chart | None:
    """Return the no-data chart when ``realised`` has no figures in an area's letter; None
    when it has figures. Without figures in the city letter: DataError."""
    from brief.exceptions import DataError
    from brief.notebook.indicators import for_an_area

    if not realised.dropna().empty:
        return None
    if for_an_area():
        return no_data_chart(title, what, _("no figures of {what} for this area").format(what=what))
    raise DataError(
        _("There are no figures of {what} ({indicator}) to chart.").format(
            what=what, indicator=realised.name
        )
    )


def _runs(years: list[int]) -> list[list[int]]:
    """Return ``years`` (sorted) cut into runs of consecutive years: [2016], [2022, 2023]."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def _plain_years(years) -> tuple[int, ...]:
    """Return years as sorted plain ints (numpy integers do not go into JSON)."""
    return tuple(sorted(int(y) for y in years))


def _max(series: pd.Series | None) -> float:
    return 0 if series is None or series.empty else float(series.max())
