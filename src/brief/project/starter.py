"""`brief init DIR`: a small project that builds at once, for any municipality.

Like ``quarto create`` or ``kedro new``: settings, one chapter notebook, a Word template
that looks like a letter (letterhead, date and reference, headings, greeting), a params file
for this year, example data marked ``fictief`` and a ``.gitignore``. Where git is installed
the folder becomes a repository with a first commit, and nbstripout (installed with brief)
strips notebook outputs on every commit. It refuses to write into a folder that is not
empty, so nothing of anyone's is overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from brief.exceptions import ProjectError
from brief.i18n import _
from brief.letter.starter import write_starter_template
from brief.project.settings import DEFAULT_TEMPLATE, SETTINGS_FILE

NOTEBOOK = "01-overzicht.ipynb"
DATA = "cijfers.csv"
FICTITIOUS = "fictief (voorbeeld van brief init)"
INDICATORS = (  # name, label, unit, type, monitor
    ("bereik", "Bewoners bereikt", "count", "Welzijnsopdracht", "Rapportage aanbieders"),
    ("tevredenheid", "Tevreden deelnemers", "percent", "Effect", "Enquête deelnemers"),
)


@dataclass(frozen=True)
class NewProject:
    folder: Path
    year: int
    files: list[Path]
    committed: bool = False  # a git repository with a first commit


def split_areas(text: str) -> list[str]:
    """Return the areas of ``--gebieden``: separated by commas, or semicolons as Excel writes."""
    return [area.strip() for area in re.split(r"[,;]", text) if area.strip()]


def create_project(folder: Path, organisation: str, city: str, areas: list[str]) -> NewProject:
    """Write a new project into ``folder`` (new or empty) and return what was written."""
    areas = [area.strip() for area in areas if area.strip()]
    if not organisation.strip() or not city.strip():
        raise ProjectError(_("Give the organisation's name and the city's name, e.g. Utrecht."))
    if len(areas) < 2 or len(set(areas)) != len(areas) or city in areas:
        raise ProjectError(
            _(
                "Give at least two areas, each once and none named like the city itself, "
                "e.g. --gebieden 'Binnenstad,Oost,Zuid,West'."
            )
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ProjectError(
            _(
                "{folder} is not empty. brief init writes a new project only into a new or "
                "empty folder, so nothing there is overwritten; choose another folder."
            ).format(folder=folder)
        )
    year = dt.date.today().year
    files = {
        SETTINGS_FILE: _settings(organisation, city),
        "data/gebieden.csv": "area,provider\n" + "".join(f"{a},Welzijnsaanbieder\n" for a in areas),
        "data/indicatoren.csv": "indicator,label,unit,type,monitor\n"
        + "".join(",".join(row) + "\n" for row in INDICATORS),
        f"data/{DATA}": _example_data(city, areas, year),
        f"params/{year}.yaml": _params(organisation, year),
        ".gitignore": "outputs/\n.venv/\n__pycache__/\n.ipynb_checkpoints/\n~$*.docx\n",
        "README.md": _readme(organisation, year),
    }
    written = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (folder / "notebooks").mkdir()
    nbformat.write(_notebook(), folder / "notebooks" / NOTEBOOK)
    written.append(folder / "notebooks" / NOTEBOOK)
    template = folder / DEFAULT_TEMPLATE
    template.parent.mkdir()
    write_starter_template(template, organisation)
    written.append(template)
    return NewProject(folder, year, written, committed=_first_commit(folder, organisation))


def _first_commit(folder: Path, organisation: str) -> bool:
    """Make ``folder`` a git repository that strips notebook outputs; commit what is there.

    nbstripout comes with brief, so the filter works without installing anything else. Return
    whether it worked: without git, or when git refuses, the project is there all the same.
    """
    git = shutil.which("git")
    if git is None:
        return False
    # Who commits, when git does not know yet: the organisation, so the commit can be made.
    who = {
        "GIT_AUTHOR_NAME": organisation,
        "GIT_COMMITTER_NAME": organisation,
        "GIT_AUTHOR_EMAIL": "brief@localhost",
        "GIT_COMMITTER_EMAIL": "brief@localhost",
    }
    known = subprocess.run(
        [git, "config", "user.email"], cwd=folder, capture_output=True, text=True, check=False
    ).stdout.strip()
    environment = {**os.environ, **({} if known else who)}
    steps = [
        [git, "init", "--quiet"],
        [sys.executable, "-m", "nbstripout", "--install", "--attributes", ".gitattributes"],
        [git, "add", "--all"],
        [git, "commit", "--quiet", "--no-verify", "-m", _("New project, made with brief init")],
    ]
    for step in steps:
        try:
            done = subprocess.run(
                step, cwd=folder, env=environment, capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.SubprocessError):
            return False
        if done.returncode != 0:
            return False
    return True


def _settings(organisation: str, city: str) -> str:
    settings = {
        "organisatie": organisation,
        "stad": city,
        "gebieden": "data/gebieden.csv",
        "locale": "nl_NL",
        "sjabloon": DEFAULT_TEMPLATE,
        "extra_velden": {},
        "notatie": {},
        "bouwen": {"timeout": 600},
    }
    return _(
        "# Whose letter this is; see `brief init --help` and the README of brief.\n"
        "# stad: the name of city-wide rows in data/; extra_velden: your own params keys\n"
        "# with their type (tekst, getal, datum, lijst); notatie: per data file nl or en.\n"
        "# taal: the language of brief's messages, nl or en (without it: Dutch, unless\n"
        "# BRIEF_LANG or the computer's language says English).\n"
    ) + yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)


def _example_data(city: str, areas: list[str], year: int) -> str:
    """Return made-up figures for three years, city-wide and per area, marked fictitious."""
    rng = random.Random(f"{city}{year}")  # the same example every time for one city
    lines = ["indicator,year,area,value,kind,source"]
    for offset in (2, 1, 0):
        when = year - offset
        per_area = [rng.randint(200, 900) for _area in areas]
        lines += [
            f"bereik,{when},{a},{v},realisation,{FICTITIOUS}"
            for a, v in zip(areas, per_area, strict=True)
        ]
        lines.append(f"bereik,{when},{city},{sum(per_area)},realisation,{FICTITIOUS}")
        lines.append(f"bereik,{when},{city},{450 * len(areas)},target,{FICTITIOUS}")
        lines.append(f"tevredenheid,{when},{city},{rng.randint(70, 90)},realisation,{FICTITIOUS}")
    return "\n".join(lines) + "\n"


def _params(organisation: str, year: int) -> str:
    params = {
        "jaar": year,
        "datum": f"{year + 1}-07-01",
        "kenmerk": f"{year}-001",
        "commissie": "commissie Zorg en Welzijn",
        "onderwerp": f"Voortgangsbrief {year}",
        "ondertekening": {"naam": "Naam Wethouder", "functie": "Wethouder"},
        "toezeggingen": [],
        "teksten": {"inleiding": f"Dit is een voorbeeldbrief van {organisation}."},
    }
    return _("# The letter's own texts for this year; `brief new YEAR` starts the next year.\n") + (
        yaml.safe_dump(params, sort_keys=False, allow_unicode=True)
    )


def _readme(organisation: str, year: int) -> str:
    return f"# Voortgangsbrief van {organisation}\n\n" + _(
        "Made with `brief init`. Build the letter with `brief build {year}`; it is written to\n"
        "`outputs/{year}/`. The figures in `data/` are examples, marked `fictief`: replace them\n"
        "with your own, and edit `templates/brief.docx` in Word.\n"
    ).format(year=year)


_VALUES_CELL = """
bereik = ind.value_for(cijfers, "bereik", year)
doel = ind.value_for(cijfers, "bereik", year, kind="target")
brief.publish_value("bereik", bereik)
brief.publish_value("bereik_doel", doel)
brief.publish_value("bereik_doel_tekst", ind.target_sentence(bereik, doel), unit="text")
tevreden = ind.value_for(cijfers, "tevredenheid", year)
brief.publish_value("tevredenheid", tevreden, unit="percent")
"""
_CHARTS_CELL = """
trend = charts.trend_chart(
    ind.series(cijfers, "bereik", years=years),
    target=ind.series(cijfers, "bereik", kind="target", years=years),
    title="Bewoners bereikt per jaar",
    what="bewoners bereikt",
)
brief.publish_figure(
    "bereik_trend", trend,
    title="Bewoners bereikt per jaar, met het doel",
    source=ind.source_note(cijfers, ["bereik"], years),
)
per_gebied = charts.area_bars(
    ind.by_area(cijfers, "bereik", year),
    title=f"Bereik per gebied, {year}",
    what="bewoners bereikt",
    year=year,
)
brief.publish_figure(
    "bereik_per_gebied", per_gebied,
    title=f"Bewoners bereikt per gebied in {year}",
    source=ind.source_note(cijfers, ["bereik"], [year], areas=True),
)
"""


def _notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell(
        "# Parameters: papermill replaces these per year.\nyear = 2024"
    )
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "# Overzicht\n\nBereik en tevredenheid, in de stad en per gebied."
        ),
        parameters,
        nbformat.v4.new_code_cell(
            "import brief\nfrom brief import charts\nfrom brief import indicators as ind\n\n"
            f'cijfers = brief.load_data("{Path(DATA).stem}")\n'
            "years = ind.years_until(cijfers, year)"
        ),
        nbformat.v4.new_code_cell(_VALUES_CELL.strip()),
        nbformat.v4.new_code_cell(_CHARTS_CELL.strip()),
    ]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook
