"""What `brief build --per area` shows: live progress of a grid, then what each letter did.

On a terminal a grid shows one live line (letters done of all, notebooks running,
failures so far, the estimated time left); elsewhere (a log, CI) it shows nothing until
the report. The report lists each letter, its gaps and failures, and ends with the
grid's summary and review page. Printing only: the CLI chooses the exit code.
"""

from __future__ import annotations

import contextlib
import threading
import time

from rich.console import Console

from brief.build.grid import GridResult, GridTracker, LetterEntry, count_statuses
from brief.i18n import _, decimal, ngettext
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths


class GridDisplay(GridTracker):
    """A rich progress line for a grid; quiet when ``console`` is not a terminal."""

    def __init__(self, console: Console):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._lock = threading.Lock()
        self._running: set[tuple[Letter, str]] = set()
        self._done = self._failed = self._total = 0
        self._started = time.monotonic()
        self.progress = Progress(
            # TRANSLATORS: the start of the live progress line of a grid: "letters 3/15".
            # Keep {task.completed:.0f} and {task.total:.0f} exactly as they are.
            TextColumn(_("letters {task.completed:.0f}/{task.total:.0f}")),
            BarColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        # TRANSLATORS: the progress line of a grid, before its first notebook starts.
        self._task = self.progress.add_task(_("starting"), total=None)

    def grid_started(self, letters: list[Letter]) -> None:
        self._total = len(letters)
        self._started = time.monotonic()
        self._show()

    def notebook_started(self, letter: Letter, notebook: str) -> None:
        with self._lock:
            self._running.add((letter, notebook))
        self._show()

    def notebook_ended(self, letter: Letter, notebook: str) -> None:
        with self._lock:
            self._running.discard((letter, notebook))
        self._show()

    def letter_ended(self, entry: LetterEntry) -> None:
        with self._lock:
            self._done += 1
            self._failed += entry.status == "failed"
            self._running = {(k, n) for k, n in self._running if k.label != entry.label}
        self._show()

    def _show(self) -> None:
        with self._lock:
            done, total, running, failed = (
                self._done,
                self._total,
                len(self._running),
                self._failed,
            )
            left = self.time_left()
        parts = [
            ngettext("{count} notebook(s) running", "{count} notebook(s) running", running).format(
                count=running
            ),
            # TRANSLATORS: how many letters of the grid failed so far (progress line).
            ngettext("{count} failed", "{count} failed", failed).format(count=failed),
        ]
        if left is not None:
            # TRANSLATORS: the time a grid still takes: "about 40 s left", "about 3 min left".
            parts.append(_("about {duration} left").format(duration=_duration(left)))
        self.progress.update(
            self._task, completed=done, total=total or None, description=" · ".join(parts)
        )

    def time_left(self) -> float | None:
        """Return the seconds the letters still to do take at the pace so far, once known."""
        if not self._done or self._done >= self._total:
            return None
        pace = (time.monotonic() - self._started) / self._done
        return pace * (self._total - self._done)


def _duration(seconds: float) -> str:
    if seconds < 90:
        # TRANSLATORS: a duration in seconds, in the progress line of a grid.
        return _("{seconds:.0f} s").format(seconds=seconds)
    # TRANSLATORS: a duration in minutes, in the progress line of a grid.
    return _("{minutes:.0f} min").format(minutes=seconds / 60)


@contextlib.contextmanager
def showing(console: Console):
    """Show a grid's progress while the block runs; yield the tracker to give the grid."""
    display = GridDisplay(console)
    with display.progress:
        yield display


def report(result: GridResult, paths: ProjectPaths, out: Console, err: Console) -> None:
    """Print what each letter of the grid did, its gaps and errors, then the summaries."""
    shown = paths.shown
    for entry in result.entries:
        if entry.status == "failed":
            err.print(
                _("Error: {letter}: {reason}").format(letter=entry.label, reason=entry.reason),
                markup=False,
            )
            continue
        if entry.status == "reused":
            line = _("{letter}: up to date ({reason})").format(
                letter=entry.label, reason=entry.reason
            )
        else:
            line = ngettext(
                "{letter}: built in {seconds} s ({count} notebook(s) ran; {reason})",
                "{letter}: built in {seconds} s ({count} notebook(s) ran; {reason})",
                entry.notebooks_ran,
            ).format(
                letter=entry.label,
                seconds=decimal(entry.seconds),
                count=entry.notebooks_ran,
                reason=entry.reason,
            )
        out.print(line, markup=False)
        built = result.results.get(Letter(entry.year, entry.area))
        if getattr(built, "built", False) and built.changes is not None:
            from brief.review.changes import summary_line

            changes = summary_line(built.changes, built.reference, shown(built.outputs.changes))
            out.print(f"  {changes}", markup=False)
        for gap in entry.gaps:
            # TRANSLATORS: a figure or value of this letter that has no data for its area.
            no_data = _("no data: {name}: {reason}").format(name=gap.name, reason=gap.reason)
            out.print(f"  {no_data}", markup=False)
        for finding in entry.findings:
            # TRANSLATORS: what `brief check` warns about in this letter of the grid.
            out.print("  " + _("check: {finding}").format(finding=finding), markup=False)
        for warning in entry.warnings:  # a font the PDF lacks: in area letters as in the city's
            err.print(
                _("Warning: {letter}: {warning}").format(letter=entry.label, warning=warning),
                markup=False,
            )
        out.print(f"  {shown(paths.outputs_dir / entry.letter)}", markup=False)
    count = len(result.entries)
    line = ngettext(
        "grid: {count} letter(s) in {seconds} s: {counts}",
        "grid: {count} letter(s) in {seconds} s: {counts}",
        count,
    ).format(
        count=count,
        seconds=decimal(result.seconds),
        counts=count_statuses([entry.status for entry in result.entries]),
    )
    gaps = sum(len(entry.gaps) for entry in result.entries)
    if gaps:
        # TRANSLATORS: added to the grid's last line: how many figures or values of its
        # letters have no data for their area. Keep "geen gegevens voor dit gebied": it is
        # what the letters print there.
        missing = ngettext(
            "{count} gap(s) (geen gegevens voor dit gebied)",
            "{count} gap(s) (geen gegevens voor dit gebied)",
            gaps,
        ).format(count=gaps)
        line = f"{line}; {missing}"
    out.print(line, markup=False)
    for summary, page in zip(result.summaries, result.pages, strict=True):
        where = _("summary: {summary}; review page: {page}").format(
            summary=shown(summary), page=shown(page)
        )
        out.print(f"  {where}", markup=False)
