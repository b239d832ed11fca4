"""Read the project's tidy input tables (data/*.csv) and check them.

Every data file is in long format, one number per row::

    indicator,year,area,value,kind,source
    kinderwerk_bereik,2023,Rotterdam,30133,realisation,Voortgangsbrief welzijn 2024

``data/indicatoren.csv`` describes each indicator (label, unit, monitor) and
``data/gebieden.csv`` lists the 14 areas with their provider. When a notebook reads a
file, it records the file's name and hash in its output, so a build knows what each
notebook depends on.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from brief.collect import INPUT_MIMETYPE
from brief.exceptions import DataError
from brief.fingerprint import file_hash
from brief.formatting import UNITS
from brief.paths import ProjectPaths, find_project

COLUMNS = ("indicator", "year", "area", "value", "kind", "source")
KINDS = ("realisation", "target", "baseline")
CITY = "Rotterdam"  # the area name of city-wide figures
CATALOGUE_FILE = "indicatoren.csv"
CATALOGUE_COLUMNS = ("indicator", "label", "unit", "type", "monitor")
AREAS_FILE = "gebieden.csv"
AREAS_COLUMNS = ("area", "provider")
# Marks a figure that does not come from the seeds; the letter's source note must say so.
FICTITIOUS_MARK = "fictief"


def _record_input(path: Path, project: ProjectPaths, rows: int) -> None:
    """Show which data file was read, so the build can track what a notebook depends on."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None:
        return
    relative = path.relative_to(project.root).as_posix()
    display(
        {
            INPUT_MIMETYPE: {"path": relative, "sha256": file_hash(path), "rows": rows},
            "text/plain": f"Gelezen: {relative} ({rows} rijen)",
        },
        raw=True,
    )


def _read_csv(path: Path) -> pd.DataFrame:
    """Return the CSV at ``path`` as text, headers tidied; raise DataError if unreadable."""
    if not path.is_file():
        raise DataError(f"Data file {path} does not exist.")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path.name} cannot be read as a CSV file: {exc}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name} is empty; it needs a header row and data rows.") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def read_long_table(path: Path) -> pd.DataFrame | None:
    """Return a data file's rows as text without checking them, or None if unreadable."""
    try:
        return _read_csv(path).apply(lambda col: col.str.strip())
    except DataError:
        return None


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Return the CSV at ``path`` with its headers tidied, or raise naming what is missing."""
    frame = _read_csv(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{path.name} has no column {', '.join(repr(c) for c in missing)}. "
            f"Its header row must name: {', '.join(columns)}."
        )
    if frame.empty:
        raise DataError(f"{path.name} has a header row but no data rows.")
    return frame[list(columns)].apply(lambda col: col.str.strip())


def load_catalogue(project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the indicator catalogue (data/indicatoren.csv), indexed by indicator."""
    project = project or find_project()
    path = project.data_dir / CATALOGUE_FILE
    frame = _read_table(path, CATALOGUE_COLUMNS)
    bad_units = frame.loc[~frame["unit"].isin(UNITS)]
    if not bad_units.empty:
        row = bad_units.index[0]
        raise DataError(
            f"{path.name}, row {row + 2}, column 'unit': {bad_units['unit'].iloc[0]!r} is not a "
            f"unit. Use one of: {', '.join(UNITS)}."
        )
    _record_input(path, project, len(frame))
    return frame.set_index("indicator")


def load_areas(project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the areas and their providers (data/gebieden.csv)."""
    project = project or find_project()
    path = project.data_dir / AREAS_FILE
    frame = _read_table(path, AREAS_COLUMNS)
    _record_input(path, project, len(frame))
    return frame


def load_data(name: str, project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the checked long-format table ``data/<name>.csv``.

    Values become numbers and years integers; every problem in the file is reported
    together, each with its row number as the user sees it in a spreadsheet.
    """
    project = project or find_project()
    path = project.data_dir / f"{name}.csv"
    frame = _read_table(path, COLUMNS)
    catalogue = load_catalogue(project)
    areas = set(load_areas(project)["area"]) | {CITY}

    numbers = pd.to_numeric(frame["value"], errors="coerce")
    problems: list[str] = []
    # Row 1 is the header, so data row i is row i + 2 in a spreadsheet.
    for index, row in frame.iterrows():
        where = f"row {index + 2}"
        if row["indicator"] not in catalogue.index:
            problems.append(
                f"{where}, column 'indicator': {row['indicator']!r} is not in {CATALOGUE_FILE}."
            )
        if not row["year"].isdigit():
            problems.append(f"{where}, column 'year': {row['year']!r} is not a year.")
        if pd.isna(numbers[index]):
            problems.append(f"{where}, column 'value': {row['value']!r} is not a number.")
        if row["kind"] not in KINDS:
            problems.append(
                f"{where}, column 'kind': {row['kind']!r} must be one of {', '.join(KINDS)}."
            )
        if row["area"] not in areas:
            problems.append(f"{where}, column 'area': {row['area']!r} is not a known area.")
    if problems:
        listed = "\n  - ".join(problems)
        raise DataError(f"{path.name} has {len(problems)} problem(s):\n  - {listed}")

    frame["year"] = frame["year"].astype(int)
    frame["value"] = numbers
    duplicated = frame.duplicated(["indicator", "year", "area", "kind"], keep=False)
    if duplicated.any():
        rows = ", ".join(str(i + 2) for i in frame.index[duplicated])
        raise DataError(
            f"{path.name} has the same indicator, year, area and kind more than once "
            f"(rows {rows}). Keep one row for each."
        )
    _record_input(path, project, len(frame))
    return frame
