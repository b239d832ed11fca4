"""Start a new year: its params file from the latest one, and the data it still lacks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from brief.exceptions import ProjectError
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
            f"{project.relative(target)} already exists. Edit it, or delete it to start over."
        )
    earlier = [y for y in project.years() if y < year]
    if not earlier:
        raise ProjectError(
            f"There is no params file for a year before {year} in {project.params_dir} to "
            "start from."
        )
    source = project.params_file(earlier[-1])
    document = read_yaml(source)
    if not isinstance(document, dict):
        raise ProjectError(f"{source.name} holds no keys to copy.")

    new, to_fill = _next_params(document, earlier[-1], year)
    header = (
        f"# Parameters of the progress letter about {year}, started from {source.name}.\n"
        f"# Replace every {FILL_IN} before building; `brief build {year}` stops on any left.\n"
        "# toezeggingen: list the commitments this letter answers (code, omschrijving, status).\n"
    )
    target.write_text(
        header + yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=88),
        encoding="utf-8",
    )
    return NewYear(target, source, to_fill, missing_data(project, earlier[-1], year))


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
