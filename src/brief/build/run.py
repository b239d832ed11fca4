"""Run a year's notebooks with papermill and turn failures into clear errors."""

from __future__ import annotations

import contextlib
import importlib
import logging
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from brief.build.plan import notebook_parameters
from brief.exceptions import (
    BriefError,
    DataError,
    KernelMissingError,
    NotebookError,
    ParamsError,
    PublishError,
)
from brief.i18n import _, ngettext
from brief.project.settings import DEFAULT_CELL_TIMEOUT

KERNEL = "python3"  # the kernel of the environment brief is installed in
# Errors of brief's own that a notebook may raise; their message is written for the user.
_USER_ERRORS = {cls.__name__ for cls in (DataError, ParamsError, PublishError)}

# papermill logs every cell at INFO and warns that black is missing; the CLI shows progress.
logging.getLogger("papermill").setLevel(logging.ERROR)


def skip_slow_iri_checker() -> None:
    """Keep jsonschema from loading rfc3987_syntax, which takes 1.4 s to import.

    nbformat, papermill and nbconvert all import jsonschema, which loads that package (if
    installed; jupyterlab brings it) only to check "iri" formats that no notebook schema
    uses (python-jsonschema/jsonschema#1392 and #1521). Marking it missing saves 1.4 s of
    every build that runs a notebook.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


@contextlib.contextmanager
def without_hdfs() -> Iterator[None]:
    """Inside the block, ``pyarrow.fs`` cannot be imported (unless it already was).

    papermill's module for reading and writing notebooks imports it, and with it pyarrow
    and numpy (0.15 s of every build's start), only to offer notebooks on HDFS, which
    brief never reads or writes; without it papermill keeps a stub that would say the
    dependency is missing. Anything that imports ``pyarrow.fs`` after the block gets it.
    """
    if "pyarrow.fs" in sys.modules:
        yield
        return
    sys.modules["pyarrow.fs"] = None
    try:
        yield
    finally:
        if "pyarrow.fs" in sys.modules and sys.modules["pyarrow.fs"] is None:
            del sys.modules["pyarrow.fs"]


_IMPORTING = threading.Lock()


def import_notebook_libraries() -> None:
    """Import papermill, nbclient, jupyter_client and nbformat, once, and what starting a
    kernel imports. (nbconvert, for the notebook pages, is imported by
    :mod:`brief.review.pages` under its own lock, while the kernels start.)

    These packages import one another in circles. Imported from two threads at once,
    Python's import-deadlock guard can hand one thread a half-initialised module, and the
    build dies with "cannot import name 'AsyncKernelManager' from partially initialized
    module 'jupyter_client.manager'". So every caller that is about to start threads
    (a build, a grid of years, `brief check`) calls this first, in its own thread; the lock
    makes a caller that comes second wait for the first instead of importing beside it.
    """
    from brief.build.kernels import kernel_environment

    with _IMPORTING:
        kernel_environment()  # before any kernel starts, plain or forked
        skip_slow_iri_checker()
        import jupyter_client.manager  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
        from jupyter_client.kernelspec import NoSuchKernel  # noqa: F401

        with without_hdfs():
            import papermill  # noqa: F401
        _local_files_in_place()

        for module in _KERNEL_START_IMPORTS:
            importlib.import_module(module)


def _local_files_in_place() -> None:
    """Have papermill read and write local notebooks without changing the working folder.

    papermill's handler for local files changes the whole process's working folder, around
    every read and write, to the folder execute_notebook was called from, which it keeps in
    one global. From the threads that run notebooks side by side those changes and their
    undoing interleave, and in a process whose working folder changed since an earlier run
    (a test runner, a long-lived worker) a thread can leave the process in the old folder.
    brief gives papermill absolute paths, so its handler does without: it is replaced by one
    that ignores the folder it is given.
    """
    global _LOCAL_FILES_IN_PLACE
    if _LOCAL_FILES_IN_PLACE:  # called under _IMPORTING, like every import of papermill here
        return
    from papermill.iorw import LocalHandler, papermill_io

    class InPlace(LocalHandler):
        def cwd(self, new_path):
            return None  # chdir(None) is papermill's no-op

    papermill_io._handlers = [
        (scheme, InPlace() if scheme == "local" else handler)
        for scheme, handler in papermill_io._handlers
    ]
    _LOCAL_FILES_IN_PLACE = True


_LOCAL_FILES_IN_PLACE = False


# What starting a kernel imports on first use (jupyter_client's kernel specs, brief's
# provisioner; psutil for a plain kernel's local addresses). Imported with the rest, the
# threads that run notebooks import nothing, so the thread that readies the notebook pages
# (brief.review.pages) imports beside them without a race.
_KERNEL_START_IMPORTS = (
    "IPython.paths",
    "ipykernel.kernelspec",
    "psutil",
    "brief.build.provisioner",
)


@dataclass(frozen=True)
class NotebookRun:
    """One executed notebook: where it was written and how long it took."""

    source: Path
    executed: Path
    seconds: float
    html: Path | None = None  # its HTML page, when the run brought it (a cluster worker)


def run_notebook(
    source: Path,
    executed: Path,
    year: int,
    *,
    failed_dir: Path,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    parameters: dict | None = None,
) -> NotebookRun:
    """Execute ``source`` for ``year`` into ``executed``; raise NotebookError if it fails.

    ``parameters`` are what papermill injects (default: the year's; a letter of a grid
    adds its area).

    The kernel runs in the notebook's own folder, as it does in JupyterLab. A failed
    notebook is moved to ``failed_dir`` with its error visible (papermill marks the cell).
    """
    # Imported here: papermill takes two seconds to load, and a build with nothing to
    # run must not pay for it. (Once imported, this only makes sure of papermill's handler
    # of local files: see _local_files_in_place.)
    import_notebook_libraries()
    import nbformat
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from brief.build.provisioner import kernel_manager_class

    executed.parent.mkdir(parents=True, exist_ok=True)
    # Forked from the warm zygote (brief.build.kernels) where it runs, else nbclient's own.
    manager = kernel_manager_class()
    started = time.perf_counter()
    try:
        # The kernel speaks the build's language: jupyter_client starts it with a copy of
        # os.environ as it is at that moment (no env is passed down from here), and
        # brief.i18n.activate() put BRIEF_LANG in it.
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters or notebook_parameters(year),
            kernel_name=KERNEL,
            language="python",  # notebooks saved without metadata still run
            # The kernel starts in the notebook's folder, as in JupyterLab. Given to nbclient
            # as the notebook's path, not as papermill's cwd: that changes the working folder
            # of this whole process, and threads running notebooks of two projects (or one
            # thread restoring it while another starts a kernel) start kernels in the
            # wrong project.
            resources={"metadata": {"path": str(source.parent)}},
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            # The kernel logs transport warnings to the terminal; advisors need none of it.
            # Nor does a notebook run need IPython's input history: an SQLite file in
            # ~/.ipython, shared by every kernel, that each would write at start and end.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"],
            **({"kernel_manager_class": manager} if manager is not None else {}),
        )
    except (PapermillExecutionError, CellTimeoutError, DeadKernelError) as exc:
        kept = _keep_failed(executed, failed_dir)
        if kept.with_suffix(".html").is_file():
            kept_at = _(
                "The partly run notebook is kept at {path}, the failing cell marked in it; open "
                "{page} to read it in a web browser."
            ).format(path=kept, page=kept.with_suffix(".html"))
        else:
            kept_at = _(
                "The partly run notebook is kept at {path}; the failing cell is marked in it."
            ).format(path=kept)
        raise NotebookError(
            f"{_reason(exc, source.name, year, timeout)}\n{kept_at}",
            notebook=source.name,
            cell=getattr(exc, "cell_index", None),
        ) from None
    except NoSuchKernel:
        raise KernelMissingError(
            _(
                "Cannot run {notebook}: the Jupyter kernel '{kernel}' is not installed in this "
                "environment. Reinstall the project with `make report`."
            ).format(notebook=source.name, kernel=KERNEL),
            notebook=source.name,
        ) from None
    except nbformat.ValidationError as exc:
        raise NotebookError(
            # TRANSLATORS: {error} is nbformat's own (English) description of the problem.
            _("{notebook} is not a valid notebook: {error}").format(
                notebook=source.name, error=exc.message
            ),
            notebook=source.name,
        ) from None
    return NotebookRun(source, executed, time.perf_counter() - started)


def _reason(exc: Exception, notebook: str, year: int, timeout: int) -> str:
    """Return, in words, why a notebook stopped while running."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError) and exc.ename in _USER_ERRORS:
        # Our own error raised inside the notebook: it already says what to fix, so it
        # comes first; where it happened is secondary for the advisor. The kernel wrote it
        # in the build's language (it inherits BRIEF_LANG), so it is not translated again.
        # TRANSLATORS: the line under brief's own message from the notebook ("on this": on
        # that problem); {cell} is the cell's number as Jupyter shows it, [3]; {kind} is the
        # error's Python class name (DataError), kept as it is.
        where = _("Notebook {notebook} failed for {year} on this, in cell {cell} ({kind}).")
        where = where.format(notebook=notebook, year=year, cell=exc.exec_count, kind=exc.ename)
        return f"{exc.evalue}\n{where}"
    if isinstance(exc, PapermillExecutionError):
        # TRANSLATORS: {cell} is the cell's number as Jupyter shows it ([3]), {position} its
        # place counted from the top; {kind}: {error} is Python's error, in English.
        return _(
            "Notebook {notebook} failed for {year} in cell {cell} (cell {position} from the "
            "top): {kind}: {error}"
        ).format(
            notebook=notebook,
            year=year,
            cell=exc.exec_count,
            position=exc.cell_index + 1,
            kind=exc.ename,
            error=exc.evalue,
        )
    if isinstance(exc, CellTimeoutError):
        return ngettext(
            "Notebook {notebook} took longer than {seconds} seconds in one cell for {year} "
            "and was stopped. Raise --timeout if the cell needs more time.",
            "Notebook {notebook} took longer than {seconds} seconds in one cell for {year} "
            "and was stopped. Raise --timeout if the cell needs more time.",
            timeout,
        ).format(notebook=notebook, seconds=timeout, year=year)
    return _(
        "The Python kernel running {notebook} for {year} died (out of memory, or the "
        "process was killed)."
    ).format(notebook=notebook, year=year)


def _keep_failed(executed: Path, failed_dir: Path) -> Path:
    """Move a partly executed notebook into ``failed_dir`` and return its new path; beside
    it goes the notebook as a web page (see :func:`failed_page`)."""
    failed_dir.mkdir(parents=True, exist_ok=True)
    kept = failed_dir / executed.name
    if executed.exists():
        shutil.move(executed, kept)
        failed_page(kept)
    return kept


def failed_page(kept: Path) -> Path | None:
    """Write the failed notebook ``kept`` as a web page beside it, which an advisor opens
    without Jupyter; return its path, or None when the page could not be made."""
    page = kept.with_suffix(".html")
    try:
        from brief.review.pages import write_notebook_html

        return write_notebook_html(kept, page)
    except Exception:  # noqa: BLE001 - the page of a broken run is a help, never a failure
        page.unlink(missing_ok=True)
        return None


def run_notebooks(
    sources: list[Path],
    out_dir: Path,
    year: int,
    *,
    failed_dir: Path,
    jobs: int = 1,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    kernels: threading.Semaphore | None = None,
    on_start: Callable[[str, int], None] | None = None,
    after_run: Callable[[NotebookRun], None] | None = None,
    parameters: dict | None = None,
) -> list[NotebookRun]:
    """Execute every notebook for ``year`` into ``out_dir``, ``jobs`` at a time.

    Notebooks of one year are independent (each reads data and publishes), so they may run
    side by side; each has its own kernel process. ``kernels``, shared by the years of one
    command, caps the kernels running at once. ``on_start(name, done)`` is told when a
    notebook starts; ``after_run(run)`` is called in the same worker once its kernel is
    free, so its work overlaps the notebooks still running. The first failure is raised.
    """
    from brief.build.kernels import warm_kernels

    import_notebook_libraries()  # before the first thread: see its docstring
    done = 0
    count = threading.Lock()
    kernels = kernels or threading.BoundedSemaphore(jobs)

    def run_one(source: Path) -> NotebookRun:
        nonlocal done
        with kernels:
            if on_start is not None:
                on_start(source.name, done)
            run = run_notebook(
                source,
                out_dir / source.name,
                year,
                failed_dir=failed_dir,
                timeout=timeout,
                parameters=parameters,
            )
        with count:
            done += 1
        if after_run is not None:
            after_run(run)
        return run

    with warm_kernels():  # one zygote for these notebooks (and the rest of the build's)
        if len(sources) <= 1:
            return [run_one(source) for source in sources]
        # A thread per notebook; the semaphore, not the pool, limits the running kernels,
        # so a notebook's after_run never holds up the next notebook's start.
        with ThreadPoolExecutor(max_workers=len(sources)) as pool:
            futures = [pool.submit(run_one, source) for source in sources]
    failed = [f.exception() for f in futures if isinstance(f.exception(), NotebookError)]
    raise_failures(failed)
    return [future.result() for future in futures]  # another error: raised as it is


def raise_failures(errors: list[BriefError]) -> None:
    """Raise the notebooks' failures as one error that gives each, in notebook order, so
    an advisor mends them all before building again; do nothing when there are none.

    An error that is not a notebook's own (a cluster that went away) is raised as it is.
    """
    others = [error for error in errors if not isinstance(error, NotebookError)]
    if others:
        raise others[0]
    missing = [error for error in errors if isinstance(error, KernelMissingError)]
    if missing:  # not the notebooks' doing: the same for each, so said once
        raise missing[0]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        heading = ngettext(
            "{count} notebook failed:", "{count} notebooks failed:", len(errors)
        ).format(count=len(errors))
        parts = [f"{number}. {error}" for number, error in enumerate(errors, start=1)]
        raise NotebookError(
            "\n\n".join([heading, *parts]), notebook=errors[0].notebook, cell=errors[0].cell
        )
