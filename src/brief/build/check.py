"""Check a template against a year's names, and list the names a template may use.

Both read the published names from the year's last build when there is one, so they
take a second; without one they run the notebooks into a scratch folder first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from brief.build.run import run_notebooks
from brief.exceptions import PublishError, TemplateError
from brief.i18n import _, ngettext
from brief.letter.fill import fill_letter
from brief.letter.templating import open_template
from brief.notebook.collect import Collection, collect
from brief.project.letters import Letter
from brief.project.params import Params, load_params, parameter_text
from brief.project.paths import ProjectPaths, YearOutputs
from brief.project.settings import DEFAULT_CELL_TIMEOUT
from brief.records import DataRead


@dataclass(frozen=True)
class Field:
    """One name a template may use: how it prints, what it is, where it comes from."""

    name: str
    shown: str
    kind: str  # value, figure, table or parameter
    origin: str
    rows: str = ""  # the data rows it was read from (see brief.records.Lineage.summary)


@dataclass
class CheckReport:
    """What `brief check` found: errors stop a build, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def published(
    project: ProjectPaths, year: int, letter: Letter | None = None, runner=None
) -> Collection:
    """Return what the notebooks publish for ``year`` (for ``letter``: an area's letter;
    default the city letter), from the last build if it exists, else by running them:
    with ``runner`` (a :class:`brief.build.cluster.ClusterRunner`), else on this machine."""
    letter = letter or Letter(year)
    built = YearOutputs(letter.folder(project), year)
    executed = sorted(built.notebooks_dir.glob("*.ipynb"))
    if executed and len(executed) == len(project.notebooks()):
        with contextlib.suppress(PublishError):  # run by an older brief: run them again
            return collect(executed)
    scratch = Path(tempfile.mkdtemp(prefix=f".{year}-check-", dir=_scratch_root(project)))
    try:
        runs = (runner or run_notebooks)(
            project.notebooks(),
            scratch / "notebooks",
            year,
            # Where a build keeps it: the message names it, and it outlives the check.
            failed_dir=built.failed_dir,
            jobs=2,
            timeout=project.settings().bouwen.timeout or DEFAULT_CELL_TIMEOUT,
            parameters=letter.parameters(project.settings().stad),
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
    for name, entry in sorted(collection.items.items()):
        rows = entry.item.lineage.short
        result.append(Field(name, entry.item.text, entry.item.type, entry.origin.place, rows))
    return result


def _shown_parameter(name: str, value) -> str:
    """Return how a parameter prints, or how to reach the parts of a group or list."""
    if isinstance(value, dt.date):
        # TRANSLATORS: {text} is the date as the letter prints it; |datum is a filter's name.
        return _("{text} (with |datum)").format(text=parameter_text(value))
    if isinstance(value, dict):
        if not value:
            # TRANSLATORS: what `brief fields` shows for a group of parameters without parts.
            return _("(empty)")
        # TRANSLATORS: {parts} lists the names to write in the template: ondertekening.naam.
        return _("use {parts}").format(parts=", ".join(f"{name}.{key}" for key in value))
    if isinstance(value, list):
        # TRANSLATORS: both English forms are the same; {{% for x in {name} %}} is template code.
        return ngettext(
            "{count} item(s): loop with {{% for x in {name} %}}",
            "{count} item(s): loop with {{% for x in {name} %}}",
            len(value),
        ).format(count=len(value), name=name)
    return parameter_text(value)


def check_template(
    template_path: Path, params: Params, collection: Collection, **fill_options
) -> CheckReport:
    """Return the errors and warnings of filling ``template_path`` with this year's names.

    Charts whose data stops before the letter's year are warnings too. ``fill_options``
    (``area``, ``gap_text``, ``time_limit``) fill it as a build fills it.
    """
    report = CheckReport()
    try:
        # Filled in memory as a build fills it, so a filter given the wrong kind of value
        # or a tag reaching into Python is found here, with this year's values.
        filled = fill_letter(template_path, params, collection, **fill_options)
    except TemplateError as exc:
        report.warnings = figures_behind(collection, params.jaar)
        report.errors.append(str(exc))
        return report
    report.warnings = findings(collection, params.jaar, filled.used, filled.accessibility)
    return report


def findings(collection: Collection, year: int, used, accessibility: list[str]) -> list[str]:
    """Return what `brief check` warns about in a letter that fills: charts whose data
    stops before ``year``, accessibility, published names the template never uses."""
    warnings = figures_behind(collection, year)
    warnings += [_("Accessibility: {finding}").format(finding=finding) for finding in accessibility]
    unused = sorted(set(collection.items) - used.all)
    if unused:
        warnings.append(
            _("Published but not used in the template: {names}.").format(names=", ".join(unused))
        )
    return warnings


def figures_behind(collection: Collection, year: int) -> list[str]:
    """Return a warning for each figure whose data stops before ``year``.

    A letter about a new year whose charts end at the year before usually means its rows
    are missing from a data file, or a notebook selects years of its own.
    """
    warnings = []
    for name, entry in sorted(collection.items.items()):
        years = entry.item.years_shown
        if not years or years[-1] >= year:
            continue
        notebook = entry.origin.notebook
        read = _yearly_files(collection.inputs.get(notebook, {}))
        if read:
            message = _(
                "Figure '{name}' has data up to {last_year}, not {year} ({notebook}, which "
                "reads {files}). Add the {year} rows to its data, or check which years the "
                "notebook selects."
            )
        else:
            message = _(
                "Figure '{name}' has data up to {last_year}, not {year} ({notebook}). Add the "
                "{year} rows to its data, or check which years the notebook selects."
            )
        warnings.append(
            message.format(
                name=name,
                last_year=years[-1],
                year=year,
                notebook=notebook,
                files=", ".join(read),
            )
        )
    return warnings


def _yearly_files(read: dict[str, DataRead]) -> list[str]:
    """Return the data files read that hold yearly figures: not the catalogue or areas."""
    return sorted(path for path, what in read.items() if what.table == "figures")


def load_year(
    project: ProjectPaths, year: int, letter: Letter | None = None, runner=None
) -> tuple[Params, Collection]:
    """Return the year's parameters and what its notebooks publish (for ``letter``)."""
    params = load_params(project.params_file(year), year, project.settings().extra_velden)
    if letter is not None and letter.area is not None:  # as the build writes an area's letter
        params = params.model_copy(update={"onderwerp": f"{params.onderwerp}: {letter.area}"})
    return params, published(project, year, letter, runner)


def check_letter(
    project: ProjectPaths, letter: Letter, template: Path | None = None, runner=None
) -> tuple[Path, CheckReport]:
    """Return the template ``letter`` is filled from (``template``, else the letter's own)
    and what checking it against the letter's names found."""
    template_path = template or letter.template(project)
    open_template(template_path)  # a damaged template is named before any notebook runs
    params, collection = load_year(project, letter.year, letter, runner)
    report = check_template(
        template_path, params, collection, **letter.fill_options(project.settings())
    )
    return template_path, report


@contextlib.contextmanager
def notebook_runner(project: ProjectPaths, cluster: str | None):
    """Yield what runs the notebooks a check needs: a Dask cluster's runner when ``cluster``
    names one (closed afterwards), else None (this machine)."""
    if cluster is None:
        yield None
        return
    from brief.build.cluster import ClusterRunner

    runner = ClusterRunner(project, cluster, areas_file=project.areas_file)
    try:
        yield runner
    finally:
        runner.close()
