"""Check a template against a year's names, and list the names a template may use.

Both read the published names from the year's last build when there is one, so they
take a second; without one they run the notebooks into a scratch folder first.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from brief.collect import Collection, collect
from brief.exceptions import TemplateError
from brief.formatting import long_date
from brief.letter import Value, jinja_environment, open_template
from brief.letter import check_template as check_for_build
from brief.params import Params, load_params
from brief.paths import ProjectPaths, YearOutputs
from brief.run import run_notebooks


@dataclass(frozen=True)
class Field:
    """One name a template may use: how it prints, what it is, where it comes from."""

    name: str
    shown: str
    kind: str  # value, figure, table or parameter
    origin: str


@dataclass
class CheckReport:
    """What `brief check` found: errors stop a build, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def published(project: ProjectPaths, year: int) -> Collection:
    """Return what the notebooks publish for ``year``, from the last build if it exists."""
    executed = sorted(YearOutputs(project.year_dir(year), year).notebooks_dir.glob("*.ipynb"))
    if executed and len(executed) == len(project.notebooks()):
        return collect(executed)
    scratch = Path(tempfile.mkdtemp(prefix=f".{year}-check-", dir=_scratch_root(project)))
    try:
        runs = run_notebooks(
            project.notebooks(),
            scratch / "notebooks",
            year,
            failed_dir=scratch / "failed",
            jobs=2,
        )
        return collect([run.executed for run in runs])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _scratch_root(project: ProjectPaths) -> Path:
    project.outputs_dir.mkdir(parents=True, exist_ok=True)
    return project.outputs_dir


def fields(params: Params, collection: Collection, params_file: Path) -> list[Field]:
    """Return every name the template may use for this year, parameters first."""
    result = []
    for name, value in params.template_context().items():
        result.append(Field(name, _shown_parameter(name, value), "parameter", params_file.name))
    for name, item in sorted(collection.items.items()):
        shown = str(Value(item)) if item.kind == "value" else item.payload["title"]
        origin = f"{item.origin.notebook}, cell {item.origin.cell + 1}"
        result.append(Field(name, shown, item.kind, origin))
    return result


def _shown_parameter(name: str, value) -> str:
    """Return how a parameter prints, or how to reach the parts of a group or list."""
    if isinstance(value, dt.date):
        return f"{long_date(value)} (with |datum)"
    if isinstance(value, dict):
        return "use " + ", ".join(f"{name}.{key}" for key in value) if value else "(empty)"
    if isinstance(value, list):
        return f"{len(value)} item(s): loop with {{% for x in {name} %}}"
    return str(value)


def check_template(template_path: Path, params: Params, collection: Collection) -> CheckReport:
    """Return the errors and warnings of filling ``template_path`` with this year's names."""
    report = CheckReport()
    template = open_template(template_path)
    try:
        used = check_for_build(template, jinja_environment(), params, collection)
    except TemplateError as exc:
        report.errors.append(str(exc))
        return report
    unused = sorted(set(collection.items) - used)
    if unused:
        report.warnings.append("Published but not used in the template: " + ", ".join(unused) + ".")
    return report


def load_year(project: ProjectPaths, year: int) -> tuple[Params, Collection]:
    """Return the year's parameters and what its notebooks publish."""
    params = load_params(project.params_file(year), year)
    return params, published(project, year)
