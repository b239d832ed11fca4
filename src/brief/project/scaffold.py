"""Start a new year: its params file from the latest one, and the data it still lacks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from brief.exceptions import ProjectError
from brief.i18n import _
from brief.notebook.validate import KIND_ALIASES
from brief.project.params import FILL_IN, read_yaml
from brief.project.paths import ProjectPaths, YearOutputs
from brief.records import RunRecord

# Fields that differ every year: the advisor must write them anew.
CLEARED = ("datum", "kenmerk")


@dataclass(frozen=True)
class NewYear:
    """What `brief new` wrote and what the new year still lacks."""

    params_file: Path
    copied_from: Path
    to_fill: list[str]
    missing: dict[str, MissingRows]  # data file -> the rows it still needs for the year
    skipped: list[int]  # years between the one copied and this one, which have no params


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
    return NewYear(
        target,
        source,
        to_fill,
        missing_data(project, earlier[-1], year),
        list(range(earlier[-1] + 1, year)),
    )


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


@dataclass(frozen=True)
class AreaRows:
    """Rows the areas need, alike but for the area: one row to copy, and the areas."""

    areas: list[str]
    rows: list[str]  # each written for the first of ``areas``


@dataclass(frozen=True)
class MissingRows:
    """The rows one data file still needs for the new year, as that file writes rows."""

    header: str  # the file's header row, as it writes it
    realisations: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    per_area: list[AreaRows] = field(default_factory=list)


def missing_data(project: ProjectPaths, latest: int, year: int) -> dict[str, MissingRows]:
    """Return, per data file the notebooks read, every row the build of ``year`` will ask
    for that the file lacks, written as that file writes rows: the city's realisations of
    ``latest`` that have none for ``year``, the targets that end before ``year``, and the
    rows per area.

    Which files the notebooks read comes from the latest year's run record; without one,
    every data file in the long format is checked.
    """
    from brief.notebook.data import COLUMNS, read_long_table
    from brief.notebook.rowstyle import row_style

    record = RunRecord.read(YearOutputs(project.year_dir(latest), latest).run_record)
    if record is not None:
        files = sorted(project.root / path for path in record.data)
    else:
        files = sorted([*project.data_dir.glob("*.csv"), *project.data_dir.glob("*.xlsx")])
    city = project.settings().stad
    missing = {}
    for path in files:
        frame = read_long_table(path)
        if frame is None or not set(COLUMNS) <= set(frame.columns):
            continue  # the catalogue and the list of areas are not yearly figures
        style = row_style(path)
        kinds = frame["kind"].str.lower().map(lambda word: KIND_ALIASES.get(word, word))
        frame = frame.assign(kind=kinds, year=pd.to_numeric(frame["year"], errors="coerce"))
        needed = _needed(frame, city, latest, year)
        if not any(needed.values()):
            continue
        rows = MissingRows(header=style.header_line())
        for indicator, kind in needed["city"]:
            wanted = rows.realisations if kind == "realisation" else rows.targets
            wanted.append(style.row(indicator, year, city, kind))
        by_areas: dict[tuple[str, ...], list[str]] = {}
        for (indicator, kind), areas in needed["areas"].items():
            by_areas.setdefault(tuple(areas), []).append(style.row(indicator, year, areas[0], kind))
        rows.per_area.extend(AreaRows(list(a), r) for a, r in by_areas.items())
        missing[project.relative(path)] = rows
    return missing


def _needed(frame, city: str, latest: int, year: int) -> dict:
    """Return the (indicator, kind) the city lacks for ``year``, and per (indicator, kind)
    the areas that lack it."""
    city_rows = frame[frame["area"] == city]
    area_rows = frame[frame["area"] != city]
    wanted = []
    realised = city_rows[city_rows["kind"] == "realisation"]
    had = set(realised.loc[realised["year"] == latest, "indicator"])
    has = set(realised.loc[realised["year"] == year, "indicator"])
    wanted += [(indicator, "realisation") for indicator in sorted(had - has)]
    targets = city_rows[city_rows["kind"] == "target"]
    last_target = targets.groupby("indicator")["year"].max()
    wanted += [(name, "target") for name, last in last_target.items() if latest <= last < year]
    areas: dict[tuple[str, str], list[str]] = {}
    for kind in ("realisation", "target"):
        rows = area_rows[area_rows["kind"] == kind]
        for indicator, group in rows.groupby("indicator"):
            had = set(group.loc[group["year"] == latest, "area"])
            # A target for a later year counts (see brief.notebook.indicators.target_year).
            reached = group["year"] >= year if kind == "target" else group["year"] == year
            has = set(group.loc[reached, "area"])
            if had - has:
                areas[(indicator, kind)] = sorted(had - has)
    return {"city": wanted, "areas": areas}
