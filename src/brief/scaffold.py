"""Start a new year: its params file from the latest one, and the data it still lacks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from brief.exceptions import ProjectError
from brief.i18n import _
from brief.params import FILL_IN, read_yaml
from brief.paths import ProjectPaths, YearOutputs
from brief.records import RunRecord

# Fields that differ every year: the advisor must write them anew.
CLEARED = ("datum", "kenmerk")


@dataclass(frozen=True)
class NewYear:
    """What `brief new` wrote and what the new year still lacks."""

    params_file: Path
    copied_from: Path
    to_fill: list[str]
    missing: dict[str, list[str]]  # data file -> indicators without a figure for the year


def new_year(project: ProjectPaths, year: int) -> NewYear:
    """Write ``params/<year>.yaml`` from the latest earlier year and report missing data."""
    target = project.params_file(year)
    if target.exists():
        raise ProjectError(
            _("{file} already exists. Edit it, or delete it to start over.").format(
                file=project.relative(target)
            )
        )
    earlier = [y for y in project.years() if y < year]
    if not earlier:
        raise ProjectError(
            _("There is no params file for a year before {year} in {folder} to start from.").format(
                year=year, folder=project.params_dir
            )
        )
    source = project.params_file(earlier[-1])
    document = read_yaml(source)
    if not isinstance(document, dict):
        raise ProjectError(_("{file} holds no keys to copy.").format(file=source.name))

    new, to_fill = _next_params(document, earlier[-1], year)
    target.write_text(
        _header(year, source.name)
        + yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=88),
        encoding="utf-8",
    )
    return NewYear(target, source, to_fill, missing_data(project, earlier[-1], year))


def _header(year: int, source: str) -> str:
    """Return the comment lines that open a new params file, for the advisor who fills it.

    In the language spoken now, one comment line per message; the keys and the marker
    (INVULLEN) stay as the file writes them.
    """
    lines = [
        _("Parameters of the progress letter about {year}, started from {file}.").format(
            year=year, file=source
        ),
        # TRANSLATORS: {marker} is the word INVULLEN, kept as it is.
        _("Replace every {marker} before building; `brief build {year}` stops on any left.").format(
            marker=FILL_IN, year=year
        ),
        # TRANSLATORS: toezeggingen, code, omschrijving and status are keys of the file: keep them.
        _("toezeggingen: list the commitments this letter answers (code, omschrijving, status)."),
    ]
    # One line each, even if a translation were to break one: a comment must stay a comment.
    return "".join(f"# {' '.join(line.split())}\n" for line in lines)


def _next_params(document: dict, latest: int, year: int) -> tuple[dict, list[str]]:
    """Return next year's params: year-bound fields marked to fill in, the rest kept."""
    new = dict(document)
    new["jaar"] = year
    to_fill = []
    for key in CLEARED:
        new[key] = FILL_IN
        to_fill.append(key)
    if isinstance(new.get("onderwerp"), str):
        new["onderwerp"] = new["onderwerp"].replace(str(latest), str(year))
    new["toezeggingen"] = []
    texts = new.get("teksten")
    if isinstance(texts, dict):
        new["teksten"] = {key: FILL_IN for key in texts}
        to_fill += [f"teksten.{key}" for key in texts]
    return new, to_fill


def missing_data(project: ProjectPaths, latest: int, year: int) -> dict[str, list[str]]:
    """Return, per data file the notebooks read, the indicators with a figure for
    ``latest`` but none yet for ``year``.

    Which files the notebooks read comes from the latest year's run record; without one,
    every data file in the long format is checked.
    """
    from brief.data import COLUMNS, read_long_table

    record = RunRecord.read(YearOutputs(project.year_dir(latest), latest).run_record)
    if record is not None:
        files = sorted(project.root / path for path in record.data)
    else:
        files = sorted(project.data_dir.glob("*.csv"))
    missing = {}
    for path in files:
        frame = read_long_table(path)
        if frame is None or not set(COLUMNS) <= set(frame.columns):
            continue  # the catalogue and the list of areas are not yearly figures
        realised = frame[frame["kind"] == "realisation"]
        had = set(realised.loc[realised["year"] == str(latest), "indicator"])
        has = set(realised.loc[realised["year"] == str(year), "indicator"])
        if had - has:
            missing[project.relative(path)] = sorted(had - has)
    return missing
