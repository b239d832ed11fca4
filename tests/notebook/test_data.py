import gettext
import io
import json
import os
import shutil
import time

import pandas as pd
import pyarrow.csv
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief import i18n
from brief.exceptions import BriefError, DataError
from brief.i18n import speaking
from brief.notebook import data, tablecache
from brief.notebook.collect import collect
from brief.notebook.data import keep_tables, load_catalogue, load_data
from brief.records import INPUT_MIMETYPE, DataRead, NotebookRecord, ReadNote


def test_example_file_loads_with_numbers(project):
    frame = load_data("jeugd", project)

    assert frame["value"].dtype.kind in "if"
    row = frame[
        (frame.indicator == "kinderwerk_bereik")
        & (frame.year == 2023)
        & (frame.kind == "realisation")
    ]
    assert row["value"].iloc[0] == 30133


def test_all_problems_in_a_file_are_reported_together(project):
    path = project.data_dir / "jeugd.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "kinderwerk_pleinen,2022,Rotterdam,veel,realisation,x"
    lines[2] = "kinderwerk_pleinen,2023,Atlantis,88,realisation,x"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        load_data("jeugd", project)

    message = str(caught.value)
    assert "2 problem(s)" in message
    assert "row 2, column 'value': 'veel' is not a number" in message
    assert (
        "row 3, column 'area': 'Atlantis' is not Rotterdam or one of the 14 areas in gebieden.csv."
        in message
    )


def test_missing_column_is_named(project):
    path = project.data_dir / "ouderen.csv"
    text = path.read_text(encoding="utf-8").replace(",kind,", ",knid,", 1)
    path.write_text(text, encoding="utf-8")

    with pytest.raises(DataError) as caught:
        load_data("ouderen", project)

    assert str(caught.value) == (
        "ouderen.csv has no column 'kind'. Its header row must name: indicator, year, area, "
        "value, kind, source. Is it misspelt: 'knid' for 'kind'?"
    )


def test_duplicate_rows_are_refused(project):
    path = project.data_dir / "ouderen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        load_data("ouderen", project)

    assert str(caught.value) == (
        f"ouderen.csv has 1 problem(s):\n  - row {len(lines) + 1}: the same indicator, year, "
        "area and kind as row 2 (valpreventie_deelnemers, 2022, Rotterdam, realisation); keep "
        "one of the two."
    )


def write_rows(project, name: str, values: list[str], indicator: str = "kinderwerk_bereik") -> None:
    """Write data/<name>.csv, as Dutch Excel saves it, one row per value, years 2001 on."""
    header = ";".join(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    rows = [
        ";".join([indicator, str(2001 + i), "Rotterdam", v, "realisatie", "x"])
        for i, v in enumerate(values)
    ]
    (project.data_dir / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")


def notes_of(project, name: str) -> list[str]:
    from brief.notebook.data import _read_table, area_names, load_catalogue
    from brief.notebook.validate import check_rows

    path = project.data_dir / f"{name}.csv"
    frame = _read_table(path, ("indicator", "year", "area", "value", "kind", "source"))
    records = [(i + 2, row) for i, row in enumerate(frame.to_dict("records"))]
    notation = project.settings().notatie.get(path.name)
    catalogue = load_catalogue(project)["unit"].to_dict()
    return [
        note.text for note in check_rows(records, catalogue, area_names(project), notation).notes
    ]


def test_doubtful_readings_are_reported_once_per_kind_with_a_count(project):
    write_rows(project, "telling", ["1.234", "2.500", "3.750", "12,5"])

    notes = notes_of(project, "telling")

    assert notes == [
        "column 'value', row 2: read '1.234' as 1234 (the dot groups thousands) and 2 more "
        "value(s) read the same way",
    ]


def test_each_kind_of_doubt_has_its_own_sentence(project):
    # In fte, not a count: a count of 1,234 is refused (see test_validate.py).
    values = ["1.234", "1,234", "1,234,567.5", "2.500", "4,4"]
    write_rows(project, "telling", values, indicator="jongerenwerk_fte")

    assert notes_of(project, "telling") == [
        "column 'value', row 2: read '1.234' as 1234 (the dot groups thousands) and 1 more "
        "value(s) read the same way",
        "column 'value', row 3: read '1,234' as 1.234 (the comma starts the decimals)",
        "column 'value', row 4: read '1,234,567.5' as 1234567.5 (English notation)",
    ]


def test_the_notebook_shows_what_it_read_and_keeps_the_notes_as_records(project, shown):
    write_rows(project, "telling", ["1.234", "2.500", "3.750", "12"])

    load_data("telling", project)

    output = shown[-1]
    assert output["text/plain"] == (
        "Read: data/telling.csv (4 rows)\n"
        "Converted, check:\n"
        "  data/telling.csv, column 'value', row 2: read '1.234' as 1234 (the dot groups "
        "thousands) and 2 more value(s) read the same way"
    )
    read = DataRead.model_validate(json.loads(json.dumps(output[INPUT_MIMETYPE])))
    assert read.notes == [
        ReadNote(column="value", row=2, written="1.234", read_as=1234, doubt="thousands", more=2)
    ]
    assert shown[0]["text/plain"].startswith("Read: data/indicatoren.csv (")


def _dutch(monkeypatch, messages: dict) -> None:
    """Speak Dutch from ``messages`` (msgid -> Dutch), as the catalog would."""
    catalog = Catalog(locale="nl")
    for message, dutch in messages.items():
        catalog.add(message, dutch)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    dutch_translations = gettext.GNUTranslations(buffer)
    monkeypatch.setattr(
        i18n,
        "translations",
        lambda language: dutch_translations if language == "nl" else gettext.NullTranslations(),
    )


THOUSANDS = (
    "column {column!r}, row {row}: read {written!r} as {number} (the dot groups thousands) and "
    "{count} more value(s) read the same way"
)
DECIMALS = (
    "column {column!r}, row {row}: read {written!r} as {number} (the comma starts the decimals)"
)


def test_a_note_is_written_in_the_language_it_is_shown_in(monkeypatch):
    # As in the catalog; the real one is checked in tests/test_i18n.py.
    _dutch(
        monkeypatch,
        {
            (THOUSANDS, THOUSANDS): (
                "kolom {column!r}, rij {row}: {written!r} gelezen als {number} (de punt scheidt "
                "de duizendtallen); nog {count} waarde is zo gelezen",
                "kolom {column!r}, rij {row}: {written!r} gelezen als {number} (de punt scheidt "
                "de duizendtallen); nog {count} waarden zijn zo gelezen",
            ),
            DECIMALS: (
                "kolom {column!r}, rij {row}: {written!r} gelezen als {number} (de komma is het "
                "decimaalteken)"
            ),
        },
    )
    with speaking("nl"):  # the kernel that read the file spoke Dutch
        notes = [
            ReadNote(column="value", row=2, written="1.234", read_as=1234, doubt="thousands"),
            ReadNote(column="value", row=3, written="1,234", read_as=1.234, doubt="decimals"),
        ]
        notes[0] = notes[0].model_copy(update={"more": 11})
        made = DataRead(path="data/telling.csv", sha256="0" * 64, notes=notes)
    kept = DataRead.model_validate_json(made.model_dump_json())  # as in the executed notebook

    assert [str(note) for note in kept.notes] == [
        "column 'value', row 2: read '1.234' as 1234 (the dot groups thousands) and 11 more "
        "value(s) read the same way",
        "column 'value', row 3: read '1,234' as 1.234 (the comma starts the decimals)",
    ]
    with speaking("nl"):
        assert [note.text for note in kept.notes] == [
            "kolom 'value', rij 2: '1.234' gelezen als 1234 (de punt scheidt de duizendtallen); "
            "nog 11 waarden zijn zo gelezen",
            "kolom 'value', rij 3: '1,234' gelezen als 1,234 (de komma is het decimaalteken)",
        ]


def _executed(path, *reads: dict) -> None:
    """Write an executed notebook whose cells show that they read ``reads``."""
    cells = [
        {"cell_type": "code", "id": f"c{n}", "outputs": [{"data": {INPUT_MIMETYPE: read}}]}
        for n, read in enumerate(reads)
    ]
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")


def test_notes_of_a_notebook_run_before_notes_were_records_still_show(tmp_path):
    note = ReadNote(column="value", row=2, written="1.234", read_as=1234, doubt="thousands")
    older = "column 'value', row 5: read '2.500' as 2500 (the dot groups thousands)"
    _executed(
        tmp_path / "01-jeugd.ipynb",
        DataRead(path="data/jeugd.csv", sha256="0" * 64, notes=[note]).model_dump(mode="json"),
    )
    _executed(
        tmp_path / "02-ouderen.ipynb",
        {"path": "data/ouderen.csv", "sha256": "1" * 64, "rows": 12, "notes": [older]},
    )

    collection = collect([tmp_path / "01-jeugd.ipynb", tmp_path / "02-ouderen.ipynb"])

    assert collection.notes() == [
        "data/jeugd.csv, column 'value', row 2: read '1.234' as 1234 (the dot groups thousands)",
        f"data/ouderen.csv, {older}",
    ]
    # The run record of such a build keeps its reads too (run.json holds them).
    record = NotebookRecord.model_validate(
        {
            "sha256": "2" * 64,
            "reason": None,
            "seconds": 1.0,
            "reads": {
                "data/ouderen.csv": {
                    "path": "data/ouderen.csv",
                    "sha256": "1" * 64,
                    "notes": [older],
                }
            },
        }
    )
    assert [str(n) for n in record.reads["data/ouderen.csv"].notes] == [older]


def test_a_file_whose_notation_is_declared_is_not_doubted(project):
    write_rows(project, "telling", ["1.234", "2.500"])
    write_rows(project, "engels", ["1,234", "2.5"], indicator="jongerenwerk_fte")
    settings = project.settings_file
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "notatie: {}", "notatie:\n  telling.csv: nl\n  engels.csv: en"
        ),
        encoding="utf-8",
    )

    assert notes_of(project, "telling") == []
    assert notes_of(project, "engels") == []
    engels = load_data("engels", project)
    assert list(engels["value"]) == [1234, 2.5]


def test_a_formula_without_a_stored_result_is_named_with_its_formula(project):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    sheet.append(["kinderwerk_bereik", 2023, "Rotterdam", 30133, "realisatie", "x"])
    sheet.append(["kinderwerk_bereik", 2024, "Rotterdam", "=D2*2", "realisatie", "x"])
    workbook.save(project.data_dir / "formules.xlsx")  # openpyxl stores no formula results

    with pytest.raises(DataError) as caught:
        load_data("formules", project)

    assert str(caught.value) == (
        "formules.xlsx has 1 problem(s):\n  - row 3, column 'waarde' (cell D3): the cell holds "
        "the formula =D2*2 but no result, because the workbook was not saved by Excel; open "
        "and save it in Excel, or type the number."
    )


# --- a CSV file read through a map --------------------------------------------------------
# A large file is mapped, unless it changed in the last seconds (files.racy); a small
# one, or one changed just now, is read into a copy. Both must give the same cells. These
# tests map files of any size (MAP_FROM 0).


@pytest.fixture
def mapping(monkeypatch):
    monkeypatch.setattr(data, "MAP_FROM", 0)


MAPPED_FILES = {
    "blank lines at the end": b"indicator,year,area,value,kind,source\n"
    b"kinderwerk_pleinen,2023,Rotterdam,12,realisation,x\n\n\n\r\n",
    "a byte order mark": "\ufeffindicator,year,area,value,kind,source\n"
    "kinderwerk_pleinen,2023,Rotterdam,12,realisation,x\n".encode(),
    "quotes, a comma and a line break in a cell": b"indicator,year,area,value,kind,source\n"
    b'jongerenwerk_fte,2023,Rotterdam,"4,5",realisation,"een ""bron"",\nmet twee regels"\n',
    "CRLF line ends": b"indicator,jaar,gebied,waarde,soort,bron\r\n"
    b"kinderwerk_pleinen,2023,Rotterdam,12,realisatie,x\r\n\r\n"
    b"kinderwerk_pleinen,2022,Rotterdam,11,realisatie,x\r\n",
    "semicolons, and a short row for pandas": b"indicator;year;area;value;kind;source\n"
    b"jongerenwerk_fte;2023;Rotterdam;4,5;realisation\n",
}


# Rows across the boundaries of the pieces Arrow parses (READ_BLOCK): a quoted cell with
# a line break, blank lines, CRLF ends and a byte order mark, repeated so that pieces of
# every size tried end inside each of them somewhere.
PIECES_FILE = "\ufeffindicator,year,area,value,kind,source\r\n".encode() + b"".join(
    f'jongerenwerk_fte,{year},Rotterdam,"4,5",realisation,"een ""bron"",\r\nmet twee regels"\r\n'
    f"\r\n"
    f"kinderwerk_pleinen,{year},Rotterdam,11,realisation,x\r\n".encode()
    for year in range(2001, 2041)
)


class _Pieces:
    """Arrow's CSV reader, counting the rows of each piece it hands on."""

    def __init__(self, reader):
        self.reader, self.rows = reader, []
        self.schema = reader.schema

    def __iter__(self):
        for batch in self.reader:
            self.rows.append(batch.num_rows)
            yield batch


def _pieces_parsed(monkeypatch) -> list[_Pieces]:
    """Return the list of each time Arrow is asked to parse a CSV file from now on."""
    parsed = []
    open_csv = pyarrow.csv.open_csv
    monkeypatch.setattr(
        pyarrow.csv,
        "open_csv",
        lambda *a, **k: parsed.append(_Pieces(open_csv(*a, **k))) or parsed[-1],
    )
    return parsed


@pytest.mark.parametrize(
    ("block", "pieces"),
    [(100, True), (1000, True), (7, False)],  # 7: rows longer than a piece go to pandas
)
def test_a_file_read_in_pieces_gives_the_cells_read_in_one(project, monkeypatch, block, pieces):
    path = project.data_dir / "jeugd.csv"
    path.write_bytes(PIECES_FILE)
    whole = data._read_csv(path)
    whole_table = load_data("jeugd", project)
    tablecache.finish_writing()
    shutil.rmtree(project.outputs_dir / ".cache")  # so that the file is read and checked again
    monkeypatch.setattr(data, "READ_BLOCK", block)
    parsed = _pieces_parsed(monkeypatch)

    in_pieces = data._read_csv(path)
    table = load_data("jeugd", project)

    parsed = [read for read in parsed if "source" in read.schema.names]  # not the areas' file
    assert bool(parsed) == pieces and all(len(read.rows) > 1 for read in parsed)
    # Handed on with each column in one piece, as read in one.
    assert all(in_pieces[c].array._pa_array.num_chunks == 1 for c in in_pieces.columns)
    pd.testing.assert_frame_equal(in_pieces, whole)
    assert len(table) == 80 and table["row"].iloc[-1] == 1 + 40 * 3  # as a spreadsheet counts
    pd.testing.assert_frame_equal(table, whole_table)
    assert all(
        getattr(table[column].array, "_pa_array", None) is None
        or table[column].array._pa_array.num_chunks == 1
        for column in table.columns
    )


def test_a_column_read_in_pieces_takes_more_room_when_later_cells_are_longer():
    # Its bytes are sized by the first piece; the second holds cells fifty times longer,
    # and starts inside an array (as Arrow may hand a piece on).
    short = pyarrow.array(["a", "", "b"] * 4, pyarrow.large_string())
    longer = pyarrow.array(["é" * 50, ""] * 600, pyarrow.large_string()).slice(3)
    column = data._TextColumn(2000, short, 10**6)
    for piece in (short, longer, short.slice(0, 0)):
        column.add(piece)

    whole = column.array()
    whole.validate(full=True)
    assert whole.to_pylist() == short.to_pylist() + longer.to_pylist()


def test_a_file_whose_lines_end_in_a_carriage_return_alone_is_read_in_pieces(project, monkeypatch):
    # As Excel for the Mac saves "CSV (Macintosh)": no line feed to count the rows by.
    lines = ["indicator,year,area,value,kind,source"] + [
        f'jongerenwerk_fte,{year},Rotterdam,"4,5",realisation,bron {year}'
        for year in range(1900, 2100)
    ]
    path = project.data_dir / "jeugd.csv"
    path.write_bytes("\r".join(lines).encode() + b"\r")
    monkeypatch.setattr(data, "READ_BLOCK", 256)
    parsed = _pieces_parsed(monkeypatch)

    table = data._read_csv(path)

    assert len(parsed) == 1 and len(parsed[0].rows) > 1  # by Arrow, in pieces
    assert table["source"].tolist() == [f"bron {year}" for year in range(1900, 2100)]
    assert set(table["value"]) == {"4,5"}


def test_a_large_file_whose_lines_end_in_a_carriage_return_alone_is_not_refused(tmp_path):
    # Its first line break is a carriage return: before, "no line break in its first 1 MB".
    row = b"jongerenwerk_fte,2023,Rotterdam,4,realisation,bron\r"
    content = b"indicator,year,area,value,kind,source\r" + row * (2 * data.HEADER_BYTES // len(row))
    data._refuse_runaway_csv(tmp_path / "jeugd.csv", content)  # raises nothing
    assert data._count_lines(content) == 1 + 2 * data.HEADER_BYTES // len(row)


@pytest.mark.parametrize("written_quote", [b"", b'scherm van 5" breed'])
def test_a_quote_never_closed_is_refused_not_read_as_one_cell_to_the_end(project, written_quote):
    # Arrow would close the quote at the end of the file, with the rows after it in the
    # cell: the figure of row 4 would be gone without a word. A quote written inside a cell
    # makes the count of quotes even.
    path = project.data_dir / "jeugd.csv"
    path.write_bytes(
        b"indicator,year,area,value,kind,source\n"
        b"kinderwerk_pleinen,2023,Rotterdam,88,realisation,x" + written_quote + b"\n"
        b'kinderwerk_pleinen,2024,Rotterdam,90,realisation,"CBS\n'
        b"kinderwerk_bereik,2024,Rotterdam,26410,realisation,x\n"
    )

    with pytest.raises(DataError, match=r"jeugd.csv, row 3: a cell starts with a double quote"):
        load_data("jeugd", project)


def test_a_quote_written_inside_a_cell_is_read_as_written(project):
    path = project.data_dir / "jeugd.csv"
    path.write_bytes(
        b"indicator,year,area,value,kind,source\n"
        b'kinderwerk_pleinen,2023,Rotterdam,88,realisation,"telling ""plein"", 2023"\n'
        b'kinderwerk_pleinen,2024,Rotterdam,90,realisation,scherm van 5" breed\n'
    )

    table = load_data("jeugd", project)

    assert list(table["source"]) == ['telling "plein", 2023', 'scherm van 5" breed']
    assert list(table["value"]) == [88, 90]


def _an_hour_old(path) -> None:
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))


@pytest.mark.parametrize("content", MAPPED_FILES.values(), ids=MAPPED_FILES)
def test_a_mapped_file_is_read_as_a_copy_of_it_is(project, content, mapping):
    path = project.data_dir / "jeugd.csv"
    path.write_bytes(content)
    copied = data._read_csv(path)
    _an_hour_old(path)

    with data._csv_content(path) as mapped:
        frame = data._read_csv(path, mapped)
        was_mapped = mapped.mapped

    assert was_mapped
    pd.testing.assert_frame_equal(frame, copied)
    assert load_data("jeugd", project)["value"].iloc[-1] in (12, 11, 4.5)


def test_a_small_file_is_read_into_a_copy_and_a_large_one_mapped(project):
    path = project.data_dir / "jeugd.csv"
    _an_hour_old(path)
    with data._csv_content(path) as small:
        assert not small.mapped  # the example's files: far under MAP_FROM
    rows = "".join(f"jongerenwerk_fte,{2000 + n % 20},Rotterdam,{n},target,x\n" for n in range(3))
    with path.open("a", encoding="utf-8") as stream:
        stream.write(rows * (data.MAP_FROM // len(rows) + 1))
    _an_hour_old(path)
    with data._csv_content(path) as large:
        assert large.mapped


def test_a_file_of_spaces_is_empty_when_mapped_too(project, mapping):
    path = project.data_dir / "jeugd.csv"
    path.write_bytes(b" \r\n\t\n  ")
    _an_hour_old(path)

    with pytest.raises(DataError) as caught:
        load_data("jeugd", project)

    assert str(caught.value) == "jeugd.csv is empty; it needs a header row and data rows."


def test_a_file_changed_after_it_was_hashed_is_not_kept_under_the_old_hash(
    project, monkeypatch, mapping
):
    path = project.data_dir / "jeugd.csv"
    first = b"indicator,year,area,value,kind,source\nkinderwerk_pleinen,2023,Rotterdam,1,doel,x\n"
    second = first.replace(b",1,", b",2,")
    path.write_bytes(first)
    _an_hour_old(path)
    before = path.stat()
    hashed = tablecache.content_hash

    def hash_then_change(hashing, folder, content=None):
        digest = hashed(hashing, folder, content)
        if hashing == path and content is not None and content.mapped:
            with path.open("r+b") as stream:  # in place: the map shows the new bytes
                stream.write(second)
        return digest

    monkeypatch.setattr(tablecache, "content_hash", hash_then_change)

    changed = load_data("jeugd", project)
    monkeypatch.undo()
    tablecache.finish_writing()
    with path.open("r+b") as stream:  # the first content back, with its size and times
        stream.write(first)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = load_data("jeugd", project)

    assert list(changed["value"]) == [2]
    assert list(again["value"]) == [1]  # not the second content's table, under the first hash


def test_checking_the_data_outside_a_notebook_imports_no_notebook_shell(project):
    """The zygote checks a national file while it imports; IPython would cost it a
    twentieth of a second, for a record of reads that only a notebook keeps."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from brief.notebook import data\n"
        "from brief.project.paths import ProjectPaths\n"
        "from pathlib import Path\n"
        f"data.check_data_files(ProjectPaths(Path({str(project.root)!r})))\n"
        "from brief.notebook import tablecache\n"
        "tablecache.finish_writing()\n"
        "assert 'IPython' not in sys.modules, 'IPython was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert len(list(tablecache.cache_dir(project.outputs_dir).glob("*.arrow"))) == 4


def _swollen(path, size):
    """Make ``path`` a file of ``size`` bytes without writing them (a sparse file)."""
    with path.open("r+b" if path.exists() else "wb") as stream:
        stream.truncate(size)


@pytest.mark.parametrize("name", ["jeugd.csv", "groot.xlsx", "indicatoren.csv", "gebieden.csv"])
def test_a_file_larger_than_brief_reads_is_refused_before_it_is_read(project, monkeypatch, name):
    from brief.files import DATA_FILE_LIMIT

    path = project.data_dir / name
    _swollen(path, DATA_FILE_LIMIT + 1)
    hashed = []
    content_hash = tablecache.content_hash
    monkeypatch.setattr(
        tablecache,
        "content_hash",
        lambda file, *rest: hashed.append(file.name) or content_hash(file, *rest),
    )

    with pytest.raises(DataError) as raised:
        load_data("groot" if name == "groot.xlsx" else "jeugd", project)
    if name == "indicatoren.csv":  # read on its own too, and kept by the zygote
        assert keep_tables(project) == 0
        with pytest.raises(DataError, match="more than brief reads"):
            load_catalogue(project)

    assert f"{name} is 1001 MB, more than brief reads from one data file (1000 MB)" in str(
        raised.value
    )
    assert name not in hashed  # two seconds of hashing for nothing, and more to read


def test_the_other_files_are_checked_and_kept_beside_one_too_large(project):
    from brief.files import DATA_FILE_LIMIT

    _swollen(project.data_dir / "jeugd.csv", DATA_FILE_LIMIT + 1)

    data.check_data_files(project)
    try:
        assert data.keep_tables(project) == 3  # ouderen, kwetsbare_bewoners, lokale_initiatieven
    finally:
        data._KEPT.clear()
        data._CATALOGUES.clear()


def test_a_file_grown_too_large_since_the_last_build_makes_its_notebook_run(tmp_path):
    from brief.files import DATA_FILE_LIMIT, known_hash

    path = tmp_path / "jeugd.csv"
    path.write_text("indicator,year\n", encoding="utf-8")
    before = known_hash(path)
    _swollen(path, DATA_FILE_LIMIT + 1)

    assert known_hash(path) not in (None, before)  # not hashed, and never a recorded hash


def test_a_header_row_no_spreadsheet_saves_is_refused_before_it_is_parsed(project):
    path = project.data_dir / "jeugd.csv"
    wide = ",".join(f"c{n}" for n in range(data.MAX_COLUMNS + 1))
    path.write_text(wide + "\n" + ",".join("1" for _ in range(data.MAX_COLUMNS + 1)) + "\n")

    with pytest.raises(DataError, match="more than 16384 columns, or no line break"):
        load_data("jeugd", project)

    path.write_bytes(b"x" * (data.HEADER_BYTES + 1))  # one line that never ends
    with pytest.raises(DataError, match="does not start with a header row"):
        load_data("jeugd", project)


def test_a_file_of_more_lines_than_brief_reads_is_refused_with_its_count(project, monkeypatch):
    monkeypatch.setattr(data, "MAX_LINES", 300)  # the example's jeugd.csv has 379 lines
    with pytest.raises(DataError, match="jeugd.csv has 379 lines, more than brief reads"):
        load_data("jeugd", project)


def test_blank_lines_after_the_header_alone_are_no_data_rows_read_at_once(project, monkeypatch):
    """Arrow reads no file of a header alone; pandas, which did, read every blank line."""
    path = project.data_dir / "jeugd.csv"
    path.write_bytes(b"indicator,year,area,value,kind,source\r\n" + b"\r\n" * 100_000)

    def refused(*args, **kwargs):
        raise AssertionError("read by pandas")

    monkeypatch.setattr(data.pd, "read_csv", refused)
    with pytest.raises(DataError, match="has a header row but no data rows"):
        load_data("jeugd", project)


@pytest.mark.parametrize(
    "text, end",
    [
        (b"", 0),
        (b"\n\r\n", 0),
        (b"a,b\n1,2", 7),
        (b"a,b\n1,2\r\n\r\n\n", 7),
        (b"a,b\n" + b"\n" * 10, 3),
        (b"a,b\n1,2" + b"\r\n" * 9, 7),  # the blank lines cross a piece's edge
    ],
)
def test_the_end_of_a_file_without_its_blank_lines(text, end):
    assert data._end_of_text(text, step=4) == end
    assert data._count_lines(text, step=4) == text.count(b"\n")


CELL_PIECES = [
    "kinderwerk_pleinen", "2024", "Noord", "Rotterdam", "12", "1,5", "1.234", "realisation",
    "target", "CBS", "", " ", '"', '"x', 'x"', '""', '"a,b"', '"a;b"', "5\"", "ä", ",", ";",
    "\t", "\r", "\n", "\x00",
]  # fmt: skip
CSV_ROWS = st.lists(st.lists(st.sampled_from(CELL_PIECES), max_size=8), max_size=6)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same files every run: a failure is one, not a sometimes
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # each file is written anew
)
@given(
    rows=CSV_ROWS, separator=st.sampled_from([",", ";", "\t"]), end=st.sampled_from(["\n", "\r\n"])
)
def test_any_csv_file_is_read_or_refused_with_a_message_naming_it(project, rows, separator, end):
    header = separator.join(["indicator", "year", "area", "value", "kind", "source"])
    text = end.join([header, *(separator.join(cells) for cells in rows)]) + end
    (project.data_dir / "jeugd.csv").write_bytes(text.encode("utf-8"))

    try:
        table = load_data("jeugd", project)
    except BriefError as error:
        assert "jeugd.csv" in str(error)
    else:
        assert list(table.columns[:6]) == ["indicator", "year", "area", "value", "kind", "source"]
    finally:
        tablecache.finish_writing()
