"""Say what is wrong in a file: row by row when there are few problems, grouped when many.

A few problems are listed one line each with its row, the first 25 and the rest counted
("row 3, column 'area': 'Atlantis' is not ..."). A national file can have hundreds of
thousands; a line per row helps no one there, so past ``GROUP_FROM`` problems they are
grouped by what is wrong and by the value written, each value with its rows as ranges
("rows 2–11, column 'indicator': 'ind_0' is not in indicatoren.csv"), the first few in
full and the rest counted. A message is made only for what is shown, so a suggestion
("Did you mean ...?") is looked up once per value shown, never once per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from brief.i18n import _, current_language, ngettext

MAX_LISTED = 25  # problems listed in one message; the rest are counted
GROUP_FROM = 100  # with more problems than this, they are grouped
KINDS_SHOWN = 6  # kinds of problem shown when grouped
VALUES_SHOWN = 3  # values of one kind shown in full, each with its rows
RANGES_SHOWN = 4  # row ranges shown for one value


@dataclass
class Found:
    """One kind of problem in one column, at every row that has it."""

    column: str | None  # as the data names it; None for a problem of the whole row
    order: int  # where it comes among one row's problems: the column's position
    rows: np.ndarray  # the spreadsheet rows, ascending
    written: np.ndarray  # per row, what it wrote: the message is made from this
    say: Callable[[Any], str]  # the problem, for one value written
    # For a problem of a whole row: its line when listed, from the row and what it wrote.
    line: Callable[[int, Any], str] | None = None

    def listed(self, row: int, written) -> str:
        if self.line is not None:
            return self.line(row, written)
        return _("row {row}, column {column!r}: {problem}").format(
            row=row, column=self.column, problem=self.say(_as_shown(written))
        )


def _as_shown(written):
    """Return a workbook's date cell as a spreadsheet shows it ('2024-01-01'), not as
    Python writes it (datetime.datetime(2024, 1, 1, 0, 0)); any other cell as it is."""
    if isinstance(written, dt.datetime) and written.time() == dt.time():
        return written.date().isoformat()
    if isinstance(written, dt.datetime):
        return written.isoformat(sep=" ")
    if isinstance(written, dt.date | dt.time):
        return written.isoformat()
    return written


def problem_count(found: list[Found]) -> int:
    return sum(len(group.rows) for group in found)


def problems_message(file: str, found: list[Found]) -> str:
    """Return the message for every problem ``found`` in ``file``, listed or grouped."""
    count = problem_count(found)
    if count > GROUP_FROM:
        return _grouped(file, found, count)
    # As a person reads a file: row by row, each row's problems in column order; problems
    # of whole rows (repeated rows) after all others.
    rows = [
        (group.line is not None, int(row), group.order, number, index)
        for number, group in enumerate(found)
        for index, row in enumerate(group.rows)
    ]
    rows.sort()
    lines = [
        found[number].listed(row, found[number].written[index])
        for _whole, row, _order, number, index in rows
    ]
    return listed_message(file, lines)


def listed_message(file: str, problems: list[str]) -> str:
    """Return the message listing ``problems`` of ``file``, the first 25 and a count."""
    problems = [_full_stop(p) for p in problems]
    listed = problems[:MAX_LISTED]
    more = len(problems) - len(listed)
    lines = "\n  - ".join(listed)
    head = ngettext(
        "{file} has {count} problem(s):", "{file} has {count} problem(s):", len(problems)
    )
    message = head.format(file=file, count=len(problems)) + f"\n  - {lines}"
    if more:
        # TRANSLATORS: after a list of the first 25 problems of a file
        message += "\n  " + ngettext("... and {count} more.", "... and {count} more.", more).format(
            count=more
        )
    return message


def _full_stop(text: str) -> str:
    return text if text.endswith((".", "?")) else f"{text}."


def _grouped(file: str, found: list[Found], count: int) -> str:
    found = sorted(found, key=lambda group: (group.line is not None, group.rows[0], group.order))
    # TRANSLATORS: {count} is written with thousands separators: 200.000
    head = _("{file} has {count} problems, grouped by what is wrong:").format(
        file=file, count=_number(count)
    )
    lines = []
    for group in found[:KINDS_SHOWN]:
        lines += _group_lines(group)
    message = head + "".join(f"\n  - {_full_stop(line)}" for line in lines)
    rest = found[KINDS_SHOWN:]
    if rest:
        rows = problem_count(rest)
        # TRANSLATORS: after the kinds of problem shown; {rows} counts the rows they are in
        message += "\n  " + ngettext(
            "... and {count} more kind of problem, in {rows} row(s).",
            "... and {count} more kinds of problem, in {rows} row(s).",
            len(rest),
        ).format(count=_number(len(rest)), rows=_number(rows))
    return message


def _group_lines(group: Found) -> list[str]:
    """Return the lines of one kind of problem: its first values in full, the rest counted."""
    codes, values = pd.factorize(pd.Series(group.written, dtype=object), use_na_sentinel=False)
    lines = []
    for code in range(min(VALUES_SHOWN, len(values))):
        rows = group.rows[codes == code]
        problem = group.say(_as_shown(values[code]))
        if group.column is None:
            lines.append(_("{rows}: {problem}").format(rows=row_ranges(rows), problem=problem))
        else:
            lines.append(
                _("{rows}, column {column!r}: {problem}").format(
                    rows=row_ranges(rows), column=group.column, problem=problem
                )
            )
    if len(values) > VALUES_SHOWN:
        rows = group.rows[codes >= VALUES_SHOWN]
        more = len(values) - VALUES_SHOWN
        # TRANSLATORS: after the first values with one kind of problem; {rows} is "rows 32–40"
        same = ngettext(
            "{count} more value has the same problem, in {rows}",
            "{count} more values have the same problem, in {rows}",
            more,
        ).format(count=_number(more), rows=row_ranges(rows))
        if group.column is None:
            lines.append(same)
        else:
            lines.append(
                _("column {column!r}: {problem}").format(column=group.column, problem=same)
            )
    return lines


def row_ranges(rows: np.ndarray) -> str:
    """Return rows as ranges, the first few and a count: 'rows 2–11, 15 and 40 more'."""
    rows = np.unique(rows)
    if len(rows) == 1:
        return _("row {row}").format(row=_number(rows[0]))
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(rows)])) - 1
    shown = [
        _number(rows[s]) if s == e else f"{_number(rows[s])}–{_number(rows[e])}"
        for s, e in zip(starts[:RANGES_SHOWN], ends[:RANGES_SHOWN], strict=True)
    ]
    if len(starts) <= RANGES_SHOWN:
        return _("rows {ranges}").format(ranges=", ".join(shown))
    more = int(len(rows) - (ends[RANGES_SHOWN - 1] + 1))
    # TRANSLATORS: rows with one problem: "rows 2–11, 15, 17–20, 25 and 1,234 more"
    return ngettext(
        "rows {ranges} and {count} more", "rows {ranges} and {count} more", more
    ).format(ranges=", ".join(shown), count=_number(more))


def _number(count) -> str:
    """Return a count with the thousands separator of the language: 19.990 or 19,990."""
    from babel.numbers import format_decimal  # Babel is slow to import; only errors need it

    return format_decimal(int(count), "#,##0", locale=current_language())
