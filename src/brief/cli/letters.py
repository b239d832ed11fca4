"""The commands about a year's letters: build, check, fields and diff."""

from __future__ import annotations

import contextlib
import os
from typing import Annotated

import typer

from brief.cli.base import (
    EXIT_USER_ERROR,
    err,
    out,
    print_error,
    print_warning,
    reports_errors,
    subcommand,
)
from brief.cli.history import sent_line
from brief.cli.options import (
    ClusterOption,
    LanguageOption,
    OnlyOption,
    PerOption,
    ProjectOption,
    TemplateOption,
    at_least_one,
    parse_years,
    project_and_letters,
    resolve_project,
)
from brief.exceptions import BriefError
from brief.i18n import N_, _, decimal, ngettext
from brief.project.paths import ProjectPaths

# What `brief fields` says each kind of name is.
FIELD_KINDS = {
    "parameter": N_("parameter"),
    "value": N_("value"),
    "figure": N_("figure"),
    "table": N_("table"),
}


@subcommand(
    help=N_(
        "Bring outputs/<year>/ up to date: rerun what changed, refill the letter, report changes."
    )
)
@reports_errors
def build(
    years: Annotated[
        list[str] | None, typer.Argument(help=N_("Years to build (default: the latest)."))
    ] = None,
    project: ProjectOption = None,
    template: TemplateOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar=N_("NUMBER"),
            callback=at_least_one,
            help=N_("Notebooks to run at once, over all years."),
            show_default=N_("brief.yaml, else all cores"),
        ),
    ] = None,
    timeout: Annotated[
        int | None,
        typer.Option(
            metavar=N_("SECONDS"),
            callback=at_least_one,
            help=N_("Seconds one notebook cell may take before it is stopped."),
            show_default=N_("brief.yaml, else 600"),
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=N_("Rerun every notebook, even if nothing changed."))
    ] = False,
    review: Annotated[
        bool,
        typer.Option("--review", help=N_("Also write a review copy with source comments.")),
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help=N_("Also write the PDF (LibreOffice)."))
    ] = False,
    per: PerOption = None,
    only: OnlyOption = None,
    cluster: ClusterOption = None,
    mark_sent: Annotated[
        bool,
        typer.Option(
            "--markeer-verzonden",
            "--mark-sent",
            help=N_("Mark the letter as sent: later changes are reported against it."),
        ),
    ] = False,
    lang: LanguageOption = None,
) -> None:
    from brief.build.year import build_years

    paths = resolve_project(project)
    wanted = parse_years(years or [], paths)
    defaults = paths.settings().bouwen
    asked_jobs = jobs
    jobs = jobs or defaults.jobs or os.cpu_count() or 1
    timeout = timeout or defaults.timeout
    if per or only or cluster:  # a grid of letters: see brief.build.grid
        import brief.cli.gridview as gridview
        from brief.build.grid import build_grid, expand

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
                mark_sent=mark_sent,
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
            mark_sent=mark_sent,
        )
    failed = 0
    for year, result in results.items():
        if isinstance(result, BriefError):
            failed += 1
            print_error(
                _("{year}: {message}").format(year=year, message=result)
                if len(wanted) > 1
                else str(result)
            )
            continue
        _report(result, paths)
    if failed:
        raise typer.Exit(EXIT_USER_ERROR)


def _report(result, paths: ProjectPaths) -> None:
    """Print what one year's build did, ending with the letter's path."""
    year, shown = result.year, paths.shown
    if not result.built:
        out.print(
            _(
                "{year}: nothing changed since the last build ({finished}); the letter is up "
                "to date."
            ).format(year=year, finished=result.plan.previous.finished),
            markup=False,
        )
    else:
        ran = len(result.notebook_seconds)
        reused = len(result.plan.notebooks) - ran
        out.print(
            ngettext(
                "{year}: built in {seconds} s ({ran} notebook(s) ran, {reused} reused; {reason})",
                "{year}: built in {seconds} s ({ran} notebook(s) ran, {reused} reused; {reason})",
                ran,
            ).format(
                year=year,
                seconds=decimal(result.seconds),
                ran=ran,
                reused=reused,
                reason=result.plan.letter_reason,
            ),
            markup=False,
        )
        for notebook in result.plan.notebooks:
            if notebook.reruns:
                seconds = decimal(result.notebook_seconds[notebook.source.name])
                out.print(
                    f"  {notebook.source.name:<30} {seconds:>5} s  {notebook.reason}",
                    markup=False,
                )
        if result.changes is not None:
            from brief.review.changes import summary_line

            line = summary_line(result.changes, result.reference, shown(result.outputs.changes))
            out.print(f"  {line}", markup=False)
        if result.same_letter:
            out.print(
                _("  the letter reads as the last build's: what was made for it is kept"),
                markup=False,
            )
        if result.outputs.redline.exists():
            out.print(
                _("  changes tracked: {path}").format(path=shown(result.outputs.redline)),
                markup=False,
            )
        out.print(
            _("  review page: {path}").format(path=shown(result.outputs.review_page)),
            markup=False,
        )
        if result.outputs.review_letter.exists():
            out.print(
                _("  review copy: {path}").format(path=shown(result.outputs.review_letter)),
                markup=False,
            )
    if result.sent is not None:
        out.print(sent_line(result.key.label if result.key else year, result.sent), markup=False)
    for warning in result.warnings:
        print_warning(warning)
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
    # TRANSLATORS: the live line of a year that has not started yet.
    tasks = {year: display.add_task(_("waiting"), year=year, total=None) for year in years}

    def progress(year: int, step: str) -> None:
        display.update(tasks[year], description=step)

    with display:
        yield progress


@subcommand(help=N_("Check the template against a year's names without writing a letter."))
@reports_errors
def check(
    year: Annotated[str | None, typer.Argument(help=N_("Year to check (default: latest)."))] = None,
    project: ProjectOption = None,
    template: TemplateOption = None,
    per: PerOption = None,
    only: OnlyOption = None,
    cluster: ClusterOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.build import check as checking

    paths, letters = project_and_letters(project, [year] if year else [], per, only)
    failed = False
    with checking.notebook_runner(paths, cluster) as runner:
        for letter in letters:  # each letter's findings as soon as they are known
            template_path, report = checking.check_letter(paths, letter, template, runner)
            # In a check of several letters each line says which letter it is about.
            about = f"{letter.label}: " if len(letters) > 1 else ""
            for warning in report.warnings:
                print_warning(about + warning)
            for error in report.errors:
                print_error(about + error)
            failed = failed or bool(report.errors)
            if not report.errors:
                # The path where two letters' templates may share a name.
                shown = paths.relative(template_path) if len(letters) > 1 else template_path.name
                out.print(
                    _("{template} is ready for {year}.").format(template=shown, year=letter.label),
                    markup=False,
                )
    if failed:
        raise typer.Exit(EXIT_USER_ERROR)


@subcommand(
    help=N_("List every name a template may use for a year, how it prints and where it comes from.")
)
@reports_errors
def fields(
    year: Annotated[str | None, typer.Argument(help=N_("Year (default: latest)."))] = None,
    project: ProjectOption = None,
    per: PerOption = None,
    only: OnlyOption = None,
    cluster: ClusterOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.build import check as checking

    paths, letters = project_and_letters(project, [year] if year else [], per, only)
    with checking.notebook_runner(paths, cluster) as runner:
        for letter in letters:
            params, collection = checking.load_year(paths, letter.year, letter, runner)
            found = checking.fields(params, collection, paths.params_file(letter.year))
            _print_fields(_("Names for {year}").format(year=letter.label), found)


def _print_fields(title: str, found) -> None:
    """Print the names of one letter as a table, or as lines where a table has no room."""
    from rich.table import Table
    from rich.text import Text

    # A name is what the template must say exactly: never cut or folded, however narrow
    # the terminal (or 80 columns when redirected). Where a table would leave the other
    # columns too little room, each name gets lines of its own instead.
    widest = max(len(f.name) for f in found)
    if out.width - widest < FIELDS_ROOM:
        _fields_as_lines(title, found)
        return
    table = Table(title=title)
    # TRANSLATORS: the column headers of `brief fields`.
    table.add_column(_("name"), no_wrap=True, min_width=widest)
    table.add_column(_("prints as"), overflow="fold")
    table.add_column(_("type"), no_wrap=True)
    table.add_column(_("from"), overflow="fold")
    for item in found:
        origin = f"{item.origin}\n{item.rows}" if item.rows else item.origin
        cells = (item.name, item.shown[:60], _(FIELD_KINDS[item.kind]), origin)
        table.add_row(*(Text(cell) for cell in cells))  # as written, never read as markup
    out.print(table)


FIELDS_ROOM = 48  # columns `brief fields` needs beside the names to show them as a table


def _fields_as_lines(title: str, found) -> None:
    """Print every name on a line of its own, whole, and what it is below it."""
    out.print(title, markup=False)
    for item in found:
        out.print("", markup=False)
        out.print(item.name, markup=False, overflow="ignore", crop=False)
        # TRANSLATORS: below a name in `brief fields`: how it prints and what it is
        out.print(
            "  "
            + _("{kind}; prints as: {shown}").format(
                kind=_(FIELD_KINDS[item.kind]), shown=item.shown[:60]
            ),
            markup=False,
        )
        out.print("  " + _("from: {origin}").format(origin=item.origin), markup=False)
        if item.rows:
            out.print(f"  {item.rows}", markup=False)


@subcommand(
    help=N_(
        "Write the letter with every change since an earlier build tracked, as Word shows them."
    )
)
@reports_errors
def diff(
    year: Annotated[str, typer.Argument(help=N_("The year whose letter to compare, e.g. 2023."))],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar=N_("LETTER"),
            help=N_(
                "A kept letter: its identifier (brief geschiedenis), a date, a time, or verzonden."
            ),
            show_default=N_("the letter sent, else the last that differed"),
        ),
    ] = None,
    per: PerOption = None,
    only: OnlyOption = None,
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.build.diff import diff_since

    paths, letters = project_and_letters(project, [year], per, only)
    for letter in letters:
        made = diff_since(paths, letter.year, since, area=letter.area)
        if made.path is None:
            out.print(
                # TRANSLATORS: {reference} is "the letter marked as sent on ... (3f2a9c41d0)"
                # or "the last letter that differed, built ... (3f2a9c41d0)".
                _("{letter}: the letter has not changed since {reference}.").format(
                    letter=letter.label, reference=made.reference
                ),
                markup=False,
            )
            continue
        count = len(made.changes)
        out.print(
            ngettext(
                "{letter}: {count} change(s) since {reference}, tracked as Word revisions.",
                "{letter}: {count} change(s) since {reference}, tracked as Word revisions.",
                count,
            ).format(letter=letter.label, count=count, reference=made.reference),
            markup=False,
        )
        out.print(paths.shown(made.path), markup=False)
