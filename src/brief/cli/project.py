"""The commands that start something: a project (init) and a year (new)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from brief.cli.base import out, reports_errors, subcommand
from brief.cli.options import LanguageOption, ProjectOption, parse_years, resolve_project
from brief.exceptions import BriefError
from brief.i18n import N_, _, ngettext


@subcommand(
    help=N_("Start a year: write params/<year>.yaml from the latest year and list missing data.")
)
@reports_errors
def new(
    year: Annotated[str, typer.Argument(help=N_("The year to start, e.g. 2025."))],
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.project.scaffold import new_year

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
    from brief.project.starter import create_project, split_areas

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


def _at_a_terminal() -> bool:
    """Whether someone can answer a question: input and output are a terminal."""
    return sys.stdin.isatty() and out.is_terminal
