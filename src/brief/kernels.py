"""Start notebook kernels by fork from a warm process, where the platform allows it.

:mod:`brief.zygote` imports ipykernel, numpy, pandas, matplotlib and brief's notebook
side once; every kernel is then a fork of it, ready in a few hundredths of a second
instead of 1.3 s. It plugs in where Jupyter expects it: :class:`ForkProvisioner` is a
jupyter_client kernel provisioner, registered as ``brief-fork`` under the
``jupyter_client.kernel_provisioners`` entry point, and :class:`ForkKernelManager` is the
kernel manager brief hands to papermill (through nbclient), which asks for it. papermill
and nbclient are not changed: they interrupt, time out, restart and kill a forked kernel
through the same provisioner calls as a plain one.

One zygote serves a build (all its years and letters), or a Dask worker process for its
lifetime (:func:`keep_warm`). It ends when the build does: :func:`warm_kernels` stops it
on the way out, and if the build is killed its end of the socket closes and the zygote
kills its kernels and exits.

Kernels start plainly, as before, where there is no fork (Windows), on macOS (forking a
process that has loaded system frameworks is unsafe there), with ``BRIEF_KERNELS=plain``,
or when the zygote cannot start; ``BRIEF_KERNELS=fork`` asks for forks on macOS too.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type

from brief.zygote import READY, KernelRequest, send_request

ENV_KERNELS = "BRIEF_KERNELS"  # "plain": start kernels as jupyter_client does; "fork"
PROVISIONER = "brief-fork"  # its name under the jupyter_client.kernel_provisioners entry point
START_TIMEOUT = 60.0  # seconds the zygote may take to import everything
# Variables that differ between kernels of one zygote and that nothing reads at import.
_PER_KERNEL = {"BRIEF_LANG", "JPY_PARENT_PID", "JPY_SESSION_NAME", "PYDEVD_USE_FRAME_EVAL"}


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


class ForkProvisioner(LocalProvisioner):
    """Launch an IPython kernel by fork from the zygote; any other kernel, plainly.

    Everything but the launch is :class:`LocalProvisioner`'s: the connection file and
    ports before it, and signals to the kernel's process group after it.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        argv = _ipykernel_arguments(cmd)
        zygote = _ZYGOTES.get() if argv is not None else None
        env = dict(kwargs.get("env") or os.environ)
        process = None
        if zygote is not None and kwargs.get("stdout") is None and kwargs.get("stderr") is None:
            if not kwargs.get("independent"):
                env["JPY_PARENT_PID"] = str(os.getpid())  # as launch_kernel sets it
            cwd = str(kwargs.get("cwd") or os.getcwd())
            process = zygote.fork(KernelRequest(argv, cwd, env))
        if process is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = process
        self.pid = self.pgid = process.pid  # the child made its own session first
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info


class ForkKernelClient(AsyncKernelClient):
    """jupyter_client's client, but ready as soon as a local kernel is."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers kernel_info and its IOPub channel is connected.

        As jupyter_client's own, except for the end: that listens on IOPub until it has
        been quiet for 0.2 s, a fifth of a second of every notebook run. A local kernel's
        start-up messages arrive within milliseconds, and nbclient ignores any message
        that is not about the cell it runs, so 10 ms of quiet is enough here.
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            with contextlib.suppress(Empty):
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    with contextlib.suppress(Empty):
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                        self._handle_kernel_info_reply(reply)
                        break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        with contextlib.suppress(Empty):
            while True:
                await self.iopub_channel.get_msg(timeout=0.01)


class ForkKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels are launched by :class:`ForkProvisioner`, unless the
    kernel's spec names a provisioner of its own."""

    client_class = DottedObjectName("brief.kernels.ForkKernelClient")
    client_factory = Type(klass=ForkKernelClient)

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None and "kernel_provisioner" not in spec.metadata:
            spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER}
        return spec


def kernel_manager_class() -> type | None:
    """Return the kernel manager class a notebook run should use (None: nbclient's own)."""
    return ForkKernelManager if forking_wanted() else None


def _ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """Return the kernel's arguments when ``cmd`` starts ipykernel with this Python (which
    the zygote is), else None: another interpreter or kernel starts plainly."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    return list(cmd[3:])


class Zygote:
    """The build's side of one zygote process: start it, ask it for kernels, stop it."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self._send = threading.Lock()
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "brief.zygote", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                env=env,
            )
        self.control = ours
        readable, _, _ = select.select([ours], [], [], START_TIMEOUT)
        ready = ours.recv(len(READY)) if readable else b""
        if ready != READY:
            self.close()
            raise OSError("the kernel zygote did not start")

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
        """Stop the zygote; it kills the kernels it still runs."""
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
    """The zygote of this process, started when the first kernel is asked for while a
    :func:`warm_kernels` block is open, stopped when the last such block ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._users = 0
        self._zygote: Zygote | None = None
        self._failed = False

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0:
                return
            zygote, self._zygote, self._failed = self._zygote, None, False
        if zygote is not None:
            zygote.close()

    def get(self) -> Zygote | None:
        """Return the running zygote, started now if need be; None: start kernels plainly
        (no warm block is open, it could not start, or the environment changed)."""
        env = dict(os.environ)
        with self._lock:
            if self._users == 0 or self._failed:
                return None
            if self._zygote is None:
                try:
                    self._zygote = Zygote(env)
                except OSError:
                    self._failed = True  # once is enough: this build starts kernels plainly
                    return None
            zygote = self._zygote
        return zygote if zygote.serves(env) else None

    @property
    def running(self) -> Zygote | None:
        return self._zygote


_ZYGOTES = _Zygotes()


@contextlib.contextmanager
def warm_kernels() -> Iterator[None]:
    """Inside the block, kernels fork from one zygote, started on first use; it stops when
    the outermost block ends (or the process does)."""
    if not forking_wanted():
        yield
        return
    _ZYGOTES.enter()
    try:
        yield
    finally:
        _ZYGOTES.leave()


def keep_warm() -> None:
    """Keep a zygote for the rest of this process's life (a Dask worker's), once."""
    global _KEPT
    with _KEEPING:
        if not _KEPT and forking_wanted():
            _ZYGOTES.enter()
            _KEPT = True


_KEEPING = threading.Lock()
_KEPT = False
