"""The README's "Adding a year", walked end to end for the year after the latest."""

from __future__ import annotations

import csv
import io

import docx
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from brief.cli import app
from brief.project.params import FILL_IN
from brief.project.scaffold import missing_data

pytestmark = pytest.mark.slow
runner = CliRunner()
GENERATED = "fictief (gegenereerd voor de test van een nieuw jaar)"


def fill_params(path, year: int) -> None:
    """Replace every INVULLEN in the params file and list one commitment, as step 2 asks."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["datum"] = f"{year + 1}-07-01"
    document["kenmerk"] = f"M{year % 100}-TEST"
    document["teksten"] = {key: f"Tekst {key} over {year}." for key in document["teksten"]}
    document["toezeggingen"] = [
        {"code": f"{year % 100}bb000001", "omschrijving": "Een toezegging", "status": "loopt"}
    ]
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    assert FILL_IN not in text
    path.write_text(text, encoding="utf-8")


def append_year(path, latest: int, year: int) -> int:
    """Append to a long-format CSV a made-up copy of every non-baseline row of ``latest``.

    Returns the number of rows added (0 for files without a year column).
    """
    text = path.read_text(encoding="utf-8")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    rows = list(csv.reader(io.StringIO(text), dialect))
    header = [name.strip().lower() for name in rows[0]]
    column = {name: header.index(name) for name in header}
    at = {
        key: column.get(english, column.get(dutch))
        for key, english, dutch in (
            ("year", "year", "jaar"),
            ("value", "value", "waarde"),
            ("kind", "kind", "soort"),
            ("source", "source", "bron"),
        )
    }
    if at["year"] is None:
        return 0  # the catalogue and the list of areas are not yearly figures
    added = []
    for row in rows[1:]:
        if row[at["year"]].strip() != str(latest):
            continue
        if row[at["kind"]].strip().lower() in ("baseline", "nulmeting"):
            continue
        new = list(row)
        new[at["year"]] = str(year)
        new[at["value"]] = str(round(float(row[at["value"]]) * 1.1))
        new[at["source"]] = GENERATED
        added.append(new)
    buffer = io.StringIO()
    csv.writer(buffer, dialect, lineterminator="\n").writerows(added)
    separator = "" if text.endswith("\n") else "\n"
    path.write_text(text + separator + buffer.getvalue(), encoding="utf-8")
    return len(added)


def test_a_new_year_reaches_every_chart_and_caption(project):
    root = ["--project", str(project.root)]
    latest = project.years()[-1]
    year = latest + 1

    # 1. brief new YEAR
    started = runner.invoke(app, ["new", str(year), *root])
    assert started.exit_code == 0, started.output
    assert missing_data(project, latest, year)  # it lists data still to add

    # 2. fill in the params file; 3. add the year's rows to every data file
    fill_params(project.params_file(year), year)
    added = {path.name: append_year(path, latest, year) for path in project.data_dir.glob("*.csv")}
    assert sum(added.values()) > 0
    assert missing_data(project, latest, year) == {}

    # 4. brief build YEAR
    built = runner.invoke(app, ["build", str(year), *root])
    assert built.exit_code == 0, built.output

    outputs = project.year_dir(year)
    figures = sorted((outputs / "figuren").glob("*.csv"))
    yearly = {}
    for path in figures:
        data = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
        if "jaar" in data.columns:
            yearly[path.stem] = data.set_index("jaar")
    assert {"valpreventie_doel_realisatie", "lokaal_budget", "kinderwerk_trend"} <= set(yearly)
    for name, data in yearly.items():
        if latest in data.index:
            assert year in data.index, f"{name} stops at {max(data.index)}"
            assert data.loc[year].notna().any(), f"{name} has no figure for {year}"

    document = docx.Document(outputs / f"brief-{year}.docx")
    captions = [p.text for p in document.paragraphs if p.text.startswith(("Figuur ", "Tabel "))]
    assert len([c for c in captions if c.startswith("Figuur ")]) == len(figures)
    for caption in captions:
        assert str(latest) not in caption, caption
    assert any(str(year) in caption for caption in captions)
    body = [p.text for p in document.paragraphs]
    assert not [text for text in body if f"eind {latest}" in text]  # no target year stands still
    assert any(f"hubs eind {year}" in text for text in body)

    checked = runner.invoke(app, ["check", str(year), *root])
    assert checked.exit_code == 0, checked.output
    assert "has data up to" not in checked.output
