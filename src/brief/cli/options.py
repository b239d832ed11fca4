"""The options and arguments commands share, defined once: the project, the template,
the language, the years, and the grid's --per, --only and --cluster."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from brief.cli.usage import checked_language
from brief.exceptions import BriefError
from brief.i18n import N_, _
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths, find_project, open_project


def checked_cluster(address: str | None) -> str | None:
    """The check of --cluster (and BRIEF_CLUSTER) before any work: a local:N that is no
    number is said at once, not after the notebooks are planned."""
    if address is not None:
        from brief.build.cluster import local_threads

        try:
            local_threads(address)
        except BriefError as error:
            raise typer.BadParameter(str(error)) from None
    return address


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

# Read before click parses the command (brief.cli.usage.BriefGroup); declared on every command
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

# The grid's options: which letters of a year a command is about (see brief.build.grid).
PerOption = Annotated[
    str | None,
    typer.Option(
        "--per",
        # TRANSLATORS: the word brief takes after --per, in Dutch: gebied. Both are known.
        metavar=N_("area"),
        help=N_("Also a letter per area: --per area."),
    ),
]
OnlyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        # TRANSLATORS: in Dutch gebied=NAAM; brief knows both gebied= and area=.
        metavar=N_("area=NAME"),
        help=N_("Only this letter of the grid: --only area=NAME (can be repeated)."),
    ),
]
ClusterOption = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        metavar=N_("ADDRESS"),
        envvar="BRIEF_CLUSTER",
        callback=checked_cluster,
        help=N_("Run the notebooks on this Dask scheduler (tcp://host:8786, or local:N)."),
    ),
]


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


def at_least_one(value: int | None) -> int | None:
    """The check of --jobs and --timeout, in the words pydantic would use."""
    if value is not None and value < 1:
        raise typer.BadParameter(_("Input should be greater than or equal to {ge}").format(ge=1))
    return value


def letters_asked(
    paths: ProjectPaths, years: list[int], per: str | None = None, only: list[str] | None = None
) -> list[Letter]:
    """Return the letters a command is asked about: the city letter of each year, and with
    --per or --only the grid's letters (brief.build.grid.expand). Only then is the areas
    file read."""
    if not per and not only:
        return [Letter(year) for year in years]
    from brief.build.grid import expand

    return expand(paths, years, per=per, only=only or [])


def project_and_letters(
    project: Path | None, years: list[str], per: str | None = None, only: list[str] | None = None
) -> tuple[ProjectPaths, list[Letter]]:
    """Return the project and the letters a command is asked about (see letters_asked)."""
    paths = resolve_project(project)
    return paths, letters_asked(paths, parse_years(years, paths), per, only)
