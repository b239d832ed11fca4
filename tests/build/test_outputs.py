"""outputs/<year>: modes colleagues can read, a portable lock, a swap without a gap."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import filelock  # noqa: F401  (imported before any test hides fcntl)
import pytest

from brief.build import year as build
from brief.build.locks import year_lock
from brief.build.year import _make_staging, _old_copy, _recover, _replace, build_year
from brief.exceptions import BriefError
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths

YEAR = 2023
ON_LINUX = sys.platform.startswith("linux")
posix_modes = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    """The permission bits of ``folder`` and of everything under it, by relative path."""
    paths = [folder, *sorted(folder.rglob("*"))]
    return {p.relative_to(folder).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in paths}


def assert_modes(folder: Path, folders: int, files: int) -> None:
    wrong = {
        path: oct(mode)
        for path, mode in modes(folder).items()
        if mode != (folders if (folder / path).is_dir() else files)
    }
    assert not wrong, f"expected {oct(folders)} for folders, {oct(files)} for files: {wrong}"


def fill(folder: Path, text: str) -> None:
    """Write a small year's outputs into ``folder``, as a build would."""
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "01-jeugd.html").write_text(text, encoding="utf-8")
    (folder / "index.html").write_text(text, encoding="utf-8")


def content(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def paths(tmp_path) -> ProjectPaths:
    paths = ProjectPaths(tmp_path / "project")
    paths.outputs_dir.mkdir(parents=True)
    return paths


# Modes ------------------------------------------------------------------------------------


@posix_modes
@pytest.mark.parametrize(
    ("mask", "folders", "files"),
    [
        pytest.param(0o022, 0o755, 0o644, id="umask 022"),
        pytest.param(0o027, 0o750, 0o640, id="umask 027"),
    ],
)
@pytest.mark.parametrize("had_outputs", [False, True], ids=["first build", "rebuild"])
def test_staged_and_swapped_outputs_follow_the_umask(paths, mask, folders, files, had_outputs):
    final = paths.year_dir(YEAR)
    with umask(mask):
        if had_outputs:
            final.mkdir()
            fill(final, "old")

        staging = _make_staging(paths, Letter(YEAR))
        fill(staging, "new")
        _replace(staging, final)

    assert staging.name.startswith(paths.staging_prefix(YEAR))
    assert content(final) == {"index.html": "new", "notebooks/01-jeugd.html": "new"}
    assert_modes(final, folders, files)


def test_each_staging_folder_is_new(paths):
    first = _make_staging(paths, Letter(YEAR))

    second = _make_staging(paths, Letter(YEAR))

    assert first != second
    assert first.is_dir() and second.is_dir()


@posix_modes
@pytest.mark.slow
def test_a_built_year_can_be_opened_by_colleagues_on_a_shared_folder(project):
    pdf = shutil.which("soffice") is not None
    with umask(0o022):
        build_year(project, YEAR, jobs=2, review=True, pdf=pdf)
        assert_modes(project.year_dir(YEAR), 0o755, 0o644)

        # A rebuild copies the notebooks it reuses and swaps the folders.
        params = project.params_file(YEAR)
        params.write_text(
            params.read_text(encoding="utf-8").replace("M2312-1203", "M2312-9999"),
            encoding="utf-8",
        )
        assert build_year(project, YEAR, review=True, pdf=pdf).built

    assert_modes(project.year_dir(YEAR), 0o755, 0o644)
    assert (project.year_dir(YEAR) / "index.html").is_file()
    assert not list(project.outputs_dir.glob(f".{YEAR}-*"))


# The lock ---------------------------------------------------------------------------------

HOLDER = r"process {pid}, since \d\d:\d\d:\d\d"
MESSAGE = (
    r"^2023 is already being built \({holder}\)\. Wait until that build has finished, "
    r"then run this one again\.$"
)


def test_a_second_lock_on_a_year_stops_with_the_holder_named(paths):
    with year_lock(paths, YEAR):
        holder = paths.lock_holder_file(YEAR).read_text(encoding="utf-8")
        with pytest.raises(BriefError) as caught, year_lock(paths, YEAR):
            pass

    assert re.fullmatch(HOLDER.format(pid=os.getpid()), holder)
    assert re.match(MESSAGE.format(holder=re.escape(holder)), str(caught.value))
    assert not paths.lock_holder_file(YEAR).exists()
    with year_lock(paths, YEAR):  # free again
        pass


def test_the_lock_message_names_the_holder_in_the_language_of_the_build_that_waits():
    from brief.build.locks import lock_held_message
    from brief.i18n import _, speaking

    holder = "process 4711, since 10:02:13"  # as every build writes it, whatever it speaks
    letter = Letter(YEAR, "Oud Zuid")

    assert lock_held_message(letter, holder) == (
        "2023 Oud Zuid is already being built (process 4711, since 10:02:13). Wait until that "
        "build has finished, then run this one again."
    )
    assert re.match(MESSAGE.format(holder="another process"), lock_held_message(Letter(YEAR), ""))
    with speaking("nl"):
        held = _(
            "{letter} is already being built (process {process}, since {since}). Wait until "
            "that build has finished, then run this one again."
        ).format(letter="2023 Oud Zuid", process="4711", since="10:02:13")
        assert lock_held_message(letter, holder) == held


def test_a_build_stops_when_another_process_builds_that_year(project):
    project.outputs_dir.mkdir()
    holding = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                from pathlib import Path
                from brief.build.locks import year_lock
                from brief.project.paths import ProjectPaths
                with year_lock(ProjectPaths(Path(sys.argv[1])), int(sys.argv[2])):
                    print("held", flush=True)
                    sys.stdin.read()
                """
            ),
            str(project.root),
            str(YEAR),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holding.stdout.readline() == "held\n"

        with pytest.raises(BriefError, match=MESSAGE.format(holder=HOLDER.format(pid=holding.pid))):
            build_year(project, YEAR)
    finally:
        holding.stdin.close()
        holding.wait(timeout=30)
    with year_lock(project, YEAR):  # released when the holder ended
        pass


def test_the_lock_does_not_need_fcntl_which_windows_lacks(paths, monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` now fails

    with (
        year_lock(paths, YEAR),
        pytest.raises(BriefError, match="already being built"),
        year_lock(paths, YEAR),
    ):
        pass


def test_a_killed_builds_lock_files_do_not_block_the_next_build(paths):
    paths.lock_file(YEAR).write_text("", encoding="utf-8")
    paths.lock_holder_file(YEAR).write_text("process 1, since 00:00:00", encoding="utf-8")

    with year_lock(paths, YEAR):
        holder = paths.lock_holder_file(YEAR).read_text(encoding="utf-8")

    assert re.fullmatch(HOLDER.format(pid=os.getpid()), holder)


# The swap ---------------------------------------------------------------------------------


@pytest.fixture
def folders(paths) -> tuple[Path, Path]:
    """A year's outputs and a finished staging folder that is to replace them."""
    final = paths.year_dir(YEAR)
    final.mkdir()
    fill(final, "old")
    staging = _make_staging(paths, Letter(YEAR))
    fill(staging, "new")
    return staging, final


def assert_only_new_outputs(paths: ProjectPaths) -> None:
    final = paths.year_dir(YEAR)
    assert content(final) == {"index.html": "new", "notebooks/01-jeugd.html": "new"}
    assert sorted(p.name for p in paths.outputs_dir.iterdir()) == [str(YEAR)]


@pytest.mark.skipif(not ON_LINUX, reason="an exchange in one step is Linux's renameat2")
def test_replace_on_linux_swaps_in_one_step_so_the_outputs_are_never_missing(paths, folders):
    staging, final = folders

    how = _replace(staging, final)

    assert how == "exchange"
    assert_only_new_outputs(paths)


def test_replace_where_no_exchange_is_possible_moves_aside_then_in(paths, folders, monkeypatch):
    monkeypatch.setattr(build, "_exchange", lambda a, b: False)  # Windows, macOS
    staging, final = folders

    how = _replace(staging, final)

    assert how == "rename"
    assert_only_new_outputs(paths)


class RefusingRenameat2:
    """renameat2 on a file system without RENAME_EXCHANGE: -1 with EINVAL."""

    argtypes = restype = None

    def __call__(self, *args) -> int:
        ctypes.set_errno(errno.EINVAL)
        return -1


@pytest.mark.skipif(not ON_LINUX, reason="renameat2 is Linux's")
def test_replace_falls_back_when_the_file_system_refuses_the_exchange(paths, folders, monkeypatch):
    class Libc:
        renameat2 = RefusingRenameat2()

    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: Libc())
    staging, final = folders

    how = _replace(staging, final)

    assert how == "rename"
    assert_only_new_outputs(paths)


def test_replace_that_fails_between_the_moves_puts_the_old_outputs_back(
    paths, folders, monkeypatch
):
    monkeypatch.setattr(build, "_exchange", lambda a, b: False)
    staging, final = folders
    real_replace = os.replace

    def replace(source, target):
        if Path(source) == staging:
            raise OSError(errno.EIO, "disk gone")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)

    with pytest.raises(OSError, match="disk gone"):
        _replace(staging, final)

    assert content(final) == {"index.html": "old", "notebooks/01-jeugd.html": "old"}
    assert not _old_copy(final).exists()


def test_recover_puts_back_outputs_moved_aside_by_a_killed_build(paths, folders):
    staging, final = folders
    os.replace(final, _old_copy(final))  # killed after the first move

    _recover(final)

    assert content(final) == {"index.html": "old", "notebooks/01-jeugd.html": "old"}
    assert not _old_copy(final).exists()


def test_recover_removes_old_outputs_left_by_a_build_killed_after_both_moves(paths, folders):
    staging, final = folders
    os.replace(final, _old_copy(final))
    os.replace(staging, final)  # killed before removing the old copy

    _recover(final)

    assert_only_new_outputs(paths)
