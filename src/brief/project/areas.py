"""The areas of a grid of letters: their names, read quickly, and their folder names.

A grid (``brief build --per area``) has one letter per area of the areas file that
brief.yaml names (``gebieden``), beside the city letter; each area's letters live in a
folder named after its slug. Build side, and light: no pandas, so expanding a grid costs
no more than a no-change rebuild. Which municipality it is lives in brief.yaml, not here.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from brief.exceptions import ProjectError
from brief.i18n import _

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(area: str) -> str:
    """Return the folder name of an area's letters: 'Oud Zuid-West' -> 'oud-zuid-west'.

    Accents are dropped and every run of other characters becomes one hyphen, so the name
    is the same on every file system and in a web address.
    """
    plain = unicodedata.normalize("NFKD", area).encode("ascii", "ignore").decode("ascii")
    made = _NOT_SLUG.sub("-", plain.lower()).strip("-")
    if not made:
        raise ProjectError(
            _(
                "The area {area!r} has no letters or digits to name its folder after; rename "
                "it in the areas file."
            ).format(area=area)
        )
    return made


def read_area_names(path: Path) -> list[str]:
    """Return the areas listed in the areas file at ``path``, in the file's order.

    Read with the csv module: the header may name the column ``area`` or ``gebied``, in any
    case, and the file may use commas or semicolons.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ProjectError(
            _(
                "There is no {file}, so there are no areas to write letters for. It lists "
                "one area a row, in a column 'area'."
            ).format(file=path.name)
        ) from None
    lines = text.splitlines()
    delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [" ".join(cell.split()).lower() for cell in rows[0]] if rows else []
    column = next((header.index(n) for n in ("area", "gebied") if n in header), None)
    if column is None:
        raise ProjectError(
            _("{file} has no column 'area'; its header row must name it.").format(file=path.name)
        )
    names = [row[column].strip() for row in rows[1:] if len(row) > column and row[column].strip()]
    return list(dict.fromkeys(names))


def check_slugs(areas: list[str]) -> dict[str, str]:
    """Return each area's slug; two areas whose folders would be the same are an error."""
    by_slug: dict[str, str] = {}
    for area in areas:
        made = slug(area)
        if made in by_slug:
            raise ProjectError(
                _(
                    "The areas {first!r} and {second!r} would share the folder "
                    "outputs/gebied/{folder}/. Give one of them another name in the areas file."
                ).format(first=by_slug[made], second=area, folder=made)
            )
        by_slug[made] = area
    return {area: made for made, area in by_slug.items()}
