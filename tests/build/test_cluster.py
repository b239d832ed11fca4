"""Grids on Dask: a LocalCluster, and a real `dask scheduler` and `dask worker` on 127.0.0.1."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from brief.build.grid import GridSummary, build_grid, expand
from brief.exceptions import ClusterError, NotebookError
from brief.i18n import LANGUAGE_VARIABLE, speaking
from brief.project.letters import grid_summary_file
from tests.build.test_rebuild import letter_content
from tests.conftest import copy_example

pytestmark = pytest.mark.slow

YEAR = 2024
STARTUP = 90  # seconds a scheduler or worker may take to come up on a busy CI machine


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def area_folder(project, slug: str) -> Path:
    return project.outputs_dir / "gebied" / slug / str(YEAR)


def papermill_input(executed: Path) -> str:
    return json.loads(executed.read_text(encoding="utf-8"))["metadata"]["papermill"]["input_path"]


# --- a LocalCluster in this process -----------------------------------------------------------


@pytest.fixture(scope="module")
def local_cluster():
    from distributed import LocalCluster

    # Its web server (for /metrics, even without a dashboard) on a free port, as brief's own
    # LocalCluster: the default, 8787, is taken whenever another test run is going on.
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address="127.0.0.1:0"
    )
    yield cluster
    cluster.close()


def test_a_local_cluster_builds_the_same_letters_as_threads_and_no_change_starts_none(
    local_cluster, tmp_path
):
    from distributed import Client

    threaded = copy_example(tmp_path / "threaded")
    clustered = copy_example(tmp_path / "clustered")
    only = ["area=Charlois", "area=Hoogvliet"]
    connections = []

    def connect():
        connections.append(1)
        return Client(local_cluster)

    on_threads = build_grid(threaded, expand(threaded, [YEAR], only=only), jobs=2)
    on_cluster = build_grid(
        clustered, expand(clustered, [YEAR], only=only), jobs=2, cluster=connect
    )

    assert [e.status for e in on_cluster.entries] == ["built", "built"], on_cluster.entries
    assert on_cluster.cluster_connected and len(connections) == 1
    for mine, theirs in zip(on_threads.entries, on_cluster.entries, strict=True):
        assert mine.gaps == theirs.gaps
        assert letter_content(threaded.outputs_dir / mine.letter) == letter_content(
            clustered.outputs_dir / theirs.letter
        ), mine.label
    executed = area_folder(clustered, "charlois") / "notebooks" / "01-jeugd.ipynb"
    assert not Path(papermill_input(executed)).is_relative_to(clustered.root)
    assert (area_folder(clustered, "charlois") / "notebooks" / "01-jeugd.html").is_file()

    again = build_grid(clustered, expand(clustered, [YEAR], only=only), jobs=2, cluster=connect)

    assert [e.status for e in again.entries] == ["reused", "reused"]
    assert not again.cluster_connected and len(connections) == 1


# --- a real scheduler and worker, as subprocesses ---------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, seconds: float = STARTUP) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Cluster:
    """A `dask scheduler` and its workers, each a subprocess stopped by pid at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.scheduler = self._start(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-dashboard",
                "--dashboard-address",  # its web server still starts, on 8787 unless told
                "127.0.0.1:0",
            ],
            "scheduler",
        )
        wait_for(lambda: accepts(self.port), "the scheduler listening")

    def _start(self, command: list[str], name: str, env: dict | None = None):
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_worker(self, name: str, env: dict | None = None) -> tuple[subprocess.Popen, Path]:
        """Start one worker process with two threads, its temp folder its own; wait for it."""
        temp = self.folder / f"{name}-tmp"
        temp.mkdir()
        worker = self._start(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                self.address,
                "--nworkers",
                "1",
                "--nthreads",
                "2",
                "--no-nanny",
                "--no-dashboard",
                "--name",
                name,
                "--local-directory",
                str(temp),
            ],
            name,
            {"TMPDIR": str(temp), **(env or {})},
        )
        wait_for(lambda: name in self.worker_names(), f"worker {name} joining")
        return worker, temp

    def worker_names(self) -> set[str]:
        from distributed import Client

        with Client(self.address, timeout=10) as client:
            return {info.get("name") for info in client.scheduler_info()["workers"].values()}

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


@pytest.fixture
def cluster(tmp_path):
    started = Cluster(tmp_path)
    yield started
    started.stop()


def brief_build(project, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "brief", "build", str(YEAR), *args],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_the_command_builds_on_a_real_worker_from_shipped_files(cluster, tmp_path):
    project = copy_example(tmp_path / "project")
    _, worker_temp = cluster.start_worker("w1")

    build = brief_build(
        project, "--per", "area", "--only", "area=Charlois", "--cluster", cluster.address
    )
    out, err = build.communicate(timeout=600)

    assert build.returncode == 0, err
    assert "2024 Charlois: built" in out
    letter = area_folder(project, "charlois") / "brief-2024-charlois.docx"
    assert letter.is_file()
    for executed in (area_folder(project, "charlois") / "notebooks").glob("*.ipynb"):
        ran = Path(papermill_input(executed))
        assert ran.is_relative_to(worker_temp), ran  # the worker's own copy of the project
        assert not ran.is_relative_to(project.root)
    assert not list(worker_temp.rglob("brief-2024-charlois.docx"))  # letters are made here


def test_a_worker_killed_mid_grid_keeps_finished_letters_and_the_next_build_completes(
    cluster, tmp_path
):
    project = copy_example(tmp_path / "project")
    signal_file = tmp_path / "paused"
    moment = f"worker: {YEAR} Delfshaven 01-jeugd.ipynb started"
    worker, _ = cluster.start_worker(
        "w1", {"BRIEF_PAUSE_AT": moment, "BRIEF_PAUSE_SIGNAL": str(signal_file)}
    )
    only = ["--only", "area=Charlois", "--only", "area=Delfshaven"]
    # --jobs 1: one letter at a time, so Charlois is finished when Delfshaven starts.
    build = brief_build(
        project, *only, "--cluster", cluster.address, "--jobs", "1",
        env={"BRIEF_CLUSTER_WAIT": "5"},
    )  # fmt: skip

    wait_for(signal_file.exists, "the worker reaching Delfshaven", seconds=600)
    assert int(signal_file.read_text()) == worker.pid
    finished = fingerprint(area_folder(project, "charlois"))
    os.killpg(worker.pid, signal.SIGKILL)
    out, err = build.communicate(timeout=300)

    assert build.returncode == 1
    assert "2024 Charlois: built" in out
    assert "Error: 2024 Delfshaven:" in err and "no Dask worker" in err
    assert fingerprint(area_folder(project, "charlois")) == finished
    assert not (area_folder(project, "delfshaven") / "brief-2024-delfshaven.docx").exists()
    assert not list(area_folder(project, "delfshaven").parent.glob(".*-building-*"))
    summary = GridSummary.read(grid_summary_file(project, YEAR))
    assert [(e.label, e.status) for e in summary.letters] == [
        ("2024 Charlois", "built"),
        ("2024 Delfshaven", "failed"),
    ]

    cluster.start_worker("w2")
    again = brief_build(project, *only, "--cluster", cluster.address)
    out, err = again.communicate(timeout=600)

    assert again.returncode == 0, err
    assert "2024 Charlois: up to date" in out and "2024 Delfshaven: built" in out
    assert fingerprint(area_folder(project, "charlois")) == finished
    assert (area_folder(project, "delfshaven") / "brief-2024-delfshaven.docx").is_file()


def test_a_worker_speaks_the_language_of_the_build_whatever_its_own(cluster, tmp_path):
    from brief.build.cluster import ClusterRunner
    from tests.build.test_year import add_notebook

    project = copy_example(tmp_path / "project")
    add_notebook(
        project,
        "06-taal.ipynb",
        f'import os\nraise ValueError("kernel: " + os.environ.get("{LANGUAGE_VARIABLE}", "-"))',
    )
    # The worker's own environment names a language brief does not speak: whatever the
    # worker and its kernels speak below, they heard from the build.
    cluster.start_worker("w1", {LANGUAGE_VARIABLE: "fr"})
    runner = ClusterRunner(project, cluster.address)

    def run(language: str) -> str:
        out_dir = Path(tempfile.mkdtemp(dir=tmp_path)) / "notebooks"
        out_dir.mkdir()
        with speaking(language), pytest.raises((NotebookError, ClusterError)) as caught:
            runner(
                [project.notebooks_dir / "06-taal.ipynb"],
                out_dir,
                YEAR,
                failed_dir=out_dir.parent / "failed",
                timeout=120,
                parameters={"year": YEAR, "area": "Charlois"},
                label=f"{YEAR} Charlois",
            )
        return str(caught.value)

    try:
        english = run("en")
        dutch = run("nl")
        runner._facts = {**runner._facts, "pandas": "0.0.1"}  # the worker refuses now
        refused = run("en")
        worker_language = runner.client.run(lambda: os.environ.get(LANGUAGE_VARIABLE))
    finally:
        runner.close()

    assert "ValueError: kernel: en" in english  # the kernel on the worker spoke English
    assert "Notebook 06-taal.ipynb failed for 2024" in english  # and so did the worker
    page = Path(re.search(r"open (\S+06-taal\.html) to read it", english).group(1))
    assert page.is_file() and page.is_relative_to(tmp_path)  # made here, from the worker's
    assert "ValueError: kernel: nl" in dutch
    assert refused.startswith("The Dask worker tcp://127.0.0.1:")  # said on the worker
    assert "pandas" in refused and "(the coordinator has 0.0.1)" in refused
    assert list(worker_language.values()) == ["fr"]  # its own again once the tasks ended
