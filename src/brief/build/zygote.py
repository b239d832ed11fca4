"""The warm process that forks notebook kernels: imports once, then one fork per notebook.

A fresh IPython kernel spends about 1.3 s before a notebook's first cell does any work:
starting Python and ipykernel, then importing pandas, matplotlib and brief. This process
(the zygote) does those imports once, starts no thread and no ZeroMQ context, and then
waits on a socket from the build (:mod:`brief.build.kernels`). For every notebook it forks; the
child becomes a fresh kernel, as if started with ``python -m ipykernel_launcher``:

- its own session (so an interrupt reaches the kernel and what it started, as
  jupyter_client's own launcher does), working folder, environment and connection file;
- no file descriptor of the zygote's or of another kernel's, stdin from /dev/null;
- fresh random seeds (Python's ``random`` reseeds itself after a fork; numpy's is reseeded
  here) and matplotlib's settings read again as a fresh import reads them, after the
  kernel has set its default backend;
- ``brief.notebook.charts`` is not imported here, so the notebook that imports it selects the Agg
  backend itself, as in a fresh kernel;
- one difference on purpose: no debugger (debugpy), which no build's kernel ever serves.

Every notebook therefore still runs in its own process and sees nothing of another's.
The zygote reports each kernel's process id, and later its exit status, on a socket of
that kernel's own, and reaps it. When the build goes (its end of the control socket
closes: it ended, failed or was killed), the zygote kills the kernels it still has and
exits. On Linux each kernel also dies with the zygote (``PR_SET_PDEATHSIG``); elsewhere
ipykernel's own parent watch ends it within a second.

Run as ``python -m brief.build.zygote FD`` by :mod:`brief.build.kernels`, never by hand.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import selectors
import signal
import socket
import stat
import struct
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# What every notebook imports. brief.notebook.charts is left out on purpose (see above).
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # without debugpy (see preload)
    # What a kernel imports as it starts, runs and ends, apart from the above (psutil: to
    # look for processes a notebook left, at shutdown).
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "psutil",
    "tornado.platform.asyncio",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "brief.notebook.data",
    "brief.notebook.indicators",
    "brief.notebook.publish",
    "brief.formatting",
)
READY = b"ready\n"
# Where local kernels listen (brief.build.provisioner): Unix socket files named so, in the
# temporary folder. A kernel killed with its build leaves its files there.
SOCKET_PREFIX = "brief-kernel-"
STALE_AFTER = 60.0  # seconds; a socket file this old that nobody listens on is a leftover
_HEADER = struct.Struct("!I")  # the length of a request's JSON, sent with the kernel's socket
# The build names its project with ``--from FOLDER`` when it knows only where the command
# started (the project is that folder or one above it), with the root itself otherwise.
SEARCH_FROM = "--from"
# Data files of at least this many bytes in all are checked while this process imports:
# a million rows take about half a second. Smaller ones are checked after the imports, in
# a few hundredths of a second; checked during them, the child would cost this process
# more in copied memory than the check takes.
CHECK_EARLY_FROM = 8 * 2**20


@dataclass(frozen=True)
class KernelRequest:
    """What the build asks a kernel to be started with."""

    argv: list[str]  # the arguments after ``python -m ipykernel_launcher``
    cwd: str
    env: dict[str, str]


def send_request(control: socket.socket, request: KernelRequest, kernel: socket.socket) -> None:
    """Send ``request`` and the kernel's own socket (its descriptor) to the zygote."""
    body = json.dumps({"argv": request.argv, "cwd": request.cwd, "env": request.env}).encode()
    socket.send_fds(control, [_HEADER.pack(len(body))], [kernel.fileno()])
    control.sendall(body)


def send_project(control: socket.socket, root: str) -> None:
    """Name the build's project to a zygote started before the build knew it."""
    body = json.dumps({"project": root}).encode()
    control.sendall(_HEADER.pack(len(body)) + body)


def _receive_request(control: socket.socket) -> tuple[KernelRequest, socket.socket] | str | None:
    """Return the next request and its kernel socket, or the root of the project the build
    names; None when the build has gone."""
    header, fds, _flags, _address = socket.recv_fds(control, _HEADER.size, 1)
    if not header:
        return None
    while len(header) < _HEADER.size:  # a stream may split even four bytes
        more = control.recv(_HEADER.size - len(header))
        if not more:
            return None
        header += more
    (length,) = _HEADER.unpack(header)
    body = bytearray()
    while len(body) < length:
        more = control.recv(length - len(body))
        if not more:
            return None
        body += more
    data = json.loads(body)
    if "project" in data:
        return str(data["project"])
    kernel = socket.socket(fileno=fds[0])
    return KernelRequest(data["argv"], data["cwd"], data["env"]), kernel


def _tell(kernel: socket.socket, **what: int) -> None:
    """Send one line of news about a kernel; the build may have stopped listening."""
    with contextlib.suppress(OSError):
        kernel.sendall(json.dumps(what).encode() + b"\n")


def preload() -> None:
    """Import what every notebook imports; then freeze it, so forks share its pages."""
    import importlib

    # The collector would run a few hundred times while these imports make objects, and
    # find little: a tenth of the zygote's start (Python's advice for a process that forks:
    # collect nothing until the freeze below). Kernels get it back on, as a fresh process.
    gc.disable()
    # Nobody attaches a debugger to a build's kernel (papermill is their only client), and
    # debugpy is a twentieth of these imports: the kernels run without it, as ipykernel does
    # where it is not installed. A kernel started plainly (BRIEF_KERNELS=plain) has it.
    sys.modules.setdefault("debugpy", None)
    # What an import warns of, a fresh kernel says where nobody reads it; so does this.
    stderr = os.dup(2)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    try:
        for module in PRELOAD:
            importlib.import_module(module)
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)
        os.close(quiet)
        gc.enable()
    if threading.active_count() != 1:  # a thread does not survive a fork: refuse to serve
        raise RuntimeError("the zygote started a thread while importing")
    # OpenBLAS (numpy) keeps a pool of native threads; its own fork handler stops the pool
    # before every fork and each kernel starts its own on first use.
    # The collector leaves these objects alone, here and in every kernel (which does not
    # unfreeze them), so their pages stay shared instead of being copied on first collection.
    gc.freeze()


class _Zygote:
    """The serving loop; one per process."""

    def __init__(self, control: socket.socket):
        self.control = control
        self.kernels: dict[int, socket.socket] = {}
        self.tables_of: str | None = None  # the project whose data tables it keeps
        self.checker: int | None = None  # the child checking that project's files
        self.kept = False  # whether it keeps what the cache holds of them
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ)
        self.selector.register(self.wake_r, selectors.EVENT_READ)

    def serve(self) -> tuple[KernelRequest, socket.socket] | None:
        """Fork kernels until the build goes; return the request in a child, None here."""
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # wakes the selector
        self._reap()  # a check started early may have ended before the signal woke anything
        while True:
            for key, _events in self.selector.select():
                if key.fileobj is self.control:
                    received = _receive_request(self.control)
                    if received is None:
                        return None
                    if isinstance(received, str):  # started early: now it knows the project
                        self._check_project(received)
                        continue
                    self._keep_tables(*received)
                    if self._fork(received[1]) == 0:
                        return received
                else:
                    with contextlib.suppress(BlockingIOError):
                        while os.read(self.wake_r, 512):
                            pass
                    self._reap()

    def _fork(self, kernel: socket.socket) -> int:
        """Fork a kernel; return 0 in the child, its process id here."""
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            os.setsid()  # its own session and process group, as jupyter_client's launcher
            _die_with_parent()
            self._close_in_child(kernel)
            os.write(ready_w, b"1")
            os.close(ready_w)
            return 0
        os.close(ready_w)
        os.read(ready_r, 1)  # the child has its own process group now (or died trying)
        os.close(ready_r)
        self.kernels[pid] = kernel
        _tell(kernel, pid=pid)
        return pid

    def _keep_tables(self, request: KernelRequest, kernel: socket.socket) -> None:
        """Keep the checked tables of the project a kernel runs in, before forking it, so
        that it and every kernel after it share them (:func:`brief.notebook.data.keep_tables`).

        The first kernel of a project gets those the cache holds. Files the cache lacks are
        checked meanwhile in a child of this process (checking may start Arrow's threads,
        which this process must never have), which writes them to the cache and exits;
        they are kept the moment it ends, for the kernels forked after that. Kernels that
        need one sooner wait for the child's check and read the cache, as without a zygote.
        """
        from brief.exceptions import BriefError
        from brief.project.paths import find_project

        try:
            project = find_project(Path(request.cwd))
        except (BriefError, OSError):  # not a brief project's kernel: nothing to read
            return
        if str(project.root) != self.tables_of:
            self.tables_of, self.kept = str(project.root), False
            self.checker = self._check_tables(project, kernel)
        self._reap()  # the check may have ended since the selector last woke
        if not self.kept:
            self._keep(project)

    def _keep(self, project) -> None:
        """Keep what the cache holds of ``project``'s data files."""
        from brief.notebook import data, rowindex

        self.kept = True
        with contextlib.suppress(Exception):  # then the kernels read the files themselves
            data.keep_tables(project, rowindex.index_rows)
        gc.freeze()  # as after the imports: the collector leaves them alone in every kernel

    def _check_project(self, root: str) -> None:
        """Start checking the files of the project at ``root`` that the cache lacks."""
        from brief.project.paths import ProjectPaths

        if root != self.tables_of:
            with contextlib.suppress(Exception):  # the kernels find out, as without a zygote
                self.checker = self._check_tables(ProjectPaths(Path(root)), None)
                self.tables_of, self.kept = root, False

    def _check_tables(self, project, kernel: socket.socket | None) -> int:
        """Fork a child that checks the files whose tables the cache lacks; return its id."""
        pid = os.fork()
        if pid == 0:
            try:
                _die_with_parent()
                self._close_in_child(kernel)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build's, as here
                _check_quietly(project)
            finally:
                os._exit(0)
        return pid

    def _close_in_child(self, kernel: socket.socket | None) -> None:
        """Let go of everything of the zygote's in a new child: sockets, pipes, signals."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self.selector.close()
        self.control.close()
        for other in self.kernels.values():
            other.close()
        if kernel is not None:
            kernel.close()
        os.close(self.wake_r)
        os.close(self.wake_w)

    def _reap(self) -> None:
        """Collect every child that ended: tell a kernel's build how it ended, and keep
        what the child checking files checked, once it has ended."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # no child at all
                return
            if pid == 0:
                return
            kernel = self.kernels.pop(pid, None)
            if kernel is not None:
                _tell(kernel, exit=os.waitstatus_to_exitcode(status))
                kernel.close()
            elif pid == self.checker and self.tables_of is not None:
                from brief.project.paths import ProjectPaths

                self.checker = None
                self._keep(ProjectPaths(Path(self.tables_of)))

    def stop(self) -> None:
        """Kill the kernels still running (the build is gone) and collect them."""
        for pid in list(self.kernels):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        for pid, kernel in list(self.kernels.items()):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            kernel.close()
        self.kernels.clear()


def _die_with_parent() -> None:
    """On Linux, have the kernel killed when the zygote dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1  # from <linux/prctl.h>
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))


def become_kernel(request: KernelRequest) -> None:
    """Turn this forked child into a fresh kernel for ``request`` and run it until it ends."""
    os.chdir(request.cwd)
    os.environ.clear()
    os.environ.update(request.env)
    if "JPY_PARENT_PID" in os.environ:  # ipykernel watches its parent: that is the zygote
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.close(stdin)
    import ipykernel_launcher
    import numpy

    sys.argv = [ipykernel_launcher.__file__, *request.argv]
    numpy.random.seed()  # Python's random reseeds itself after a fork; numpy's does not

    from ipykernel.kernelapp import IPKernelApp

    # ipykernel read JPY_PARENT_PID when the zygote imported it; it is this kernel's now.
    parent = int(os.environ.get("JPY_PARENT_PID") or 0)
    app = IPKernelApp.instance(parent_handle=parent)
    app.initialize(request.argv)
    # After initialize, which makes the shell these ask for and sets the default backend.
    _reset_matplotlib()
    with app.shell.builtin_trap:  # get_ipython() answers, as while a cell imports pandas
        _reset_pandas()
    app.start()
    _finish_control(app)
    _end_without_teardown()


def _finish_control(app) -> None:
    """Let the control thread finish answering the shutdown request before the kernel ends.

    That thread (and the shell channel's, likewise) still publishes its "idle" status
    when the main thread returns from ``app.start()``; ipykernel's exit handler then
    stops the IOPub thread first and joins the control thread, which waits on its flush
    for ten seconds (ipykernel's flush timeout), so the kernel is killed after
    jupyter_client's shutdown wait instead: 2.5 s lost in about one notebook run in
    five. Joined here first, it ends within milliseconds.
    """
    for name in ("control_thread", "shell_channel_thread"):  # the order of app.close()
        thread = getattr(app, name, None)
        if thread is not None and thread.is_alive():
            thread.stop()
            thread.join()


def _end_without_teardown() -> None:
    """End the kernel as the interpreter ends a program, except for unloading the modules.

    That last step frees every object of pandas, matplotlib and the rest one by one, which
    takes a fifth of a second the build would wait for, and writes to the pages the kernel
    shares with the zygote. What a notebook left behind is handled as at any exit: its
    threads are waited for (and thread pools shut down), then the exit handlers run
    (IPython's clears the notebook's namespace, which closes the files it left open) and
    the output streams are flushed.
    """
    import atexit

    threading._shutdown()  # what the interpreter calls first on exit: joins the threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _reset_matplotlib() -> None:
    """Set matplotlib's settings as importing it now, here, would: from the matplotlibrc
    this working folder and environment find, with the backend MPLBACKEND names."""
    import locale

    import matplotlib as mpl

    fresh = mpl.RcParams()
    fresh._update_raw(mpl.rcParamsDefault)
    fresh._update_raw(mpl._rc_params_in_file(mpl.matplotlib_fname()))
    mpl.rcParams._update_raw(fresh)
    mpl.rcParamsOrig = mpl.rcParams.copy()
    if mpl.rcParams["axes.formatter.use_locale"]:
        locale.setlocale(locale.LC_ALL, "")
    if os.environ.get("MPLBACKEND"):
        mpl.rcParams["backend"] = os.environ["MPLBACKEND"]


def _reset_pandas() -> None:
    """Set what pandas decided at import by whether it ran in a kernel (in the zygote it
    did not): how many columns a table shows before it abbreviates them."""
    from pandas._config import config
    from pandas.core.config_init import is_terminal

    key, columns = "display.max_columns", 0 if is_terminal() else 20
    config._registered_options[key] = config._registered_options[key]._replace(defval=columns)
    config.set_option(key, columns)


def remove_stale_sockets(folder: str) -> None:
    """Remove the kernel socket files in ``folder`` that no kernel listens on any more.

    A kernel removes its files as it ends, and jupyter_client after a kill; but when a
    build is killed (SIGKILL), its kernels die with it and nobody is left to do so. Only
    files of this user, older than a minute (a kernel binding now is never touched), that
    refuse a connection (no process listens) are removed.
    """
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith(SOCKET_PREFIX):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if (
                    not stat.S_ISSOCK(info.st_mode)
                    or info.st_uid != os.getuid()
                    or now - info.st_mtime < STALE_AFTER
                ):
                    continue
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    try:
                        probe.connect(entry.path)
                    except ConnectionRefusedError:
                        os.unlink(entry.path)


def _check_quietly(project) -> None:
    """Check the data files of ``project`` the cache lacks (in a child of the zygote, which
    exits then): what the check might print goes nowhere, as the build shows only what the
    notebooks say."""
    from brief.notebook import data

    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.close(quiet)
    data.check_data_files(project)


def large_data(project) -> bool:
    """Return whether the data files of ``project`` are worth checking while this process
    imports: CHECK_EARLY_FROM bytes or more in all."""
    from brief.notebook import data

    return sum(path.stat().st_size for path in data.data_files(project)) >= CHECK_EARLY_FROM


def _check_early(project: list[str], control: socket.socket) -> tuple[str, int] | None:
    """Start checking the data files of the build's project in a child as soon as brief
    can, while this process imports the rest, if they are large (CHECK_EARLY_FROM); return
    the root and the child's process id. The first kernels wait for no check then.

    ``project`` is the root (``[ROOT]``), where the search for it starts
    (``[SEARCH_FROM, FOLDER]``), or nothing.
    """
    if not project:
        return None
    try:
        # Imported here first (pandas, Arrow, brief's checks): all the child needs.
        from brief.notebook import data  # noqa: F401
        from brief.project.paths import find_project, open_project

        if project[0] == SEARCH_FROM:
            paths = find_project(Path(project[1]))
        else:
            paths = open_project(Path(project[0]))
        if not large_data(paths):
            return None  # the build names its project again, after the imports
    except Exception:  # the kernels find out, as without a zygote
        return None
    pid = os.fork()
    if pid == 0:
        try:
            gc.enable()
            _die_with_parent()
            control.close()
            _check_quietly(paths)
        finally:
            os._exit(0)
    return str(paths.root), pid


def main(argv: list[str]) -> int:
    """Serve the build on the control socket whose descriptor is ``argv[0]``; what
    follows, if anything, names the build's project (see :func:`_check_early`)."""
    control = socket.socket(fileno=int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    remove_stale_sockets(tempfile.gettempdir())  # milliseconds, while the build plans
    gc.disable()  # until the imports are done: see preload()
    checking = _check_early(argv[1:], control)
    try:
        preload()
    except Exception:  # silently: the build starts plain kernels, which say what is wrong
        return 1
    try:
        control.sendall(READY)
    except OSError:  # the build has gone while this imported (it had nothing to run)
        return 0
    zygote = _Zygote(control)
    if checking is not None:
        zygote.tables_of, zygote.checker = checking
    try:
        received = zygote.serve()
    finally:
        if os.getpid() == zygote_pid:
            zygote.stop()
    if received is None:
        # Nothing of the zygote's needs tearing down, and unloading what it imported takes
        # a quarter of a second at the end of every build.
        sys.stderr.flush()
        os._exit(0)
    become_kernel(received[0])
    return 0


zygote_pid = os.getpid()

if __name__ == "__main__":
    # As ipykernel_launcher does: the working folder is not for imports (the kernel adds '').
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    sys.exit(main(sys.argv[1:]))
