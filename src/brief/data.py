"""Read the project's input tables (data/*.csv or data/*.xlsx) and check them.

Every data file is in long format, one number per row::

    indicator,year,area,value,kind,source
    kinderwerk_bereik,2023,Rotterdam,30133,realisation,Voortgangsbrief welzijn 2024

Files come as providers deliver them: CSV or Excel (the only sheet, or the sheet named
"data"), headers in any case with stray spaces, or in Dutch (jaar, gebied, waarde, soort,
bron), and numbers written the Dutch way. ``validate.py`` checks each row;
``data/indicatoren.csv`` describes each indicator (label, unit, monitor) and
``data/gebieden.csv`` lists the 14 areas with their provider. When a notebook reads a
file, it records the file's name, hash, row count and any doubtful conversion in its
output, so a build knows what each notebook depends on and a reviewer sees what was read.
"""

from __future__ import annotations

import csv
import difflib
import zipfile
from pathlib import Path

import pandas as pd

from brief.exceptions import DataError
from brief.files import file_hash, is_ole_file
from brief.formatting import NUMBER_UNITS
from brief.paths import ProjectPaths, find_project
from brief.records import INPUT_MIMETYPE, DataRead
from brief.validate import COLUMN_ALIASES, AreaNames, check_rows

COLUMNS = ("indicator", "year", "area", "value", "kind", "source")
CITY = "Rotterdam"  # the area name of city-wide figures
CATALOGUE_FILE = "indicatoren.csv"
CATALOGUE_COLUMNS = ("indicator", "label", "unit", "type", "monitor")
AREAS_FILE = "gebieden.csv"
AREAS_COLUMNS = ("area", "provider")
# Marks a figure that does not come from the seeds; the letter's source note must say so.
FICTITIOUS_MARK = "fictief"


SUFFIXES = (".csv", ".xlsx")
SHEET = "data"  # the sheet brief reads from a workbook with more than one
MAX_LISTED = 25  # problems listed in one message; the rest are counted


def _record_input(path: Path, project: ProjectPaths, rows: int, notes: list[str]) -> None:
    """Show which data file was read, so the build can track what a notebook depends on."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None:
        return
    relative = path.relative_to(project.root).as_posix()
    shown = f"Gelezen: {relative} ({rows} rijen)"
    if notes:
        shown += "\nOmgezet, controleer:\n" + "\n".join(f"  {relative}, {note}" for note in notes)
    read = DataRead(path=relative, sha256=file_hash(path), rows=rows, notes=notes)
    display({INPUT_MIMETYPE: read.model_dump(mode="json"), "text/plain": shown}, raw=True)


def data_file(project: ProjectPaths, name: str) -> Path:
    """Return data/<name>.csv or data/<name>.xlsx, whichever exists; refuse both or neither."""
    found = [project.data_dir / f"{name}{suffix}" for suffix in SUFFIXES]
    found = [path for path in found if path.is_file()]
    if len(found) == 2:
        raise DataError(
            f"Both data/{name}.csv and data/{name}.xlsx exist. Keep one, so it is clear "
            "which figures go into the letter."
        )
    if not found:
        present = sorted(p.stem for p in project.data_dir.iterdir() if p.suffix in SUFFIXES)
        raise DataError(
            f"There is no data/{name}.csv or data/{name}.xlsx. The data files are: "
            f"{', '.join(present) or 'none'}."
        )
    return found[0]


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.read_bytes().strip():
        raise DataError(f"{path.name} is empty; it needs a header row and data rows.")
    try:
        # sep=None sniffs the delimiter: Dutch Excel writes ";" and keeps "," for decimals.
        # Blank lines are kept so that row numbers stay those of the spreadsheet.
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            sep=None,
            engine="python",
            skip_blank_lines=False,
        )
    except UnicodeDecodeError:
        raise DataError(
            f"{path.name} is not a UTF-8 text file. Save it as 'CSV UTF-8' (Excel: "
            "Save as, CSV UTF-8) or as .xlsx."
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name} is empty; it needs a header row and data rows.") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DataError(f"{path.name} cannot be read as a CSV file: {exc}") from None


def _read_xlsx(path: Path) -> pd.DataFrame:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        locked = is_ole_file(path)
        why = (
            "it is password-protected (save it without a password)"
            if locked
            else f"it is damaged or not a workbook ({type(exc).__name__})"
        )
        raise DataError(f"{path.name} cannot be opened as an Excel workbook: {why}.") from None
    try:
        names = workbook.sheetnames
        if len(names) == 1:
            sheet = workbook[names[0]]
        elif SHEET in names:
            sheet = workbook[SHEET]
        else:
            raise DataError(
                f"{path.name} has the sheets {', '.join(repr(n) for n in names)}; brief reads "
                f"the sheet named {SHEET!r}. Rename the sheet with the figures to {SHEET!r}."
            )
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not any(cell not in (None, "") for row in rows for cell in row):
        raise DataError(f"{path.name} is empty; it needs a header row and data rows.")
    header = ["" if cell is None else str(cell) for cell in rows[0]]
    return pd.DataFrame(rows[1:], columns=header, dtype=object)


def _read(path: Path) -> pd.DataFrame:
    """Return the file's cells (text, or numbers from Excel) with tidy column names."""
    if not path.is_file():
        raise DataError(f"Data file {path} does not exist.")
    frame = _read_xlsx(path) if path.suffix == ".xlsx" else _read_csv(path)
    columns = [" ".join(str(c).split()).lower() for c in frame.columns]
    frame.columns = [COLUMN_ALIASES.get(c, c) for c in columns]
    return frame


def read_long_table(path: Path) -> pd.DataFrame | None:
    """Return a data file's rows as text without checking them, or None if unreadable."""
    try:
        frame = _read(path)
    except DataError:
        return None
    return _text(frame)


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Return the file with its headers tidied, or raise naming what is missing."""
    frame = _read(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        unknown = [c for c in frame.columns if c not in columns]
        hints = [
            f"{close[0]!r} for {column!r}?"
            for column in missing
            if (close := difflib.get_close_matches(column, unknown, n=1, cutoff=0.6))
        ]
        hint = f" Is it misspelt: {', '.join(hints)}" if hints else ""
        raise DataError(
            f"{path.name} has no column {', '.join(repr(c) for c in missing)}. "
            f"Its header row must name: {', '.join(columns)}.{hint}"
        )
    if frame.empty:
        raise DataError(f"{path.name} has a header row but no data rows.")
    return frame[list(columns)]


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).apply(lambda col: col.str.strip())


def _raise_problems(path: Path, problems: list[str]) -> None:
    problems = [p if p.endswith((".", "?")) else f"{p}." for p in problems]
    listed = problems[:MAX_LISTED]
    more = len(problems) - len(listed)
    lines = "\n  - ".join(listed)
    tail = f"\n  ... and {more} more." if more else ""
    raise DataError(f"{path.name} has {len(problems)} problem(s):\n  - {lines}{tail}")


def load_catalogue(project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the indicator catalogue (data/indicatoren.csv), indexed by indicator."""
    project = project or find_project()
    path = project.data_dir / CATALOGUE_FILE
    frame = _text(_read_table(path, CATALOGUE_COLUMNS))
    problems = [
        f"row {index + 2}, column 'unit': {unit!r} is not a unit; "
        f"use one of {', '.join(NUMBER_UNITS)}"
        for index, unit in frame["unit"].items()
        if unit not in NUMBER_UNITS
    ]
    problems += [
        f"row {index + 2}, column 'indicator': {name!r} is listed twice"
        for index, name in frame["indicator"][frame["indicator"].duplicated()].items()
    ]
    if problems:
        _raise_problems(path, problems)
    _record_input(path, project, len(frame), [])
    return frame.set_index("indicator")


def load_areas(project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the areas and their providers (data/gebieden.csv)."""
    project = project or find_project()
    path = project.data_dir / AREAS_FILE
    frame = _text(_read_table(path, AREAS_COLUMNS))
    _record_input(path, project, len(frame), [])
    return frame


def load_data(name: str, project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the checked long-format table ``data/<name>.csv`` (or ``.xlsx``).

    Values become numbers and years integers; every problem in the file is reported
    together, each with its row number as the user sees it in a spreadsheet.
    """
    project = project or find_project()
    path = data_file(project, name)
    frame = _read_table(path, COLUMNS)
    catalogue = load_catalogue(project)["unit"].to_dict()
    areas = AreaNames(tuple(load_areas(project)["area"]), CITY)

    # Row 1 is the header, so data row i is row i + 2 in a spreadsheet.
    records = [
        (index + 2, {column: cell for column, cell in row.items() if not _blank(cell)})
        for index, row in zip(frame.index, frame.to_dict("records"), strict=True)
    ]
    records = [(number, record) for number, record in records if record]  # blank lines
    if not records:
        raise DataError(f"{path.name} has a header row but no data rows.")
    checked = check_rows(records, catalogue, areas)
    problems = checked.problems + _duplicates(checked.rows)
    if problems:
        _raise_problems(path, problems)

    table = pd.DataFrame(checked.rows, columns=["row", *COLUMNS]).drop(columns="row")
    table.attrs["path"] = project.relative(path)
    _record_input(path, project, len(table), checked.notes)
    return table


def _blank(cell) -> bool:
    return (
        cell is None
        or (isinstance(cell, str) and not cell.strip())
        or (isinstance(cell, float) and cell != cell)
    )


def _duplicates(rows: list[dict]) -> list[str]:
    """Return a problem for each row that repeats an earlier row's indicator/year/area/kind."""
    first: dict[tuple, int] = {}
    problems = []
    for row in rows:
        key = (row["indicator"], row["year"], row["area"], row["kind"])
        if key in first:
            problems.append(
                f"row {row['row']}: the same indicator, year, area and kind as row "
                f"{first[key]} ({', '.join(map(str, key))}); keep one of the two"
            )
        else:
            first[key] = row["row"]
    return problems
