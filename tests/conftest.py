"""Shared fixtures: a copy of the example project, and its letters built once per session.

The tests speak English unless they ask for Dutch (``speaking("nl")``, ``--lang nl``): the
messages are written in English in the code, so the English assertions read as the code
does, and every message's Dutch is checked by tests/test_i18n.py and the bad-input corpus.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from brief import i18n
from brief.build.year import build_year
from brief.project.paths import ProjectPaths

# Set before any fixture runs, so the session's letters and every kernel they start (which
# inherit the environment) speak English too; the machine's own locale never decides.
os.environ[i18n.LANGUAGE_VARIABLE] = "en"

REPO = Path(__file__).resolve().parents[1]
PROJECT_FOLDERS = ("data", "notebooks", "params", "templates")
PROJECT_FILES = ("brief.yaml",)


def copy_example(target: Path) -> ProjectPaths:
    """Copy the example project (not its outputs) into ``target`` and return its paths."""
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, target / folder)
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, target / name)
    return ProjectPaths(target)


def spoil_a_value(project: ProjectPaths) -> None:
    """Write a count in ouderen.csv in words ("zevenhonderd"), which no notebook can read."""
    data = project.data_dir / "ouderen.csv"
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            "valpreventie_deelnemers,2023,Rotterdam,700,realisation",
            "valpreventie_deelnemers,2023,Rotterdam,zevenhonderd,realisation",
        ),
        encoding="utf-8",
    )


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """Each test starts in English, with no language left active by the test before."""
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "en")
    i18n.deactivate()
    yield
    i18n.deactivate()


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    """A fresh copy of the example project that a test may change."""
    return copy_example(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """The example project with the letters of 2022, 2023 and 2024 built once."""
    paths = copy_example(tmp_path_factory.mktemp("built") / "project")
    results = {year: build_year(paths, year, jobs=2) for year in (2022, 2023, 2024)}
    return {"paths": paths, "results": results}
