"""Select figures from the long-format tables and derive what the letter says about them.

Notebooks call these so that no notebook computes something another one also needs.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from brief.exceptions import BriefError, DataError
from brief.formatting import format_value
from brief.i18n import _
from brief.notebook import rowindex
from brief.notebook.data import FICTITIOUS_MARK, LINEAGE_COLUMNS
from brief.project.paths import find_project
from brief.project.settings import DEFAULT_GAP_TEXT
from brief.records import KIND_NAMES, Derivation, Lineage, SourceRow

KIND_WORDS = {"realisation": "realisatie", "target": "doel", "baseline": "nulmeting"}
TARGET_MET = "het doel is gehaald"
TARGET_NOT_MET = "het doel is niet gehaald"
NO_DATA = DEFAULT_GAP_TEXT  # what an area's letter prints where data is missing (gap_text)


# A notebook that needs the figures of several data files passes their tables as a list
# ([jeugd, ouderen]) wherever a function takes a table: each question is asked of every
# table and the rows found are joined, in the list's order, as they would be found in
# pd.concat of the tables. Joining a national table with pd.concat would copy a million rows
# in every letter of a grid, and lose what brief knows of each table (its city, its file).
Tables = pd.DataFrame | Sequence[pd.DataFrame]


def _tables(function: str, frame) -> list[pd.DataFrame]:
    """Return the tables a notebook passed to ``function``: one, or a list of them."""
    if isinstance(frame, pd.DataFrame):
        return [frame]
    if (
        isinstance(frame, list | tuple)
        and frame
        and all(isinstance(part, pd.DataFrame) for part in frame)
    ):
        return list(frame)
    raise TypeError(
        # TRANSLATORS: {function} is a function a notebook calls (value_for); {value} what it
        # passed, as Python writes it, shortened
        _(
            "{function}: give a table brief.load_data read, or a list of them such as "
            "[jeugd, ouderen], not {value}."
        ).format(function=function, value=_shown(frame))
    )


def _shown(value) -> str:
    """Return ``value`` as a message shows it: a table as <table>, anything else as Python
    writes it, shortened (a table's own text would be dozens of lines)."""
    if isinstance(value, pd.DataFrame):
        # TRANSLATORS: stands for a table in a list a message shows, as in [<table>, None]
        return _("<table>")
    if isinstance(value, list | tuple):
        shown = [_shown(item) for item in value[:4]] + (["..."] if len(value) > 4 else [])
        return ("[{}]" if isinstance(value, list) else "({})").format(", ".join(shown))
    return reprlib.repr(value)


def _each(frame: Tables) -> list[pd.DataFrame]:
    """Return the tables of ``frame``, checked already by :func:`_tables`."""
    return [frame] if isinstance(frame, pd.DataFrame) else list(frame)


def city(frame: Tables) -> str:
    """Return the name of the city-wide rows of a table (brief.yaml's ``stad``)."""
    # A table joined from several files (pd.concat) loses the mark; the project says it too.
    for part in _each(frame):
        if part.attrs.get("city"):
            return part.attrs["city"]
    return find_project().settings().stad


# --- letters per area -------------------------------------------------------------------
# A grid (`brief build --per area`) runs the same notebooks for every area, with the area as
# a papermill parameter beside the year. The functions below read the letter's area by
# default, so a notebook written for the city letter writes an area's letter unchanged; in
# an area's letter a figure the data lacks becomes a gap (the letter prints NO_DATA and the
# build lists it) instead of an error that would stop the grid. In the city letter a
# missing figure stays the error it always was.


class NoData(float):
    """A figure an area's letter has no data for: NaN that says why (``reason``)."""

    reason: str

    def __new__(cls, reason: str) -> NoData:
        made = super().__new__(cls, "nan")
        made.reason = reason
        return made


# --- lineage: the data rows behind a number ---------------------------------------------
# A figure these functions return remembers the rows it was read from (``.lineage``), so
# publish_value can record them and a reviewer sees "data/ouderen.csv, row 3" beside the
# number. The figure is an int, float or str like any other; arithmetic on it gives a plain
# number again, which brief then honestly calls computed in the notebook. share(), total()
# and change() compute the usual derived figures and keep the rows they used.


class TracedInt(int):
    """A whole number read from data rows; ``lineage`` names them."""

    lineage: Lineage


class TracedFloat(float):
    """A number read from data rows; ``lineage`` names them."""

    lineage: Lineage


class TracedText(str):
    """A text the letter prints, made from data rows (a target sentence)."""

    lineage: Lineage


def traced(value, lineage: Lineage):
    """Return ``value`` carrying ``lineage``; unchanged when it has no rows or is a gap."""
    if lineage.by_hand or isinstance(value, NoData | bool):
        return value
    if isinstance(value, Integral):
        made = TracedInt(value)
    elif isinstance(value, Real):
        made = TracedFloat(value)
    elif isinstance(value, str):
        made = TracedText(value)
    else:
        return value
    made.lineage = lineage
    return made


def lineage_of(value) -> Lineage:
    """Return the rows behind a figure, series or table; none when brief cannot know them."""
    if isinstance(value, pd.Series | pd.DataFrame):
        found = value.attrs.get("lineage")
    else:
        found = getattr(value, "lineage", None)
    if not isinstance(found, Lineage):
        return Lineage()
    # pandas copies attrs to a selection (series[series.index >= 2020]): keep the rows of
    # the years or areas the selection still shows.
    key = value.index.name if isinstance(value, pd.Series) else None
    if key in ("year", "area"):
        shown = set(value.index)
        kept = [row for row in found.rows if getattr(row, key) in shown]
        return found.model_copy(update={"rows": kept})
    return found


def _lineage(rows: pd.DataFrame, derived: Derivation | None = None) -> Lineage:
    """Return the lineage of ``rows`` of a table brief.load_data read (none for others)."""
    if not set(LINEAGE_COLUMNS) <= set(rows.columns):
        return Lineage()
    return Lineage(
        rows=[
            SourceRow(
                file=str(row["file"]),
                row=int(row["row"]),
                sheet=str(row["sheet"] or ""),
                indicator=str(row["indicator"]),
                year=int(row["year"]),
                area=str(row["area"]),
                kind=str(row["kind"]),
                value=row["value"].item() if hasattr(row["value"], "item") else row["value"],
                source=str(row["source"]),
            )
            for row in rows.to_dict("records")
        ],
        derived=derived,
    )


def _gap_among(values) -> float | None:
    """Return the first gap (NoData or NaN) among ``values``, or None when all are figures."""
    for value in values:
        if isinstance(value, Real) and not isinstance(value, bool) and math.isnan(value):
            return value
    return None


def share(part: float, whole: float, percent: bool = True) -> float:
    """Return ``part`` as a share of ``whole``: in percentage points (27.5), or a fraction.

    Keeps the rows of both, so the review copy names them.
    """
    if (gap := _gap_among([part, whole])) is not None:
        return gap
    if whole == 0:
        raise DataError(
            _("Cannot compute a share of a total of 0 ({rows}).").format(
                rows=lineage_of(whole).summary
            )
        )
    return _derived((100 if percent else 1) * float(part) / float(whole), [part, whole], "share")


def total(*values: float) -> float:
    """Return the sum of ``values``, keeping the rows of each."""
    if (gap := _gap_among(values)) is not None:
        return gap
    return _derived(sum(values), values, "sum")


def change(before: float, after: float, relative: bool = False) -> float:
    """Return how much ``after`` differs from ``before``: the difference, or with
    ``relative`` the change in percentage points of ``before`` (publish it as percent).

    Keeps the rows of both.
    """
    if (gap := _gap_among([before, after])) is not None:
        return gap
    if relative and before == 0:
        raise DataError(
            _("Cannot compute a change relative to 0 ({rows}).").format(
                rows=lineage_of(before).summary
            )
        )
    value = 100 * (after - before) / before if relative else after - before
    return _derived(value, [before, after], "change" if relative else "difference")


def _derived(value, inputs, how: Derivation):
    """Return ``value`` with the rows of all ``inputs``; plain when one of them has none
    (a number typed in the notebook), so it is never passed off as read from the data."""
    lineages = [lineage_of(figure) for figure in inputs]
    if not lineages or any(lineage.by_hand for lineage in lineages):
        return value
    return traced(value, Lineage.joined(*lineages, derived=how))


def gap_text() -> str:
    """Return what an area's letter prints where a figure is missing: brief.yaml's
    ``geen_gegevens`` (default "geen gegevens voor dit gebied")."""
    try:
        return find_project().settings().geen_gegevens
    except BriefError:  # outside a project (a test, a scratch notebook)
        return NO_DATA


def letter_area() -> str | None:
    """Return the area of the letter this notebook runs for: its ``area`` parameter.

    None where the notebook has none, or ``area = None`` (JupyterLab): the city letter.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    area = shell.user_ns.get("area") if shell is not None else None
    return area if isinstance(area, str) and area.strip() else None


def for_an_area(frame: Tables | None = None) -> bool:
    """Return whether this notebook writes an area's letter (not the city letter)."""
    area = letter_area()
    if area is None:
        return False
    return area != (city(frame) if frame is not None else find_project().settings().stad)


def gap_reason(value) -> str | None:
    """Return why ``value`` is a gap in an area's letter, or None when it is a figure."""
    if isinstance(value, NoData):
        return value.reason
    number = isinstance(value, Real) and not isinstance(value, bool)
    if number and math.isnan(value) and for_an_area():
        return _("a figure it is computed from is missing for this area")
    return None


# --- what a notebook asks for ----------------------------------------------------------
# A notebook that passes a year as text ('2024') or an indicator as a number would find no
# rows and be told to add a row the file already has. These say what to write instead.

_UNSET = object()


def _asked(function: str, indicator=_UNSET, year=_UNSET, kind=_UNSET, area=_UNSET):
    """Check the arguments a notebook passed to ``function``; return the year as an int
    (None when not given). TypeError or ValueError saying what to write instead."""
    if indicator is not _UNSET and not (isinstance(indicator, str) and indicator):
        raise TypeError(
            # TRANSLATORS: {function} is a function a notebook calls (value_for), {value}
            # what it passed, as Python writes it (5, None, '')
            _(
                "{function}: the indicator is its name in quotes, as indicatoren.csv writes "
                "it, not {value}."
            ).format(function=function, value=repr(indicator))
        )
    if kind is not _UNSET and not (isinstance(kind, str) and kind in KIND_WORDS):
        words = {word: name for name, word in KIND_WORDS.items()}
        english = words.get(kind) if isinstance(kind, str) else None
        message = _(
            "{function}: kind is 'realisation', 'target' or 'baseline', not {value}."
        ).format(function=function, value=repr(kind))
        if english:
            # TRANSLATORS: {kind} is brief's English word for a Dutch kind word (target)
            message += " " + _("For {value} write kind='{kind}'.").format(
                value=repr(kind), kind=english
            )
        raise ValueError(message)
    if area is not _UNSET and area is not None and not (isinstance(area, str) and area):
        raise TypeError(
            _(
                "{function}: the area is its name in quotes, as the areas file writes it, "
                "or None for the letter's own, not {value}."
            ).format(function=function, value=repr(area))
        )
    if year is _UNSET:
        return None
    return _whole_year(function, year)


def _whole_year(function: str, year) -> int:
    """Return ``year`` as an int: a whole number (2024, or 2024.0), never text or a bool."""
    if isinstance(year, Integral) and not isinstance(year, bool):
        return int(year)
    if isinstance(year, Real) and not isinstance(year, bool) and float(year).is_integer():
        return int(year)
    raise TypeError(
        _(
            "{function}: the year is a whole number without quotes, such as 2024, not {value}."
        ).format(function=function, value=repr(year))
    )


def _names(function: str, indicators) -> list[str]:
    """Return the indicator names a notebook passed as a list, each checked."""
    if isinstance(indicators, str):
        raise TypeError(
            # TRANSLATORS: {value} is one name a notebook passed where a list was needed
            _("{function}: give the indicators as a list, such as [{value}].").format(
                function=function, value=repr(indicators)
            )
        )
    names = list(indicators)
    for name in names:
        _asked(function, indicator=name)
    return names


def _area(frame: Tables, area: str | None) -> str:
    """Return the area to read: the one asked for, else the letter's, else the city."""
    return area or letter_area() or city(frame)


def _where(frame: Tables) -> str:
    """Return the data file a table was read from (data/jeugd.csv), as messages name it;
    of a list of tables, each one's ("data/jeugd.csv or data/ouderen.csv")."""
    # TRANSLATORS: stands for a data file's name in a message when the name is not known
    files = list(
        dict.fromkeys(part.attrs.get("path") or _("the data file") for part in _each(frame))
    )
    if len(files) == 1:
        return files[0]
    # TRANSLATORS: {some} are data files' names joined by commas, {last} the last one
    return _("{some} or {last}").format(some=", ".join(files[:-1]), last=files[-1])


def _file_of(frame: Tables, indicator: str) -> str:
    """Return the data file that holds ``indicator`` (of a table joined from several files,
    the one its rows came from), as messages name it."""
    rows = _of_indicators(frame, [indicator])
    if "file" in rows.columns and not rows.empty:
        return str(rows["file"].iloc[0])
    return _where(frame)


def _suggested_row(frame: Tables, indicator: str, year: int, area: str, kind: str) -> str:
    """Return the row to add, written as the data file writes its rows."""
    from brief.exceptions import BriefError
    from brief.notebook.rowstyle import PLAIN, row_style

    try:
        file = _file_of(frame, indicator)
        # Of a list, the table read from that file; a joined table knows no file of its own.
        tables = _each(frame)
        table = next((part for part in tables if part.attrs.get("path") == file), tables[0])
        root = table.attrs.get("root") or find_project().root  # a joined table has none
        # load_data knows the file's words for the kinds; reading a large file again for
        # them would cost a second for each figure an area's letter lacks.
        words = table.attrs.get("kind_words")
        known = words if isinstance(words, dict) and file == table.attrs.get("path") else None
        style = row_style(Path(root) / file, known)
    except (BriefError, OSError):  # no project here: brief's own way of writing a row
        style = PLAIN
    return style.row(indicator, year, area, kind)


# --- finding rows ------------------------------------------------------------------------
# Through the table's index (brief.notebook.rowindex) where it has one, else by filtering.


def _hashable(*names) -> bool:
    try:
        hash(names)
    except TypeError:
        return False
    return True


def _select(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """Return the rows at ``positions`` (ascending), as ``frame.iloc[positions]`` does.

    Picking rows from a column Arrow holds in several chunks (a table joined with
    pd.concat) copies the column whole first; the rows between the first and the last
    picked mostly lie in one chunk, so they are cut out first, which copies nothing.
    """
    if not len(positions):  # no rows: taking none from several chunks joins them first
        return frame.iloc[0:0]
    pieces = np.split(positions, np.searchsorted(positions, _chunk_starts(frame)))
    pieces = [piece for piece in pieces if len(piece)]
    if len(pieces) > 1:  # rows of several chunks: cut out of each, then joined
        return pd.concat([_select(frame, piece) for piece in pieces])
    low, high = int(positions[0]), int(positions[-1]) + 1
    return frame.iloc[low:high].iloc[positions - low]


def _chunk_starts(frame: pd.DataFrame) -> list[int]:
    """Return the position where each chunk of the indicator column but the first begins."""
    array = getattr(frame["indicator"].array, "_pa_array", None)
    if array is None or array.num_chunks < 2:
        return []
    return list(np.cumsum([len(chunk) for chunk in array.chunks])[:-1])


def _rows(frame: Tables, indicator: str, kind: str, area: str | None) -> pd.DataFrame:
    area = _area(frame, area)
    return _found([_rows_of(part, indicator, kind, area) for part in _each(frame)])


def _rows_of(frame: pd.DataFrame, indicator: str, kind: str, area: str) -> pd.DataFrame:
    lookup = rowindex.lookup(frame) if _hashable(indicator, kind, area) else None
    if lookup is not None:
        return _select(frame, lookup.positions(indicator, kind, area))
    return frame[
        (frame["indicator"] == indicator) & (frame["kind"] == kind) & (frame["area"] == area)
    ]


def _of_indicators(frame: Tables, indicators: list) -> pd.DataFrame:
    """Return the rows of any of ``indicators``, as ``frame.indicator.isin`` selects them."""
    return _found([_of_indicators_of(part, indicators) for part in _each(frame)])


def _of_indicators_of(frame: pd.DataFrame, indicators: list) -> pd.DataFrame:
    lookup = rowindex.lookup(frame) if _hashable(*indicators) else None
    if lookup is not None:
        return _select(frame, lookup.of_indicators(indicators))
    return frame[frame["indicator"].isin(indicators)]


def _found(selections: list[pd.DataFrame]) -> pd.DataFrame:
    """Return the rows found in each of a list of tables, one table's after another's."""
    with_rows = [rows for rows in selections if not rows.empty]
    if len(with_rows) > 1:  # a few rows each: joining them copies next to nothing
        return pd.concat(with_rows)
    return with_rows[0] if with_rows else selections[0]


def series(
    frame: Tables,
    indicator: str,
    kind: str = "realisation",
    area: str | None = None,
    years: Iterable[int] | None = None,
) -> pd.Series:
    """Return an indicator's values by year (one area, one kind), oldest year first.

    The area is the letter's unless one is asked for (the city in the city letter).
    """
    frame = _tables("series", frame)
    _asked("series", indicator=indicator, kind=kind, area=area)
    area = _area(frame, area)
    rows = _rows(frame, indicator, kind, area)
    if years is not None:
        rows = rows[rows["year"].isin([_whole_year("series", year) for year in years])]
    result = rows.set_index("year")["value"].sort_index().rename(indicator)
    result.attrs["lineage"] = _lineage(rows.sort_values("year"))
    return result


def years_until(frame: Tables, year: int, indicators: Iterable[str] | None = None) -> list[int]:
    """Return the years the data has figures for, up to and including ``year``, oldest first.

    Only the rows of ``indicators`` count when given. A chart that shows these years
    reaches every year its data reaches, so a new year's rows appear without a notebook
    naming years.
    """
    tables = _tables("years_until", frame)
    year = _whole_year("years_until", year)
    if indicators is None:
        found = set().union(*(part["year"].unique() for part in tables))
    else:
        found = _of_indicators(tables, _names("years_until", indicators))["year"].unique()
    return sorted(int(y) for y in found if y <= year)


def target_year(frame: Tables, indicator: str, year: int, area: str | None = None) -> int:
    """Return the first year from ``year`` on with a target for ``indicator``.

    That is the target a letter about ``year`` works towards (a target for the end of a
    later year counts); DataError when the data has none from ``year`` on. In an area's
    letter without one, ``year``: its target then shows as a gap.
    """
    frame = _tables("target_year", frame)
    year = _asked("target_year", indicator=indicator, year=year, area=area)
    area = _area(frame, area)
    years = sorted(int(y) for y in _rows(frame, indicator, "target", area)["year"] if y >= year)
    if not years and for_an_area(frame):
        return year
    if not years:
        raise DataError(
            # TRANSLATORS: the row in quotes is what to type into the data file, as it is
            _(
                "{file} has no target of '{indicator}' for {area} in {year} or later. "
                "Add a row '{row}' to {file}."
            ).format(
                file=_file_of(frame, indicator),
                indicator=indicator,
                area=area,
                year=year,
                row=_suggested_row(frame, indicator, year, area, "target"),
            )
        )
    return years[0]


def value_for(
    frame: Tables,
    indicator: str,
    year: int,
    kind: str = "realisation",
    area: str | None = None,
) -> float:
    """Return one figure, or raise DataError naming what is missing from the data.

    In an area's letter a missing figure is returned as :class:`NoData` instead, which the
    letter prints as "geen gegevens voor dit gebied".
    """
    frame = _tables("value_for", frame)
    year = _asked("value_for", indicator=indicator, year=year, kind=kind, area=area)
    area = _area(frame, area)
    rows = _rows(frame, indicator, kind, area)
    found = rows[rows["year"] == year]
    if found.empty:
        if rows.empty:
            # TRANSLATORS: {kind} is a kind of figure as the data names it (realisation,
            # target, baseline); the row in quotes is what to type into the data file
            message = _(
                "{file} has no {kind} of '{indicator}' for {area}. Add a row '{row}' to {file}."
            )
        else:
            message = _(
                "{file} has the {kind} of '{indicator}' for {area} in {years}, not in {year}. "
                "Add a row '{row}' to {file}."
            )
        message = message.format(
            file=_file_of(frame, indicator),
            kind=_(KIND_NAMES.get(kind, kind)),
            row=_suggested_row(frame, indicator, year, area, kind),
            indicator=indicator,
            area=area,
            year=year,
            years=_span(sorted(rows["year"])) if not rows.empty else "",
        )
        if for_an_area(frame):
            return NoData(message)
        raise DataError(message)
    return traced(found["value"].iloc[0], _lineage(found.iloc[:1]))


def city_value(frame: Tables, indicator: str, year: int, kind: str = "realisation") -> float:
    """Return the city's figure, in any letter: what an area's letter sets beside its own
    (``brief.publish_value(..., city=ind.city_value(...))``)."""
    frame = _tables("city_value", frame)
    _asked("city_value", indicator=indicator, year=year, kind=kind)
    return value_for(frame, indicator, year, kind, area=city(frame))


def given(*values) -> bool:
    """Return whether every one of ``values`` is a figure, none a gap (or NaN)."""
    return not any(
        isinstance(v, Real) and not isinstance(v, bool) and math.isnan(v) for v in values
    )


def target_title(subject: str, realisation: float, target: float, higher_is_better=True) -> str:
    """Return a chart title that says what the figures say: "<subject> haalt het doel",
    "<subject> blijft onder het doel", or, where either is a gap, "<subject> per jaar"."""
    if not given(realisation, target):
        return f"{subject} per jaar"
    if target_met(realisation, target, higher_is_better):
        return f"{subject} haalt het doel"
    return f"{subject} blijft onder het doel"


def _span(years: list[int]) -> str:
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def by_area(frame: Tables, indicator: str, year: int, kind: str = "realisation") -> pd.Series:
    """Return an indicator's values for ``year`` by area (the city total left out)."""
    frame = _tables("by_area", frame)
    year = _asked("by_area", indicator=indicator, year=year, kind=kind)
    rows = _of_indicators(frame, [indicator])
    rows = rows[(rows["kind"] == kind) & (rows["year"] == year) & (rows["area"] != city(frame))]
    if rows.empty:
        raise DataError(
            _("The data has no figures by area of '{indicator}' for {year}.").format(
                indicator=indicator, year=year
            )
        )
    result = rows.set_index("area")["value"].rename(indicator)
    result.attrs["lineage"] = _lineage(rows)
    return result


def source_note(
    frame: Tables,
    indicators: Iterable[str],
    years: Iterable[int] | None = None,
    areas: bool = False,
) -> str:
    """Return the source line of a chart or table, saying which figures are fictitious.

    Lists the distinct sources of the rows used; when any of them is marked fictitious the
    note ends by naming the years whose figures are illustrations, not real data.
    """
    frame = _tables("source_note", frame)
    indicators = _names("source_note", indicators)
    rows = _of_indicators(frame, indicators)
    if years is not None:
        rows = rows[rows["year"].isin([_whole_year("source_note", year) for year in years])]
    rows = rows[rows["area"] != city(frame)] if areas else rows[rows["area"] == _area(frame, None)]
    if rows.empty and not areas and for_an_area(frame):
        return gap_text()
    if rows.empty:
        raise DataError(
            _("No rows for {indicators}: cannot name their source.").format(
                indicators=", ".join(indicators)
            )
        )
    fictitious = rows["source"].str.contains(FICTITIOUS_MARK, case=False)
    parts = sorted(set(rows.loc[~fictitious, "source"]))
    if fictitious.all():
        parts.append("fictieve cijfers ter illustratie")
    elif fictitious.any():
        # Name the kind as well as the year: a real realisation may sit beside a made-up target.
        made_up = rows[fictitious]
        which = [
            f"{KIND_WORDS[kind]} {_join_years(sorted(set(group['year'])))}"
            for kind, group in made_up.groupby("kind", sort=False)
        ]
        parts.append("fictief ter illustratie: " + ", ".join(which))
    return "; ".join(parts)


def _join_years(years: list[int]) -> str:
    words = [str(y) for y in years]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def target_met(realisation: float, target: float, higher_is_better: bool = True) -> bool:
    """Return whether a realisation reaches its target."""
    return realisation >= target if higher_is_better else realisation <= target


def target_sentence(realisation: float, target: float, higher_is_better: bool = True) -> str:
    """Return "het doel is gehaald" or "het doel is niet gehaald" for the letter's prose.

    When either figure is a gap, the gap (the letter prints that there is no data).
    """
    for figure in (realisation, target):
        if isinstance(figure, float) and math.isnan(figure):
            return figure if isinstance(figure, NoData) else NoData(_("a figure is missing"))
    sentence = TARGET_MET if target_met(realisation, target, higher_is_better) else TARGET_NOT_MET
    return _derived(sentence, [realisation, target], "comparison")


def indicator_table(
    frame: Tables,
    catalogue: pd.DataFrame,
    indicators: list[str],
    year: int,
    years_back: int = 2,
) -> tuple[pd.DataFrame, list[str]]:
    """Return the annual-accounts indicator table for ``year`` and the unit of each row.

    One row per indicator: type, description, baseline, realisation in the last
    ``years_back + 1`` years, the target of ``year`` and the monitor. Missing cells are
    NaN, which the letter prints as "n.v.t.". Rows differ in unit (count, percent, euro),
    so the units come back per row for ``publish_table(row_units=...)``.
    """
    frame = _tables("indicator_table", frame)
    indicators = _names("indicator_table", indicators)
    year = _whole_year("indicator_table", year)
    years = list(range(year - years_back, year + 1))
    records, units, lineages = [], [], []
    for indicator in indicators:
        if indicator not in catalogue.index:
            raise DataError(
                _("'{indicator}' is not in the indicator catalogue (indicatoren.csv).").format(
                    indicator=indicator
                )
            )
        info = catalogue.loc[indicator]
        baseline = series(frame, indicator, "baseline")
        realised = series(frame, indicator)
        target = series(frame, indicator, "target")
        record = {
            "Soort": info["type"],
            "Indicator": info["label"],
            "Nulmeting": _baseline_text(baseline, info["unit"]),
        }
        for y in years:
            record[f"Realisatie {y}"] = realised.get(y, float("nan"))
        record[f"Doel {year}"] = target.get(year, float("nan"))
        record["Monitor"] = info["monitor"]
        records.append(record)
        units.append(info["unit"])
        lineages += [
            lineage_of(baseline.iloc[:1]),
            lineage_of(realised[realised.index.isin(years)]),
            lineage_of(target[target.index == year]),
        ]
    table = pd.DataFrame.from_records(records)
    table.attrs["lineage"] = Lineage.joined(*lineages)  # read by publish_table
    return table, units


def _baseline_text(baseline: pd.Series, unit: str) -> str | float:
    """Return the baseline as "29% (2014)", or NaN when there is none."""
    if baseline.empty:
        return float("nan")
    year = int(baseline.index[0])
    return f"{format_value(baseline.iloc[0], unit)} ({year})"
