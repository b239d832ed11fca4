"""Build a year's letter: decide what to redo, run those notebooks, fill the template.

A build writes into a staging folder beside ``outputs/<year>`` and moves it into place
only when everything is complete (letter, notebooks, review page, run record), so a
failed or killed build leaves the last good outputs as they were. A lock file keeps two
builds of one year apart. With nothing changed since the last build, nothing is done.

Heavy libraries (papermill, docxtpl, nbconvert) are imported only once there is work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from brief.build import pausing
from brief.build.fingerprint import git_state, package_versions
from brief.build.kernels import warm_kernels
from brief.build.locks import letter_lock
from brief.build.plan import BuildPlan, make_plan
from brief.build.run import import_notebook_libraries
from brief.exceptions import BriefError, ProjectError
from brief.i18n import _
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths, YearOutputs
from brief.project.settings import DEFAULT_CELL_TIMEOUT
from brief.records import ChartColour, NotebookRecord, OutputsMade, RunRecord

if TYPE_CHECKING:  # imported once there is work (see above)
    from brief.letter.fill import FilledLetter

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
    changes: object | None = None  # brief.review.changes.Changes, when there was a build before
    pdf: Path | None = None
    warnings: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # what `brief check` would warn about
    key: Letter | None = None  # which letter of a grid (None: built by build_year)
    reference: str | None = None  # the letter the changes are against, as reports name it
    same_letter: bool = False  # the letter reads as the last build's did
    sent: object | None = None  # brief.build.history.KeptLetter, when it was marked as sent

    @property
    def letter(self) -> Path:
        return self.outputs.letter


def build_year(project: ProjectPaths, year: int, **options) -> BuildResult:
    """Bring ``outputs/<year>/`` (the city letter of ``year``) up to date; return what was
    done. Takes the options of :func:`build_letter`."""
    return build_letter(project, Letter(year), **options)


def build_letter(
    project: ProjectPaths,
    letter: Letter,
    *,
    template: Path | None = None,
    jobs: int = 1,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    force: bool = False,
    review: bool = False,
    pdf: bool = False,
    progress: Progress | None = None,
    kernels: threading.Semaphore | None = None,
    runner: Callable | None = None,
    mark_sent: bool = False,
) -> BuildResult:
    """Bring one letter of a grid up to date (the city letter of a year, or an area's) and
    return what was done. Each letter has its own folder, lock, run record and staging
    folders; see :class:`brief.project.letters.Letter`. ``mark_sent``: then mark the letter as
    sent (see :func:`mark_letter_sent`).

    ``runner`` runs the notebooks instead of :func:`brief.build.run.run_notebooks`, with its
    arguments (a Dask cluster's, see :mod:`brief.build.cluster`).
    """
    year = letter.year
    started = time.perf_counter()
    template = (template or letter.template(project)).resolve()
    notebooks = project.notebooks()
    if not notebooks:
        raise ProjectError(
            _(
                "{folder} holds no notebooks. Chapter notebooks are named "
                "01-name.ipynb, 02-name.ipynb, ... and run in that order."
            ).format(folder=project.notebooks_dir)
        )
    final = letter.outputs(project, template.stem)
    project.check_links()
    for written in (final.folder, project.history_dir(year)):
        project.writable(written)
    final.folder.parent.mkdir(parents=True, exist_ok=True)
    with letter_lock(project, letter):
        pausing.reached("lock taken")
        _recover(final.folder)
        _remove_staging(project, letter)
        parameters = letter.parameters(project.settings().stad)
        plan = make_plan(
            project,
            final,
            template,
            notebooks,
            force=force,
            review=review,
            pdf=pdf,
            parameters=parameters,
        )
        result = BuildResult(year, final, plan, built=False, seconds=0.0, key=letter)
        pausing.reached("planned")
        if not plan.nothing_to_do:
            # Kernels to fork on this machine: the zygote imports while this build does.
            forks = runner is None and any(n.reruns for n in plan.notebooks)
            with warm_kernels(project.root) if forks else contextlib.nullcontext():
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
                    letter=letter,
                    runner=runner,
                )
        if mark_sent:
            result.sent = _mark_sent(project, letter)
    result.seconds = time.perf_counter() - started
    return result


def mark_letter_sent(project: ProjectPaths, letter: Letter, since: str | None = None):
    """Mark the current letter (or the kept one ``since`` names) of ``letter`` as sent and
    return its :class:`brief.build.history.KeptLetter`: from now on changes are reported against
    it, and it is never pruned from the history."""
    with letter_lock(project, letter):
        return _mark_sent(project, letter, since)


def _mark_sent(project: ProjectPaths, letter: Letter, since: str | None = None):
    from brief.build.history import history_of, letter_key, not_built

    outputs = letter.outputs(project, "brief")
    record = RunRecord.read(outputs.run_record)
    if record is None:
        raise not_built(project, letter, outputs.run_record)
    history = history_of(project, letter)
    path = outputs.folder / record.outputs.letter
    key = letter_key(path)
    if since is not None:
        chosen = history.select(since, key)
    else:
        chosen = history.index().find(key) or history.keep(
            path, outputs.run_record, record.finished, key=key
        )
    return history.mark_sent(chosen.key, dt.datetime.now().astimezone())


def build_years(
    project: ProjectPaths, years: list[int], *, jobs: int = 1, **options
) -> dict[int, BuildResult | BriefError]:
    """Build several years side by side, at most ``jobs`` notebooks running at any time.

    Each year has its own staging folder, lock and outputs, so one year's build can never
    touch another's. A year that fails does not stop the others; its error is returned.
    """
    kernels = threading.BoundedSemaphore(jobs)
    if len(years) > 1:
        import_build_libraries()  # before the threads start: see import_build_libraries

    def one(year: int) -> BuildResult | BriefError:
        try:
            return build_year(project, year, jobs=jobs, kernels=kernels, **options)
        except BriefError as exc:
            return exc

    if len(years) == 1:
        return {years[0]: one(years[0])}
    with ThreadPoolExecutor(max_workers=len(years)) as pool:
        return dict(zip(years, pool.map(one, years), strict=True))


def import_build_libraries() -> None:
    """Import what a build's threads use, in the calling thread, before any thread starts.

    Notebook libraries import one another in circles, and so do python-docx's modules;
    imported from two threads at once they can fail at random (see
    :func:`brief.build.run.import_notebook_libraries`). A no-change build never calls this.
    """
    import_notebook_libraries()
    import brief.letter.fill  # noqa: F401
    import brief.letter.redline  # noqa: F401
    import brief.notebook.collect  # noqa: F401
    import brief.project.params  # noqa: F401
    import brief.review.changes  # noqa: F401
    import brief.review.pages  # noqa: F401


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
    letter: Letter,
    runner: Callable | None = None,
) -> None:
    """Do what ``plan`` says into a staging folder, then move it into place."""
    from brief.build.check import findings
    from brief.build.history import history_of
    from brief.letter.templating import open_template
    from brief.notebook.collect import collect
    from brief.project.params import load_params
    from brief.review import changes as changing
    from brief.review.pages import write_review_page

    year = final.year
    when = dt.datetime.now().astimezone()
    import_build_libraries()
    pausing.reached("libraries imported")
    params = load_params(project.params_file(year), year, project.settings().extra_velden)
    if not letter.is_city:  # an area's letter says whose it is
        params = params.model_copy(update={"onderwerp": f"{params.onderwerp}: {letter.area}"})
    open_template(template)  # fail on a bad template before minutes of notebooks
    history = history_of(project, letter)
    _keep_outgoing(history, final, plan.previous)  # if not kept yet (a history from before)
    staging = dataclasses.replace(final, folder=_make_staging(project, letter))
    # What the record and the comparison need of the project and of the last build, found
    # while the kernels start: the build has to wait for them then anyway.
    early = ThreadPoolExecutor(1, thread_name_prefix="early")
    previous_key = early.submit(_previous_key, final, plan.previous)
    git = early.submit(git_state, project.root)
    early.shutdown(wait=False)
    try:
        pausing.reached("staging folder made")
        _run_notebooks(staging, final, plan, result, jobs, timeout, kernels, progress, runner)

        progress(year, _("filling the letter"))
        collection = collect([staging.notebooks_dir / n.source.name for n in plan.notebooks])
        pausing.reached("notebooks collected")
        for note in collection.notes():
            # TRANSLATORS: {note} says how a value of a data file was read, in the user's
            # language already: "data/jeugd.csv, row 5: '1.234' read as 1234".
            result.warnings.append(_("check this conversion: {note}.").format(note=note))
        filled, key = _write_letters(
            template,
            params,
            collection,
            staging,
            review,
            when,
            charts_seen=_charts_seen(plan),
            **letter.fill_options(project.settings()),
        )
        result.warnings += [
            _("Accessibility: {finding}").format(finding=finding)
            for finding in filled.chart_findings
        ]
        used = filled.used.all
        result.findings = findings(collection, year, filled.used, filled.accessibility)
        shown = changing.snapshot(params, collection)
        result.same_letter = key == previous_key.result()
        if result.same_letter:  # what earlier builds made for this letter stays
            _carry_over(final, staging, [staging.review_letter, staging.pdf])

        if pdf and not staging.pdf.is_file():
            progress(year, _("writing the PDF"))
            result.pdf, pdf_warnings = _write_pdf(staging)
            result.warnings.extend(pdf_warnings)
            pausing.reached("PDF written")
        elif pdf:
            result.pdf = staging.pdf

        record = _run_record(plan, collection, shown, result, when, staging, filled, git.result())
        record.write(staging.run_record)
        pausing.reached("run record written")
        reference = _report_changes(
            history, final, staging, plan, result, record, filled.package, used, key
        )
        pausing.reached("changes written")
        write_review_page(
            staging,
            subject=params.onderwerp,
            used=used,
            collection=collection,
            params=params,
            record=record,
            has_changes=staging.changes.is_file(),
            accessibility=filled.accessibility,
            reference=result.reference,
            order=filled.order,
        )
        pausing.reached("review page written")
        progress(year, _("putting the outputs in place"))
        _replace(staging.folder, final.folder)
        pausing.reached("outputs swapped")
    except BaseException:
        # Whatever stopped the build, the half-made outputs go and the last good ones stay.
        shutil.rmtree(staging.folder, ignore_errors=True)
        raise
    result.built = True
    summary = changing.summary(result.changes) if result.changes is not None else ""
    _keep_built(project, history, final, record, filled.package, key, summary, reference)
    if result.pdf is not None:
        result.pdf = final.pdf


def _run_notebooks(
    staging: YearOutputs,
    final: YearOutputs,
    plan: BuildPlan,
    result: BuildResult,
    jobs: int,
    timeout: int,
    kernels: threading.Semaphore | None,
    progress: Progress,
    runner: Callable | None = None,
) -> None:
    """Copy the reused notebooks' results into ``staging`` and run the others there."""
    from brief.build.run import run_notebooks
    from brief.review.pages import prepare_notebook_pages, write_notebook_html

    staging.notebooks_dir.mkdir()
    for notebook in plan.notebooks:  # reuse what nothing has changed for
        if not notebook.reruns:
            name = notebook.source.name
            for path in (final.notebooks_dir / name, final.notebook_html(name)):
                if path.exists():
                    shutil.copy2(path, staging.notebooks_dir / path.name)
    to_run = [n.source for n in plan.notebooks if n.reruns]
    ran, written = itertools.count(1), itertools.count(1)
    if runner is None and to_run:  # pages written here: ready the exporter as kernels start
        threading.Thread(target=prepare_notebook_pages, name="pages", daemon=True).start()

    def after_run(run) -> None:  # in the notebook's worker thread, kernel released
        pausing.reached(f"notebook {next(ran)} done")
        if run.html is None:  # a cluster worker sends the page with the notebook
            write_notebook_html(run.executed, staging.notebook_html(run.source.name))
        pausing.reached(f"HTML {next(written)} written")

    runs = (runner or run_notebooks)(
        to_run,
        staging.notebooks_dir,
        staging.year,
        failed_dir=final.failed_dir,
        jobs=jobs,
        timeout=timeout,
        kernels=kernels,
        on_start=lambda name, done: progress(
            staging.year,
            # TRANSLATORS: progress while a build runs: {done} of the {total} notebooks have
            # finished.
            _("running {notebook} ({done} of {total} done)").format(
                notebook=name, done=done, total=len(to_run)
            ),
        ),
        after_run=after_run,
        parameters=plan.inputs.parameters,
    )
    result.notebook_seconds = {run.source.name: run.seconds for run in runs}


def _write_letters(
    template: Path,
    params,
    collection,
    staging: YearOutputs,
    review: bool,
    when: dt.datetime,
    **fill_options,
):
    """Fill the template once; write the letter, its review copy and the figure files.
    Return the filled letter and the letter's key (:func:`brief.build.history.letter_key`)."""
    from brief.letter.fill import fill_letter
    from brief.review.pages import source_comments, write_figure_files

    # Always marked: the redline places its changes, the review copy its comments, by them.
    filled = fill_letter(template, params, collection, review=True, when=when, **fill_options)
    key = filled.save_letter(staging.letter)
    write_figure_files(collection, staging.figures_dir)
    pausing.reached("letter written")
    if review:
        filled.save_review_copy(staging.review_letter, source_comments(collection))
        pausing.reached("review copy written")
    return filled, key


def _charts_seen(plan: BuildPlan) -> dict[str, list[ChartColour]] | None:
    """Return what the last build found of its charts' colours, if this brief would find
    the same: the last build ran the same code and libraries (see RunRecord.charts)."""
    previous = plan.previous
    if previous is None or previous.toolkit != plan.inputs.toolkit:
        return None
    return previous.charts


def _previous_key(final: YearOutputs, previous: RunRecord | None) -> str | None:
    """Return the key of the letter the last build left in ``final``, if any."""
    from brief.build.history import letter_key

    if previous is None:
        return None
    letter = final.folder / previous.outputs.letter
    try:
        return letter_key(letter) if letter.is_file() else None
    except Exception:  # a letter that cannot be read is no letter to keep anything for
        return None


def _carry_over(final: YearOutputs, staging: YearOutputs, paths: list[Path]) -> None:
    """Copy the files ``paths`` (in staging) from the last build's outputs, where it made
    them: a build of the same letter never deletes what an earlier one made for it."""
    for path in paths:
        before = final.folder / path.name
        if before.is_file() and not path.exists():
            shutil.copy2(before, path)


def _report_changes(
    history,
    final: YearOutputs,
    staging: YearOutputs,
    plan: BuildPlan,
    result: BuildResult,
    record: RunRecord,
    marked: bytes,
    used: set[str],
    key: str,
) -> str | None:
    """Compare the new letter with its reference and write changes.md and the letter with
    tracked changes from that one comparison; return the reference's key.

    Of the same letter with the same reference, the reports the last build wrote stay.
    """
    from brief.letter.redline import make_redline
    from brief.review import changes as changing

    reference = history.reference_for(key)
    kept = history.index().find(key)
    earlier_reference = kept.reference if kept is not None else None
    same_reference = reference is None or earlier_reference == reference.key
    if reference is None and plan.previous is None:
        return None  # a first build: nothing to compare with
    if reference is None:
        # Only this letter is kept: the letter is as the build before left it.
        result.changes = changing.compare(plan.previous.shown, record.shown)
        redline, description = None, None
    else:
        before = history.record(reference)
        redline = make_redline(
            marked,
            history.letter_file(reference).read_bytes(),
            before,
            record,
            dt.datetime.fromisoformat(record.started),
        )
        snapshot = changing.compare(before.shown, record.shown) if before else changing.Changes()
        result.changes = changing.combine(snapshot, redline.changes)
        description = history.describe(reference, reference=True)
        result.reference = description
    if result.same_letter and same_reference and final.changes.is_file():
        _carry_over(final, staging, [staging.changes, staging.redline])
        return reference.key if reference is not None else None
    previous_build = plan.previous.finished if plan.previous is not None else ""
    if reference is None or reference.builds[-1] == previous_build:
        reruns = {n.source.name: n.reason for n in plan.notebooks if n.reruns}
        reused = [n.source.name for n in plan.notebooks if not n.reruns]
    else:  # why each notebook's results may differ from the reference's
        from brief.records import notebook_reason

        before = history.record(reference)
        names = [n.source.name for n in plan.notebooks]
        reasons = {name: notebook_reason(name, before, record) for name in names}
        reruns = {name: reason for name, reason in reasons.items() if reason}
        reused = [name for name, reason in reasons.items() if not reason]
    report = changing.write_report(
        result.changes, staging.year, previous_build, reruns, reused, used, description
    )
    staging.changes.write_text(report, encoding="utf-8")
    if redline is not None and redline.changes:
        redline.save(staging.redline)
    return reference.key if reference is not None else None


def _keep_outgoing(history, final: YearOutputs, previous: RunRecord | None) -> None:
    """Keep the letter of the build being replaced, if the history lacks it (kept before
    there was an index, or removed by hand); a failure to keep it is no failed build."""
    if previous is None:
        return
    letter = final.folder / previous.outputs.letter
    if not letter.is_file():
        return
    with contextlib.suppress(Exception):
        if not any(previous.finished in entry.builds for entry in history.letters()):
            history.keep(letter, final.run_record, previous.finished)


def _keep_built(
    project: ProjectPaths,
    history,
    final: YearOutputs,
    record: RunRecord,
    marked: bytes,
    key: str,
    summary: str,
    reference: str | None,
) -> None:
    """Keep the letter just built, then prune the history to brief.yaml's limits."""
    limits = project.settings().geschiedenis
    with contextlib.suppress(OSError):
        history.keep(
            final.letter,
            final.run_record,
            record.finished,
            key=key,
            marked=marked,
            summary=summary,
            reference=reference,
        )
        protect = {key} | ({reference} if reference else set())
        history.prune(limits.aantal, limits.dagen, dt.datetime.now().astimezone(), protect)


def _write_pdf(staging: YearOutputs) -> tuple[Path | None, list[str]]:
    """Return the PDF of the letter (None without LibreOffice) and what to warn about.

    A font the letter asks for that this machine lacks is a warning, not an error: the PDF
    is written all the same, and the warning says to install it (brief brings the fonts with
    the widths of Arial, Times New Roman, Courier New, Calibri and Cambria itself).
    """
    from brief.letter.pdf import INSTALL_HINT, convert_to_pdf, find_soffice, font_warnings

    if find_soffice() is None:
        return None, [_(INSTALL_HINT)]
    return convert_to_pdf(staging.letter), font_warnings(staging.letter)


def _run_record(
    plan: BuildPlan,
    collection,
    shown: dict,
    result: BuildResult,
    when: dt.datetime,
    staging: YearOutputs,
    filled: FilledLetter,
    git: dict[str, object],
) -> RunRecord:
    """Return run.json: when, from which commit, every input's hash, versions, timings."""
    earlier = plan.previous.notebooks if plan.previous is not None else {}
    notebooks = {}
    for notebook in plan.notebooks:
        name = notebook.source.name
        reused = earlier[name].seconds if name in earlier else 0.0
        notebooks[name] = NotebookRecord(
            sha256=plan.inputs.notebooks[name],
            reason=notebook.reason,
            seconds=result.notebook_seconds.get(name, reused),
            reads=collection.inputs.get(name, {}),
        )
    reads = [read for by_path in collection.inputs.values() for read in by_path.values()]
    data = {read.path: read.sha256 for read in reads}
    finished = dt.datetime.now().astimezone()
    return RunRecord(
        year=staging.year,
        started=when.isoformat(timespec="seconds"),
        finished=finished.isoformat(timespec="seconds"),
        seconds=round((finished - when).total_seconds(), 2),
        git=git,
        packages=package_versions(),
        toolkit=plan.inputs.toolkit,
        parameters=plan.inputs.parameters,
        template=plan.inputs.template,
        params=plan.inputs.params,
        language=plan.inputs.language,
        notebooks=notebooks,
        data=dict(sorted(data.items())),
        outputs=OutputsMade(
            letter=staging.letter.name,
            review_copy=staging.review_letter.is_file(),
            pdf=staging.pdf.is_file(),
        ),
        shown=shown,
        charts=filled.chart_looks,
    )


def _quiet(year: int, step: str) -> None:
    """The progress callback when nobody is watching."""


def _make_staging(project: ProjectPaths, letter: Letter) -> Path:
    """Create and return a new, empty staging folder for ``letter`` beside its outputs.

    Made with the user's umask like any folder they make, because it becomes
    ``outputs/<year>``: ``tempfile.mkdtemp`` makes it 0700 whatever the umask, and
    colleagues on a shared drive could not open the letter in it.
    """
    while True:
        name = f"{letter.staging_prefix(project)}{os.urandom(4).hex()}"
        folder = letter.folder(project).with_name(name)
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


def _remove_staging(project: ProjectPaths, letter: Letter) -> None:
    """Remove staging folders of this letter left by a build that was killed.

    After an exchange (see ``_replace``) the staging folder holds the old outputs; a build
    killed before removing them leaves them here too.
    """
    for leftover in letter.folder(project).parent.glob(letter.staging_prefix(project) + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _old_copy(final: Path) -> Path:
    """Return where ``_replace`` keeps the old outputs while it moves without an exchange."""
    return final.with_name(f".{final.name}-previous")


def _replace(new: Path, final: Path) -> str:
    """Put the finished ``new`` folder at ``final`` and return how: "exchange" or "rename".

    Where the platform swaps two folders in one step (Linux), ``final`` is never missing,
    not even for a moment; the old outputs land at ``new`` and are removed (by the next
    build's ``_remove_staging`` if this one is killed first). Elsewhere the old folder is
    moved aside, then the new one in; a build killed between the two moves leaves the old
    folder for ``_recover`` to put back, and until then ``final`` is missing.
    """
    if final.exists() and _exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)
        return "exchange"
    previous = _old_copy(final)
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        try:
            os.replace(final, previous)
        except PermissionError as exc:  # on Windows: a file in it is open
            raise BriefError(
                # TRANSLATORS: {error} is the operating system's reason ("Access is denied").
                _(
                    "{folder} could not be replaced: {error}. If a file in it is open "
                    "(the letter in Word, say), close it and run the build again; the previous "
                    "outputs are unchanged."
                ).format(folder=final, error=exc.strerror)
            ) from exc
    try:
        os.replace(new, final)
    except BaseException:
        _recover(final)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    return "rename"


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one step and return True; return False, having
    changed nothing, where the platform or file system cannot: anything but Linux, a C
    library without ``renameat2``, a file system without ``RENAME_EXCHANGE``."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    folder_fd, name = ctypes.c_int, ctypes.c_char_p
    renameat2.argtypes = (folder_fd, name, folder_fd, name, ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2  # from <fcntl.h> and <linux/fs.h>
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    unsupported = {errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EOPNOTSUPP, errno.EPERM}
    if code in unsupported:  # EPERM: some sandboxes refuse system calls they do not know
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _recover(final: Path) -> None:
    """Finish what a build killed between the two moves of ``_replace`` left: put the
    previous outputs back where ``final`` is missing, else remove them."""
    previous = _old_copy(final)
    if not previous.exists():
        return
    if final.exists():
        shutil.rmtree(previous, ignore_errors=True)
    else:
        os.replace(previous, final)
