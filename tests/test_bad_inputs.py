"""The corpus of bad inputs: every mistake a user or a provider makes, and its exact message.

Each case breaks one thing in a fresh copy of the example project (a data file, a params
file, the template, the command line) and names the message the user must see, in
English (CASES) and in Dutch (IN_DUTCH), the language brief speaks by default. None of
them runs a notebook, so the whole corpus runs in seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import openpyxl
import pytest
from typer.testing import CliRunner

from brief.cli import app
from brief.exceptions import BriefError
from brief.i18n import speaking
from brief.letter.templating import jinja_environment, open_template, template_names
from brief.notebook import indicators
from brief.notebook.data import load_catalogue, load_data
from brief.project.params import load_params
from brief.project.paths import ProjectPaths

HEADER = "indicator,year,area,value,kind,source"


def csv_with(project: ProjectPaths, *rows: str, name: str = "jeugd", header: str = HEADER):
    (project.data_dir / f"{name}.csv").write_text(
        "\n".join([header, *rows]) + "\n", encoding="utf-8"
    )


def row(
    value="88",
    indicator="kinderwerk_pleinen",
    year="2023",
    area="Rotterdam",
    kind="realisation",
    source="x",
) -> str:
    return f"{indicator},{year},{area},{value},{kind},{source}"


def xlsx_with(project: ProjectPaths, rows: list[list], sheets=("data",), name="jeugd"):
    (project.data_dir / f"{name}.csv").unlink(missing_ok=True)
    workbook = openpyxl.Workbook()
    workbook.active.title = sheets[0]
    for extra in sheets[1:]:
        workbook.create_sheet(extra)
    for values in rows:
        workbook[sheets[0]].append(values)
    workbook.save(project.data_dir / f"{name}.xlsx")


def data_error(project: ProjectPaths, name: str = "jeugd") -> str:
    with pytest.raises(BriefError) as caught:
        load_data(name, project)
    return str(caught.value)


def params_error(project: ProjectPaths, text: str, year: int = 2023) -> str:
    path = project.params_file(year)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        load_params(path, year)
    return str(caught.value)


def edited_params(project: ProjectPaths, old: str, new: str, year: int = 2023) -> str:
    text = project.params_file(year).read_text(encoding="utf-8")
    assert old in text
    return params_error(project, text.replace(old, new, 1), year)


def template_error(project: ProjectPaths, content: bytes, name: str = "brief.docx") -> str:
    path = project.templates_dir / name
    path.write_bytes(content)
    with pytest.raises(BriefError) as caught:
        template_names(open_template(path), jinja_environment())
    return str(caught.value)


def cli_error(project: ProjectPaths, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--project", str(project.root)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    shown = " ".join(re.sub("[╭╮╰╯─│]", " ", result.output).split())  # rich wraps and boxes
    return shown.replace(f"{project.root}/", "<project>/")


def _history_limit(project: ProjectPaths, count: int) -> bool:
    """Add brief.yaml's limit of the letters kept; return True to go on."""
    settings = project.root / "brief.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(f"{text}geschiedenis:\n  aantal: {count}\n", encoding="utf-8")
    return True


def _jeugd_2023(project: ProjectPaths) -> str:
    frame = load_data("jeugd", project)
    with pytest.raises(BriefError) as caught:
        indicators.value_for(frame, "kinderwerk_pleinen", 2031)
    return str(caught.value)


def _dutch_file_without_target(project: ProjectPaths) -> str:
    """A provider's file in Dutch (semicolons, 'jaar', 'doel') that lacks next year's target."""
    csv_with(
        project,
        "kinderwerk_pleinen;2023;Rotterdam;88;realisatie;Brief 2024",
        "kinderwerk_pleinen;2023;Rotterdam;70;doel;Brief 2024",
        header="indicator;jaar;gebied;waarde;soort;bron",
    )
    frame = load_data("jeugd", project)
    with pytest.raises(BriefError) as caught:
        indicators.target_year(frame, "kinderwerk_pleinen", 2024)
    return str(caught.value)


def _catalogue(project: ProjectPaths, line: str) -> str:
    path = project.data_dir / "indicatoren.csv"
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        load_catalogue(project)
    return str(caught.value)


def _docx_with_tag(project: ProjectPaths, tag: str) -> str:
    import docx

    document = docx.Document()
    document.add_paragraph(f"In {{{{ jaar }}}} waren er {tag} pleinen.")
    path = project.templates_dir / "brief.docx"
    document.save(path)
    with pytest.raises(BriefError) as caught:
        template_names(open_template(path), jinja_environment())
    return str(caught.value)


def _settings_then_areas(project: ProjectPaths, old: str, new: str) -> str:
    from brief.notebook.data import load_areas

    path = project.settings_file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        load_areas(project)
    message = str(caught.value).replace(str(project.root.resolve()), "<project>")
    return message.replace(str(project.root.resolve().parent), "<parent>")


def _areas_row(project: ProjectPaths, line: str) -> str:
    from brief.notebook.data import load_areas

    path = project.data_dir / "gebieden.csv"
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        load_areas(project)
    return str(caught.value)


def _linked_data(project: ProjectPaths) -> str:
    outside = project.root.parent / "elders.csv"
    outside.write_text(HEADER + "\n" + row() + "\n", encoding="utf-8")
    (project.data_dir / "jeugd.csv").unlink()
    (project.data_dir / "jeugd.csv").symlink_to(outside)
    message = data_error(project)
    return message.replace(str(project.root.resolve()), "<project>").replace(
        str(outside.resolve()), "<outside>"
    )


def _damaged_part(project: ProjectPaths, member: str) -> str:
    import zipfile

    source = project.templates_dir / "brief.docx"
    damaged = project.templates_dir / "kapot.docx"
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(damaged, "w") as out:
        for info in package.infolist():
            data = package.read(info.filename)
            out.writestr(info, data[: len(data) // 2] if info.filename == member else data)
    with pytest.raises(BriefError) as caught:
        template_names(open_template(damaged), jinja_environment())
    return str(caught.value)


def _zip_bomb(project: ProjectPaths) -> str:
    import zipfile

    source = project.templates_dir / "brief.docx"
    bomb = project.templates_dir / "bom.docx"
    with (
        zipfile.ZipFile(source) as package,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in package.infolist():
            out.writestr(info.filename, package.read(info.filename))
        out.writestr("word/padding.xml", b" " * 40_000_000)
    with pytest.raises(BriefError) as caught:
        open_template(bomb)
    return str(caught.value)


def _publish_error(project: ProjectPaths, make: Callable) -> str:
    """Return the message of publishing what ``make`` computes from data/ouderen.csv."""
    from brief.notebook.publish import value_item

    ouderen = load_data("ouderen", project)
    deelnemers = indicators.value_for(ouderen, "valpreventie_deelnemers", 2023)
    with pytest.raises(BriefError) as caught:
        value_item("deelnemers", make(deelnemers))
    return str(caught.value)


def _table_error(project: ProjectPaths) -> str:
    """Return the message of publishing a table whose count column holds a half."""
    import pandas as pd

    from brief.notebook.publish import publish_table

    table = pd.DataFrame({"Gebied": ["Noord", "Zuid"], "Deelnemers": [12, 7.5]})
    with pytest.raises(BriefError) as caught:
        publish_table("deelname", table, title="Deelname", source="fictief")
    return str(caught.value)


ONE = "jeugd.csv has 1 problem(s):\n  - "
CASES: dict[str, tuple[Callable[[ProjectPaths], str], str]] = {
    # ---- data files -----------------------------------------------------------------
    "value is a word": (
        lambda p: (csv_with(p, row(value="veel")), data_error(p))[1],
        ONE + "row 2, column 'value': 'veel' is not a number.",
    ),
    "value has two commas": (
        lambda p: (csv_with(p, row(value='"12,3,4"')), data_error(p))[1],
        ONE + "row 2, column 'value': '12,3,4' is not a number.",
    ),
    "value is empty": (
        lambda p: (csv_with(p, row(value="")), data_error(p))[1],
        ONE + "row 2, column 'value': the cell is empty.",
    ),
    "negative count": (
        lambda p: (csv_with(p, row(value="-5")), data_error(p))[1],
        ONE + "row 2, column 'value': -5 is negative; a count cannot be.",
    ),
    "count written with a thousands comma": (
        lambda p: (csv_with(p, row(value='"1,234"')), data_error(p))[1],
        ONE + "row 2, column 'value': '1,234' is not a whole number, and a count is always "
        "whole. Did you mean 1234? Write 1234 or 1.234.",
    ),
    "count with decimals": (
        lambda p: (csv_with(p, row(value='"1.234,5"')), data_error(p))[1],
        ONE + "row 2, column 'value': '1.234,5' is not a whole number, and a count is always "
        "whole. Write it as a whole number, or check the indicator's unit in indicatoren.csv.",
    ),
    "unknown indicator, close to a known one": (
        lambda p: (csv_with(p, row(indicator="kinderwerk_pleinn")), data_error(p))[1],
        ONE + "row 2, column 'indicator': 'kinderwerk_pleinn' is not in indicatoren.csv. "
        "Did you mean 'kinderwerk_pleinen'?",
    ),
    "unknown indicator, nothing close": (
        lambda p: (csv_with(p, row(indicator="sport")), data_error(p))[1],
        ONE + "row 2, column 'indicator': 'sport' is not in indicatoren.csv. Add it there first.",
    ),
    "unknown area, close to a known one": (
        lambda p: (csv_with(p, row(area="Kralingen")), data_error(p))[1],
        ONE + "row 2, column 'area': 'Kralingen' is not Rotterdam or one of the 14 areas in "
        "gebieden.csv. Did you mean 'Kralingen-Crooswijk'?",
    ),
    "unknown area, nothing close": (
        lambda p: (csv_with(p, row(area="Atlantis")), data_error(p))[1],
        ONE + "row 2, column 'area': 'Atlantis' is not Rotterdam or one of the 14 areas in "
        "gebieden.csv.",
    ),
    "year is a word": (
        lambda p: (csv_with(p, row(year="twintig")), data_error(p))[1],
        ONE + "row 2, column 'year': 'twintig' is not a year.",
    ),
    "year has a typo": (
        lambda p: (csv_with(p, row(year="20233")), data_error(p))[1],
        ONE + "row 2, column 'year': '20233' is not a year between 2000 and 2100.",
    ),
    "unknown kind": (
        lambda p: (csv_with(p, row(kind="prognose")), data_error(p))[1],
        ONE + "row 2, column 'kind': 'prognose' must be one of realisation, target, baseline.",
    ),
    "duplicate rows": (
        lambda p: (csv_with(p, row(), row(value="90")), data_error(p))[1],
        ONE + "row 3: the same indicator, year, area and kind as row 2 (kinderwerk_pleinen, "
        "2023, Rotterdam, realisation); keep one of the two.",
    ),
    "duplicate rows written differently": (
        lambda p: (
            csv_with(
                p,
                row(area="Kralingen-Crooswijk"),
                row(area="kralingen crooswijk", kind="Realisatie"),
            ),
            data_error(p),
        )[1],
        ONE + "row 3: the same indicator, year, area and kind as row 2 (kinderwerk_pleinen, "
        "2023, Kralingen-Crooswijk, realisation); keep one of the two.",
    ),
    "several problems reported together": (
        lambda p: (
            csv_with(
                p,
                row(value="veel"),
                row(area="Atlantis", year="2022"),
                row(kind="prognose", year="2024"),
            ),
            data_error(p),
        )[1],
        "jeugd.csv has 3 problem(s):\n"
        "  - row 2, column 'value': 'veel' is not a number.\n"
        "  - row 3, column 'area': 'Atlantis' is not Rotterdam or one of the 14 areas in "
        "gebieden.csv.\n"
        "  - row 4, column 'kind': 'prognose' must be one of realisation, target, baseline.",
    ),
    "many problems are counted past the first 25": (
        lambda p: (
            csv_with(p, *[row(value="x", year=str(2000 + i)) for i in range(30)]),
            data_error(p).splitlines()[0] + " | " + data_error(p).splitlines()[-1],
        )[1],
        "jeugd.csv has 30 problem(s): |   ... and 5 more.",
    ),
    "row numbers count blank lines as a spreadsheet does": (
        lambda p: (csv_with(p, row(), "", row(value="veel", year="2024")), data_error(p))[1],
        ONE + "row 4, column 'value': 'veel' is not a number.",
    ),
    "missing column": (
        lambda p: (csv_with(p, row(), header=HEADER.replace(",kind,", ",knid,")), data_error(p))[1],
        "jeugd.csv has no column 'kind'. Its header row must name: indicator, year, area, value, "
        "kind, source. Is it misspelt: 'knid' for 'kind'?",
    ),
    "empty file": (
        lambda p: ((p.data_dir / "jeugd.csv").write_bytes(b""), data_error(p))[1],
        "jeugd.csv is empty; it needs a header row and data rows.",
    ),
    "header only": (
        lambda p: (csv_with(p), data_error(p))[1],
        "jeugd.csv has a header row but no data rows.",
    ),
    "a number with a comma, not between quotes": (
        lambda p: (csv_with(p, row(), row(value="1,234", year="2024")), data_error(p))[1],
        "jeugd.csv, row 3: 7 cells, where the header row has 6. A cell with a comma (,) in it "
        'must stand between double quotes, as in "1,5": a spreadsheet does so when it saves '
        "the file as CSV. Or, if a comma (,) is one too many, remove it.",
    ),
    "the first row with a comma in a number, not between quotes": (
        lambda p: (csv_with(p, row(value="1,234"), row(year="2024")), data_error(p))[1],
        "jeugd.csv, row 2: 7 cells, where the header row has 6. A cell with a comma (,) in it "
        'must stand between double quotes, as in "1,5": a spreadsheet does so when it saves '
        "the file as CSV. Or, if a comma (,) is one too many, remove it.",
    ),
    "a column named twice, once in Dutch": (
        lambda p: (csv_with(p, row() + ",90", header=HEADER + ",waarde"), data_error(p))[1],
        "jeugd.csv names the column 'value' more than once (columns 4, 7; a Dutch name counts "
        "as its English one): brief cannot tell which to read. Keep one, or give the others "
        "another name.",
    ),
    "a workbook column named twice": (
        lambda p: (
            xlsx_with(p, [[*HEADER.split(","), "value"], [*row().split(","), "90"]]),
            data_error(p),
        )[1],
        "jeugd.xlsx names the column 'value' more than once (columns 4, 7; a Dutch name counts "
        "as its English one): brief cannot tell which to read. Keep one, or give the others "
        "another name.",
    ),
    "a workbook date where the year belongs": (
        lambda p: (
            xlsx_with(
                p,
                [
                    HEADER.split(","),
                    [
                        "kinderwerk_pleinen",
                        dt.datetime(2024, 1, 1),
                        "Rotterdam",
                        8,
                        "realisation",
                        "x",
                    ],
                ],
            ),
            data_error(p),
        )[1],
        "jeugd.xlsx has 1 problem(s):\n  - row 2, column 'year': '2024-01-01' is not a year.",
    ),
    "a header of one column": (
        lambda p: (csv_with(p, "kinderwerk_pleinen", header="indicator"), data_error(p))[1],
        "jeugd.csv has no column 'year', 'area', 'value', 'kind', 'source'. Its header row must "
        "name: indicator, year, area, value, kind, source.",
    ),
    "a cell with a semicolon in a file separated by semicolons": (
        lambda p: (
            csv_with(
                p,
                row().replace(",", ";"),
                "",
                row(source="CBS; bewerkt", year="2024").replace(",", ";"),
                header=HEADER.replace(",", ";"),
            ),
            data_error(p),
        )[1],
        "jeugd.csv, row 4: 7 cells, where the header row has 6. A cell with a semicolon (;) in "
        'it must stand between double quotes, as in "1;5": a spreadsheet does so when it saves '
        "the file as CSV. Or, if a semicolon (;) is one too many, remove it.",
    ),
    "a quote that is never closed": (
        lambda p: (csv_with(p, row(), row(source='"CBS', year="2024"), row()), data_error(p))[1],
        'jeugd.csv, row 3: a cell starts with a double quote (") that no quote closes, so the '
        "rest of the file reads as that one cell. Close the quote, or remove it.",
    ),
    "not UTF-8": (
        lambda p: (
            (p.data_dir / "jeugd.csv").write_bytes(
                (HEADER + "\n" + row(source="één")).encode("cp1252")
            ),
            data_error(p),
        )[1],
        "jeugd.csv is not a UTF-8 text file. Save it as 'CSV UTF-8' (Excel: Save as, CSV UTF-8) "
        "or as .xlsx.",
    ),
    "both a CSV and a workbook": (
        lambda p: (xlsx_with(p, [HEADER.split(",")]), csv_with(p, row()), data_error(p))[2],
        "Both data/jeugd.csv and data/jeugd.xlsx exist. Keep one, so it is clear which figures "
        "go into the letter.",
    ),
    "no such data file": (
        lambda p: data_error(p, "sport"),
        "There is no data/sport.csv or data/sport.xlsx. The data files are: gebieden, "
        "indicatoren, jeugd, kwetsbare_bewoners, lokale_initiatieven, ouderen.",
    ),
    "workbook without a data sheet": (
        lambda p: (
            xlsx_with(p, [HEADER.split(",")], sheets=("Blad1", "Toelichting")),
            data_error(p),
        )[1],
        "jeugd.xlsx has the sheets 'Blad1', 'Toelichting'; brief reads the sheet named 'data'. "
        "Rename the sheet with the figures to 'data'.",
    ),
    "workbook that is damaged": (
        lambda p: (
            (p.data_dir / "jeugd.xlsx").write_bytes(b"PK\x03\x04 not really"),
            (p.data_dir / "jeugd.csv").unlink(),
            data_error(p),
        )[2],
        "jeugd.xlsx cannot be opened as an Excel workbook: it is damaged or not a workbook "
        "(BadZipFile).",
    ),
    "workbook with a password": (
        lambda p: (
            (p.data_dir / "jeugd.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600)),
            (p.data_dir / "jeugd.csv").unlink(),
            data_error(p),
        )[2],
        "jeugd.xlsx cannot be opened as an Excel workbook: it is password-protected (save it "
        "without a password).",
    ),
    "workbook cell that is not a number, at its Excel row": (
        lambda p: (
            xlsx_with(
                p, [HEADER.split(","), row().split(","), row(value="n.b.", year="2024").split(",")]
            ),
            data_error(p),
        )[1],
        "jeugd.xlsx has 1 problem(s):\n  - row 3, column 'value': 'n.b.' is not a number.",
    ),
    "year outside the file's range": (
        _jeugd_2023,
        "data/jeugd.csv has the realisation of 'kinderwerk_pleinen' for Rotterdam in 2022–2024, "
        "not in 2031. Add a row 'kinderwerk_pleinen,2031,Rotterdam,<value>,realisation,<source>' "
        "to data/jeugd.csv.",
    ),
    "data cell with a control character": (
        lambda p: (csv_with(p, row(source="bron\x01x")), data_error(p))[1],
        "jeugd.csv, row 2, column 'source': the cell holds an invisible control character "
        "(U+0001). Remove it: retype the cell, or paste it as plain text.",
    ),
    "areas file with a short row": (
        lambda p: _areas_row(p, "Nieuwegein"),
        "gebieden.csv has 1 problem(s):\n  - row 16: the cell in column 'provider' is empty; "
        "every area needs its provider.",
    ),
    "areas file in brief.yaml outside the project": (
        lambda p: _settings_then_areas(p, "gebieden: data/", "gebieden: ../"),
        "../gebieden.csv lies outside the project folder (<parent>/gebieden.csv). brief reads "
        "only files inside the project folder <project>: copy the file into the project (for "
        "example into data/) and refer to it from there.",
    ),
    "data file linked to outside the project": (
        _linked_data,
        "data/jeugd.csv lies outside the project folder (<outside>). brief reads only files "
        "inside the project folder <project>: copy the file into the project (for example into "
        "data/) and refer to it from there.",
    ),
    "missing target in a Dutch semicolon file": (
        _dutch_file_without_target,
        "data/jeugd.csv has no target of 'kinderwerk_pleinen' for Rotterdam in 2024 or later. "
        "Add a row 'kinderwerk_pleinen;2024;Rotterdam;<waarde>;doel;<bron>' to data/jeugd.csv.",
    ),
    "catalogue with an unknown unit": (
        lambda p: _catalogue(p, "sport_bereik,Sporters,mensen,Overig,Monitor"),
        "indicatoren.csv has 1 problem(s):\n  - row 17, column 'unit': 'mensen' is not a unit; "
        "use one of count, decimal, percent, euro, euro_mln, fte.",
    ),
    # ---- params files ---------------------------------------------------------------
    "misspelt key": (
        lambda p: edited_params(p, "kenmerk:", "kenmerrk:"),
        "2023.yaml has 2 problem(s):\n  - 'kenmerk' is missing; add it.\n  - unknown key "
        "'kenmerrk'. Did you mean 'kenmerk'?",
    ),
    "date that is not a date": (
        lambda p: edited_params(p, "datum: 2024-07-12", "datum: 12 juli 2024"),
        "2023.yaml has 1 problem(s):\n  - 'datum': write the date as YYYY-MM-DD, got "
        "'12 juli 2024'.",
    ),
    "year that is not the file's": (
        lambda p: edited_params(p, "jaar: 2023", "jaar: 2022"),
        "2023.yaml says 'jaar: 2022', but its name says 2023. Make the two agree.",
    ),
    "text left to fill in": (
        lambda p: edited_params(p, "kenmerk: M2312-1203", "kenmerk: INVULLEN"),
        "2023.yaml still has INVULLEN where this year's text belongs: kenmerk. Fill these in, "
        "then build again.",
    ),
    "broken YAML": (
        lambda p: edited_params(p, "commissie: commissie", "commissie: [commissie"),
        "2023.yaml cannot be read at line 5, column 12: a [ or { opens a list here that is not "
        "closed as it should be. Close it with ] or }, with a comma between the items.\n"
        "   5 | commissie: [commissie Zorg, Welzijn en Sport\n"
        "                  ^",
    ),
    "YAML: colon inside a text": (
        lambda p: edited_params(p, "onderwerp: Voortgangsbrief", "onderwerp: Voortgang: brief"),
        "2023.yaml cannot be read at line 6, column 21: a colon followed by a space inside a "
        'text. Put the whole text in quotes, for example: onderwerp: "Voortgang: jeugd en '
        'gezin".\n   6 | onderwerp: Voortgang: brief welzijn 2023\n                           ^',
    ),
    "YAML: tab for indentation": (
        lambda p: edited_params(p, "  naam: Faouzi", "\tnaam: Faouzi"),
        "2023.yaml cannot be read at line 8, column 1: a tab character. YAML indents with "
        "spaces only: replace the tab with spaces.\n   8 |  naam: Faouzi Achbar MBA MSc\n"
        "       ^",
    ),
    "YAML: key indented too far": (
        lambda p: edited_params(p, "onderwerp: Voortgangsbrief", "  onderwerp: Voortgangsbrief"),
        "2023.yaml cannot be read at line 6, column 12: the indentation does not match the "
        "lines above. Keys of one group start in the same column; a key inside a group is "
        "indented further, with spaces, than the group's name.\n"
        "   6 |   onderwerp: Voortgangsbrief welzijn 2023\n                  ^",
    ),
    "YAML: quote never closed": (
        lambda p: edited_params(p, "kenmerk: M2312-1203", 'kenmerk: "M2312-1203'),
        "2023.yaml cannot be read at line 4, column 10: a quote opens a text here that is never "
        "closed. End the text with the same quote (\" or ').\n"
        '   4 | kenmerk: "M2312-1203\n                ^',
    ),
    "YAML: key written twice": (
        lambda p: edited_params(p, "kenmerk: M2312-1203", "kenmerk: M2312-1203\nkenmerk: M23"),
        "2023.yaml cannot be read at line 5, column 1: the key 'kenmerk' is written twice in "
        "the same group (also on line 4); keep one.\n   5 | kenmerk: M23\n       ^",
    ),
    "YAML: alias bomb": (
        lambda p: params_error(p, "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a]\n"),
        "2023.yaml cannot be read at line 2, column 8: '*a' refers to another part of the file "
        "(a YAML alias), which brief does not accept: write the value out in full.\n"
        "   2 | b: &b [*a, *a, *a, *a]\n              ^",
    ),
    "YAML: control character in a text": (
        lambda p: edited_params(
            p, "onderwerp: Voortgangsbrief welzijn 2023", 'onderwerp: "Voort\\x0b"'
        ),
        "2023.yaml, 'onderwerp': the text holds an invisible control character (U+000B) at "
        "position 6. Remove it: retype the text, or paste it as plain text.",
    ),
    "params file that is a list": (
        lambda p: params_error(p, "- jaar: 2023\n"),
        "2023.yaml must hold keys such as 'jaar:' and 'datum:', one per line; it holds no such "
        "keys.",
    ),
    "commitment without a code": (
        lambda p: edited_params(p, "  - code: 23bb005467\n    omschrijving", "  - omschrijving"),
        "2023.yaml has 1 problem(s):\n  - toezeggingen, item 1: 'code' is missing; add it.",
    ),
    # ---- what a notebook publishes ----------------------------------------------------
    "count computed in the notebook that is not whole": (
        lambda p: _publish_error(p, lambda deelnemers: deelnemers / 8),
        "Cannot publish 'deelnemers': its unit 'count' counts whole things, but the value is "
        "87.5, which the letter would print rounded. Round it in the notebook where that is "
        "meant (round(...)), or publish it with unit='decimal'.",
    ),
    "count from a share that is not whole": (
        lambda p: _publish_error(p, lambda d: indicators.share(d, indicators.total(d, d, d))),
        "Cannot publish 'deelnemers': its unit 'count' counts whole things, but the value is "
        "33.333333333333336 (a share, computed from data/ouderen.csv, row 3: "
        "valpreventie_deelnemers, 2023, Rotterdam, realisation 700 (source: Voortgangsbrief "
        "welzijn 2024)), which the letter would print rounded. Round it in the notebook where "
        "that is meant (round(...)), or publish it with unit='decimal' or 'percent'.",
    ),
    "table cell of a count that is not whole": (
        _table_error,
        "Cannot publish table 'deelname': row 2, column 'Deelnemers' holds 7.5, but its unit "
        "'count' counts whole things and the letter would print it rounded. Round it in the "
        "notebook where that is meant, or give the column a unit such as "
        "units={'Deelnemers': 'decimal'}.",
    ),
    # ---- templates ------------------------------------------------------------------
    "template that is a text file": (
        lambda p: template_error(p, b"Geachte commissie", name="brief.txt"),
        "The template brief.txt is not a .docx file. Save it from Word as "
        "'Word Document (*.docx)'.",
    ),
    "template that is damaged": (
        lambda p: template_error(p, b"PK\x03\x04" + bytes(100)),
        "The template brief.docx cannot be opened as a Word document: the file is damaged. "
        "Take the last good copy (templates/ is in git) or save it again from Word.",
    ),
    "template with half a document part": (
        lambda p: _damaged_part(p, "word/document.xml"),
        "The template kapot.docx is damaged: a part of it is not complete Word XML. Take the "
        "last good copy (templates/ is in git) or save it again from Word.",
    ),
    "template that unpacks to far too much": (
        _zip_bomb,
        "The template bom.docx unpacks to 40 MB, far more than a letter template needs (at most "
        "30 MB of text and layout, 200 MB in all). Save it again from Word, without embedded "
        "files or very large pictures.",
    ),
    "template with a password": (
        lambda p: template_error(p, b"\xd0\xcf\x11\xe0" + bytes(600)),
        "The template brief.docx is protected with a password (or is an old .doc renamed). "
        "Save a copy without a password as 'Word Document (*.docx)'.",
    ),
    "template with a broken tag": (
        lambda p: _docx_with_tag(p, "{{ kinderwerk_pleinen | }}"),
        "The template has a mistake in a {{ }} or {% %} tag: expected token 'name', got 'end "
        "of print statement'\nIn the body, at: \"In {{ jaar }} waren er {{ kinderwerk_pleinen | "
        '}} pleinen.".',
    ),
    "template with a broken tag late in a long paragraph": (
        lambda p: _docx_with_tag(p, "en " * 60 + "{{ bereik )) }}"),
        "The template has a mistake in a {{ }} or {% %} tag: unexpected ')'\nIn the body, at: "
        '"… en en en en en en en en en en en en en {{ bereik )) }} pleinen.".',
    ),
    "template with an if never closed": (
        lambda p: _docx_with_tag(p, "{% if jaar > 2020 %}veel"),
        "The template has a mistake in a {{ }} or {% %} tag: Unexpected end of template. Jinja "
        "was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block "
        "that needs to be closed is 'if'.\nIn the body, at: \"In {{ jaar }} waren er {% if jaar "
        '> 2020 %}veel pleinen.".\nCheck that every {% if %} has its {% endif %} and every '
        "{% for %} its {% endfor %}.",
    ),
    # ---- the command line -----------------------------------------------------------
    "year that is a path": (
        lambda p: cli_error(p, "build", "../../etc"),
        "Error: '../../etc' is not a year. Give years as four digits, e.g. 2023.",
    ),
    "year that is a word": (
        lambda p: cli_error(p, "build", "vorig-jaar"),
        "Error: 'vorig-jaar' is not a year. Give years as four digits, e.g. 2023.",
    ),
    "year without a params file": (
        lambda p: cli_error(p, "build", "2031"),
        "Error: There is no params file for 2031: <project>/params/2031.yaml does not exist. "
        "Run `brief new 2031` to start it from the latest year, then fill in this year's date, "
        "reference, texts and commitments.",
    ),
    "template that does not exist": (
        lambda p: cli_error(p, "build", "2023", "--template", str(p.root / "templates/nee.docx")),
        "Error: The template <project>/templates/nee.docx does not exist.",
    ),
    "no kernels at all": (
        lambda p: cli_error(p, "build", "2023", "--jobs", "0"),
        "Usage: root build [OPTIONS] [years]... Try 'root build --help' for help. Error Invalid "
        "value for '--jobs' / '-j': Input should be greater than or equal to 1",
    ),
    "new year that exists": (
        lambda p: cli_error(p, "new", "2023"),
        "Error: params/2023.yaml already exists. Edit it, or delete it to start over.",
    ),
    "new year with nothing before it": (
        lambda p: cli_error(p, "new", "2019"),
        "Error: There is no params file for a year before 2019 in <project>/params to start from.",
    ),
    "check a year without params": (
        lambda p: cli_error(p, "check", "2031"),
        "Error: There is no params file for 2031: <project>/params/2031.yaml does not exist. "
        "Run `brief new 2031` to start it from the latest year, then fill in this year's date, "
        "reference, texts and commitments.",
    ),
    "history kept of no letters": (
        lambda p: cli_error(p, "build", "2023") if _history_limit(p, 0) else "",
        "Error: brief.yaml has 1 problem(s): - 'geschiedenis, aantal': Input should be greater "
        "than or equal to 1 (got 0).",
    ),
    "diff of a year never built": (
        lambda p: cli_error(p, "diff", "2023"),
        "Error: 2023 has not been built yet: there is no outputs/2023/run.json. Run `brief "
        "build 2023` first.",
    ),
    "area letter marked sent before it was built": (
        lambda p: cli_error(p, "verzonden", "2023", "--only", "area=Noord"),
        "Error: 2023 Noord has not been built yet: there is no outputs/gebied/noord/2023/run.json."
        " Run `brief build 2023 --only area=Noord` first.",
    ),
}


ONE_NL = "jeugd.csv heeft 1 probleem:\n  - "
# The same mistakes as Dutch advisors read them (brief's default language).
IN_DUTCH: dict[str, str] = {
    "table cell of a count that is not whole": (
        "Kan tabel 'deelname' niet publiceren: rij 2, kolom 'Deelnemers' bevat 7,5, maar de "
        "eenheid 'count' telt hele dingen en de brief zou het afgerond tonen. Rond af in het "
        "notebook als dat de bedoeling is, of geef de kolom een eenheid, zoals "
        "units={'Deelnemers': 'decimal'}."
    ),
    "count computed in the notebook that is not whole": (
        "Kan 'deelnemers' niet publiceren: de eenheid 'count' telt hele dingen, maar de "
        "waarde is 87,5; de brief zou die afgerond tonen. Rond af in het notebook als dat de "
        "bedoeling is (round(...)), of publiceer het met unit='decimal'."
    ),
    "count from a share that is not whole": (
        "Kan 'deelnemers' niet publiceren: de eenheid 'count' telt hele dingen, maar de "
        "waarde is 33,333333333333336 (een aandeel, berekend uit data/ouderen.csv, rij 3: "
        "valpreventie_deelnemers, 2023, Rotterdam, realisatie 700 (bron: Voortgangsbrief "
        "welzijn 2024)); de brief zou die afgerond tonen. Rond af in het notebook als dat de "
        "bedoeling is (round(...)), of publiceer het met unit='decimal' of 'percent'."
    ),
    "value is a word": (ONE_NL + "rij 2, kolom 'value': 'veel' is geen getal."),
    "value has two commas": (ONE_NL + "rij 2, kolom 'value': '12,3,4' is geen getal."),
    "value is empty": (ONE_NL + "rij 2, kolom 'value': de cel is leeg."),
    "negative count": (
        ONE_NL + "rij 2, kolom 'value': -5 is negatief, en dat kan niet bij de eenheid count."
    ),
    "count written with a thousands comma": (
        ONE_NL + "rij 2, kolom 'value': '1,234' is geen heel getal, en een count is altijd "
        "heel. Bedoel je 1234? Schrijf 1234 of 1.234."
    ),
    "count with decimals": (
        ONE_NL + "rij 2, kolom 'value': '1.234,5' is geen heel getal, en een count is altijd "
        "heel. Schrijf het als heel getal, of controleer de eenheid van de indicator in "
        "indicatoren.csv."
    ),
    "unknown indicator, close to a known one": (
        ONE_NL + "rij 2, kolom 'indicator': 'kinderwerk_pleinn' staat niet in indicatoren.csv. "
        "Bedoel je 'kinderwerk_pleinen'?"
    ),
    "unknown indicator, nothing close": (
        ONE_NL
        + "rij 2, kolom 'indicator': 'sport' staat niet in indicatoren.csv. Zet de indicator "
        "daar eerst in."
    ),
    "unknown area, close to a known one": (
        ONE_NL + "rij 2, kolom 'area': 'Kralingen' is niet Rotterdam en ook niet een van de 14 "
        "gebieden in gebieden.csv. Bedoel je 'Kralingen-Crooswijk'?"
    ),
    "unknown area, nothing close": (
        ONE_NL + "rij 2, kolom 'area': 'Atlantis' is niet Rotterdam en ook niet een van de 14 "
        "gebieden in gebieden.csv."
    ),
    "year is a word": (ONE_NL + "rij 2, kolom 'year': 'twintig' is geen jaartal."),
    "year has a typo": (
        ONE_NL + "rij 2, kolom 'year': '20233' is geen jaartal tussen 2000 en 2100."
    ),
    "unknown kind": (
        ONE_NL + "rij 2, kolom 'kind': 'prognose' moet een van deze zijn: realisation, target, "
        "baseline."
    ),
    "duplicate rows": (
        ONE_NL + "rij 3: dezelfde indicator, hetzelfde jaar, gebied en soort als rij 2 "
        "(kinderwerk_pleinen, 2023, Rotterdam, realisation); houd één van de twee."
    ),
    "duplicate rows written differently": (
        ONE_NL + "rij 3: dezelfde indicator, hetzelfde jaar, gebied en soort als rij 2 "
        "(kinderwerk_pleinen, 2023, Kralingen-Crooswijk, realisation); houd één van de "
        "twee."
    ),
    "several problems reported together": (
        "jeugd.csv heeft 3 problemen:\n  - rij 2, kolom 'value': 'veel' is geen getal.\n  "
        "- rij 3, kolom 'area': 'Atlantis' is niet Rotterdam en ook niet een van de 14 "
        "gebieden in gebieden.csv.\n  - rij 4, kolom 'kind': 'prognose' moet een van deze "
        "zijn: realisation, target, baseline."
    ),
    "many problems are counted past the first 25": (
        "jeugd.csv heeft 30 problemen: |   ... en nog 5 problemen."
    ),
    "row numbers count blank lines as a spreadsheet does": (
        ONE_NL + "rij 4, kolom 'value': 'veel' is geen getal."
    ),
    "missing column": (
        "In jeugd.csv ontbreekt de kolom 'kind'. De kopregel moet deze kolommen noemen: "
        "indicator, year, area, value, kind, source. Is het verkeerd gespeld: 'knid' voor "
        "'kind'?"
    ),
    "empty file": (
        "jeugd.csv is leeg; het bestand moet een kopregel en rijen met gegevens hebben."
    ),
    "header only": ("jeugd.csv heeft een kopregel, maar geen rijen met gegevens."),
    "a number with a comma, not between quotes": (
        "jeugd.csv, rij 3: 7 cellen, waar de kopregel er 6 heeft. Een cel met een komma (,) "
        'erin moet tussen dubbele aanhalingstekens staan, zoals "1,5": een rekenblad doet dat '
        "als het het bestand als CSV opslaat. Of haal een komma (,) weg, als die er een te "
        "veel is."
    ),
    "the first row with a comma in a number, not between quotes": (
        "jeugd.csv, rij 2: 7 cellen, waar de kopregel er 6 heeft. Een cel met een komma (,) "
        'erin moet tussen dubbele aanhalingstekens staan, zoals "1,5": een rekenblad doet dat '
        "als het het bestand als CSV opslaat. Of haal een komma (,) weg, als die er een te "
        "veel is."
    ),
    "a column named twice, once in Dutch": (
        "jeugd.csv noemt de kolom 'value' meer dan eens (kolommen 4, 7; een Nederlandse naam "
        "telt als de Engelse): brief kan niet kiezen welke het moet lezen. Houd er één, of "
        "geef de andere een andere naam."
    ),
    "a workbook column named twice": (
        "jeugd.xlsx noemt de kolom 'value' meer dan eens (kolommen 4, 7; een Nederlandse naam "
        "telt als de Engelse): brief kan niet kiezen welke het moet lezen. Houd er één, of "
        "geef de andere een andere naam."
    ),
    "a workbook date where the year belongs": (
        "jeugd.xlsx heeft 1 probleem:\n  - rij 2, kolom 'year': '2024-01-01' is geen jaartal."
    ),
    "a header of one column": (
        "In jeugd.csv ontbreken de kolommen 'year', 'area', 'value', 'kind', 'source'. De "
        "kopregel moet deze kolommen noemen: indicator, year, area, value, kind, source."
    ),
    "a cell with a semicolon in a file separated by semicolons": (
        "jeugd.csv, rij 4: 7 cellen, waar de kopregel er 6 heeft. Een cel met een puntkomma "
        '(;) erin moet tussen dubbele aanhalingstekens staan, zoals "1;5": een rekenblad doet '
        "dat als het het bestand als CSV opslaat. Of haal een puntkomma (;) weg, als die er "
        "een te veel is."
    ),
    "a quote that is never closed": (
        'jeugd.csv, rij 3: een cel begint met een dubbel aanhalingsteken (") dat nergens '
        "gesloten wordt, zodat de rest van het bestand als die ene cel gelezen wordt. Sluit "
        "het aanhalingsteken, of haal het weg."
    ),
    "not UTF-8": (
        "jeugd.csv is geen UTF-8-tekstbestand. Sla het op als 'CSV UTF-8' (Excel: Opslaan "
        "als, CSV UTF-8) of als .xlsx."
    ),
    "both a CSV and a workbook": (
        "data/jeugd.csv en data/jeugd.xlsx bestaan allebei. Houd er één, zodat duidelijk "
        "is welke cijfers in de brief komen."
    ),
    "no such data file": (
        "Er is geen data/sport.csv of data/sport.xlsx. De databestanden zijn: gebieden, "
        "indicatoren, jeugd, kwetsbare_bewoners, lokale_initiatieven, ouderen."
    ),
    "workbook without a data sheet": (
        "jeugd.xlsx heeft de werkbladen 'Blad1', 'Toelichting'; brief leest het werkblad "
        "met de naam 'data'. Geef het werkblad met de cijfers de naam 'data'."
    ),
    "workbook that is damaged": (
        "jeugd.xlsx kan niet worden geopend als Excel-werkmap: het bestand is beschadigd "
        "of geen werkmap (BadZipFile)."
    ),
    "workbook with a password": (
        "jeugd.xlsx kan niet worden geopend als Excel-werkmap: het is beveiligd met een "
        "wachtwoord (sla het op zonder wachtwoord)."
    ),
    "workbook cell that is not a number, at its Excel row": (
        "jeugd.xlsx heeft 1 probleem:\n  - rij 3, kolom 'value': 'n.b.' is geen getal."
    ),
    "year outside the file's range": (
        "data/jeugd.csv heeft voor 'kinderwerk_pleinen' in Rotterdam cijfers van soort "
        "realisatie in 2022–2024, maar niet in 2031. Voeg aan data/jeugd.csv de rij "
        "'kinderwerk_pleinen,2031,Rotterdam,<value>,realisation,<source>' toe."
    ),
    "missing target in a Dutch semicolon file": (
        "data/jeugd.csv heeft voor 'kinderwerk_pleinen' in Rotterdam geen doel in 2024 of later. "
        "Voeg aan data/jeugd.csv de rij 'kinderwerk_pleinen;2024;Rotterdam;<waarde>;doel;<bron>' "
        "toe."
    ),
    "catalogue with an unknown unit": (
        "indicatoren.csv heeft 1 probleem:\n  - rij 17, kolom 'unit': 'mensen' is geen "
        "eenheid; kies uit count, decimal, percent, euro, euro_mln, fte."
    ),
    "misspelt key": (
        "2023.yaml heeft 2 problemen:\n  - 'kenmerk' ontbreekt; voeg het toe.\n  - "
        "onbekende sleutel 'kenmerrk'. Bedoel je 'kenmerk'?"
    ),
    "date that is not a date": (
        "2023.yaml heeft 1 probleem:\n  - 'datum': schrijf de datum als JJJJ-MM-DD, niet "
        "'12 juli 2024'."
    ),
    "year that is not the file's": (
        "In 2023.yaml staat 'jaar: 2022', maar de bestandsnaam zegt 2023. Zorg dat die "
        "twee gelijk zijn."
    ),
    "text left to fill in": (
        "In 2023.yaml staat nog INVULLEN waar de tekst van dit jaar hoort: kenmerk. Vul "
        "die in en bouw dan opnieuw."
    ),
    "broken YAML": (
        "2023.yaml is niet te lezen in regel 5, kolom 12: hier opent een [ of { een lijst die "
        "niet goed wordt gesloten. Sluit hem met ] of }, met een komma tussen de onderdelen.\n"
        "   5 | commissie: [commissie Zorg, Welzijn en Sport\n"
        "                  ^"
    ),
    "YAML: colon inside a text": (
        "2023.yaml is niet te lezen in regel 6, kolom 21: een dubbele punt met een spatie erna "
        "midden in een tekst. Zet de hele tekst tussen aanhalingstekens, bijvoorbeeld: "
        'onderwerp: "Voortgang: jeugd en gezin".\n'
        "   6 | onderwerp: Voortgang: brief welzijn 2023\n                           ^"
    ),
    "YAML: tab for indentation": (
        "2023.yaml is niet te lezen in regel 8, kolom 1: een tab. YAML springt alleen in met "
        "spaties: vervang de tab door spaties.\n   8 |  naam: Faouzi Achbar MBA MSc\n"
        "       ^"
    ),
    "YAML: key indented too far": (
        "2023.yaml is niet te lezen in regel 6, kolom 12: het inspringen klopt niet met de "
        "regels erboven. Sleutels van één groep beginnen in dezelfde kolom; een sleutel binnen "
        "een groep springt verder in, met spaties, dan de naam van de groep.\n"
        "   6 |   onderwerp: Voortgangsbrief welzijn 2023\n                  ^"
    ),
    "YAML: quote never closed": (
        "2023.yaml is niet te lezen in regel 4, kolom 10: hier opent een aanhalingsteken een "
        "tekst die nergens wordt gesloten. Sluit de tekst af met hetzelfde aanhalingsteken "
        "(\" of ').\n"
        '   4 | kenmerk: "M2312-1203\n                ^'
    ),
    "YAML: key written twice": (
        "2023.yaml is niet te lezen in regel 5, kolom 1: de sleutel 'kenmerk' staat twee keer "
        "in dezelfde groep (ook in regel 4); houd er één over.\n   5 | kenmerk: M23\n       ^"
    ),
    "YAML: alias bomb": (
        "2023.yaml is niet te lezen in regel 2, kolom 8: '*a' verwijst naar een ander deel van "
        "het bestand (een YAML-alias); dat accepteert brief niet: schrijf de waarde volledig "
        "uit.\n   2 | b: &b [*a, *a, *a, *a]\n              ^"
    ),
    "YAML: control character in a text": (
        "2023.yaml, 'onderwerp': de tekst bevat een onzichtbaar stuurteken (U+000B) op "
        "positie 6. Haal het weg: typ de tekst opnieuw, of plak hem als platte tekst."
    ),
    "template with half a document part": (
        "Het sjabloon kapot.docx is beschadigd: een deel ervan is geen volledige Word-XML. Neem "
        "de laatste goede kopie (templates/ staat in git) of sla het opnieuw op vanuit Word."
    ),
    "template that unpacks to far too much": (
        "Het sjabloon bom.docx is uitgepakt 40 MB, veel meer dan een briefsjabloon nodig heeft "
        "(hoogstens 30 MB tekst en opmaak, 200 MB in totaal). Sla het opnieuw op vanuit Word, "
        "zonder ingesloten bestanden of heel grote afbeeldingen."
    ),
    "data cell with a control character": (
        "jeugd.csv, rij 2, kolom 'source': de cel bevat een onzichtbaar stuurteken (U+0001). "
        "Haal het weg: typ de cel opnieuw, of plak hem als platte tekst."
    ),
    "areas file with a short row": (
        "gebieden.csv heeft 1 probleem:\n  - rij 16: de cel in kolom 'provider' is leeg; elk "
        "gebied heeft een provider nodig."
    ),
    "areas file in brief.yaml outside the project": (
        "../gebieden.csv ligt buiten de projectmap (<parent>/gebieden.csv). brief leest alleen "
        "bestanden binnen de projectmap <project>: kopieer het bestand naar het project "
        "(bijvoorbeeld naar data/) en verwijs er daar naar."
    ),
    "data file linked to outside the project": (
        "data/jeugd.csv ligt buiten de projectmap (<outside>). brief leest alleen bestanden "
        "binnen de projectmap <project>: kopieer het bestand naar het project (bijvoorbeeld "
        "naar data/) en verwijs er daar naar."
    ),
    "params file that is a list": (
        "2023.yaml moet sleutels bevatten zoals 'jaar:' en 'datum:', elk op een eigen "
        "regel; er staan geen sleutels in."
    ),
    "commitment without a code": (
        "2023.yaml heeft 1 probleem:\n  - toezeggingen, item 1: 'code' ontbreekt; voeg het toe."
    ),
    "template that is a text file": (
        "Het sjabloon brief.txt is geen .docx-bestand. Sla het in Word op als "
        "'Word-document (*.docx)'."
    ),
    "template that is damaged": (
        "Het sjabloon brief.docx kan niet als Word-document worden geopend: het bestand is "
        "beschadigd. Neem de laatste goede kopie (templates/ staat in git) of sla het "
        "opnieuw op vanuit Word."
    ),
    "template with a password": (
        "Het sjabloon brief.docx is beveiligd met een wachtwoord (of het is een oud "
        ".doc-bestand met een nieuwe naam). Sla een kopie zonder wachtwoord op als "
        "'Word-document (*.docx)'."
    ),
    "template with a broken tag": (
        "Het sjabloon heeft een fout in een tag ({{ }} of {% %}): expected token 'name', "
        "got 'end of print statement'\nIn de hoofdtekst, in de alinea: \"In {{ jaar }} "
        'waren er {{ kinderwerk_pleinen | }} pleinen.".'
    ),
    "template with a broken tag late in a long paragraph": (
        "Het sjabloon heeft een fout in een tag ({{ }} of {% %}): unexpected ')'\nIn de "
        'hoofdtekst, in de alinea: "… en en en en en en en en en en en en en {{ bereik )) }} '
        'pleinen.".'
    ),
    "template with an if never closed": (
        "Het sjabloon heeft een fout in een tag ({{ }} of {% %}): Unexpected end of template. "
        "Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost "
        "block that needs to be closed is 'if'.\nIn de hoofdtekst, in de alinea: \"In {{ jaar "
        '}} waren er {% if jaar > 2020 %}veel pleinen.".\nControleer of elke {% if %} een '
        "{% endif %} heeft en elke {% for %} een {% endfor %}."
    ),
    "year that is a path": (
        "Fout: '../../etc' is geen jaar. Geef jaren in vier cijfers, bijvoorbeeld 2023."
    ),
    "year that is a word": (
        "Fout: 'vorig-jaar' is geen jaar. Geef jaren in vier cijfers, bijvoorbeeld 2023."
    ),
    "year without a params file": (
        "Fout: Er is geen params-bestand voor 2031: <project>/params/2031.yaml bestaat "
        "niet. Voer `brief new 2031` uit om het te beginnen vanuit het laatste jaar, en "
        "vul dan de datum, het kenmerk, de teksten en de toezeggingen van dit jaar in."
    ),
    "template that does not exist": (
        "Fout: Het sjabloon <project>/templates/nee.docx bestaat niet."
    ),
    "no kernels at all": (
        "Gebruik: root build [OPTIONS] [years]... Zie 'root build --help' voor hulp. Fout "
        "Ongeldige waarde voor '--jobs' / '-j': Geef 1 of meer"
    ),
    "new year that exists": (
        "Fout: params/2023.yaml bestaat al. Pas het aan, of verwijder het om opnieuw te beginnen."
    ),
    "new year with nothing before it": (
        "Fout: Er is in <project>/params geen params-bestand van een jaar vóór 2019 om mee "
        "te beginnen."
    ),
    "check a year without params": (
        "Fout: Er is geen params-bestand voor 2031: <project>/params/2031.yaml bestaat "
        "niet. Voer `brief new 2031` uit om het te beginnen vanuit het laatste jaar, en "
        "vul dan de datum, het kenmerk, de teksten en de toezeggingen van dit jaar in."
    ),
    "history kept of no letters": (
        "Fout: brief.yaml heeft 1 probleem: - 'geschiedenis, aantal': Geef 1 of meer (er staat 0)."
    ),
    "diff of a year never built": (
        "Fout: 2023 is nog niet gebouwd: er is geen outputs/2023/run.json. Voer eerst `brief "
        "build 2023` uit."
    ),
    "area letter marked sent before it was built": (
        "Fout: 2023 Noord is nog niet gebouwd: er is geen outputs/gebied/noord/2023/run.json. "
        "Voer eerst `brief build 2023 --only area=Noord` uit."
    ),
}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_every_mistake_has_its_message_in_both_languages():
    assert set(IN_DUTCH) == set(CASES)
    assert all(IN_DUTCH[case] != CASES[case][1] for case in CASES)


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_its_exact_message(project, case, language):
    make_mistake, english = CASES[case]
    expected = english if language == "en" else IN_DUTCH[case]

    with speaking(language):
        message = make_mistake(project)

    assert "Traceback" not in message
    assert not re.search(r"File \"/", message)
    assert message == expected
