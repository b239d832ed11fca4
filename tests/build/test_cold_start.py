"""A cold start never fails by chance: heavy libraries are imported once, before threads.

jupyter_client, papermill, nbclient and nbconvert import one another in circles. A build
used to import nbconvert in one thread while notebook threads imported papermill, and
about one cold build in ten died with "cannot import name 'AsyncKernelManager' from
partially initialized module 'jupyter_client.manager'".
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

# Run in a fresh interpreter, where nothing is imported yet: threads start together at a
# barrier and each asks for the libraries the way build threads and year threads do.
IMPORT_RACE = textwrap.dedent(
    """
    import threading
    from brief.build.year import import_build_libraries
    from brief.build.run import import_notebook_libraries

    start = threading.Barrier(6)
    failures = []

    def load(function):
        start.wait()
        try:
            function()
            import jupyter_client.manager
            jupyter_client.manager.AsyncKernelManager  # the name the race lost
        except Exception as exc:
            failures.append(repr(exc))

    threads = [
        threading.Thread(target=load, args=(f,))
        for f in [import_notebook_libraries, import_build_libraries] * 3
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(failures or "ok")
    """
)


@pytest.mark.parametrize("attempt", range(3))
def test_libraries_asked_for_from_several_threads_at_once_all_load(attempt):
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_RACE], capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.slow
def test_ten_cold_builds_in_fresh_processes_all_succeed(project):
    for attempt in range(1, 11):
        shutil.rmtree(project.outputs_dir, ignore_errors=True)

        done = subprocess.run(
            [sys.executable, "-m", "brief", "build", "2023", "--project", str(project.root)],
            capture_output=True,
            text=True,
            timeout=600,
        )

        assert done.returncode == 0, f"cold build {attempt} of 10 failed:\n{done.stderr}"
        assert project.year_dir(2023).joinpath("brief-2023.docx").is_file()
