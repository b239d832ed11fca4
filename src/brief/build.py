"""Build one year's letter: check the inputs, run the notebooks, fill the template.

A build writes into a staging folder beside ``outputs/<year>`` and moves it into place
only when the letter is complete, so a failed build leaves the last good letter as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from brief.collect import collect
from brief.exceptions import ProjectError
from brief.letter import open_template, render_letter
from brief.params import load_params
from brief.paths import ProjectPaths, YearOutputs
from brief.run import DEFAULT_CELL_TIMEOUT, NotebookRun, run_notebooks


@dataclass(frozen=True)
class BuildResult:
    """What a finished build wrote and how long its parts took."""

    year: int
    letter: Path
    runs: list[NotebookRun]
    seconds: float


def build_year(
    project: ProjectPaths,
    year: int,
    *,
    template: Path | None = None,
    jobs: int = 1,
    timeout: int = DEFAULT_CELL_TIMEOUT,
) -> BuildResult:
    """Build the letter for ``year`` into ``outputs/<year>/`` and return what was written."""
    started = time.perf_counter()
    params = load_params(project.params_file(year), year)
    template = (template or project.default_template).resolve()
    open_template(template)  # fail on a bad template before minutes of notebooks
    notebooks = project.notebooks()
    if not notebooks:
        raise ProjectError(
            f"{project.notebooks_dir} holds no notebooks. Chapter notebooks are named "
            "01-name.ipynb, 02-name.ipynb, ... and run in that order."
        )

    final = YearOutputs(project.year_dir(year), year, template.stem)
    project.outputs_dir.mkdir(parents=True, exist_ok=True)
    _recover(final.folder)
    staging = YearOutputs(
        Path(tempfile.mkdtemp(prefix=f".{year}-building-", dir=project.outputs_dir)),
        year,
        template.stem,
    )
    try:
        runs = run_notebooks(
            notebooks, staging.notebooks_dir, year,
            failed_dir=final.failed_dir, jobs=jobs, timeout=timeout,
        )
        collection = collect([run.executed for run in runs])
        render_letter(template, params, collection, staging.letter, staging.figures_dir)
        _replace(staging.folder, final.folder)
    except BaseException:
        # Whatever stopped the build, the half-made letter goes and the last good one stays.
        shutil.rmtree(staging.folder, ignore_errors=True)
        raise
    return BuildResult(year, final.letter, runs, time.perf_counter() - started)


def _old_copy(final: Path) -> Path:
    return final.with_name(f".{final.name}-previous")


def _replace(new: Path, final: Path) -> None:
    """Move the finished ``new`` folder to ``final``, keeping the old one until it is in place."""
    previous = _old_copy(final)
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        os.replace(final, previous)
    os.replace(new, final)
    shutil.rmtree(previous, ignore_errors=True)


def _recover(final: Path) -> None:
    """Put back the previous outputs if a build was killed between the two moves."""
    previous = _old_copy(final)
    if previous.exists() and not final.exists():
        os.replace(previous, final)
