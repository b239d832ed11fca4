"""A grid of letters: per year the city letter and one letter per area, built side by side.

``brief build 2024 --per area`` builds the city letter and one letter per area of the
areas file; ``--only area=NAME`` (repeatable) builds just those. Each letter is built as
a year's letter is (:func:`brief.build.year.build_letter`): its own folder, lock, run record,
change report and atomic swap, and a rerun redoes only what changed for that letter. One
failing letter does not stop the others. The notebooks run on this machine's threads, or
on a Dask cluster (:mod:`brief.build.cluster`).

A grid writes, per year, ``outputs/grid-<year>.json`` (:class:`GridSummary`: which letters
were built, reused or failed, and why, and each letter's gaps, the figures an area has no
data for) and ``outputs/grid-<year>.html``, which links every letter and its review page.
Both are rewritten (atomically) as each letter ends, so a grid that is stopped halfway
leaves a summary of the letters it finished.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from brief.build.kernels import warm_kernels
from brief.build.plan import make_plan
from brief.build.year import BuildResult, build_letter, import_build_libraries
from brief.exceptions import BriefError, ProjectError, did_you_mean
from brief.files import replace_file
from brief.i18n import _, ngettext
from brief.project.areas import check_slugs, read_area_names, slug
from brief.project.letters import Letter, grid_lock_file, grid_page_file, grid_summary_file
from brief.project.paths import ProjectPaths

GRID_RECORD_VERSION = 1
# The word for an area on the command line, Dutch or English as the user speaks:
# --per gebied or --per area, --only gebied=NAME or --only area=NAME.
PER_CHOICES = ("gebied", "area")
STATUSES = ("built", "reused", "failed")  # a letter's status, as the summary records it


# --- which letters ------------------------------------------------------------------------


def expand(
    project: ProjectPaths, years: list[int], *, per: str | None = None, only: list[str] = ()
) -> list[Letter]:
    """Return the letters a grid builds, in order: per year the city letter, then the areas.

    ``per="area"`` (or ``"gebied"``): the city letter and one per area of the areas file.
    ``only``: just the letters named ``area=NAME`` or ``gebied=NAME`` (the city's own name
    for the city letter), with or without ``per``. Two areas whose folders would be the
    same are an error.
    """
    if per is not None and per.strip().lower() not in PER_CHOICES:
        raise ProjectError(
            _("--per {per!r} is not known; a grid is built --per area.").format(per=per)
        )
    settings = project.settings()
    areas = read_area_names(project.areas_file)
    check_slugs(areas)
    if only:
        wanted = _only(only, areas, settings.stad)
    else:
        wanted = [None, *areas] if per is not None else [None]
    return [Letter(year, area) for year in years for area in wanted]


def _only(words: list[str], areas: list[str], city: str) -> list[str | None]:
    """Return the letters ``--only area=NAME`` asks for, spelling forgiven, in file order."""
    by_slug = {slug(area): area for area in areas}
    chosen: list[str | None] = []
    for word in words:
        key, _sep, name = word.partition("=")
        if key.strip().lower() not in PER_CHOICES or not name.strip():
            raise ProjectError(
                _(
                    "--only {word!r} is not understood; write --only area=NAME, e.g. "
                    "--only area={example}."
                ).format(word=word, example=areas[0] if areas else "NAME")
            )
        wanted = slug(name)
        if wanted == slug(city):
            area = None
        elif wanted in by_slug:
            area = by_slug[wanted]
        else:
            close = difflib.get_close_matches(name.strip(), [*areas, city], n=1, cutoff=0.6)
            message = ngettext(
                "{name!r} is not {city} or one of the {count} areas in the areas file.",
                "{name!r} is not {city} or one of the {count} areas in the areas file.",
                len(areas),
            ).format(name=name.strip(), city=city, count=len(areas))
            if close:
                message += " " + did_you_mean(close[0])
            raise ProjectError(message)
        if area not in chosen:
            chosen.append(area)
    order = [None, *areas]
    return sorted(chosen, key=order.index)


# --- what a grid records --------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Gap(_Record):
    """A figure a letter has no data for; the letter prints "geen gegevens voor dit gebied"."""

    name: str
    reason: str


class LetterEntry(_Record):
    """One letter of a grid: what became of it in the last grid that built it."""

    label: str
    year: int
    area: str | None
    status: Literal["built", "reused", "failed"]
    reason: str  # why it was built, or why it failed
    seconds: float
    notebooks_ran: int = 0
    letter: str | None = None  # the .docx, relative to outputs/
    review_page: str | None = None
    gaps: list[Gap] = []
    findings: list[str] = []  # what `brief check` warns about in this letter
    warnings: list[str] = []  # what its build warned about (a font the PDF lacks, ...)
    when: str  # when this grid run ended the letter


class GridSummary(_Record):
    """``outputs/grid-<year>.json``: every letter of the year's grid, city letter first."""

    record_version: Literal[1] = GRID_RECORD_VERSION
    year: int
    updated: str
    letters: list[LetterEntry]

    @classmethod
    def read(cls, path: Path) -> GridSummary | None:
        try:
            return cls.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def write(self, path: Path) -> None:
        """Write it whole or not at all: to a temporary name, then renamed."""
        text = json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        replace_file(path, text)

    def counts(self) -> str:
        """Return how many letters were built, reused and failed: "2 built, 1 failed"."""
        return count_statuses([entry.status for entry in self.letters])


def count_statuses(statuses: list[str]) -> str:
    """Return, in words, how many of ``statuses`` are each status: "2 built, 1 failed"."""
    return ", ".join(
        _status_count(status, statuses.count(status)) for status in STATUSES if status in statuses
    )


def _status_count(status: str, count: int) -> str:
    if status == "built":
        # TRANSLATORS: how many letters of a grid were built: "2 built, 1 failed".
        text = ngettext("{count} built", "{count} built", count)
    elif status == "reused":
        # TRANSLATORS: how many letters of a grid were up to date, so left as they were.
        text = ngettext("{count} reused", "{count} reused", count)
    else:
        # TRANSLATORS: how many letters of a grid failed.
        text = ngettext("{count} failed", "{count} failed", count)
    return text.format(count=count)


# --- progress ------------------------------------------------------------------------------


class GridTracker:
    """Told what a grid is doing; a display overrides what it shows. Called from threads."""

    def grid_started(self, letters: list[Letter]) -> None: ...
    def letter_step(self, letter: Letter, step: str) -> None: ...
    def notebook_started(self, letter: Letter, notebook: str) -> None: ...
    def notebook_ended(self, letter: Letter, notebook: str) -> None: ...
    def letter_ended(self, entry: LetterEntry) -> None: ...


@dataclass
class GridResult:
    """What a grid did: an entry per letter, and each letter's build result or error."""

    entries: list[LetterEntry]
    results: dict[Letter, BuildResult | BriefError]
    summaries: list[Path]
    pages: list[Path]
    seconds: float
    cluster_connected: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[LetterEntry]:
        return [entry for entry in self.entries if entry.status == "failed"]


# --- building ------------------------------------------------------------------------------


def build_grid(
    project: ProjectPaths,
    letters: list[Letter],
    *,
    jobs: int = 1,
    letters_at_once: int | None = None,
    cluster: str | Callable[[], object] | None = None,
    tracker: GridTracker | None = None,
    worker_wait: float | None = None,
    **options,
) -> GridResult:
    """Build every letter of a grid and return what became of each.

    ``jobs`` kernels run at once on this machine (threads); with ``cluster`` (a scheduler
    address, ``local[:N]``, or a function returning a ``distributed.Client``) the notebooks
    run there instead. ``letters_at_once`` letters are in progress at any time (default:
    ``jobs`` on threads, so finished letters land while the grid goes on; on a cluster
    every letter, whose notebooks the scheduler runs in the order they were handed out, so
    the first letters still land first). ``options`` are
    :func:`brief.build.year.build_letter`'s (template, timeout, force, review, pdf).
    """
    from brief.build.cluster import ClusterRunner

    started = time.perf_counter()
    tracker = tracker or GridTracker()
    years = sorted({letter.year for letter in letters})
    with contextlib.ExitStack() as stack:
        for year in years:
            stack.enter_context(_grid_lock(project, year))
        if _any_work(project, letters, options):
            if cluster is None:  # one zygote forks every letter's kernels (brief.build.kernels)
                stack.enter_context(warm_kernels(project.root))
            import_build_libraries()  # before the threads start: see import_build_libraries
        runner = None
        if cluster is not None:
            areas_file = project.areas_file
            runner = ClusterRunner(
                project,
                cluster if isinstance(cluster, str) else None,
                connect=None if isinstance(cluster, str) else cluster,
                worker_wait=worker_wait,
                areas_file=areas_file,
            )
            stack.callback(runner.close)
        kernels = threading.BoundedSemaphore(jobs)
        previous = {year: GridSummary.read(grid_summary_file(project, year)) for year in years}
        entries: dict[Letter, LetterEntry] = {}
        results: dict[Letter, BuildResult | BriefError] = {}
        writing = threading.Lock()
        tracker.grid_started(letters)

        def one(letter: Letter) -> BuildResult | BriefError:
            try:
                return build_letter(
                    project,
                    letter,
                    jobs=jobs,
                    kernels=kernels,
                    progress=lambda _year, step: tracker.letter_step(letter, step),
                    runner=_tracking(runner, tracker, letter),
                    **options,
                )
            except BriefError as exc:
                return exc

        default = len(letters) if cluster is not None else jobs
        at_once = max(1, min(len(letters), letters_at_once or default))
        with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="letter") as pool:
            futures = {pool.submit(one, letter): letter for letter in letters}
            for future in as_completed(futures):
                letter = futures[future]
                outcome = future.result()  # a fault of brief's own is raised here
                entry = _entry(project, letter, outcome, previous.get(letter.year))
                with writing:
                    results[letter], entries[letter] = outcome, entry
                    _write_summaries(project, letters, entries, previous)
                tracker.letter_ended(entry)
        ordered = [entries[letter] for letter in letters]
        return GridResult(
            entries=ordered,
            results={letter: results[letter] for letter in letters},
            summaries=[grid_summary_file(project, year) for year in years],
            pages=[grid_page_file(project, year) for year in years],
            seconds=time.perf_counter() - started,
            cluster_connected=runner is not None and runner.connections > 0,
        )


def _any_work(project: ProjectPaths, letters: list[Letter], options: dict) -> bool:
    """Return whether any letter has something to redo (planned as its build will plan)."""
    if options.get("force"):
        return True
    notebooks = project.notebooks()
    city = project.settings().stad
    for letter in letters:
        template = (options.get("template") or letter.template(project)).resolve()
        final = letter.outputs(project, template.stem)
        plan = make_plan(
            project,
            final,
            template,
            notebooks,
            review=options.get("review", False),
            pdf=options.get("pdf", False),
            parameters=letter.parameters(city),
        )
        if not plan.nothing_to_do:
            return True
    return False


def _tracking(runner, tracker: GridTracker, letter: Letter):
    """Return a notebook runner (the cluster's, else this machine's threads) that tells
    ``tracker`` when each notebook starts and ends."""
    from brief.build.run import run_notebooks

    run = runner or run_notebooks

    def tracked(sources, out_dir, year, *, on_start=None, after_run=None, **options):
        def started(name: str, done: int) -> None:
            tracker.notebook_started(letter, name)
            if on_start is not None:
                on_start(name, done)

        def ended(notebook_run) -> None:
            tracker.notebook_ended(letter, notebook_run.source.name)
            if after_run is not None:
                after_run(notebook_run)

        try:
            return run(sources, out_dir, year, on_start=started, after_run=ended, **options)
        finally:
            for source in sources:  # a notebook that failed ended too
                tracker.notebook_ended(letter, source.name)

    return tracked


def _entry(
    project: ProjectPaths,
    letter: Letter,
    outcome: BuildResult | BriefError,
    previous: GridSummary | None,
) -> LetterEntry:
    """Return what the summary says of ``letter`` after this grid built it."""
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    common = {"label": letter.label, "year": letter.year, "area": letter.area, "when": when}
    if isinstance(outcome, BriefError):
        return LetterEntry(**common, status="failed", reason=str(outcome), seconds=0.0)
    shown = project.outputs_dir.resolve()
    status = "built" if outcome.built else "reused"
    if outcome.built:
        # TRANSLATORS: why a letter was built, when nothing more precise is known.
        reason = outcome.plan.letter_reason or _("built")
    else:
        reason = _("nothing changed since {finished}").format(
            finished=outcome.plan.previous.finished
        )
    return LetterEntry(
        **common,
        status=status,
        reason=reason,
        seconds=round(outcome.seconds, 2),
        notebooks_ran=len(outcome.notebook_seconds),
        letter=outcome.outputs.letter.resolve().relative_to(shown).as_posix(),
        review_page=outcome.outputs.review_page.resolve().relative_to(shown).as_posix(),
        gaps=_gaps(outcome, letter, previous),
        findings=_earlier(letter, previous, "findings") if not outcome.built else outcome.findings,
        warnings=outcome.warnings,
    )


def _earlier(letter: Letter, previous: GridSummary | None, what: str) -> list:
    """Return ``what`` the last summary recorded of ``letter`` (a letter reused as it was)."""
    entries = previous.letters if previous is not None else []
    earlier = next((e for e in entries if e.label == letter.label), None)
    if earlier is None or earlier.status == "failed":
        return []
    return list(getattr(earlier, what))


def _gaps(result: BuildResult, letter: Letter, previous: GridSummary | None) -> list[Gap]:
    """Return the letter's gaps: from its notebooks when built, else from the last summary."""
    if not result.built and previous is not None:
        earlier = next((e for e in previous.letters if e.label == letter.label), None)
        if earlier is not None and earlier.status != "failed":
            return list(earlier.gaps)
    from brief.notebook.collect import collect

    notebooks = [result.outputs.notebooks_dir / n.source.name for n in result.plan.notebooks]
    collection = collect([path for path in notebooks if path.is_file()])
    return [
        Gap(name=name, reason=entry.item.gap)
        for name, entry in collection.items.items()
        if entry.item.gap is not None
    ]


def _write_summaries(
    project: ProjectPaths,
    letters: list[Letter],
    entries: dict[Letter, LetterEntry],
    previous: dict[int, GridSummary | None],
) -> None:
    """Write each year's summary and page: this grid's letters so far, and the letters of
    the last summary this grid does not build (an ``--only`` grid) as they were."""
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    for year in sorted({letter.year for letter in letters}):
        mine = {e.label: e for letter, e in entries.items() if letter.year == year}
        earlier = previous.get(year)
        kept = [e for e in (earlier.letters if earlier else []) if e.label not in mine]
        merged = sorted([*mine.values(), *kept], key=_order)
        summary = GridSummary(year=year, updated=now, letters=merged)
        summary.write(grid_summary_file(project, year))
        _write_page(project, summary)


def _order(entry: LetterEntry) -> tuple:
    return (entry.area is not None, entry.area or "")


def _write_page(project: ProjectPaths, summary: GridSummary) -> None:
    """Write outputs/grid-<year>.html: every letter, with its status and review page."""
    from brief.review.pages import page_environment

    page = (
        page_environment()
        .get_template("grid.html.j2")
        .render(
            year=summary.year,
            updated=summary.updated,
            counts=summary.counts() or _("no letters"),
            entries=summary.letters,
        )
    )
    replace_file(grid_page_file(project, summary.year), page)


@contextlib.contextmanager
def _grid_lock(project: ProjectPaths, year: int) -> Iterator[None]:
    """Hold the year's grid lock: a second grid of the year stops at once."""
    from filelock import FileLock, Timeout

    project.outputs_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(grid_lock_file(project, year), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BriefError(
            _(
                "A grid of {year} is already being built. Wait until it has finished, then "
                "run this one again."
            ).format(year=year)
        ) from None
    try:
        yield
    finally:
        lock.release()
