"""The notebook side of the hand-off: publish values, figures and tables for the letter.

Each call shows one output in the notebook: the published item as a
``application/vnd.brief.publish+json`` part (a :mod:`brief.records` model), next to what
a reader sees: one line ("kinderwerk_bereik = 30.133"), the chart, or the table. The build
reads them back from the executed notebook, so the notebook a reviewer opens is the record
of what went into the letter and from which cell. The calls return nothing, so a cell that
ends with one shows no second copy of the payload.
"""

from __future__ import annotations

import base64
import io
import keyword
import math
import re
from collections.abc import Iterable
from numbers import Integral, Real

import pandas as pd
from babel.numbers import get_decimal_symbol

from brief.exceptions import PublishError
from brief.formatting import MISSING_CELL, NUMBER_UNITS
from brief.i18n import _, current_language
from brief.records import (
    PUBLISH_MIMETYPE,
    Lineage,
    PublishedFigure,
    PublishedTable,
    PublishedValue,
    plain_number,
)

FIGURE_DPI = 200  # sharp in print at text width
# Units of whole things: a value of one that is not whole is refused, never rounded away.
WHOLE_UNITS = ("count",)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_name(name: str) -> str:
    """Return ``name`` if the Word template can use it, else raise PublishError."""
    if not isinstance(name, str) or not _NAME.match(name) or keyword.iskeyword(name):
        raise PublishError(
            _(
                "Cannot publish {name!r}: a name must start with a lowercase letter and hold "
                "only lowercase letters, digits and underscores, e.g. 'kinderwerk_bereik'."
            ).format(name=name)
        )
    return name


def _plain_number(value):
    """Return ``value`` as a JSON number (numpy scalars included), keeping whole numbers whole."""
    if isinstance(value, bool):
        raise PublishError(_expected_a_number(value))
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        if math.isnan(number):
            return None
        return int(number) if number.is_integer() else number
    raise PublishError(_expected_a_number(value))


def _expected_a_number(value) -> str:
    return _("expected a number, got {value!r}").format(value=value)


def _show(item, readable: dict, metadata: dict | None = None) -> None:
    """Display the item as a notebook output (a no-op outside a kernel)."""
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        return
    display({PUBLISH_MIMETYPE: item.as_json(), **readable}, raw=True, metadata=metadata)


def value_item(name: str, value, unit: str = "count", description: str = "") -> PublishedValue:
    """Return the published value :func:`publish_value` shows, or raise PublishError.

    A gap in an area's letter (see :mod:`brief.notebook.indicators`) is published as the text
    "geen gegevens voor dit gebied", with the reason kept for the build's summary.
    """
    from brief.notebook.indicators import gap_reason, gap_text, lineage_of

    check_name(name)
    if (reason := gap_reason(value)) is not None:
        return PublishedValue(
            name=name, value=gap_text(), unit="text", description=description, gap=reason
        )
    if unit not in (*NUMBER_UNITS, "text"):
        raise PublishError(
            _(
                "Cannot publish {name!r}: unit must be one of {units} or 'text', got {unit!r}."
            ).format(name=name, units=", ".join(NUMBER_UNITS), unit=unit)
        )
    if unit == "text":
        if not isinstance(value, str):
            raise PublishError(
                _("Cannot publish {name!r}: unit 'text' needs a string.").format(name=name)
            )
        raw = value
    else:
        try:
            raw = _plain_number(value)
        except PublishError as exc:
            raise PublishError(
                _("Cannot publish {name!r}: {problem}.").format(name=name, problem=exc)
            ) from None
        if raw is None:
            raise PublishError(
                _("Cannot publish {name!r}: the value is missing (NaN).").format(name=name)
            )
        if unit in WHOLE_UNITS and not isinstance(raw, int):
            raise PublishError(_not_whole(name, raw, unit, lineage_of(value)))
    return PublishedValue(
        name=name, value=raw, unit=unit, description=description, lineage=lineage_of(value)
    )


def _not_whole(name: str, raw: float, unit: str, lineage) -> str:
    """Say that a count is not whole, and where it came from, rather than round it away."""
    # Ungrouped, with the decimal sign of the language spoken: 87.5 in English, 87,5 in Dutch.
    number = plain_number(raw).replace(".", get_decimal_symbol(current_language()))
    if lineage.by_hand:
        # TRANSLATORS: {unit} is a unit's name as notebooks write it ('count')
        message = _(
            "Cannot publish {name!r}: its unit {unit!r} counts whole things, but the value is "
            "{value}, which the letter would print rounded. Round it in the notebook where "
            "that is meant (round(...)), or publish it with unit='decimal'."
        )
    elif lineage.derived:
        # TRANSLATORS: {rows} says how the value was computed and from which data rows
        message = _(
            "Cannot publish {name!r}: its unit {unit!r} counts whole things, but the value is "
            "{value} ({rows}), which the letter would print rounded. Round it in the notebook "
            "where that is meant (round(...)), or publish it with unit='decimal' or 'percent'."
        )
    else:
        # TRANSLATORS: {rows} names the data row the value was read from
        message = _(
            "Cannot publish {name!r}: its unit {unit!r} counts whole things, but the value is "
            "{value} ({rows}), which the letter would print rounded. Correct the number in "
            "that row, or publish it with unit='decimal'."
        )
    return message.format(name=name, unit=unit, value=number, rows=lineage.text)


CITY_SUFFIX = "_stad"  # the city's figure beside an area's: jongerenwerk_fte_stad


def publish_value(
    name: str, value, unit: str = "count", description: str = "", *, city=None
) -> None:
    """Publish one number (or short text, with ``unit="text"``) for the letter.

    The notebook shows it as one line: "name = value as the letter prints it".
    ``city``: the city's figure beside an area's. In an area's letter it is published too,
    as ``<name>_stad``, so an area template can write "in de stad {{ name_stad }}"; the
    city letter has no such name (its figure is the city's already).
    """
    item = value_item(name, value, unit, description)
    _show(item, {"text/plain": item.display_line})
    if city is not None:
        from brief.notebook.indicators import for_an_area

        if for_an_area():
            beside = value_item(name + CITY_SUFFIX, city, unit, description)
            _show(beside, {"text/plain": beside.display_line})


def publish_figure(
    name: str,
    figure,
    *,
    title: str,
    source: str,
    alt: str | None = None,
    data: pd.DataFrame | None = None,
    years: Iterable[int] | None = None,
) -> None:
    """Publish a chart for the letter, with its caption title and source line.

    ``figure`` is a :class:`brief.notebook.charts.Chart` (which brings its own alt text, data and
    years) or a plain matplotlib figure. ``alt`` is the alternative text for screen readers
    and overrides the chart's; ``data`` is the table behind the chart, written beside the
    letter so readers can check the numbers. ``years`` are the years the chart shows
    figures for; without them a chart's own, else the ``jaar`` column of ``data``.
    `brief check` warns when the last of them is before the letter's year.
    """
    check_name(name)
    gap, lineage = None, Lineage()
    if hasattr(figure, "figure") and hasattr(figure, "alt"):  # a brief.notebook.charts.Chart
        gap = getattr(figure, "gap", None)
        lineage = getattr(figure, "lineage", None) or lineage
        alt = alt or figure.alt
        data = figure.data if data is None else data
        if years is None:
            years = getattr(figure, "years", None) or None  # an empty tuple: not known
        figure = figure.figure
    if not title or not source:
        raise PublishError(
            _("Cannot publish figure {name!r}: give it a title and a source.").format(name=name)
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    item = PublishedFigure(
        name=name,
        title=title,
        source=source,
        alt=alt or title,
        png=base64.b64encode(buffer.getvalue()).decode("ascii"),
        data=None if data is None else data.to_csv(index=False),
        years=_figure_years(name, years, data),
        gap=gap,
        lineage=lineage,
    )
    _close(figure)
    _show(
        item,
        {"image/png": item.png, "text/plain": item.display_line},
        metadata={"image/png": {"alt": item.alt}},
    )


def publish_table(
    name: str,
    table: pd.DataFrame,
    *,
    title: str,
    source: str,
    units: dict[str, str] | None = None,
    row_units: list[str] | None = None,
    alt: str | None = None,
) -> None:
    """Publish a DataFrame to become a Word table, with caption title and source line.

    A numeric cell prints in the unit of its column (``units``), else of its row
    (``row_units``, for tables with one indicator per row), else as a whole number.
    Missing cells print as "n.v.t.". Column names become the header row.
    """
    check_name(name)
    if not title or not source:
        raise PublishError(
            _("Cannot publish table {name!r}: give it a title and a source.").format(name=name)
        )
    units = dict(units or {})
    unknown = set(units) - {str(c) for c in table.columns}
    if unknown:
        raise PublishError(
            _(
                "Cannot publish table {name!r}: units name columns it does not have: {columns}."
            ).format(name=name, columns=", ".join(sorted(unknown)))
        )
    if row_units is not None and len(row_units) != len(table):
        raise PublishError(
            _("Cannot publish table {name!r}: row_units has {units} units for {rows} rows.").format(
                name=name, units=len(row_units), rows=len(table)
            )
        )
    for unit in [*units.values(), *(row_units or [])]:
        if unit not in NUMBER_UNITS:
            raise PublishError(
                _(
                    "Cannot publish table {name!r}: unit must be one of {units}, got {unit!r}."
                ).format(name=name, units=", ".join(NUMBER_UNITS), unit=unit)
            )
    rows = []
    columns = [str(c) for c in table.columns]
    for number, record in enumerate(table.itertuples(index=False)):
        row = []
        for column, cell in zip(columns, record, strict=True):
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                row.append(None)
            elif isinstance(cell, Real) and not isinstance(cell, bool):
                row.append(_plain_number(cell))
                unit = units.get(column) or (row_units[number] if row_units else "count")
                if unit in WHOLE_UNITS and not isinstance(row[-1], int):
                    raise PublishError(_not_whole_cell(name, number + 1, column, row[-1], unit))
            else:
                row.append(str(cell))
        rows.append(row)
    item = PublishedTable(
        name=name,
        title=title,
        source=source,
        alt=alt or title,
        columns=[str(c) for c in table.columns],
        units=units,
        row_units=row_units,
        rows=rows,
        lineage=_table_lineage(table),
    )
    html = table.to_html(index=False, na_rep=MISSING_CELL)
    _show(item, {"text/html": html, "text/plain": item.display_line})


def _not_whole_cell(name: str, row: int, column: str, value: float, unit: str) -> str:
    """Say that a table cell of a whole unit is not whole, rather than round it away."""
    number = plain_number(value).replace(".", get_decimal_symbol(current_language()))
    # TRANSLATORS: {row} counts the table's rows from 1, below its header; {unit} is a
    # unit's name as notebooks write it ('count')
    return _(
        "Cannot publish table {name!r}: row {row}, column {column!r} holds {value}, but its "
        "unit {unit!r} counts whole things and the letter would print it rounded. Round it "
        "in the notebook where that is meant, or give the column a unit such as "
        "units={{{column!r}: 'decimal'}}."
    ).format(name=name, row=row, column=column, value=number, unit=unit)


def _table_lineage(table: pd.DataFrame) -> Lineage:
    """Return the data rows of a table brief.notebook.indicators made; none for one made
    otherwise."""
    from brief.notebook.indicators import lineage_of

    return lineage_of(table)


def _figure_years(name: str, years, data: pd.DataFrame | None) -> list[int] | None:
    """Return the years a figure shows, as sorted plain ints, or None when unknown."""
    if years is None and data is not None and "jaar" in data.columns:
        years = data["jaar"].dropna()
    if years is None:
        return None
    try:
        return sorted({int(year) for year in years})
    except (TypeError, ValueError):
        raise PublishError(
            _("Cannot publish figure {name!r}: years must be whole numbers, got {years!r}.").format(
                name=name, years=list(years)
            )
        ) from None


def _close(figure) -> None:
    """Close a published figure so the notebook shows it once, in the publish output."""
    import matplotlib.pyplot as plt

    plt.close(figure)
