"""The `brief` command: parses arguments, calls the package, turns errors into messages.

Library code raises BriefError subclasses; this is the only place that prints them and
chooses an exit code, so a user mistake never ends in a traceback. Everything printed
is in the user's language (see brief.i18n); help texts are N_() messages, translated
when shown (brief.usage).
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
from brief.files import replace_file
from brief.i18n import N_, _, decimal, ngettext
from brief.paths import ProjectPaths, find_project, open_project
from brief.usage import BriefCommand, BriefGroup, checked_language

app = typer.Typer(
    cls=BriefGroup,
    help=N_("Build the yearly progress letter from data, notebooks and a Word template."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
subcommand = functools.partial(app.command, cls=BriefCommand)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE: a fault of brief's, not of the input
EXIT_INTERRUPTED = 130

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        metavar=N_("FOLDER"),
        help=N_("Project folder (default: this folder or one above it)."),
    ),
]
TemplateOption = Annotated[
    Path | None,
    typer.Option(
        "--template",
        metavar=N_("FILE"),
        help=N_("Word template to fill (default: templates/brief.docx)."),
    ),
]
# Read before click parses the command (brief.usage.BriefGroup); declared on every command
# so that it may stand anywhere in it, and checked here.
LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="nl|en",
        callback=checked_language,
        help=N_("Language of brief's messages: nl (Nederlands) or en (English)."),
        show_default=N_("BRIEF_LANG, brief.yaml's taal, the locale, else nl"),
    ),
]


@app.callback()
def _root(lang: LanguageOption = None) -> None:
    """--lang may also come first: `brief --lang en build 2023` (see brief.usage)."""


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
            _error(str(exc))
            raise typer.Exit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            err.print(_("Stopped. The previous outputs are unchanged."), markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort):
            raise  # the command's own way of ending
        except Exception as exc:
            log = _write_error_log(kwargs.get("project"))
            _error(
                _(
                    "brief stopped on an internal fault ({fault}); your files are not the cause "
                    "and the previous outputs are unchanged. The full report is in {log}: send "
                    "it to whoever maintains brief for you."
                ).format(fault=f"{type(exc).__name__}: {exc}", log=log)
            )
            raise typer.Exit(EXIT_INTERNAL_ERROR) from None

    return wrapper


def _error(message: str) -> None:
    err.print(_("Error: {message}").format(message=message), markup=False)


def _warning(message: str) -> None:
    err.print(_("Warning: {message}").format(message=message), markup=False)


def _write_error_log(project: Path | None) -> Path:
    """Write the traceback being handled to the project's error log; return its path."""
    try:
        paths = resolve_project(project)
        log, shown = paths.writable(paths.error_log), paths.shown(paths.error_log)
    except BriefError:  # no project to write into: the system's temporary folder
        log = Path(tempfile.gettempdir()) / ".brief-error.log"
        shown = str(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    replace_file(  # never through a link placed at its name
        log,
        f"brief {__version__}, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}\n"
        f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}",
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
                _("{folder} holds no <year>.yaml file, so there is no year to build.").format(
                    folder=project.params_dir
                )
            )
        return [years[-1]]
    years = []
    for word in words:
        if not re.fullmatch(r"\d{4}", word):
            raise BriefError(
                _("'{word}' is not a year. Give years as four digits, e.g. 2023.").format(word=word)
            )
        years.append(int(word))
    return sorted(set(years))


# What `brief fields` says each kind of name is.
FIELD_KINDS = {
    "parameter": N_("parameter"),
    "value": N_("value"),
    "figure": N_("figure"),
    "table": N_("table"),
}


def _at_least_one(value: int | None) -> int | None:
    """The check of --jobs and --timeout, in the words pydantic would use."""
    if value is not None and value < 1:
        raise typer.BadParameter(_("Input should be greater than or equal to {ge}").format(ge=1))
    return value


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
            callback=_at_least_one,
            help=N_("Notebooks to run at once, over all years."),
            show_default=N_("brief.yaml, else all cores"),
        ),
    ] = None,
    timeout: Annotated[
        int | None,
        typer.Option(
            metavar=N_("SECONDS"),
            callback=_at_least_one,
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
    per: Annotated[
        str | None,
        typer.Option(
            "--per",
            # TRANSLATORS: the word brief takes after --per, in Dutch: gebied. Both are known.
            metavar=N_("area"),
            help=N_("Also a letter per area: --per area."),
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            # TRANSLATORS: in Dutch gebied=NAAM; brief knows both gebied= and area=.
            metavar=N_("area=NAME"),
            help=N_("Only this letter of the grid: --only area=NAME (can be repeated)."),
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar=N_("ADDRESS"),
            envvar="BRIEF_CLUSTER",
            help=N_("Run the notebooks on this Dask scheduler (tcp://host:8786, or local:N)."),
        ),
    ] = None,
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
            _error(
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
            from brief.changes import summary_line

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
        out.print(_sent_line(result.key.label if result.key else year, result.sent), markup=False)
    for warning in result.warnings:
        _warning(warning)
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
    per: Annotated[
        str | None,
        typer.Option("--per", help=N_("Also check every area's letter: --per area.")),
    ] = None,
    lang: LanguageOption = None,
) -> None:
    from brief import check as checking
    from brief.grid import expand
    from brief.letters import Letter

    paths = resolve_project(project)
    (year_number,) = parse_years([year] if year else [], paths)
    # Only a check per area reads the areas file.
    letters = expand(paths, [year_number], per=per) if per else [Letter(year_number)]
    failed = False
    for letter in letters:
        template_path, report = checking.check_letter(paths, letter, template)
        # In a check of several letters each line says which letter it is about.
        about = f"{letter.label}: " if len(letters) > 1 else ""
        for warning in report.warnings:
            _warning(about + warning)
        for error in report.errors:
            _error(about + error)
        failed = failed or bool(report.errors)
        if not report.errors:
            out.print(
                _("{template} is ready for {year}.").format(
                    # The path where two letters' templates may share a name.
                    template=paths.relative(template_path) if per else template_path.name,
                    year=letter.label,
                ),
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
    lang: LanguageOption = None,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from brief import check as checking

    paths = resolve_project(project)
    (year_number,) = parse_years([year] if year else [], paths)
    params, collection = checking.load_year(paths, year_number)
    found = checking.fields(params, collection, paths.params_file(year_number))
    title = _("Names for {year}").format(year=year_number)
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
    help=N_("Start a year: write params/<year>.yaml from the latest year and list missing data.")
)
@reports_errors
def new(
    year: Annotated[str, typer.Argument(help=N_("The year to start, e.g. 2025."))],
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.scaffold import new_year

    paths = resolve_project(project)
    (year_number,) = parse_years([year], paths)
    started = new_year(paths, year_number)
    shown = paths.shown
    out.print(
        _("Wrote {path} from {source}.").format(
            path=shown(started.params_file), source=started.copied_from.name
        ),
        markup=False,
    )
    out.print(
        _("Fill in: {keys}; and list this year's toezeggingen.").format(
            keys=", ".join(started.to_fill)
        ),
        markup=False,
    )
    if started.skipped:
        skipped = ", ".join(map(str, started.skipped))
        out.print(
            # TRANSLATORS: {skipped} lists years ("2025, 2026") that have no params file.
            ngettext(
                "Skipped: {skipped} has no params file, so {year} starts from {source} and the "
                "rows below compare {year} with {latest}.",
                "Skipped: {skipped} have no params file, so {year} starts from {source} and "
                "the rows below compare {year} with {latest}.",
                len(started.skipped),
            ).format(
                skipped=skipped,
                year=year_number,
                source=started.copied_from.name,
                latest=started.skipped[0] - 1,
            ),
            markup=False,
        )
    if not started.missing:
        out.print(
            _("Every data file the notebooks read has {year} figures.").format(year=year_number),
            markup=False,
        )
        return
    out.print(
        _(
            "The build of {year} will ask for these rows. Add them to each file as it is "
            "written, with the value and source filled in:"
        ).format(year=year_number),
        markup=False,
    )
    for path, rows in started.missing.items():
        # TRANSLATORS: a data file and its header row, as the file writes it
        heading = _("{file} (header: {header})").format(file=path, header=rows.header)
        out.print(f"  {heading}", markup=False)
        for heading, wanted in (
            (_("realisations"), rows.realisations),
            (_("targets"), rows.targets),
        ):
            if wanted:
                out.print(f"    {heading}:", markup=False)
                for row in wanted:
                    out.print(f"      {row}", markup=False)
        for group in rows.per_area:
            # TRANSLATORS: {areas} lists the areas; the rows below are written for the first
            per_area = ngettext(
                "per area, for {count} area ({areas}); the rows are written for {first}:",
                "per area, for each of {count} areas ({areas}); the rows are written for {first}:",
                len(group.areas),
            )
            per_area = per_area.format(
                count=len(group.areas), areas=", ".join(group.areas), first=group.areas[0]
            )
            out.print(f"    {per_area}", markup=False)
            for row in group.rows:
                out.print(f"      {row}", markup=False)


@subcommand(
    help=N_("Start a project for your own letter: settings, a notebook, a template, example data.")
)
@reports_errors
def init(
    folder: Annotated[Path, typer.Argument(help=N_("New (or empty) folder for the project."))],
    organisatie: Annotated[
        str | None,
        typer.Option(metavar=N_("NAME"), help=N_("Who sends the letter, e.g. 'Gemeente Utrecht'.")),
    ] = None,
    stad: Annotated[
        str | None,
        typer.Option(
            metavar=N_("NAME"), help=N_("The name of city-wide rows in the data, e.g. Utrecht.")
        ),
    ] = None,
    gebieden: Annotated[
        str | None,
        typer.Option(
            metavar=N_("AREA,AREA,..."),
            help=N_("The areas, separated by commas (or semicolons): 'Binnenstad,Oost,Zuid'."),
        ),
    ] = None,
    lang: LanguageOption = None,
) -> None:
    from brief.starter import create_project, split_areas

    asked = {"organisatie": organisatie, "stad": stad, "gebieden": gebieden}
    missing = [name for name, value in asked.items() if not value]
    if missing and not _at_a_terminal():
        raise BriefError(
            _(
                "Give {options} (or run brief init at a terminal, where it asks), e.g. brief "
                "init utrecht --organisatie 'Gemeente Utrecht' --stad Utrecht --gebieden "
                "'Binnenstad,Oost,Zuid,West'."
            ).format(options=", ".join("--" + name for name in missing))
        )
    organisatie = organisatie or typer.prompt(_("Organisation (e.g. Gemeente Utrecht)"))
    stad = stad or typer.prompt(_("Name of city-wide rows in the data (e.g. Utrecht)"))
    gebieden = gebieden or typer.prompt(_("Areas, separated by commas"))
    made = create_project(folder, organisatie, stad, split_areas(gebieden))
    out.print(
        _("Wrote a new project in {folder}. Build its example letter with:").format(
            folder=made.folder
        ),
        markup=False,
    )
    out.print(f"  brief build {made.year} --project {made.folder}", markup=False)
    if made.committed:
        out.print(
            _(
                "It is a git repository with a first commit; notebooks are committed without "
                "their outputs (nbstripout)."
            ),
            markup=False,
        )


OnlyAreaOption = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        metavar=N_("area=NAME"),
        help=N_("An area's letter instead of the city's: --only area=NAME."),
    ),
]


def _letters(paths: ProjectPaths, year: str, only: list[str] | None):
    """Return the letters a command about kept letters is asked about: the city letter of
    ``year``, or the areas' ``--only`` names."""
    from brief.grid import expand
    from brief.letters import Letter

    (year_number,) = parse_years([year], paths)
    if not only:
        return [Letter(year_number)]
    return expand(paths, [year_number], only=only)


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
    only: OnlyAreaOption = None,
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.redline import diff_since

    paths = resolve_project(project)
    for letter in _letters(paths, year, only):
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


HISTORY_HELP = N_("List the letters of a year kept for comparison, sent or not, and what changed.")
SENT_HELP = N_("Mark the letter as sent: later changes are reported against it, and it is kept.")


@subcommand("geschiedenis", help=HISTORY_HELP)
@reports_errors
def history(
    year: Annotated[str, typer.Argument(help=N_("The year whose letters to list, e.g. 2023."))],
    only: OnlyAreaOption = None,
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.history import current_key, history_of

    paths = resolve_project(project)
    for letter in _letters(paths, year, only):
        kept = history_of(paths, letter).letters()
        current = current_key(paths, letter)
        if not kept:
            out.print(
                _("{letter}: no letter is kept yet; one is kept with every build.").format(
                    letter=letter.label
                ),
                markup=False,
            )
            continue
        out.print(
            ngettext(
                "{letter}: {count} letter(s) kept, the last built last. Compare with one by "
                "its identifier: brief diff {year} --since IDENTIFIER",
                "{letter}: {count} letter(s) kept, the last built last. Compare with one by "
                "its identifier: brief diff {year} --since IDENTIFIER",
                len(kept),
            ).format(letter=letter.label, count=len(kept), year=letter.year),
            markup=False,
        )
        for entry in kept:
            out.print(entry.listed(current=entry.key == current), markup=False)
            if entry.summary:
                out.print(f"      {entry.summary}", markup=False)


# The English name too: `brief history 2023`.
app.command("history", cls=BriefCommand, hidden=True, help=HISTORY_HELP)(history)


@subcommand("verzonden", help=SENT_HELP)
@reports_errors
def sent(
    year: Annotated[str, typer.Argument(help=N_("The year whose letter was sent, e.g. 2023."))],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=N_("Mark a kept letter instead: its identifier, date or time."),
            show_default=N_("the current letter"),
        ),
    ] = None,
    only: OnlyAreaOption = None,
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.build import mark_letter_sent

    paths = resolve_project(project)
    for letter in _letters(paths, year, only):
        out.print(_sent_line(letter.label, mark_letter_sent(paths, letter, since)), markup=False)


app.command("sent", cls=BriefCommand, hidden=True, help=SENT_HELP)(sent)


def _sent_line(label, entry) -> str:
    # TRANSLATORS: {ident} identifies the kept letter; {time} is when it was built.
    return _(
        "{letter}: the letter {ident} (built {time}) is marked as sent; later changes are "
        "reported against it."
    ).format(letter=label, ident=entry.ident, time=entry.last_built)


def _at_a_terminal() -> bool:
    """Whether someone can answer a question: input and output are a terminal."""
    return sys.stdin.isatty() and out.is_terminal


def main() -> None:
    app()
