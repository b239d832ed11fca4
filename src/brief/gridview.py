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

from brief.grid import GridResult, GridTracker, LetterEntry
from brief.letters import Letter
from brief.paths import ProjectPaths


class GridDisplay(GridTracker):
    """A rich progress line for a grid; quiet when ``console`` is not a terminal."""

    def __init__(self, console: Console):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._lock = threading.Lock()
        self._running: set[tuple[Letter, str]] = set()
        self._done = self._failed = self._total = 0
        self._started = time.monotonic()
        self.progress = Progress(
            TextColumn("letters {task.completed:.0f}/{task.total:.0f}"),
            BarColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self.progress.add_task("starting", total=None)

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
        parts = [f"{running} notebook(s) running", f"{failed} failed"]
        if left is not None:
            parts.append(f"about {_duration(left)} left")
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
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


@contextlib.contextmanager
def showing(console: Console):
    """Show a grid's progress while the block runs; yield the tracker to give the grid."""
    display = GridDisplay(console)
    with display.progress:
        yield display


def report(result: GridResult, paths: ProjectPaths, out: Console, err: Console) -> None:
    """Print what each letter of the grid did, its gaps and errors, then the summaries."""
    shown = paths.relative
    for entry in result.entries:
        if entry.status == "failed":
            err.print(f"Error: {entry.label}: {entry.reason}", markup=False)
            continue
        if entry.status == "reused":
            line = f"{entry.label}: up to date ({entry.reason})"
        else:
            line = (
                f"{entry.label}: built in {entry.seconds:.1f} s "
                f"({entry.notebooks_ran} notebook(s) ran; {entry.reason})"
            )
        out.print(line, markup=False)
        for gap in entry.gaps:
            out.print(f"  no data: {gap.name}: {gap.reason}", markup=False)
        out.print(f"  {shown(paths.outputs_dir / entry.letter)}", markup=False)
    statuses = [entry.status for entry in result.entries]
    counts = ", ".join(
        f"{statuses.count(s)} {s}" for s in ("built", "reused", "failed") if s in statuses
    )
    gaps = sum(len(entry.gaps) for entry in result.entries)
    out.print(
        f"grid: {len(result.entries)} letter(s) in {result.seconds:.1f} s: {counts}"
        f"{f'; {gaps} gap(s) (geen gegevens voor dit gebied)' if gaps else ''}",
        markup=False,
    )
    for summary, page in zip(result.summaries, result.pages, strict=True):
        out.print(f"  summary: {shown(summary)}; review page: {shown(page)}", markup=False)
