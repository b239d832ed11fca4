"""Kernels forked from the warm zygote: the same letter as plain kernels, fresh processes,
and nothing left running after a build, a failure or a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from docx import Document

from brief.build import kernels, pausing
from brief.build.run import run_notebooks
from brief.build.year import build_year
from brief.exceptions import NotebookError
from brief.notebook.data import load_data
from brief.records import RunRecord
from tests.conftest import copy_example

pytestmark = pytest.mark.slow  # starts kernels

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads processes from /proc"
)


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """Record the process id of every kernel forked by the zygote in this test."""
    forked: list[int] = []
    fork = kernels.Zygote.fork

    def recording(self, request):
        process = fork(self, request)
        if process is not None:
            forked.append(process.pid)
        return process

    monkeypatch.setattr(kernels.Zygote, "fork", recording)
    return forked


def letter_text(path: Path) -> list[str]:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def outputs_without_timings(notebook: Path) -> list:
    """Return every cell's source and outputs, without execution counts and timings."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [(cell["source"], cell.get("outputs", [])) for cell in cells]


def test_forked_and_plain_kernels_build_the_same_letter(tmp_path, monkeypatch, forks):
    projects = {how: copy_example(tmp_path / how) for how in ("plain", "fork")}

    monkeypatch.setenv(kernels.ENV_KERNELS, "plain")
    build_year(projects["plain"], 2023, jobs=2)
    assert forks == []
    monkeypatch.setenv(kernels.ENV_KERNELS, "fork")
    build_year(projects["fork"], 2023, jobs=2)

    notebooks = sorted(p.name for p in projects["fork"].notebooks())
    assert len(forks) == len(notebooks)  # every notebook ran in a forked kernel
    plain, forked = (projects[how].year_dir(2023) for how in ("plain", "fork"))
    assert letter_text(forked / "brief-2023.docx") == letter_text(plain / "brief-2023.docx")
    shown = {
        how: RunRecord.model_validate_json((folder / "run.json").read_text()).shown
        for how, folder in (("plain", plain), ("fork", forked))
    }
    assert shown["fork"] == shown["plain"]
    for name in notebooks:
        assert outputs_without_timings(forked / "notebooks" / name) == outputs_without_timings(
            plain / "notebooks" / name
        ), name


PORTRAIT = """
import gc, json, os, random, sys, threading
import numpy, matplotlib
print(json.dumps({
    "collector": gc.isenabled(),
    "cwd": os.getcwd(),
    "lang": os.environ.get("BRIEF_LANG"),
    "mark": os.environ.get("MARK"),
    "path": sys.path.index(""),
    "backend": matplotlib.get_backend(),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    # Default names count the threads made in the process ("Thread-2"): kinds only.
    "threads": sorted(t.name.split("-")[0] for t in threading.enumerate()),
    "stdin": sys.stdin.read() if sys.stdin else None,
    "charts": "brief.notebook.charts" in sys.modules,
    # Whether numpy asked for huge pages (the call returns the setting it replaces).
    "huge pages": [os.environ.get("NUMPY_MADVISE_HUGEPAGE"),
                   numpy._core.multiarray._set_madvise_hugepage(False)],
    "random": [random.random(), float(numpy.random.rand())],
    "debugpy": sys.modules.get("debugpy") is not None,
}))
"""


def portrait_notebook(folder: Path, name: str) -> Path:
    """A notebook that prints what makes its kernel a fresh process of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "matplotlibrc").write_text("lines.linewidth: 7\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("year = 2023")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(PORTRAIT)]
    path = folder / name
    nbformat.write(notebook, path)
    return path


def portraits(runs) -> list[dict]:
    result = []
    for run in runs:
        cells = json.loads(run.executed.read_text(encoding="utf-8"))["cells"]
        result.append(json.loads("".join(cells[-1]["outputs"][0]["text"])))
    return result


def test_a_forked_kernel_is_a_fresh_process_like_a_plain_one(tmp_path, monkeypatch, forks):
    sources = [portrait_notebook(tmp_path / f"p{n}", f"0{n}-p.ipynb") for n in (1, 2, 3)]
    monkeypatch.chdir(tmp_path)

    def run(how: str, mark: str) -> list[dict]:
        monkeypatch.setenv(kernels.ENV_KERNELS, how)
        monkeypatch.setenv("MARK", mark)
        out = tmp_path / how
        return portraits(run_notebooks(sources, out, 2023, failed_dir=out / "failed", jobs=2))

    plain = run("plain", "first")
    forked = run("fork", "second")

    assert len(forks) == 3
    for source, seen, fresh in zip(sources, forked, plain, strict=True):
        assert seen["cwd"] == str(source.parent)  # its own folder, matplotlibrc and all
        assert seen["mark"] == "second"  # the environment of this build, not the zygote's
        assert seen["linewidth"] == 7.0
        randoms = seen.pop("random"), fresh.pop("random")
        assert randoms[0] != randoms[1]
        # The one difference on purpose: no debugger in a forked kernel (zygote.preload).
        assert (seen.pop("debugpy"), fresh.pop("debugpy")) == (False, True)
        assert {**seen, "mark": None} == {**fresh, "mark": None}
        assert seen["huge pages"] == ["0", False]  # brief.build.kernels.kernel_environment


def test_forked_kernels_draw_different_random_numbers(tmp_path, forks):
    sources = [portrait_notebook(tmp_path / f"p{n}", f"0{n}-p.ipynb") for n in (1, 2, 3)]

    seen = portraits(run_notebooks(sources, tmp_path / "out", 2023, failed_dir=tmp_path / "f"))

    assert len(forks) == 3
    draws = [tuple(kernel["random"]) for kernel in seen]
    assert len(set(draws)) == 3
    assert len({draw[1] for draw in draws}) == 3  # numpy's too


SHARED = """
import json
import brief
from brief.notebook import tablecache
read = []
reading = tablecache.read_table
tablecache.read_table = lambda *args, **kw: read.append(args[1].name) or reading(*args, **kw)
jeugd = brief.load_data("jeugd")
before = float(jeugd["value"].iloc[0])
jeugd.loc[jeugd.index[0], "value"] = -1.0  # this notebook's own change
jeugd["area"] = "Nergens"
again = brief.load_data("jeugd")
print(json.dumps({"read": read, "before": before, "again": float(again["value"].iloc[0]),
                  "area": again["area"].iloc[0]}))
"""


def test_forked_kernels_share_the_tables_kept_and_keep_their_changes_their_own(
    project, tmp_path, forks
):
    checked = load_data("jeugd", project)  # in the cache, as after an earlier build
    sources = []
    for n in (1, 2):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(SHARED)]
        sources.append(project.notebooks_dir / f"0{n}-gedeeld.ipynb")
        nbformat.write(notebook, sources[-1])

    runs = run_notebooks(sources, tmp_path / "out", 2023, failed_dir=tmp_path / "f", jobs=1)

    assert len(forks) == 2
    for run in runs:  # the second ran after the first changed its table
        outputs = json.loads(run.executed.read_text(encoding="utf-8"))["cells"][-1]["outputs"]
        seen = json.loads("".join(outputs[-1]["text"]))
        assert seen["read"] == []  # handed out by the zygote, not read from the cache again
        assert seen["before"] == seen["again"] == float(checked["value"].iloc[0])
        assert seen["area"] == checked["area"].iloc[0]


def children_of(pid: int) -> list[int]:
    """Return the processes whose parent is ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@linux_only
def test_no_zygote_or_kernel_is_left_after_a_build_or_a_failure(project, forks):
    # Children that earlier tests of the session left (a Dask cluster's) are not this one's.
    before = {pid for pid in children_of(os.getpid()) if alive(pid)}

    build_year(project, 2023, jobs=2)
    assert forks and not any(alive(pid) for pid in forks)
    assert [pid for pid in children_of(os.getpid()) if alive(pid) and pid not in before] == []

    dying = nbformat.v4.new_notebook()
    dying.cells = [nbformat.v4.new_code_cell("import os\nos._exit(1)")]
    nbformat.write(dying, project.notebooks_dir / "06-sterft.ipynb")
    with pytest.raises(NotebookError, match="died"):
        build_year(project, 2023, jobs=2, force=True)

    assert not any(alive(pid) for pid in forks)
    assert [pid for pid in children_of(os.getpid()) if alive(pid) and pid not in before] == []


def marked_processes(mark: str) -> list[int]:
    """Return the live processes started with MARK=``mark`` in their environment."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"MARK={mark}".encode() in environ and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


@linux_only
@pytest.mark.parametrize("moment", ["notebook 1 done", "HTML 2 written"])
def test_a_killed_build_leaves_no_zygote_or_kernel(project, tmp_path, moment):
    mark, paused = uuid.uuid4().hex, tmp_path / "paused"
    environment = {"MARK": mark, pausing.PAUSE_AT: moment, pausing.PAUSE_SIGNAL: str(paused)}
    command = [sys.executable, "-m", "brief", "build", "2023", "--jobs", "2"]
    build = subprocess.Popen(
        [*command, "--project", str(project.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, **environment},
    )
    try:
        while not paused.exists():
            if build.poll() is not None:
                pytest.fail(f"the build ended before {moment}: {build.stderr.read().decode()}")
            time.sleep(0.01)
        assert len(marked_processes(mark)) >= 2  # the build and its zygote, at least
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()

    # The zygote dies with the build's process group; its kernels die with the zygote.
    deadline = time.monotonic() + 30
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marked_processes(mark) == []


def unix_socket_file(path: Path, listening: bool = False):
    """Bind a Unix socket at ``path``; return it listening, or close it and leave its file
    behind as a killed kernel does (None)."""
    import socket as sockets

    bound = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    bound.bind(str(path))
    if listening:
        bound.listen()
        return bound
    bound.close()
    return None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="Unix sockets of forked kernels")
def test_the_zygote_removes_socket_files_that_killed_kernels_left(tmp_path):
    from brief.build.zygote import SOCKET_PREFIX, STALE_AFTER, remove_stale_sockets

    left = tmp_path / f"{SOCKET_PREFIX}0123456789ab-1"
    unix_socket_file(left)
    fresh = tmp_path / f"{SOCKET_PREFIX}0123456789ab-2"  # a kernel binding just now
    unix_socket_file(fresh)
    live = unix_socket_file(tmp_path / f"{SOCKET_PREFIX}ba9876543210-1", listening=True)
    other = tmp_path / "kernel-other-1"  # not brief's
    unix_socket_file(other)
    old = time.time() - STALE_AFTER - 10
    for path in (left, other, tmp_path / f"{SOCKET_PREFIX}ba9876543210-1"):
        os.utime(path, (old, old))

    with live:
        remove_stale_sockets(str(tmp_path))

        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [fresh.name, f"{SOCKET_PREFIX}ba9876543210-1", other.name]
        )


def test_the_manager_and_its_client_reach_a_starting_kernel_within_10_ms():
    """Both connect before the kernel listens; at ZeroMQ's default of 100 ms between tries,
    the shutdown request on the manager's control socket waited up to a tenth of a second
    at the end of every notebook run."""
    import zmq

    from brief.build.provisioner import RECONNECT_MS, ForkKernelManager

    manager = ForkKernelManager()
    client = manager.client()
    try:
        for context in (manager.context, client.context):
            assert context.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS == 10
    finally:
        manager.context.destroy()
        client.context.destroy()


@pytest.mark.skipif(not kernels.forking_wanted(), reason="kernels start plainly here")
def test_a_zygote_started_early_is_adopted_by_the_build_or_stopped_unused():
    early = kernels._Zygotes()
    early.start_early()
    zygote = early._zygote
    assert zygote is not None and early.get(dict(os.environ)) is None  # no build yet

    early.enter()  # the build's warm block takes the one already importing
    assert early._zygote is zygote and early.get(dict(os.environ)) is zygote
    early.leave()
    assert zygote.process.poll() is not None

    unused = kernels._Zygotes()
    unused.start_early()
    importing = unused._zygote.process
    unused.stop_unused()  # at exit: nothing was built; killed while it still imports
    assert importing.poll() is not None and unused._zygote is None


@linux_only
def test_a_build_with_nothing_to_do_starts_a_zygote_early_and_leaves_none(project, tmp_path):
    build_year(project, 2023, jobs=2)
    command = [sys.executable, "-m", "brief", "build", "2023", "--project", str(project.root)]
    mark, paused = uuid.uuid4().hex, tmp_path / "paused"
    holding = {"MARK": mark, pausing.PAUSE_AT: "planned", pausing.PAUSE_SIGNAL: str(paused)}
    build = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, start_new_session=True, env={**os.environ, **holding}
    )
    try:
        while not paused.exists():
            assert build.poll() is None, "the build ended before it had planned"
            time.sleep(0.01)
        assert len(marked_processes(mark)) == 2  # the build and the zygote it started first
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()

    mark = uuid.uuid4().hex
    done = subprocess.run(
        [*command, "--lang", "en"], capture_output=True, text=True, env={**os.environ, "MARK": mark}
    )
    assert done.returncode == 0 and "nothing changed" in done.stdout, done.stderr
    assert marked_processes(mark) == []  # stopped at exit, killed as it still imported


@pytest.mark.parametrize(
    "arguments, early",
    [
        (["build"], True),
        (["build", "2023", "--per", "gebied", "--jobs", "2"], True),
        (["build", "2024", "--cluster", "tcp://host:8786"], False),
        (["build", "--cluster=local:2"], False),
        (["build", "--help"], False),
        (["check", "2023"], False),
        ([], False),
    ],
)
def test_only_a_build_on_this_machine_starts_the_zygote_early(arguments, early, monkeypatch):
    from brief.__main__ import _builds_here

    monkeypatch.delenv("BRIEF_CLUSTER", raising=False)
    assert _builds_here(arguments) is early
    monkeypatch.setenv("BRIEF_CLUSTER", "tcp://host:8786")
    assert _builds_here(arguments) is False


def wait_until_checked(project, path: Path, seconds: float = 60) -> None:
    """Wait until the cache holds the checked table of ``path`` (a zygote's child checks
    it: the zygote's imports, then the check), failing after ``seconds``."""
    from brief.notebook import data, tablecache
    from brief.project.settings import load_settings

    key = data._table_key(path, project, load_settings(project.root))[1]
    cache = tablecache.cache_dir(project.outputs_dir)
    deadline = time.monotonic() + seconds
    while not data._whole(tablecache.read_table(cache, path, key)):
        assert time.monotonic() < deadline, f"the zygote never checked {path.name}"
        time.sleep(0.05)


@pytest.mark.skipif(not kernels.forking_wanted(), reason="kernels start plainly here")
def test_a_zygote_started_early_checks_the_data_of_the_project_it_is_then_told(project):
    """`brief build` starts the zygote before it knows the project; told it as the build
    opens its warm block, the zygote checks the data files before any kernel asks."""
    from brief.notebook import data, tablecache
    from brief.project.settings import load_settings

    path = project.data_dir / "jeugd.csv"
    key = data._table_key(path, project, load_settings(project.root))[1]
    cache = tablecache.cache_dir(project.outputs_dir)
    assert not data._whole(tablecache.read_table(cache, path, key))

    zygotes = kernels._Zygotes()
    zygotes.start_early()
    zygotes.enter(project.root)
    try:
        wait_until_checked(project, path)
    finally:
        zygotes.leave()


@pytest.mark.skipif(not kernels.forking_wanted(), reason="kernels start plainly here")
def test_a_zygote_started_early_checks_large_data_before_the_build_names_the_project(
    project, monkeypatch
):
    """`brief build` starts the zygote as it starts, from the folder it runs in: with large
    data files the zygote finds the project itself and checks them while it imports."""
    from brief.build.zygote import CHECK_EARLY_FROM

    path = project.data_dir / "jeugd.csv"
    areas = [line.split(",")[0] for line in project.areas_file.read_text("utf-8").splitlines()[1:]]
    long_source = "x" * 10_000  # few rows, many bytes: a check of a second would slow the test
    rows = [
        f"kinderwerk_pleinen,{year},{area},1,realisation,{long_source}\n"
        for year in range(2030, 2030 + CHECK_EARLY_FROM // (len(areas) * 10_000) + 1)
        for area in areas
    ]
    with path.open("a", encoding="utf-8") as stream:
        stream.writelines(rows)
    assert path.stat().st_size >= CHECK_EARLY_FROM
    monkeypatch.chdir(project.root / "notebooks")  # where a user may run it: one folder down

    zygotes = kernels._Zygotes()
    zygotes.start_early(None)  # no --project: the zygote searches as the command will
    try:
        wait_until_checked(project, path)
    finally:
        zygotes.stop_unused()


@pytest.mark.skipif(not kernels.forking_wanted(), reason="kernels start plainly here")
def test_a_zygote_started_for_a_project_checks_its_small_data_once_it_has_imported(project):
    """Small files are not checked while the zygote imports (see CHECK_EARLY_FROM), but
    as soon as it has: before the first kernel asks for them, as with a zygote started
    early."""
    path = project.data_dir / "ouderen.csv"

    zygotes = kernels._Zygotes()
    zygotes.enter(project.root)  # as a build's warm block opens, with no zygote started early
    try:
        wait_until_checked(project, path)
    finally:
        zygotes.leave()
