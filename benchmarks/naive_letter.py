"""The naive pipeline's second half: a plain script that fills the template with docxtpl.

This is what a team writes by hand today, after running each notebook with the papermill
CLI: read what the executed notebooks displayed, put the numbers, charts and tables into
the template, save. No checks, no captions numbering, no review outputs. It exists only so
the benchmark can compare brief with it; brief never uses it.

    python naive_letter.py PROJECT EXECUTED_DIR YEAR LETTER
"""

import base64
import io
import json
import sys
from pathlib import Path

import jinja2
import yaml
from babel.dates import format_date
from babel.numbers import format_decimal
from docx.shared import Mm
from docxtpl import DocxTemplate

PUBLISHED = "application/vnd.brief.publish+json"


def number(value) -> str:
    return format_decimal(value, locale="nl_NL")


# The few filters the house template uses, written the quick way.
FILTERS = {
    "getal": number,
    "decimaal": number,
    "procent": lambda value: f"{number(value)}%",
    "euro": lambda value: f"€ {number(value)}",
    "euro_mln": lambda value: f"€ {number(round(value / 1e6, 1))} mln.",
    "datum": lambda value: format_date(value, "d MMMM y", locale="nl_NL"),
    "verandering": number,
}


def published(executed_dir: Path) -> dict:
    """Every payload the executed notebooks displayed, by name."""
    found = {}
    for path in sorted(executed_dir.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                payload = output.get("data", {}).get(PUBLISHED)
                if payload:
                    found[payload["name"]] = payload
    return found


def main(project: Path, executed_dir: Path, year: int, letter: Path) -> None:
    template = DocxTemplate(project / "templates" / "brief.docx")
    context = yaml.safe_load((project / "params" / f"{year}.yaml").read_text(encoding="utf-8"))
    for name, payload in published(executed_dir).items():
        if payload["type"] == "value":
            value = payload["value"]
            context[name] = value if payload["unit"] == "text" else number(value)
        elif payload["type"] == "figure":
            subdoc = template.new_subdoc()
            picture = io.BytesIO(base64.b64decode(payload["png"]))
            subdoc.add_paragraph().add_run().add_picture(picture, width=Mm(150))
            subdoc.add_paragraph(f"Figuur: {payload['title']}")
            context[name] = subdoc
        else:
            subdoc = template.new_subdoc()
            table = subdoc.add_table(rows=1, cols=len(payload["columns"]))
            for cell, column in zip(table.rows[0].cells, payload["columns"], strict=True):
                cell.text = str(column)
            for row in payload["rows"]:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = "" if value is None else str(value)
            context[name] = subdoc
    environment = jinja2.Environment(autoescape=True)
    environment.filters.update(FILTERS)
    template.render(context, environment)
    template.save(letter)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
