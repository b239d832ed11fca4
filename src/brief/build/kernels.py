"""Start notebook kernels by fork from a warm process, where the platform allows it.

:mod:`brief.build.zygote` imports ipykernel, numpy, pandas, matplotlib and brief's notebook
side once; every kernel is then a fork of it, ready in about 0.2 s instead of 1.3 s.
:mod:`brief.build.provisioner` plugs it into jupyter_client; this module keeps the zygote.

One zygote serves a build (all its years and letters), or a Dask worker process for its
lifetime (:func:`keep_warm`). It starts when a :func:`warm_kernels` block opens, which a
build does only once it has notebooks to run, so that its imports overlap the build's
own; it stops when the outermost block ends. If the build is killed instead, its end of
the zygote's socket closes, and the zygote kills its kernels and exits.

Kernels start plainly, as before, where there is no fork (Windows), on macOS (forking a
process that has loaded system frameworks is unsafe there), with ``BRIEF_KERNELS=plain``,
or when the zygote cannot start; ``BRIEF_KERNELS=fork`` asks for forks on macOS too.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from brief.build.zygote import READY, SEARCH_FROM, KernelRequest, send_project, send_request

ENV_KERNELS = "BRIEF_KERNELS"  # "plain": start kernels as jupyter_client does; "fork"
PROVISIONER = "brief-fork"  # its name under the jupyter_client.kernel_provisioners entry point
START_TIMEOUT = 60.0  # seconds the zygote may take to import everything
# Variables that differ between kernels of one zygote and that nothing reads at import.
_PER_KERNEL = {"BRIEF_LANG", "JPY_PARENT_PID", "JPY_SESSION_NAME"}
# numpy asks Linux for huge pages (2 MB) for every array of 4 MB or more, as it imports.
# Where fresh memory is slow to come by (a virtual machine that hands freed memory back to
# its host), each such page can cost milliseconds: a first load_data of a million rows
# spent 0.2 to 1.5 s in the system with them and 0.1 to 0.3 s without (seven runs on
# the development VM). Small pages cost little more elsewhere for what notebooks do.
NUMPY_HUGE_PAGES = "NUMPY_MADVISE_HUGEPAGE"


def kernel_environment() -> None:
    """Put in this process's environment what brief's kernels start with, unless it is
    set already: numpy without huge pages. jupyter_client copies the environment for each
    kernel, and the zygote takes it as it starts, before it imports numpy."""
    os.environ.setdefault(NUMPY_HUGE_PAGES, "0")


def forking_wanted() -> bool:
    """Return whether kernels should start by fork here (see the module's docstring)."""
    asked = os.environ.get(ENV_KERNELS, "").strip().lower()
    if asked == "plain" or not hasattr(os, "fork"):
        return False
    return asked == "fork" or sys.platform != "darwin"


class ForkedProcess:
    """A kernel forked by the zygote, with the part of ``subprocess.Popen`` that
    jupyter_client's :class:`LocalProvisioner` uses (poll, wait, signals, pid)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, news: socket.socket):
        self.pid = pid
        self.returncode: int | None = None
        self._news = news  # the zygote writes the exit status here when it reaps the kernel
        self._buffer = b""

    def poll(self) -> int | None:
        if self.returncode is None:
            self._read(timeout=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._read(timeout=timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        return self.returncode

    def _read(self, timeout: float | None) -> None:
        readable, _, _ = select.select([self._news], [], [], timeout)
        if not readable:
            return
        try:
            data = self._news.recv(4096)
        except OSError:
            data = b""
        if not data:  # the zygote went without telling: it killed the kernel as it went
            self._ended(-signal.SIGKILL)
            return
        self._buffer += data
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            news = json.loads(line)
            if "exit" in news:
                self._ended(news["exit"])

    def _ended(self, code: int) -> None:
        self.returncode = code
        self._news.close()

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:  # once reaped, the number may be another process's
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The build's side of one zygote process: start it, ask it for kernels, stop it."""

    def __init__(
        self, env: dict[str, str], project: Path | None = None, search_from: Path | None = None
    ):
        """Start the zygote; it imports while the build goes on (see :meth:`ready`), and
        checks the data files of ``project`` (the build's root; or the project that holds
        ``search_from``, as the command will find it) meanwhile, if they are large."""
        self.env = env
        self.told: Path | None = None  # the project named since it started (name_project)
        self._send = threading.Lock()
        self._ready: bool | None = None
        if project is not None:
            named = [str(project)]
        else:
            named = [SEARCH_FROM, str(search_from)] if search_from is not None else []
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "brief.build.zygote", str(theirs.fileno()), *named],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                env=env,
            )
        self.control = ours

    def ready(self) -> bool:
        """Return whether the zygote has imported everything, waiting for it once."""
        if self._ready is None:
            readable, _, _ = select.select([self.control], [], [], START_TIMEOUT)
            self._ready = bool(readable) and self.control.recv(len(READY)) == READY
        return self._ready

    def name_project(self, project: Path) -> None:
        """Tell the zygote the build's project, so that it starts checking its data files
        before the first kernel asks for them: one started early (:func:`start_early`)
        knows it only if it found it itself, and one started with the project checks small
        files only once told. A zygote checking them already does nothing more."""
        if self.told == project:
            return
        self.told = project
        with contextlib.suppress(OSError), self._send:
            send_project(self.control, str(project))

    def serves(self, env: dict[str, str]) -> bool:
        """Return whether a kernel with ``env`` may be forked from this zygote: what the
        zygote read at import (everything but the per-kernel variables) must be the same."""
        return _imported_with(env) == _imported_with(self.env)

    def fork(self, request: KernelRequest) -> ForkedProcess | None:
        """Return the forked kernel of ``request``; None if the zygote has gone."""
        ours, theirs = socket.socketpair()
        try:
            with self._send, theirs:
                send_request(self.control, request, theirs)
            readable, _, _ = select.select([ours], [], [], START_TIMEOUT)
            line = b""
            while readable and not line.endswith(b"\n"):
                more = ours.recv(1)
                if not more:
                    break
                line += more
            if not line.endswith(b"\n"):
                raise OSError("the kernel zygote did not answer")
        except OSError:
            ours.close()
            return None
        return ForkedProcess(json.loads(line)["pid"], ours)

    def close(self) -> None:
        """Stop the zygote; it kills the kernels it still runs. One still importing (it
        has no kernel yet, and would notice only once done) is killed instead."""
        if self._ready is None and not select.select([self.control], [], [], 0)[0]:
            self.process.kill()
        with contextlib.suppress(OSError):
            self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _imported_with(env: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key not in _PER_KERNEL}


class _Zygotes:
    """The zygote of this process: started when the first :func:`warm_kernels` block
    opens (or earlier, by :func:`start_early`), stopped when the last one ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._users = 0
        self._zygote: Zygote | None = None

    def _start(self, project: Path | None = None, search_from: Path | None = None) -> None:
        kernel_environment()
        if self._zygote is None:
            with contextlib.suppress(OSError):
                self._zygote = Zygote(dict(os.environ), project, search_from)

    def start_early(self, project: Path | None = None) -> None:
        with self._lock:
            if self._zygote is None and self._users == 0:
                self._start(project, search_from=None if project else Path.cwd())
                atexit.register(self.stop_unused)

    def stop_unused(self) -> None:
        """Stop a zygote started early that no block has used (nothing to run)."""
        with self._lock:
            if self._users > 0:
                return
            zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote.close()

    def enter(self, project: Path | None = None) -> None:
        """Open a warm block; ``project``: the build's, whose data files the zygote checks
        (one started early is told it now)."""
        with self._lock:
            self._users += 1
            self._start(project)
            if self._zygote is not None and project is not None:
                self._zygote.name_project(project)

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0:
                return
            zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote.close()

    def get(self, env: dict[str, str]) -> Zygote | None:
        """Return the zygote, once it is ready; None: start this kernel plainly (no warm
        block is open, the zygote could not start, or the environment changed since)."""
        with self._lock:
            zygote = self._zygote
            if zygote is None or self._users == 0 or not zygote.ready():
                return None
        return zygote if zygote.serves(env) else None


_ZYGOTES = _Zygotes()


def running_zygote(env: dict[str, str]) -> Zygote | None:
    """Return the zygote to fork a kernel with environment ``env`` from, if there is one."""
    return _ZYGOTES.get(env)


@contextlib.contextmanager
def warm_kernels(project: Path | None = None) -> Iterator[None]:
    """Inside the block, kernels fork from one zygote, started as the block opens; it
    stops when the outermost block ends (or the process does). ``project``: the root of
    the build's project, whose data files the zygote checks as it starts."""
    if not forking_wanted():
        yield
        return
    _ZYGOTES.enter(project)
    try:
        yield
    finally:
        _ZYGOTES.leave()


def start_early(project: Path | None = None) -> None:
    """Start the zygote now, before the command knows whether it has a notebook to run.

    Its imports take most of a second, and a data-correction rebuild waits for them;
    started as the ``brief`` process starts, they run beside the command's own imports
    and its planning instead of after them. A :func:`warm_kernels` block adopts it; if
    none opens (nothing to build), it is stopped, killed if still importing, at exit.
    ``project``: the folder the command was given with --project; without it the zygote
    looks for the project as the command will, from the working folder (to check large
    data files while it imports).
    """
    if forking_wanted():
        _ZYGOTES.start_early(project)


def keep_warm() -> None:
    """Keep a zygote for the rest of this process's life (a Dask worker's), once."""
    global _KEPT
    with _KEEPING:
        if not _KEPT and forking_wanted():
            _ZYGOTES.enter()
            _KEPT = True


_KEEPING = threading.Lock()
_KEPT = False
