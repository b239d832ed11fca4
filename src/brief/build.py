"""Build a year's letter: decide what to redo, run those notebooks, fill the template.

A build writes into a staging folder beside ``outputs/<year>`` and moves it into place
only when everything is complete (letter, notebooks, review page, run record), so a
failed or killed build leaves the last good outputs as they were. A lock file keeps two
builds of one year apart. With nothing changed since the last build, nothing is done.

Heavy libraries (papermill, docxtpl, nbconvert) are imported only once there is work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from brief.exceptions import BriefError, ProjectError
from brief.fingerprint import git_state, package_versions
from brief.paths import ProjectPaths, YearOutputs
from brief.plan import RECORD_VERSION, BuildPlan, make_plan
from brief.run import DEFAULT_CELL_TIMEOUT, skip_slow_iri_checker

Progress = Callable[[int, str], None]  # (year, what the build of that year is doing)


@dataclass
class BuildResult:
    """What a build of one year did."""

    year: int
    outputs: YearOutputs
    plan: BuildPlan
    built: bool  # False when nothing had changed and nothing was written
    seconds: float
    notebook_seconds: dict[str, float] = field(default_factory=dict)  # the ones that ran
    changes: object | None = None  # brief.changes.Changes, when there was a build before
    pdf: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def letter(self) -> Path:
        return self.outputs.letter


def build_year(
    project: ProjectPaths,
    year: int,
    *,
    template: Path | None = None,
    jobs: int = 1,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    force: bool = False,
    review: bool = False,
    pdf: bool = False,
    progress: Progress | None = None,
    kernels: threading.Semaphore | None = None,
) -> BuildResult:
    """Bring ``outputs/<year>/`` up to date and return what was done.

    ``kernels`` limits how many notebooks run at once across years built side by side.
    """
    started = time.perf_counter()
    template = (template or project.default_template).resolve()
    notebooks = project.notebooks()
    if not notebooks:
        raise ProjectError(
            f"{project.notebooks_dir} holds no notebooks. Chapter notebooks are named "
            "01-name.ipynb, 02-name.ipynb, ... and run in that order."
        )
    final = YearOutputs(project.year_dir(year), year, template.stem)
    project.outputs_dir.mkdir(parents=True, exist_ok=True)
    with _year_lock(project, year):
        _recover(final.folder)
        _remove_staging(project, year)
        plan = make_plan(project, final, template, notebooks, force=force, review=review, pdf=pdf)
        result = BuildResult(year, final, plan, built=False, seconds=0.0)
        if not plan.nothing_to_do:
            _build(
                project,
                final,
                template,
                plan,
                result,
                jobs=jobs,
                timeout=timeout,
                review=review,
                pdf=pdf,
                progress=progress or _quiet,
                kernels=kernels,
            )
    result.seconds = time.perf_counter() - started
    return result


def build_years(
    project: ProjectPaths, years: list[int], *, jobs: int = 1, **options
) -> dict[int, BuildResult | BriefError]:
    """Build several years side by side, at most ``jobs`` notebooks running at any time.

    Each year has its own staging folder, lock and outputs, so one year's build can never
    touch another's. A year that fails does not stop the others; its error is returned.
    """
    kernels = threading.BoundedSemaphore(jobs)

    def one(year: int) -> BuildResult | BriefError:
        try:
            return build_year(project, year, jobs=jobs, kernels=kernels, **options)
        except BriefError as exc:
            return exc

    if len(years) == 1:
        return {years[0]: one(years[0])}
    with ThreadPoolExecutor(max_workers=len(years)) as pool:
        return dict(zip(years, pool.map(one, years), strict=True))


def _build(
    project: ProjectPaths,
    final: YearOutputs,
    template: Path,
    plan: BuildPlan,
    result: BuildResult,
    *,
    jobs: int,
    timeout: int,
    review: bool,
    pdf: bool,
    progress: Progress,
    kernels: threading.Semaphore | None,
) -> None:
    """Do what ``plan`` says into a staging folder, then move it into place."""
    from brief import changes as changing
    from brief.collect import collect
    from brief.letter import open_template, render_letter
    from brief.params import load_params
    from brief.review import source_comments, write_notebook_html, write_review_page
    from brief.run import run_notebooks

    year = final.year
    when = dt.datetime.now().astimezone()
    skip_slow_iri_checker()
    # nbconvert takes a while to import: load it while the first kernels start.
    threading.Thread(target=_import_nbconvert, daemon=True).start()
    params = load_params(project.params_file(year), year)
    open_template(template)  # fail on a bad template before minutes of notebooks
    staging = YearOutputs(
        Path(tempfile.mkdtemp(prefix=project.staging_prefix(year), dir=project.outputs_dir)),
        year,
        final.template_stem,
    )
    try:
        staging.notebooks_dir.mkdir()
        for notebook in plan.notebooks:  # reuse what nothing has changed for
            if not notebook.reruns:
                for path in (
                    final.notebooks_dir / notebook.source.name,
                    final.notebook_html(notebook.source.name),
                ):
                    if path.exists():
                        shutil.copy2(path, staging.notebooks_dir / path.name)
        to_run = [n.source for n in plan.notebooks if n.reruns]
        runs = run_notebooks(
            to_run,
            staging.notebooks_dir,
            year,
            failed_dir=final.failed_dir,
            jobs=jobs,
            timeout=timeout,
            kernels=kernels,
            on_start=lambda name, done: progress(
                year, f"running {name} ({done} of {len(to_run)} done)"
            ),
            after_run=lambda run: write_notebook_html(
                run.executed, staging.notebook_html(run.source.name)
            ),
        )
        result.notebook_seconds = {run.source.name: run.seconds for run in runs}

        progress(year, "filling the letter")
        collection = collect([staging.notebooks_dir / n.source.name for n in plan.notebooks])
        result.warnings += _conversion_notes(collection)
        used = render_letter(template, params, collection, staging.letter, staging.figures_dir)
        if review:
            render_letter(
                template,
                params,
                collection,
                staging.review_letter,
                staging.figures_dir,
                comments=source_comments(collection),
            )

        shown = changing.snapshot(params, collection)
        previous = plan.previous
        if previous is not None:
            result.changes = changing.compare(previous["shown"], shown)
            staging.changes.write_text(
                changing.write_report(
                    result.changes,
                    year,
                    previous["finished"],
                    {n.source.name: n.reason for n in plan.notebooks if n.reruns},
                    [n.source.name for n in plan.notebooks if not n.reruns],
                    used,
                ),
                encoding="utf-8",
            )

        if pdf:
            progress(year, "writing the PDF")
            result.pdf, warning = _write_pdf(staging)
            if warning:
                result.warnings.append(warning)

        record = _run_record(project, plan, collection, shown, result, when, staging, review)
        staging.run_record.write_text(
            json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        write_review_page(
            staging,
            subject=params.onderwerp,
            used=used,
            collection=collection,
            shown=shown,
            params=params.template_context(),
            record=record,
            has_changes=previous is not None,
        )
        progress(year, "putting the outputs in place")
        _replace(staging.folder, final.folder)
    except BaseException:
        # Whatever stopped the build, the half-made outputs go and the last good ones stay.
        shutil.rmtree(staging.folder, ignore_errors=True)
        raise
    result.built = True
    if result.pdf is not None:
        result.pdf = final.pdf


def _conversion_notes(collection) -> list[str]:
    """Return, once per data file, how doubtful numbers in it were read."""
    notes = {
        f"{path}, {note}"
        for reads in collection.inputs.values()
        for path, read in reads.items()
        for note in read.get("notes", [])
    }
    return [f"check this conversion: {note}." for note in sorted(notes)]


def _import_nbconvert() -> None:
    """Load nbconvert ahead of need. Only a head start: if importing beside papermill in
    the main thread trips Python's import-deadlock guard, the HTML step imports it again."""
    with contextlib.suppress(Exception):  # the real import, where it is used, reports
        import nbconvert  # noqa: F401


def _write_pdf(staging: YearOutputs) -> tuple[Path | None, str | None]:
    from brief.pdf import INSTALL_HINT, convert_to_pdf, find_soffice

    if find_soffice() is None:
        return None, INSTALL_HINT
    return convert_to_pdf(staging.letter), None


def _run_record(
    project: ProjectPaths,
    plan: BuildPlan,
    collection,
    shown: dict,
    result: BuildResult,
    when: dt.datetime,
    staging: YearOutputs,
    review: bool,
) -> dict:
    """Return run.json: when, from which commit, every input's hash, versions, timings."""
    previous = (plan.previous or {}).get("notebooks", {})
    notebooks = {}
    for notebook in plan.notebooks:
        name = notebook.source.name
        notebooks[name] = {
            "sha256": plan.inputs["notebooks"][name],
            "reason": notebook.reason,
            "seconds": result.notebook_seconds.get(
                name, previous.get(name, {}).get("seconds", 0.0)
            ),
            "reads": collection.inputs.get(name, {}),
        }
    data = {
        path: read["sha256"] for reads in collection.inputs.values() for path, read in reads.items()
    }
    return {
        "record_version": RECORD_VERSION,
        "year": staging.year,
        "started": when.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now().astimezone() - when).total_seconds(), 2),
        "git": git_state(project.root),
        "packages": package_versions(),
        "toolkit": plan.inputs["toolkit"],
        "parameters": plan.inputs["parameters"],
        "template": plan.inputs["template"],
        "params": plan.inputs["params"],
        "notebooks": notebooks,
        "data": dict(sorted(data.items())),
        "outputs": {
            "letter": staging.letter.name,
            "review_copy": review,
            "pdf": staging.pdf.exists(),
        },
        "shown": shown,
    }


def _quiet(year: int, step: str) -> None:
    """The progress callback when nobody is watching."""


@contextlib.contextmanager
def _year_lock(project: ProjectPaths, year: int) -> Iterator[None]:
    """Hold the year's lock file for the whole build; stop at once if another build has it.

    The operating system releases the lock when a build ends, even when it is killed, so
    a stale lock file never blocks the next build.
    """
    import fcntl

    path = project.lock_file(year)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BriefError(
                f"{year} is already being built ({holder}). Wait until that build has "
                "finished, then run this one again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, since {dt.datetime.now():%H:%M:%S}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_staging(project: ProjectPaths, year: int) -> None:
    """Remove staging folders of this year left by a build that was killed."""
    for leftover in project.outputs_dir.glob(project.staging_prefix(year) + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _old_copy(final: Path) -> Path:
    return final.with_name(f".{final.name}-previous")


def _replace(new: Path, final: Path) -> None:
    """Move the finished ``new`` folder to ``final``, keeping the old one until it is in place."""
    previous = _old_copy(final)
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        os.replace(final, previous)
    os.replace(new, final)
    shutil.rmtree(previous, ignore_errors=True)


def _recover(final: Path) -> None:
    """Put back the previous outputs if a build was killed between the two moves."""
    previous = _old_copy(final)
    if previous.exists() and not final.exists():
        os.replace(previous, final)
