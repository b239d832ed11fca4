"""Reruns: only what changed is redone, the change report is exact, killed builds lose nothing."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from brief.build import pausing
from brief.build.year import build_year, build_years
from brief.project.paths import ProjectPaths
from tests.conftest import copy_example

pytestmark = pytest.mark.slow

YEAR = 2023


@pytest.fixture
def rebuilt(built, tmp_path) -> ProjectPaths:
    """A copy of the built example project, outputs included, that a test may change."""
    target = tmp_path / "project"
    shutil.copytree(built["paths"].root, target, ignore=shutil.ignore_patterns("*.lock"))
    return ProjectPaths(target)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def edit_data(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_rebuild_with_nothing_changed_reruns_nothing_and_writes_nothing(rebuilt):
    before = fingerprint(rebuilt.year_dir(YEAR))

    result = build_year(rebuilt, YEAR)

    assert not result.built
    assert result.notebook_seconds == {}
    assert all(not notebook.reruns for notebook in result.plan.notebooks)
    assert fingerprint(rebuilt.year_dir(YEAR)) == before


def test_one_data_file_reruns_only_its_readers_and_reports_exactly_what_moved(rebuilt):
    edit_data(
        rebuilt.data_dir / "ouderen.csv",
        "valpreventie_deelnemers,2023,Rotterdam,700,",
        "valpreventie_deelnemers,2023,Rotterdam,715,",
    )
    record = json.loads((rebuilt.year_dir(YEAR) / "run.json").read_text())
    readers = {
        name for name, nb in record["notebooks"].items() if "data/ouderen.csv" in nb["reads"]
    }

    result = build_year(rebuilt, YEAR)

    assert readers == {"02-ouderen.ipynb", "05-indicatoren.ipynb"}
    assert set(result.notebook_seconds) == readers
    reasons = {n.source.name: n.reason for n in result.plan.notebooks}
    assert reasons["02-ouderen.ipynb"] == "data/ouderen.csv changed"
    assert reasons["01-jeugd.ipynb"] is None
    changes = result.changes
    assert changes.values == [("valpreventie_deelnemers", "700", "715")]
    assert changes.figures == ["valpreventie_doel_realisatie"]
    assert list(changes.tables) == ["indicatoren"]
    assert (
        len(changes.tables["indicatoren"]) == 1 and "700 → 715" in changes.tables["indicatoren"][0]
    )
    assert not changes.added and not changes.removed
    report = result.outputs.changes.read_text(encoding="utf-8")
    assert "| valpreventie_deelnemers | 700 | 715 |" in report
    assert "02-ouderen.ipynb reran: data/ouderen.csv changed." in report
    assert "01-jeugd.ipynb was reused" in report
    text = "\n".join(p.text for p in docx.Document(result.letter).paragraphs)
    assert "715 ouderen" in text and "700 ouderen" not in text


def test_params_edit_refills_the_letter_without_rerunning_notebooks(rebuilt):
    params = rebuilt.params_file(YEAR)
    params.write_text(
        params.read_text(encoding="utf-8").replace("M2312-1203", "M2312-9999"), encoding="utf-8"
    )

    result = build_year(rebuilt, YEAR)

    assert result.built and result.notebook_seconds == {}
    assert result.plan.letter_reason == "params/2023.yaml changed"
    assert result.changes.values == [("kenmerk", "M2312-1203", "M2312-9999")]


def test_force_reruns_every_notebook_and_reports_no_change(rebuilt):
    result = build_year(rebuilt, YEAR, force=True, jobs=2)

    assert set(result.notebook_seconds) == {p.name for p in rebuilt.notebooks()}
    assert result.changes.none
    assert "Nothing in the letter changed." in result.outputs.changes.read_text()


def letter_content(path: Path) -> tuple:
    """What a reader sees: every paragraph and table cell, and every image's bytes."""
    document = docx.Document(path)
    paragraphs = [p.text for p in document.paragraphs]
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    images = sorted(
        hashlib.sha256(part.blob).hexdigest()
        for part in document.part.package.parts
        if part.content_type == "image/png"
    )
    return paragraphs, cells, images


def test_years_built_in_parallel_equal_years_built_one_by_one(built, tmp_path):
    paths = copy_example(tmp_path / "project")

    results = build_years(paths, [2022, 2023, 2024], jobs=2)

    for year, one_by_one in built["results"].items():
        assert results[year].built
        assert letter_content(results[year].letter) == letter_content(one_by_one.letter), year


def test_second_build_of_the_same_year_stops_with_a_clear_message(rebuilt):
    from brief.build.locks import year_lock
    from brief.exceptions import BriefError

    held_by = rf"process {os.getpid()}, since \d\d:\d\d:\d\d"
    with (
        year_lock(rebuilt, YEAR),  # the lock a running build holds
        pytest.raises(BriefError, match=rf"^2023 is already being built \({held_by}\)\. Wait"),
    ):
        build_year(rebuilt, YEAR, force=True)
    assert build_year(rebuilt, YEAR).built is False  # the lock is free again


def start_build(project: ProjectPaths, **environment: str) -> subprocess.Popen:
    """Start `brief build` of YEAR in its own process group, as an advisor would."""
    command = [
        sys.executable,
        "-m",
        "brief",
        "build",
        str(YEAR),
        "--force",
        "--review",
        "--pdf",
        "--jobs",
        "2",
        "--project",
        str(project.root),
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, **environment},
    )


def kill(build: subprocess.Popen) -> None:
    """Kill the build and its kernels at once, as a power cut would."""
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert build.returncode == -signal.SIGKILL


def assert_next_build_clears_up(project: ProjectPaths, **options) -> None:
    """The next build clears the killed one's leftovers and finds nothing to redo."""
    result = build_year(project, YEAR, **options)
    assert not result.built
    assert not list(project.outputs_dir.glob(f".{YEAR}-*"))


@pytest.mark.parametrize("moment", pausing.MOMENTS)
def test_build_killed_at_a_named_moment_leaves_complete_outputs(rebuilt, moment, tmp_path):
    if moment == "PDF written" and not shutil.which("soffice"):
        pytest.skip("needs LibreOffice to make the PDF (.ci/run installs it)")
    folder = rebuilt.year_dir(YEAR)
    before = fingerprint(folder)
    paused = tmp_path / "paused"

    build = start_build(rebuilt, **{pausing.PAUSE_AT: moment, pausing.PAUSE_SIGNAL: str(paused)})
    try:
        # The build holds itself at the moment; no timing is involved, only its signal.
        while not paused.exists():
            if build.poll() is not None:
                pytest.fail(f"the build ended before {moment}: {build.stderr.read().decode()}")
            time.sleep(0.01)
    finally:
        kill(build)

    if moment == "outputs swapped":  # the new outputs are in place, complete
        after = fingerprint(folder)
        assert after != before and set(before) <= set(after)
        assert_next_build_clears_up(rebuilt, review=True, pdf=bool(shutil.which("soffice")))
    else:
        assert fingerprint(folder) == before
        assert_next_build_clears_up(rebuilt)


# Extra moments by the clock, between the named ones. A faster machine may finish before
# the time comes; such a run proves nothing and is skipped, never failed.
TIMED_KILLS = {
    "after 2 s": (None, 2.0),
    "after 3.5 s": (None, 3.5),
    "after 5 s": (None, 5.0),
    "PDF being made": ("brief-2023-review.docx", 1.0),
}


@pytest.mark.parametrize("moment", list(TIMED_KILLS))
def test_build_killed_by_the_clock_leaves_the_previous_outputs_intact(rebuilt, moment):
    after_file, delay = TIMED_KILLS[moment]
    if after_file and not shutil.which("soffice"):
        pytest.skip("needs LibreOffice to make the PDF (.ci/run installs it)")
    folder = rebuilt.year_dir(YEAR)
    before = fingerprint(folder)

    build = start_build(rebuilt)
    try:
        if after_file:
            while not any(rebuilt.outputs_dir.glob(f".{YEAR}-*/{after_file}")):
                if build.poll() is not None:
                    break
                time.sleep(0.005)
        finished = build.poll() is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            finished = finished or build.wait(timeout=delay) is not None
    finally:
        if build.poll() is None:
            kill(build)
    if finished:
        assert build.returncode == 0, build.stderr.read().decode()
        pytest.skip(f"the build finished before it was to be killed ({moment}): nothing to kill")

    after = fingerprint(folder)
    if after != before:  # killed once the new outputs were in place: as at "outputs swapped"
        assert set(before) <= set(after)
        assert_next_build_clears_up(rebuilt, review=True, pdf=bool(shutil.which("soffice")))
        return
    assert_next_build_clears_up(rebuilt)
