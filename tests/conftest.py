"""Shared fixtures: a copy of the example project, and its letters built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brief.build import build_year
from brief.paths import ProjectPaths

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
