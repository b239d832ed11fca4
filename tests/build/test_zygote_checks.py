"""What the zygote (brief.build.zygote) does about a project's data files: it checks large
ones while it imports, finds the project as the command will, and keeps what was checked
the moment the check ends."""

from __future__ import annotations

import gc
import os
import socket

import pytest

from brief.__main__ import _project_option
from brief.build import zygote
from brief.notebook import data


@pytest.mark.parametrize(
    "arguments, named",
    [
        (["2023"], None),
        (["2023", "--project", "../stad"], "../stad"),
        (["--project=/data/stad", "2023", "--jobs", "2"], "/data/stad"),
        (["2023", "--project="], None),
        (["2023", "--project"], None),  # the command says what is missing
        (["2023", "--", "--project", "x"], None),
    ],
)
def test_the_project_a_build_names_is_found_as_the_command_reads_it(arguments, named):
    assert _project_option(arguments) == named


def test_only_large_data_files_are_checked_while_the_zygote_imports(project):
    assert not zygote.large_data(project)  # the example's: a few kilobytes

    with (project.data_dir / "landelijk.csv").open("wb") as stream:
        stream.truncate(zygote.CHECK_EARLY_FROM)  # only its size counts here

    assert zygote.large_data(project)


needs_waitid = pytest.mark.skipif(
    not hasattr(os, "waitid"), reason="waits for a child without collecting it (os.waitid)"
)


@needs_waitid
def test_what_a_check_wrote_is_kept_the_moment_it_ends(project, monkeypatch):
    """Before, the tables a child had checked were kept only at the next kernel's request,
    so a kernel asked for meanwhile had to read them itself."""
    data.check_data_files(project)  # what the child would write to the cache
    ours, theirs = socket.socketpair()
    serving = zygote._Zygote(theirs)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the test process goes on collecting
    try:
        serving.tables_of = str(project.root)
        checker = os.fork()
        if checker == 0:  # the checking child, whose check is done
            os._exit(0)
        serving.checker = checker
        os.waitid(os.P_PID, checker, os.WEXITED | os.WNOWAIT)  # ended, not yet collected
        assert not data._KEPT

        serving._reap()

        assert serving.checker is None and serving.kept
        kept = {os.path.basename(name) for name, _key in data._KEPT}
        assert {"jeugd.csv", "ouderen.csv"} <= kept
    finally:
        data._KEPT.clear()
        data._CATALOGUES.clear()
        serving.selector.close()
        ours.close()
        theirs.close()


@needs_waitid
def test_a_child_that_ended_is_collected_when_there_is_no_kernel_yet(project):
    ours, theirs = socket.socketpair()
    serving = zygote._Zygote(theirs)
    try:
        other = os.fork()
        if other == 0:
            os._exit(3)
        os.waitid(os.P_PID, other, os.WEXITED | os.WNOWAIT)

        serving._reap()  # not a kernel, not the checker: collected all the same

        with pytest.raises(ChildProcessError):
            os.waitpid(other, os.WNOHANG)
    finally:
        serving.selector.close()
        ours.close()
        theirs.close()
