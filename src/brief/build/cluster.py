"""Run a grid's notebooks on a Dask cluster instead of this machine's threads.

``brief build --per area --cluster tcp://host:8786`` (or ``BRIEF_CLUSTER``) hands every
notebook run to the cluster through ``client.get_executor()``, a
``concurrent.futures.Executor``; everything else of a build (plans, letters, review
pages, the atomic swap, ``outputs/``) stays on this, the coordinating, machine. A task
gets the project as a :class:`brief.build.shipping.Bundle` (scattered once, keyed by its
contents' hash) and what this machine's packages are; it returns the executed notebook
and its HTML page as bytes, and an error as data (:class:`RemoteRun`), so a failing
notebook reads the same as on this machine. A task carries the build's language too, and
the worker speaks it while the task runs (:class:`_Languages`): the worker's messages, and
its kernel's, are in the language of the build, whatever the worker's own environment says.

On the cluster, run one worker process per machine with several threads
(``dask worker tcp://host:8786 --nworkers 1 --nthreads 4``): Jupyter kernels started
by two worker processes on one machine can pick the same free port. A task that is
cancelled (the build was stopped) does not stop its kernel: the cell runs on until it
ends or reaches --timeout.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from brief.build import pausing
from brief.build.run import NotebookRun, failed_page, raise_failures
from brief.build.shipping import Bundle, facts, pack, refuse_if_different, unpack, worker_root
from brief.exceptions import BriefError, ClusterError, NotebookError
from brief.i18n import _, current_language, ngettext, speaking
from brief.project.paths import ProjectPaths

ENV_CLUSTER = "BRIEF_CLUSTER"  # the scheduler's address when --cluster is not given
ENV_WORKER_WAIT = "BRIEF_CLUSTER_WAIT"  # seconds a build waits while no worker is connected
WORKER_WAIT = 120.0
LOCAL = "local"  # --cluster local[:N]: a Dask LocalCluster of N threads on this machine


@dataclass(frozen=True)
class RemoteTask:
    """One notebook run, as sent to a worker."""

    notebook: str  # its name in notebooks/
    label: str  # the letter's label, for messages: "2024 Oud Zuid"
    year: int
    parameters: dict
    timeout: int
    manifest: dict[str, str]  # path -> sha256 of every shipped file
    coordinator: dict[str, str]  # shipping.facts() of the coordinating machine
    language: str  # the language of the build (brief.i18n), which the worker speaks for it


@dataclass(frozen=True)
class RemoteRun:
    """What a worker sends back: the notebook and its page as bytes, or the error."""

    notebook: str
    seconds: float
    executed: bytes | None = None
    html: bytes | None = None
    error: BriefError | None = None
    failed_notebook: bytes | None = None  # the partly run notebook, when it failed
    failed_path: str | None = None  # where the worker kept it (named in the error)
    input_path: str = ""  # the notebook the worker ran, in its own project folder


_READY = threading.Lock()


class _Languages:
    """The language the tasks of this worker process speak: one language at a time.

    A task speaks its build's language: :func:`brief.i18n.speaking` activates it, which
    also sets BRIEF_LANG in ``os.environ``, so the kernel the task starts speaks it too.
    That is the whole process's language, so tasks of one language run side by side and
    a task of another waits until they have ended. Tasks that wait start in the order
    they came, so a task waiting for its language is not passed by later ones of the
    language spoken. When the last task has ended, the worker's own language is back.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self._language: str | None = None
        self._running = 0
        self._queue: collections.deque[object] = collections.deque()  # waiting tasks, in order
        self._spoken = contextlib.ExitStack()

    def _free_for(self, language: str) -> bool:
        return self._running == 0 or self._language == language

    @contextlib.contextmanager
    def speaking(self, language: str) -> Iterator[None]:
        """Speak ``language`` inside the block, once the tasks of another have ended."""
        with self._changed:
            if self._queue or not self._free_for(language):
                turn = object()
                self._queue.append(turn)
                try:
                    self._changed.wait_for(
                        lambda: self._queue[0] is turn and self._free_for(language)
                    )
                finally:
                    self._queue.remove(turn)
                    self._changed.notify_all()  # the next in line may start too
            if self._running == 0:
                self._spoken.enter_context(speaking(language))
                self._language = language
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                if self._running == 0:
                    self._spoken.close()
                    self._language = None
                self._changed.notify_all()


_LANGUAGES = _Languages()


def run_remote(bundle: Bundle, task: RemoteTask) -> RemoteRun:
    """Run one notebook on this worker and return the result; never raise a BriefError.

    Runs in a Dask worker's thread: the project is unpacked into this process's own
    folder once; the notebook runs there, written to a scratch folder that is removed.
    The task speaks the language of its build, and so does the notebook's kernel.
    """
    with _LANGUAGES.speaking(task.language):
        return _run_remote(bundle, task)


def _run_remote(bundle: Bundle, task: RemoteTask) -> RemoteRun:
    started = time.perf_counter()
    try:
        refuse_if_different(task.coordinator, _where())
        with _READY:  # a worker's threads must not import these side by side
            from brief.build.kernels import keep_warm
            from brief.build.run import import_notebook_libraries, run_notebook
            from brief.review.pages import write_notebook_html

            import_notebook_libraries()
            keep_warm()  # one zygote for this worker process's kernels, for its lifetime
        project = unpack(bundle, task.manifest)
    except BriefError as exc:
        return RemoteRun(task.notebook, time.perf_counter() - started, error=exc)
    pausing.reached(f"worker: {task.label} {task.notebook} started")
    source = project / "notebooks" / task.notebook
    scratch = worker_root() / ".runs" / uuid.uuid4().hex
    executed, failed_dir = scratch / task.notebook, scratch / "failed"
    try:
        try:
            run_notebook(
                source,
                executed,
                task.year,
                failed_dir=failed_dir,
                timeout=task.timeout,
                parameters=task.parameters,
            )
        except BriefError as exc:
            kept = failed_dir / task.notebook
            return RemoteRun(
                task.notebook,
                time.perf_counter() - started,
                error=exc,
                failed_notebook=kept.read_bytes() if kept.is_file() else None,
                failed_path=str(kept),
                input_path=str(source),
            )
        html = write_notebook_html(executed, scratch / f"{Path(task.notebook).stem}.html")
        return RemoteRun(
            task.notebook,
            time.perf_counter() - started,
            executed=executed.read_bytes(),
            html=html.read_bytes(),
            input_path=str(source),
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _where() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        # TRANSLATORS: names a worker without an address: "The Dask worker process 4711 ..."
        return _("process {pid}").format(pid=os.getpid())


class ClusterRunner:
    """Runs notebooks on a Dask cluster; called as :func:`brief.build.run.run_notebooks` is.

    Connects on the first notebook it must run, so a grid with nothing to redo starts no
    cluster and contacts none. ``connect`` returns a ``distributed.Client``; the default
    connects to ``address`` (``local`` or ``local:N``: a LocalCluster on this machine).
    """

    def __init__(
        self,
        project: ProjectPaths,
        address: str | None = None,
        *,
        connect: Callable[[], object] | None = None,
        worker_wait: float | None = None,
        areas_file: Path | None = None,
        on_connect: Callable[[object], None] | None = None,
    ):
        if address is None and connect is None:
            raise ValueError("ClusterRunner needs an address or a connect function")
        self.project, self.address = project, address
        self._connect = connect or (lambda: connect_client(address))
        self._areas_file = areas_file
        self._on_connect = on_connect
        wait = os.environ.get(ENV_WORKER_WAIT)
        self.worker_wait = worker_wait if worker_wait is not None else float(wait or WORKER_WAIT)
        self._lock = threading.Lock()
        self.client = None
        self._executor = None
        self._bundle = None  # (Bundle, its scattered future, its manifest)
        self._facts = None
        self._gave_up = False  # no worker came for worker_wait seconds: fail fast after
        self.connections = 0  # how often a client was made (a test counts them)

    @property
    def connected(self) -> bool:
        return self.client is not None

    def _ready(self, label: str):
        """Connect, pack and scatter the project once; return (executor, bundle future).

        Waits up to ``worker_wait`` seconds for a worker; without one, ClusterError.
        """
        with self._lock:
            if self.client is None:
                self.client = self._connect()
                self.connections += 1
                self._executor = self.client.get_executor(pure=False)
                self._facts = facts()
                if self._on_connect is not None:
                    self._on_connect(self.client)
            if not self._wait_for_a_worker():
                self._gave_up = True
                raise ClusterError(self._no_worker(label))
            if self._bundle is None:
                bundle = pack(self.project, self._areas_file)
                try:
                    scattered = self.client.scatter(
                        bundle, broadcast=True, hash=False, timeout=self.worker_wait
                    )
                except (OSError, TimeoutError) as exc:
                    raise ClusterError(
                        _(
                            "{letter}: the project could not be sent to the Dask workers at "
                            "{address} ({error}). Build again."
                        ).format(
                            letter=label, address=self._shown_address(), error=type(exc).__name__
                        )
                    ) from None
                self._bundle = (bundle, scattered, bundle.manifest)
            return self._executor, self._bundle

    def _wait_for_a_worker(self) -> bool:
        """Return whether a worker is connected, waiting up to ``worker_wait`` seconds for
        one (not at all once the runner has given up waiting)."""
        deadline = time.monotonic() + (0 if self._gave_up else self.worker_wait)
        while self._workers() == 0:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)
        self._gave_up = False
        return True

    def _no_worker(self, label: str, notebooks: list[str] | None = None) -> str:
        """Return the message of a letter whose ``notebooks`` (default: all of them) did not
        run because no worker is connected."""
        address = self._shown_address()
        if notebooks is None:
            return _(
                "{letter}: no Dask worker is connected to {address}, so its notebooks did not "
                "run and this letter was not written. Letters that were finished are kept. "
                "Start a worker (dask worker ADDRESS --nworkers 1 --nthreads N) and build "
                "again: only what is missing runs."
            ).format(letter=label, address=address)
        return ngettext(
            "{letter}: no Dask worker is connected to {address}, so {notebooks} did not run "
            "and this letter was not written. Letters that were finished are kept. Start a "
            "worker (dask worker ADDRESS --nworkers 1 --nthreads N) and build again: only "
            "what is missing runs.",
            "{letter}: no Dask worker is connected to {address}, so {notebooks} did not run "
            "and this letter was not written. Letters that were finished are kept. Start a "
            "worker (dask worker ADDRESS --nworkers 1 --nthreads N) and build again: only "
            "what is missing runs.",
            len(notebooks),
        ).format(letter=label, address=address, notebooks=", ".join(notebooks))

    def __call__(
        self,
        sources: list[Path],
        out_dir: Path,
        year: int,
        *,
        failed_dir: Path,
        jobs: int = 1,
        timeout: int,
        kernels=None,
        on_start: Callable[[str, int], None] | None = None,
        after_run: Callable[[NotebookRun], None] | None = None,
        parameters: dict | None = None,
        label: str | None = None,
    ) -> list[NotebookRun]:
        """Run ``sources`` on the cluster; write each notebook and its page into
        ``out_dir`` here; raise the first failure (in notebook order) once all ended."""
        if not sources:
            return []
        label = label or (f"{year} {parameters['area']}" if parameters else str(year))
        executor, (_bundle, scattered, manifest) = self._ready(label)
        futures = {}
        for done, source in enumerate(sources):
            task = RemoteTask(
                notebook=source.name,
                label=label,
                year=year,
                parameters=dict(parameters or {"year": year}),
                timeout=timeout,
                manifest=manifest,
                coordinator=self._facts,
                language=current_language(),
            )
            if on_start is not None:
                on_start(source.name, done)
            futures[executor.submit(run_remote, scattered, task)] = source
        runs: dict[Path, NotebookRun] = {}
        errors: dict[Path, BriefError] = {}
        for future, source in self._as_completed(futures, label):
            try:
                remote = future.result()
            except Exception as exc:  # the task was lost: cancelled, KilledWorker and kin
                errors[source] = self._lost(label, source.name, exc)
                continue
            if remote.error is not None:
                errors[source] = self._local_error(remote, failed_dir)
                continue
            executed = out_dir / source.name
            executed.write_bytes(remote.executed)
            html = out_dir / f"{source.stem}.html"
            html.write_bytes(remote.html)
            run = NotebookRun(source, executed, remote.seconds, html=html)
            runs[source] = run
            if after_run is not None:
                after_run(run)
        raise_failures([errors[source] for source in sources if source in errors])
        return [runs[source] for source in sources]

    def _as_completed(self, futures: dict, label: str):
        """Yield (future, source) as each ends; cancel the rest when the cluster has had
        no worker for ``worker_wait`` seconds, raising ClusterError."""
        pending = set(futures)
        lonely_since = None
        while pending:
            done, pending = cf.wait(pending, timeout=1.0, return_when=cf.FIRST_COMPLETED)
            for future in done:
                yield future, futures[future]
            if not pending:
                return
            if self._workers() > 0:
                lonely_since = None
                continue
            lonely_since = lonely_since or time.monotonic()
            if time.monotonic() - lonely_since < self.worker_wait:
                continue
            for future in pending:
                future.cancel()
            self._gave_up = True
            names = sorted(futures[f].name for f in pending)
            raise ClusterError(self._no_worker(label, names))

    def _lost(self, label: str, notebook: str, exc: BaseException) -> ClusterError:
        """Return the error of a task the cluster lost; the project is scattered anew."""
        with self._lock:
            self._bundle = None  # it may have gone with the worker that held it
        if self._workers() == 0:
            return ClusterError(self._no_worker(label, [notebook]))
        if isinstance(exc, cf.CancelledError):
            return ClusterError(
                _(
                    "{letter}: {notebook} did not run on the cluster (cancelled): the worker "
                    "running it left. Letters that were finished are kept; build again and only "
                    "what is missing runs."
                ).format(letter=label, notebook=notebook)
            )
        return ClusterError(
            _(
                "{letter}: {notebook} did not run on the cluster ({error}): the worker running "
                "it left. Letters that were finished are kept; build again and only what is "
                "missing runs."
            ).format(letter=label, notebook=notebook, error=f"{type(exc).__name__}: {exc}")
        )

    def _workers(self) -> int:
        try:
            return len(self.client.nthreads())
        except Exception:  # the scheduler itself is unreachable: as good as no worker
            return 0

    def _shown_address(self) -> str:
        return self.address or getattr(getattr(self.client, "scheduler", None), "address", "")

    @staticmethod
    def _local_error(remote: RemoteRun, failed_dir: Path) -> BriefError:
        """Return the worker's error, with the failed notebook kept here, in failed/."""
        error = remote.error
        if remote.failed_notebook is None or not isinstance(error, NotebookError):
            return error
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / remote.notebook
        kept.write_bytes(remote.failed_notebook)
        failed_page(kept)
        message = str(error).replace(remote.failed_path or "\0", str(kept))
        if remote.failed_path:  # the web page of it, made here too
            page = str(Path(remote.failed_path).with_suffix(".html"))
            message = message.replace(page, str(kept.with_suffix(".html")))
        return NotebookError(message, notebook=error.notebook, cell=error.cell)

    def close(self) -> None:
        """Let go of the cluster (and stop it, when it is a LocalCluster made here)."""
        if self.client is None:
            return
        cluster = getattr(self.client, "_brief_cluster", None)
        self.client.close()
        if cluster is not None:
            cluster.close()
        self.client = None


def local_threads(address: str) -> int | None:
    """Return the threads of the LocalCluster ``address`` asks for (``local``: this
    machine's cores; ``local:N``: N), None for a scheduler's address; raise ClusterError
    for a ``local:`` without a whole number of at least 1."""
    if address != LOCAL and not address.startswith(LOCAL + ":"):
        return None
    if address == LOCAL:
        return os.cpu_count() or 1
    count = address.split(":", 1)[1].strip()
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(
            _(
                "--cluster {address} asks for a cluster on this machine, but '{count}' is no "
                "number of threads. Give local, local:N with N a whole number of at least 1 "
                "(local:4), or a scheduler's address (tcp://host:8786)."
            ).format(address=address, count=count)
        )
    return int(count)


def connect_client(address: str):
    """Return a Dask client of the scheduler at ``address`` (``local[:N]``: a new
    LocalCluster of one worker process with N threads), or raise ClusterError."""
    from distributed import Client, LocalCluster

    threads = local_threads(address)
    if threads is not None:
        cluster = LocalCluster(
            n_workers=1, threads_per_worker=threads, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
        client._brief_cluster = cluster
        return client
    try:
        return Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            _(
                "Cannot reach the Dask scheduler at {address} ({error}). Check the address, "
                "and that `dask scheduler` runs there; or build without --cluster on this "
                "machine."
            ).format(address=address, error=exc)
        ) from None
