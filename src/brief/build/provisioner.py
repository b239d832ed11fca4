"""The jupyter_client side of forked kernels: a kernel provisioner and a kernel manager.

:class:`ForkProvisioner` is registered as ``brief-fork`` under the
``jupyter_client.kernel_provisioners`` entry point (pyproject.toml). It is
jupyter_client's :class:`LocalProvisioner` but for the launch: an IPython kernel of this
Python is forked from the build's zygote (:mod:`brief.build.kernels`); any other kernel, or
one asked for when no zygote runs, starts plainly. :class:`ForkKernelManager` is the
kernel manager brief hands to papermill (which passes it to nbclient); it asks for that
provisioner. papermill and nbclient are not changed: they interrupt, time out, restart
and kill a forked kernel through the same provisioner calls as a plain one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import uuid
from queue import Empty
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type, default

from brief.build.kernels import PROVISIONER, forking_wanted, running_zygote
from brief.build.zygote import SOCKET_PREFIX, KernelRequest

RECONNECT_MS = 10  # how often a client tries again to reach a kernel not listening yet


class ForkProvisioner(LocalProvisioner):
    """Launch an IPython kernel by fork from the zygote; any other kernel, plainly.

    Everything but the launch is :class:`LocalProvisioner`'s: the connection file and
    ports before it, and signals to the kernel's process group after it.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        argv = _ipykernel_arguments(cmd)
        env = dict(kwargs.get("env") or os.environ)
        zygote = running_zygote(env) if argv is not None else None
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

    def _context_default(self):
        # The client connects before the kernel has bound its sockets; ZeroMQ then tries
        # again every 100 ms by default, so a kernel ready after 80 ms was reached after
        # 100, one after 110 only after 200. Every 10 ms here: the files are local.
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return context

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

    client_class = DottedObjectName("brief.build.provisioner.ForkKernelClient")
    client_factory = Type(klass=ForkKernelClient)

    @default("context")
    def _quick_reconnect(self) -> zmq.asyncio.Context:
        # The manager's own socket (the control channel, on which the shutdown request goes)
        # connects as the kernel starts, before it listens: as in ForkKernelClient, try
        # again every 10 ms, not every 100 ms, or the request waits up to 0.1 s at the end.
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return context

    @default("transport")
    def _local_sockets(self) -> str:
        # Unix sockets where there are: a TCP port picked for one kernel can be taken by
        # another process's connection before the kernel binds it ("Address already in
        # use"), and the kernel then hangs; a socket file is this kernel's alone.
        return "ipc" if os.name == "posix" else "tcp"

    @default("ip")
    def _socket_files(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        # In the temporary folder, never in the notebook's: a short path (a Unix socket's
        # must stay under 104 bytes) and nothing written into the project.
        name = f"{SOCKET_PREFIX}{uuid.uuid4().hex[:12]}"  # the zygote sweeps leftovers by it
        return os.path.join(tempfile.gettempdir(), name)

    async def _async_finish_shutdown(
        self, waittime: float | None = None, pollinterval: float = 0.1, restart: bool = False
    ) -> None:
        """Wait for the kernel to end after a shutdown request, looking every 10 ms rather
        than every 100 ms: a forked kernel ends within milliseconds of the request, and
        asking whether it has (a look at a socket) costs nothing."""
        await super()._async_finish_shutdown(waittime, min(pollinterval, 0.01), restart)

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None and "kernel_provisioner" not in spec.metadata:
            spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER}
        return spec


def _ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """Return the kernel's arguments when ``cmd`` starts ipykernel with this Python (which
    the zygote is), else None: another interpreter or kernel starts plainly."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    return list(cmd[3:])


def kernel_manager_class() -> type | None:
    """Return the kernel manager class a notebook run should use (None: nbclient's own)."""
    return ForkKernelManager if forking_wanted() else None
