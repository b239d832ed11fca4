"""The `brief` command: parses arguments, calls the package, turns errors into messages.

Library code raises BriefError subclasses; this is the only place that prints them and
chooses an exit code, so a user mistake never ends in a traceback.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from brief import check as checking
from brief.build import build_year
from brief.exceptions import BriefError
from brief.paths import ProjectPaths, find_project, open_project
from brief.pdf import INSTALL_HINT, convert_to_pdf, find_soffice
from brief.run import DEFAULT_CELL_TIMEOUT

app = typer.Typer(
    help="Build the yearly progress letter from data, notebooks and a Word template.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_USER_ERROR = 1
EXIT_INTERRUPTED = 130

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", help="Project folder (default: this folder or one above it)."),
]
TemplateOption = Annotated[
    Path | None,
    typer.Option("--template", help="Word template to fill (default: templates/brief.docx)."),
]


@app.callback()
def _root() -> None:
    """Build the yearly progress letter from data, notebooks and a Word template."""


def reports_errors(command):
    """Turn a BriefError into one clear message on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BriefError as exc:
            err.print(f"Error: {exc}", markup=False)
            raise typer.Exit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            err.print("Stopped. The previous outputs are unchanged.", markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper


def resolve_project(project: Path | None) -> ProjectPaths:
    return open_project(project) if project else find_project()


def parse_years(words: list[str], project: ProjectPaths) -> list[int]:
    """Return the years asked for; no words means the latest year with a params file."""
    if not words:
        years = project.years()
        if not years:
            raise BriefError(
                f"{project.params_dir} holds no <year>.yaml file, so there is no year to build."
            )
        return [years[-1]]
    years = []
    for word in words:
        if not re.fullmatch(r"\d{4}", word):
            raise BriefError(f"'{word}' is not a year. Give years as four digits, e.g. 2023.")
        years.append(int(word))
    return sorted(set(years))


@app.command()
@reports_errors
def build(
    years: Annotated[
        list[str] | None, typer.Argument(help="Years to build (default: the latest).")
    ] = None,
    project: ProjectOption = None,
    template: TemplateOption = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Notebooks to run at once.")
    ] = os.cpu_count() or 1,
    timeout: Annotated[
        int, typer.Option(min=1, help="Seconds one notebook cell may take before it is stopped.")
    ] = DEFAULT_CELL_TIMEOUT,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write the PDF (LibreOffice).")] = False,
) -> None:
    """Run the notebooks for each year and write outputs/<year>/<template>-<year>.docx."""
    paths = resolve_project(project)
    for year in parse_years(years or [], paths):
        with err.status(f"Building {year}: running notebooks and filling the letter..."):
            result = build_year(paths, year, template=template, jobs=jobs, timeout=timeout)
        for run in result.runs:
            out.print(f"  {year}  {run.source.name:<32} {run.seconds:5.1f} s", markup=False)
        out.print(f"{year}: built in {result.seconds:.1f} s", markup=False)
        if pdf:
            if find_soffice() is None:
                err.print(f"Warning: {INSTALL_HINT}", markup=False)
            else:
                out.print(str(convert_to_pdf(result.letter)), markup=False)
        out.print(str(result.letter), markup=False)


@app.command()
@reports_errors
def check(
    year: Annotated[str | None, typer.Argument(help="Year to check (default: latest).")] = None,
    project: ProjectOption = None,
    template: TemplateOption = None,
) -> None:
    """Check the template against a year's names without writing a letter."""
    paths = resolve_project(project)
    (year_number,) = parse_years([year] if year else [], paths)
    template_path = template or paths.default_template
    params, collection = checking.load_year(paths, year_number)
    report = checking.check_template(template_path, params, collection)
    for warning in report.warnings:
        err.print(f"Warning: {warning}", markup=False)
    if report.errors:
        for error in report.errors:
            err.print(f"Error: {error}", markup=False)
        raise typer.Exit(EXIT_USER_ERROR)
    out.print(f"{template_path.name} is ready for {year_number}.", markup=False)


@app.command()
@reports_errors
def fields(
    year: Annotated[str | None, typer.Argument(help="Year (default: latest).")] = None,
    project: ProjectOption = None,
) -> None:
    """List every name a template may use for a year, how it prints and where it comes from."""
    from rich.table import Table

    paths = resolve_project(project)
    (year_number,) = parse_years([year] if year else [], paths)
    params, collection = checking.load_year(paths, year_number)
    table = Table("name", "prints as", "type", "from", title=f"Names for {year_number}")
    for item in checking.fields(params, collection, paths.params_file(year_number)):
        table.add_row(item.name, item.shown[:60], item.kind, item.origin)
    out.print(table)


def main() -> None:
    app()
