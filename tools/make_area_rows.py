"""Give the example data rows per area, so the example's area letters have figures to show.

The sources give most figures for the whole city only. For the grid of letters per area
(`brief build --per area`) this script spreads each city-wide figure over the areas of
data/gebieden.csv with fixed, made-up weights, and marks every row it writes `fictief` in
the source column, so the letters' source lines call them illustrations. Counts, fte and
budgets add up to the city's figure (largest remainder); percentages vary around it.

Indicators that already have rows per area (real ones, by area in the sources) are left
alone, so the city letter, its charts by area and their source lines stay as they were.
Running it again replaces the rows it wrote before; the city rows are never touched:

    .venv/bin/python tools/make_area_rows.py
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("jeugd", "ouderen", "kwetsbare_bewoners", "lokale_initiatieven")
SOURCE = "fictief (verdeling over de gebieden, ter illustratie)"
STEP = {"count": 1, "fte": 0.1, "euro": 1000, "euro_mln": 1000}  # what a value rounds to


def weight(area: str) -> int:
    """Return an area's made-up share (1 to 6), the same on every run."""
    return 1 + hashlib.sha256(area.encode()).digest()[0] % 6


def spread(total: float, areas: list[str], step: float) -> dict[str, float]:
    """Return ``total`` split over ``areas`` by weight, in multiples of ``step``, adding up."""
    units = round(total / step)
    weights = {area: weight(area) for area in areas}
    whole = sum(weights.values())
    exact = {area: units * w / whole for area, w in weights.items()}
    shares = {area: int(value) for area, value in exact.items()}
    by_remainder = sorted(areas, key=lambda a: (shares[a] - exact[a], a))
    for area in by_remainder[: units - sum(shares.values())]:
        shares[area] += 1
    return {area: round(share * step, 1) for area, share in shares.items()}


def around(value: float, area: str) -> float:
    """Return a percentage near the city's, a few points up or down per area."""
    offset = hashlib.sha256(area.encode()).digest()[1] % 9 - 4
    return max(0, value + offset)


def written(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def main() -> None:
    catalogue = {row["indicator"]: row["unit"] for row in read(ROOT / "data" / "indicatoren.csv")}
    areas = [row["area"] for row in read(ROOT / "data" / "gebieden.csv")]
    city = city_label()
    for name in FILES:
        path = ROOT / "data" / f"{name}.csv"
        rows = [row for row in read(path) if row["source"] != SOURCE]
        by_area = {row["indicator"] for row in rows if row["area"] != city}
        added = []
        for row in rows:
            if row["area"] != city or row["indicator"] in by_area:
                continue
            unit = catalogue[row["indicator"]]
            value = float(row["value"])
            if unit == "percent":
                values = {area: around(value, area) for area in areas}
            else:
                values = spread(value, areas, STEP[unit])
            added += [
                {**row, "area": area, "value": written(values[area]), "source": SOURCE}
                for area in areas
            ]
        write(path, rows + sorted(added, key=order(areas)))
        print(f"{path.relative_to(ROOT)}: {len(added)} rows for the areas", file=sys.stderr)


def order(areas: list[str]):
    position = {area: index for index, area in enumerate(areas)}
    kinds = defaultdict(int, {"realisation": 0, "target": 1, "baseline": 2})
    return lambda row: (position[row["area"]], row["indicator"], kinds[row["kind"]], row["year"])


def city_label() -> str:
    """Return the label of city-wide rows, as brief.yaml names it (``stad``)."""
    for line in (ROOT / "brief.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("stad:"):
            return line.split(":", 1)[1].split("#")[0].strip()
    raise SystemExit("brief.yaml names no 'stad'.")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write(path: Path, rows: list[dict[str, str]]) -> None:
    """Write ``rows`` with the file's own line endings (the example's files have CRLF)."""
    ending = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator=ending)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main()
