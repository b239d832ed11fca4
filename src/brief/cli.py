"""The `brief` command: parses arguments, calls the package, turns errors into messages.

Library code raises BriefError subclasses; this is the only place that prints them and
chooses an exit code, so a user mistake never ends in a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from brief import __version__
from brief.exceptions import BriefError
from brief.paths import ProjectPaths, find_project, open_project

app = typer.Typer(
    help="Build the yearly progress letter from data, notebooks and a Word template.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE: a fault of brief's, not of the input
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
    """Turn a BriefError into one clear message on stderr and exit code 1.

    Any other exception is a fault of brief's own: the advisor gets one line saying what
    failed and where the full traceback was written, never the traceback itself.
    """

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
        except (typer.Exit, typer.Abort):
            raise  # the command's own way of ending
        except Exception as exc:
            log = _write_error_log(kwargs.get("project"))
            err.print(
                f"Error: brief stopped on an internal fault ({type(exc).__name__}: {exc}); "
                f"your files are not the cause and the previous outputs are unchanged. The full "
                f"report is in {log}: send it to whoever maintains brief for you.",
                markup=False,
            )
            raise typer.Exit(EXIT_INTERNAL_ERROR) from None

    return wrapper


def _write_error_log(project: Path | None) -> Path:
    """Write the traceback being handled to the project's error log; return its path."""
    try:
        paths = resolve_project(project)
        log, shown = paths.error_log, paths.relative(paths.error_log)
    except BriefError:  # no project to write into: the system's temporary folder
        log = Path(tempfile.gettempdir()) / ".brief-error.log"
        shown = str(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(
        f"brief {__version__}, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}\n"
        f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}",
        encoding="utf-8",
    )
    return Path(shown)


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
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Notebooks to run at once, over all years.",
            show_default="brief.yaml, else all cores",
        ),
    ] = None,
    timeout: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Seconds one notebook cell may take before it is stopped.",
            show_default="brief.yaml, else 600",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rerun every notebook, even if nothing changed.")
    ] = False,
    review: Annotated[
        bool, typer.Option("--review", help="Also write a review copy with source comments.")
    ] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write the PDF (LibreOffice).")] = False,
    per: Annotated[
        str | None, typer.Option("--per", help="Also a letter per area: --per area.")
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Only this letter of the grid: --only area=NAME (repeatable)."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            envvar="BRIEF_CLUSTER",
            help="Run the notebooks on this Dask scheduler (tcp://host:8786, or local:N).",
        ),
    ] = None,
) -> None:
    """Bring outputs/<year>/ up to date: rerun what changed, refill the letter, report changes."""
    from brief.build import build_years

    paths = resolve_project(project)
    wanted = parse_years(years or [], paths)
    defaults = paths.settings().bouwen
    asked_jobs = jobs
    jobs = jobs or defaults.jobs or os.cpu_count() or 1
    timeout = timeout or defaults.timeout
    if per or only or cluster:  # a grid of letters: see brief.grid
        from brief import gridview
        from brief.grid import build_grid, expand

        letters = expand(paths, wanted, per=per, only=only or [])
        with gridview.showing(err) as tracker:
            grid = build_grid(
                paths,
                letters,
                jobs=jobs,
                letters_at_once=asked_jobs,  # on a cluster, by default every letter at once
                cluster=cluster,
                tracker=tracker,
                template=template,
                timeout=timeout,
                force=force,
                review=review,
                pdf=pdf,
            )
        gridview.report(grid, paths, out, err)
        if grid.failed:
            raise typer.Exit(EXIT_USER_ERROR)
        return
    with _progress(wanted) as progress:
        results = build_years(
            paths,
            wanted,
            jobs=jobs,
            template=template,
            timeout=timeout,
            force=force,
            review=review,
            pdf=pdf,
            progress=progress,
        )
    failed = 0
    for year, result in results.items():
        if isinstance(result, BriefError):
            failed += 1
            err.print(
                f"Error: {year}: {result}" if len(wanted) > 1 else f"Error: {result}", markup=False
            )
            continue
        _report(result, paths)
    if failed:
        raise typer.Exit(EXIT_USER_ERROR)


def _report(result, paths: ProjectPaths) -> None:
    """Print what one year's build did, ending with the letter's path."""
    year, shown = result.year, paths.relative
    if not result.built:
        out.print(
            f"{year}: nothing changed since the last build "
            f"({result.plan.previous.finished}); the letter is up to date.",
            markup=False,
        )
    else:
        ran = len(result.notebook_seconds)
        reused = len(result.plan.notebooks) - ran
        out.print(
            f"{year}: built in {result.seconds:.1f} s ({ran} notebook(s) ran, "
            f"{reused} reused; {result.plan.letter_reason})",
            markup=False,
        )
        for notebook in result.plan.notebooks:
            if notebook.reruns:
                seconds = result.notebook_seconds[notebook.source.name]
                out.print(
                    f"  {notebook.source.name:<30} {seconds:5.1f} s  {notebook.reason}",
                    markup=False,
                )
        if result.changes is not None:
            from brief.changes import summary

            out.print(
                f"  changes: {summary(result.changes)}; see {shown(result.outputs.changes)}",
                markup=False,
            )
        if result.outputs.redline.exists():
            out.print(f"  changes tracked: {shown(result.outputs.redline)}", markup=False)
        out.print(f"  review page: {shown(result.outputs.review_page)}", markup=False)
        if result.outputs.review_letter.exists():
            out.print(f"  review copy: {shown(result.outputs.review_letter)}", markup=False)
    for warning in result.warnings:
        err.print(f"Warning: {warning}", markup=False)
    if result.pdf is not None:
        out.print(shown(result.pdf), markup=False)
    out.print(shown(result.letter), markup=False)


@contextlib.contextmanager
def _progress(years: list[int]):
    """Show per year what the build is doing, live, on a terminal; nothing otherwise."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    display = Progress(
        SpinnerColumn(),
        TextColumn("{task.fields[year]}"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    tasks = {year: display.add_task("waiting", year=year, total=None) for year in years}

    def progress(year: int, step: str) -> None:
        display.update(tasks[year], description=step)

    with display:
        yield progress


@app.command()
@reports_errors
def check(
    year: Annotated[str | None, typer.Argument(help="Year to check (default: latest).")] = None,
    project: ProjectOption = None,
    template: TemplateOption = None,
) -> None:
    """Check the template against a year's names without writing a letter."""
    from brief import check as checking

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

    from brief import check as checking

    paths = resolve_project(project)
    (year_number,) = parse_years([year] if year else [], paths)
    params, collection = checking.load_year(paths, year_number)
    table = Table("name", "prints as", "type", "from", title=f"Names for {year_number}")
    for item in checking.fields(params, collection, paths.params_file(year_number)):
        table.add_row(item.name, item.shown[:60], item.kind, item.origin)
    out.print(table)


@app.command()
@reports_errors
def new(
    year: Annotated[str, typer.Argument(help="The year to start, e.g. 2025.")],
    project: ProjectOption = None,
) -> None:
    """Start a year: write params/<year>.yaml from the latest year and list missing data."""
    from brief.scaffold import new_year

    paths = resolve_project(project)
    (year_number,) = parse_years([year], paths)
    started = new_year(paths, year_number)
    shown = paths.relative
    out.print(f"Wrote {shown(started.params_file)} from {started.copied_from.name}.", markup=False)
    out.print(
        f"Fill in: {', '.join(started.to_fill)}; and list this year's toezeggingen.", markup=False
    )
    if started.missing:
        out.print(f"Data the notebooks read has no {year_number} figures yet for:", markup=False)
        for path, indicators in started.missing.items():
            out.print(f"  {path}: {', '.join(indicators)}", markup=False)
    else:
        out.print(f"Every data file the notebooks read has {year_number} figures.", markup=False)


@app.command()
@reports_errors
def init(
    folder: Annotated[Path, typer.Argument(help="New (or empty) folder for the project.")],
    organisatie: Annotated[
        str | None, typer.Option(help="Who sends the letter, e.g. 'Gemeente Utrecht'.")
    ] = None,
    stad: Annotated[
        str | None, typer.Option(help="The name of city-wide rows in the data, e.g. Utrecht.")
    ] = None,
    gebieden: Annotated[
        str | None, typer.Option(help="The areas, separated by commas: 'Binnenstad,Oost,Zuid'.")
    ] = None,
) -> None:
    """Start a project for your own letter: settings, a notebook, a template, example data."""
    from brief.starter import create_project

    asked = {"organisatie": organisatie, "stad": stad, "gebieden": gebieden}
    missing = [name for name, value in asked.items() if not value]
    if missing and not _at_a_terminal():
        raise BriefError(
            f"Give {', '.join('--' + name for name in missing)} (or run brief init at a "
            "terminal, where it asks), e.g. brief init utrecht --organisatie 'Gemeente "
            "Utrecht' --stad Utrecht --gebieden 'Binnenstad,Oost,Zuid,West'."
        )
    organisatie = organisatie or typer.prompt("Organisation (e.g. Gemeente Utrecht)")
    stad = stad or typer.prompt("Name of city-wide rows in the data (e.g. Utrecht)")
    gebieden = gebieden or typer.prompt("Areas, separated by commas")
    made = create_project(folder, organisatie, stad, gebieden.split(","))
    out.print(f"Wrote a new project in {made.folder}. Build its example letter with:", markup=False)
    out.print(f"  brief build {made.year} --project {made.folder}", markup=False)


@app.command()
@reports_errors
def diff(
    year: Annotated[str, typer.Argument(help="The year whose letter to compare, e.g. 2023.")],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="A kept build: its time or date as listed, e.g. 2024-06-03.",
            show_default="the build before",
        ),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Write the letter with every change since an earlier build tracked, as Word shows them."""
    from brief.redline import diff_since

    paths = resolve_project(project)
    (year_number,) = parse_years([year], paths)
    made = diff_since(paths, year_number, since)
    if made.path is None:
        out.print(
            f"{year_number}: the letter has not changed since the build of {made.since.finished}.",
            markup=False,
        )
        return
    out.print(
        f"{year_number}: {len(made.changes)} change(s) since the build of "
        f"{made.since.finished}, tracked as Word revisions.",
        markup=False,
    )
    out.print(paths.relative(made.path), markup=False)


def _at_a_terminal() -> bool:
    """Whether someone can answer a question: input and output are a terminal."""
    return sys.stdin.isatty() and out.is_terminal


def main() -> None:
    app()
