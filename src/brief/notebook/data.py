"""Read the project's input tables (data/*.csv or data/*.xlsx) and check them.

Every data file is in long format, one number per row::

    indicator,year,area,value,kind,source
    kinderwerk_bereik,2023,Utrecht,30133,realisation,Voortgangsbrief welzijn 2024

Files come as providers deliver them: CSV or Excel (the only sheet, or the sheet named
"data"), headers in any case with stray spaces, or in Dutch (jaar, gebied, waarde, soort,
bron), and numbers written the Dutch way. ``validate.py`` checks each row;
``data/indicatoren.csv`` describes each indicator (label, unit, monitor) and the areas
file named in ``brief.yaml`` lists the areas with their provider; city-wide rows carry the
name ``brief.yaml`` gives as ``stad``. When a notebook reads a
file, it records the file's name, hash, row count and any doubtful conversion in its
output, so a build knows what each notebook depends on and a reviewer sees what was read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import io
import mmap
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from brief.exceptions import BriefError, DataError
from brief.files import DATA_FILE_LIMIT, file_hash, is_ole_file, racy, too_large, unpacked_size
from brief.formatting import NUMBER_UNITS
from brief.i18n import _, ngettext
from brief.notebook import tablecache
from brief.notebook.problems import listed_message, problems_message
from brief.notebook.validate import (
    COLUMN_ALIASES,
    COLUMNS,
    TEXT,
    AreaNames,
    Checked,
    check_table,
    kind_words,
)
from brief.project.paths import ProjectPaths, find_project
from brief.project.settings import Settings, load_settings
from brief.records import INPUT_MIMETYPE, DataRead, ReadNote

LINEAGE_COLUMNS = ("row", "file", "sheet")  # where each row of a loaded table came from
CATALOGUE_FILE = "indicatoren.csv"
CATALOGUE_COLUMNS = ("indicator", "label", "unit", "type", "monitor")
AREAS_COLUMNS = ("area", "provider")
AREA_ALIASES = "aliases"  # optional column of the areas file: other spellings, split by "|"
# Marks a figure that does not come from the seeds; the letter's source note must say so.
FICTITIOUS_MARK = "fictief"


SUFFIXES = (".csv", ".xlsx")
SHEET = "data"  # the sheet brief reads from a workbook with more than one
# A workbook's XML is ten times its figures; past this, reading it costs minutes and GBs.
MAX_XLSX_UNPACKED = 250_000_000
# A spreadsheet has at most this many columns (Excel's limit; LibreOffice's is the same).
# A CSV file with more was not saved by one, and its header alone would take minutes.
MAX_COLUMNS = 16_384
HEADER_BYTES = 64 * MAX_COLUMNS  # a header row longer than this has more columns, or none
# Lines (rows, blank ones included) brief reads from one CSV file: each takes some 300 bytes
# of memory to check, so this is about as much as a gigabyte of data (DATA_FILE_LIMIT).
MAX_LINES = 25_000_000
# A CSV file this large is read through a memory map (see _csv_content); a smaller one is
# copied, which costs nothing worth saving and cannot be cut short by an editor saving it
# in place while it is read.
MAP_FROM = 8 * 2**20
# Arrow parses a CSV file this many bytes at a time, and each piece's cells are copied on
# into their columns at once (_TextColumn), so each column is made once, in one piece, as
# the cache and the lookups want it. A piece's working memory (about seven times its size)
# is then small enough for the C library to hand out again for the next piece; for larger
# pieces it maps fresh memory each time. A million rows: 24,600 page faults (slow on a
# virtual machine), against 46,800 in pieces of 8 MB joined at the end.
READ_BLOCK = 128 * 2**10


def _record_input(
    path: Path,
    project: ProjectPaths,
    rows: int,
    notes: list[ReadNote],
    table: str = "figures",
    sha256: str | None = None,
) -> None:
    """Show which data file was read, so the build can track what a notebook depends on.

    The notes go into the output as records, and into what the notebook shows as
    sentences in the language of this run; the build writes them anew in its own.
    """
    if "IPython" not in sys.modules:  # no shell to show it in (a data check, a script)
        return
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None:
        return
    relative = path.relative_to(project.root).as_posix()
    shown = ngettext("Read: {path} ({count} rows)", "Read: {path} ({count} rows)", rows).format(
        path=relative, count=rows
    )
    if notes:
        # TRANSLATORS: above the numbers of a data file whose reading a person should check
        shown += "\n" + _("Converted, check:") + "\n"
        shown += "\n".join(f"  {relative}, {note.text}" for note in notes)
    sha256 = sha256 or file_hash(path)
    read = DataRead(path=relative, sha256=sha256, rows=rows, notes=notes, table=table)
    display({INPUT_MIMETYPE: read.model_dump(mode="json"), "text/plain": shown}, raw=True)


def data_file(project: ProjectPaths, name: str) -> Path:
    """Return data/<name>.csv or data/<name>.xlsx, whichever exists; refuse both or neither."""
    found = [project.data_dir / f"{name}{suffix}" for suffix in SUFFIXES]
    found = [path for path in found if path.is_file()]
    if len(found) == 2:
        raise DataError(
            _(
                "Both data/{name}.csv and data/{name}.xlsx exist. Keep one, so it is clear "
                "which figures go into the letter."
            ).format(name=name)
        )
    if not found:
        present = sorted(p.stem for p in project.data_dir.iterdir() if p.suffix in SUFFIXES)
        if not present:
            raise DataError(
                _(
                    "There is no data/{name}.csv or data/{name}.xlsx. The data files are: none."
                ).format(name=name)
            )
        raise DataError(
            _(
                "There is no data/{name}.csv or data/{name}.xlsx. The data files are: {files}."
            ).format(name=name, files=", ".join(present))
        )
    return project.inside(found[0], DataError)


class _Changed(Exception):
    """The file changed while brief read it from a map: what it hashed may not be what it
    parsed."""


@contextlib.contextmanager
def _csv_content(path: Path, copy: bool = False) -> Iterator[tablecache.Content | None]:
    """Yield a CSV file's bytes, read once to be hashed and parsed; None for a workbook.

    The bytes of a file of MAP_FROM bytes or more map the file: a national file is not
    copied into fresh memory first, which on a virtual machine costs more than reading it
    (each page is faulted in anew). A smaller file, a file changed in the last seconds, or
    with ``copy``, is read into a copy of its own, so its hash and its table come from the
    same bytes; a mapped file that has changed once it is parsed raises _Changed
    (:func:`_read_csv`), and load_data reads it again as a copy. (A large file cut short in
    place while it is mapped, as no spreadsheet program saves, would stop the process on
    Linux and macOS: programs save a new file and rename it.)
    """
    if path.suffix != ".csv":
        yield None
        return
    _refuse_too_large(path)
    content = stream = None
    try:
        stat = path.stat()
        if copy or stat.st_size < MAP_FROM or racy(stat):
            content = tablecache.Content(path.read_bytes(), stat, mapped=False)
        else:
            stream = path.open("rb")
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
            content = tablecache.Content(data, stat, mapped=True)
    except (OSError, ValueError):  # the reader says what is wrong
        if stream is not None:
            stream.close()
        content = None
    try:
        yield content
    finally:
        if content is not None and content.mapped:
            with contextlib.suppress(BufferError):  # still exported: closed when let go
                content.data.close()
            stream.close()


_BLANK_TEXT = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # a character bytes.isspace() is not


def _read_csv(path: Path, content: tablecache.Content | None = None) -> pd.DataFrame:
    data = content.data if content is not None else path.read_bytes()
    if not len(data) or not _BLANK_TEXT.search(data):
        raise DataError(_empty(path))
    lines = _refuse_runaway_csv(path, data)
    delimiter = ","  # until the header says otherwise
    try:
        # The delimiter is sniffed from the header: Dutch Excel writes ";" and keeps ","
        # for decimals. Blank lines are kept so that row numbers stay those of the
        # spreadsheet.
        delimiter = _sniff_delimiter(data)
        end = _end_of_text(data)  # blank lines at the end count for nothing
        frame = _read_csv_fast(data, delimiter, end, lines)
        if frame is None:
            frame = pd.read_csv(
                io.BytesIO(data[:end]),
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                sep=delimiter,
                skip_blank_lines=False,
            )
            if not isinstance(frame.index, pd.RangeIndex):
                # Rows with more cells than the header: pandas takes the first cells of
                # each row for an index, where the others refuse such a row.
                raise DataError(_too_many_cells(path, data[:end], delimiter, frame.index.nlevels))
            # As written: pandas renames a name written twice ("value.1"), which would read
            # one of the two columns without a word (a workbook's header is kept so too).
            written = _header_names(data, delimiter)
            if len(written) == len(frame.columns):
                frame.columns = written
        if content is not None and content.mapped and not tablecache.unchanged(path, content.stat):
            raise _Changed
        return frame
    except UnicodeDecodeError:
        raise DataError(
            _(
                "{file} is not a UTF-8 text file. Save it as 'CSV UTF-8' (Excel: "
                "Save as, CSV UTF-8) or as .xlsx."
            ).format(file=path.name)
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(_empty(path)) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DataError(_unreadable_csv(path, str(exc), delimiter)) from None


# What pandas' parser says of the two mistakes a hand-edited CSV file has most: a row with a
# cell more than the header (a separator typed in a cell), and a quote never closed. Its
# "line" counts rows as a spreadsheet does (the header is 1); its "row" counts from 0.
_TOO_MANY_CELLS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_QUOTE_NEVER_CLOSED = re.compile(r"EOF inside string starting at row (\d+)")


def _unreadable_csv(path: Path, error: str, delimiter: str) -> str:
    """Return what to fix in a CSV file the parser refused, by its spreadsheet row."""
    if found := _TOO_MANY_CELLS.search(error):
        expected, row, cells = (int(number) for number in found.groups())
        return _too_many_cells_in(path, row, cells, expected, delimiter)
    if found := _QUOTE_NEVER_CLOSED.search(error):
        return _(
            '{file}, row {row}: a cell starts with a double quote (") that no quote closes, so '
            "the rest of the file reads as that one cell. Close the quote, or remove it."
        ).format(file=path.name, row=int(found.group(1)) + 1)
    error = error.removeprefix("Error tokenizing data. C error: ").strip()
    return _("{file} cannot be read as a CSV file: {error}").format(file=path.name, error=error)


def _too_many_cells(path: Path, content, delimiter: str, extra: int) -> str:
    """Return the message for the first row of ``content`` with more cells than its
    header, found by the csv module (the rows counted as a spreadsheet counts them); else
    for the first data row, with the ``extra`` cells pandas made an index of."""
    lines = io.TextIOWrapper(io.BytesIO(bytes(content)), encoding="utf-8-sig", newline="")
    rows = csv.reader(lines, delimiter=delimiter)
    expected = len(next(rows))
    for row, cells in enumerate(rows, start=2):
        if len(cells) > expected:
            return _too_many_cells_in(path, row, len(cells), expected, delimiter)
    return _too_many_cells_in(path, 2, expected + extra, expected, delimiter)


def _too_many_cells_in(path: Path, row: int, cells: int, expected: int, delimiter: str) -> str:
    separator = _separator_name(delimiter)
    return _(
        "{file}, row {row}: {cells} cells, where the header row has {expected}. A cell "
        "with {separator} in it must stand between double quotes, as in {quoted}: a "
        "spreadsheet does so when it saves the file as CSV. Or, if {separator} is one "
        "too many, remove it."
    ).format(
        file=path.name,
        row=row,
        cells=cells,
        expected=expected,
        separator=separator,
        quoted=f'"1{delimiter}5"',
    )


def _separator_name(delimiter: str) -> str:
    names = {",": _("a comma (,)"), ";": _("a semicolon (;)"), "\t": _("a tab")}
    return names.get(delimiter, repr(delimiter))


def _refuse_runaway_csv(path: Path, content) -> int:
    """Raise DataError for a CSV file no spreadsheet saves and brief cannot read in time: a
    header row of more than MAX_COLUMNS columns, or more than MAX_LINES lines. Return its
    line breaks (:func:`_count_lines`), counted once for the reading too."""
    newline = _line_break_at(content, HEADER_BYTES + 1)
    header = content[: newline if newline >= 0 else HEADER_BYTES + 1]
    columns = max(header.count(b","), header.count(b";"), header.count(b"\t")) + 1
    if columns > MAX_COLUMNS or (newline < 0 and len(content) > HEADER_BYTES):
        raise DataError(
            # TRANSLATORS: {limit} is the most columns a spreadsheet has (16384), {size} a
            # whole number of megabytes
            _(
                "{file} does not start with a header row as a spreadsheet saves it: it has "
                "more than {limit} columns, or no line break in its first {size} MB. Save "
                "the file again from the spreadsheet it came from."
            ).format(file=path.name, limit=MAX_COLUMNS, size=HEADER_BYTES // 2**20)
        )
    lines = _count_lines(content)
    if lines > MAX_LINES:
        raise DataError(
            _(
                "{file} has {count} lines, more than brief reads from one data file "
                "({limit}). Split it into files of one subject or one period each, or leave "
                "out the rows no letter uses."
            ).format(file=path.name, count=lines, limit=MAX_LINES)
        )
    return lines


def _count_lines(content, step: int = 2**20) -> int:
    """Return the number of line breaks in ``content`` (bytes or a map): its line feeds,
    or its carriage returns where it has no line feed (a Mac's "CSV (Macintosh)")."""
    return _count_byte(content, b"\n", step) or _count_byte(content, b"\r", step)


def _line_break_at(content, end: int) -> int:
    """Return where the first line break of ``content[:end]`` is (a line feed, or a
    carriage return, which ends a line of a Mac's CSV file too); -1 where it has none."""
    feed = content.find(b"\n", 0, end)
    carriage = content.find(b"\r", 0, feed if feed >= 0 else end)  # before the feed only
    return carriage if carriage >= 0 else feed


def _count_byte(content, byte: bytes, step: int = 2**20) -> int:
    """Return how often ``byte`` occurs in ``content`` (bytes or a map), a piece at a time.

    numpy compares the bytes where they are, a megabyte at a time, so that the same memory
    serves every piece (a million rows: 6 ms, where copying each piece to count it took 22).
    """
    octets = np.frombuffer(content, dtype=np.uint8)
    return sum(
        int(np.count_nonzero(octets[start : start + step] == ord(byte)))
        for start in range(0, len(octets), step)
    )


def _end_of_text(content, step: int = 2**16) -> int:
    """Return where ``content`` ends without its blank lines at the end, which count for
    nothing; looked for a piece at a time, from the end."""
    end = len(content)
    while end:
        start = max(0, end - step)
        kept = content[start:end].rstrip(b"\r\n")
        if kept:
            return start + len(kept)
        end = start
    return 0


def _header(content) -> str:
    """Return the first line of a CSV file's bytes (bytes or a map of them), as text."""
    end = content.find(b"\n")
    end = len(content) if end < 0 else end
    carriage = content.find(b"\r", 0, end)  # looked for in the first line only
    return content[: end if carriage < 0 else carriage].decode("utf-8-sig")


def _header_names(content, delimiter: str) -> list[str]:
    """Return the names of the header row as written (quotes taken off), split by
    ``delimiter``; csv.Error for a line no CSV reader splits."""
    return next(csv.reader([_header(content)], delimiter=delimiter))


# The characters a header row is split by: what spreadsheets and statistics offices write.
# Any other the sniffer would take from the names themselves: a header of one name,
# "indicator", split by its "i" into "nd" and "cator".
DELIMITERS = ",;\t| "


def _sniff_delimiter(content) -> str:
    """Return the delimiter of the header line, sniffed as pandas' sep=None sniffs it,
    among DELIMITERS; a comma when the header has none of them (a single column)."""
    try:
        return csv.Sniffer().sniff(_header(content) + "\n", delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _read_csv_fast(content, delimiter: str, end: int, lines: int) -> pd.DataFrame | None:
    """Return the cells as text, read by Arrow; None for a file only pandas reads alike.
    ``lines`` is the count of its line breaks (:func:`_count_lines`).

    Arrow reads a million rows in a tenth of a second, and counts blank lines as rows as
    pandas does (so row numbers stay those of the spreadsheet), but refuses short rows,
    which pandas fills, and keeps repeated or empty headers as they are, which pandas
    renames: such files go to pandas (and :func:`_read_csv` puts the header back as
    written, so that a name written twice is refused by :func:`_read_table`).
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        header = _header_names(content, delimiter)
        if len(set(header)) != len(header) or "" in header:
            return None
        if _line_break_at(content, end) < 0:  # the header alone: Arrow reads no such file
            return pd.DataFrame({name: pd.Series([], dtype=TEXT) for name in header})
        quoted = content.find(b'"') >= 0
        # Arrow ends a quoted cell that nothing closes at the end of the file, with every
        # row after its quote in it; pandas refuses such a file, and says where the quote
        # is. Quotes that open and close cells come in pairs (one written in a cell is
        # doubled), so a file with an odd count goes to pandas (which reads a single quote
        # written inside a cell as it is written). See below for an even count.
        if quoted and _count_byte(content, b'"') % 2:
            return None
        reader = pcsv.open_csv(
            pa.py_buffer(content).slice(0, end),
            read_options=pcsv.ReadOptions(block_size=min(end + 1, READ_BLOCK), use_threads=False),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=quoted,
                ignore_empty_lines=False,  # a blank line is a row, as in a spreadsheet
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=not _ascii(content),  # ASCII is UTF-8 already
            ),
            # The C library's allocator, not Arrow's default (mimalloc): mimalloc takes its
            # memory in huge pages, whose first touch cost ~0.3 s for a national file on
            # the two-core development VM, against ~0.1 s in small pages.
            memory_pool=pa.system_memory_pool(),
        )
        if reader.schema.names != header:
            return None
        rows = lines + 1  # as a rule: a cell may hold a line break
        columns: list[_TextColumn] = []
        for batch in reader:
            if not batch.num_rows:
                continue
            if not columns:  # sized by the first piece with rows
                columns = [_TextColumn(rows, batch.column(i), end) for i in range(len(header))]
            for column, cells in zip(columns, batch.columns, strict=True):
                column.add(cells)
            del batch  # its memory is the next piece's
    except (pa.ArrowException, StopIteration, csv.Error):
        return None
    whole = [column.array() for column in columns]
    if quoted and whole and len(whole[-1]) and _line_break(whole[-1][-1].as_py()):
        # A quote never closed takes the rows after it into the last cell of its row, which
        # is then the table's last (in another column, that row would lack cells): also
        # when another quote, written inside a cell, makes the count even.
        return None
    if not whole:  # no piece with rows
        whole = [pa.array([], pa.large_string()) for _name in header]
    series = {
        name: pd.Series(TEXT.__from_arrow__(column), copy=False)
        for name, column in zip(header, whole, strict=True)
    }
    return pd.DataFrame(series, copy=False)


class _TextColumn:
    """A text column of a CSV file read a piece at a time, in Arrow's layout for text
    (large_string: where each cell ends, and the cells' bytes), each in one block of memory.

    The blocks are about as large as the file needs: the ends by its line feeds, the bytes
    by the column's share of the first piece, with room to spare; a larger block is taken
    when the rest of the file needs one. Memory a block does not use is never touched.
    """

    def __init__(self, rows: int, first, size: int) -> None:
        self.ends = np.empty(rows + 1, dtype=np.int64)
        self.ends[0] = 0
        share = _text_bytes(first) / max(len(first), 1)  # bytes a row, in the first piece
        self.bytes = np.empty(min(size, int(share * rows * 1.1) + 4096), dtype=np.uint8)
        self.rows = self.used = 0

    def add(self, cells) -> None:
        """Append a piece's cells (a large_string array without missing cells)."""
        count = len(cells)
        ends, bytes_buffer = _cell_ends(cells), cells.buffers()[2]
        first, size = int(ends[0]), int(ends[-1] - ends[0])
        stop = self.rows + count + 1
        self.ends = _with_room(self.ends, self.rows + 1, stop)
        np.add(ends[1:], self.used - first, out=self.ends[self.rows + 1 : stop])
        if size:
            self.bytes = _with_room(self.bytes, self.used, self.used + size)
            self.bytes[self.used : self.used + size] = np.frombuffer(
                bytes_buffer, np.uint8, size, first
            )
        self.rows += count
        self.used += size

    def array(self):
        """Return the column as an Arrow array, on the blocks filled (not copied)."""
        import pyarrow as pa

        return pa.LargeStringArray.from_buffers(
            self.rows,
            pa.py_buffer(self.ends[: self.rows + 1]),
            pa.py_buffer(self.bytes[: self.used]),
        )


def _with_room(block: np.ndarray, used: int, needed: int) -> np.ndarray:
    """Return ``block``, or a larger one with its first ``used`` items, to hold ``needed``.

    The first block is sized by the file's lines, as a rule; a cell may hold a line break.
    """
    if needed <= len(block):
        return block
    larger = np.empty(max(needed, 2 * len(block)), dtype=block.dtype)
    larger[:used] = block[:used]
    return larger


def _cell_ends(cells) -> np.ndarray:
    """Return where each cell of a large_string array starts and ends in its bytes: the
    array's own offsets (not copied), the first cell's start first."""
    return np.frombuffer(cells.buffers()[1], np.int64, len(cells) + 1, cells.offset * 8)


def _text_bytes(cells) -> int:
    """Return the bytes the cells of a large_string array hold."""
    ends = _cell_ends(cells)
    return int(ends[-1] - ends[0])


def _line_break(cell: str | None) -> bool:
    return cell is not None and ("\n" in cell or "\r" in cell)


def _ascii(content) -> bool:
    """Return whether the bytes are ASCII only: one look at each byte, where Arrow's check
    that they are UTF-8 costs a sixth of its reading."""
    octets = np.frombuffer(content, dtype=np.uint8)
    return not len(octets) or int(octets.max()) < 0x80


def _empty(path: Path) -> str:
    return _("{file} is empty; it needs a header row and data rows.").format(file=path.name)


def _no_data_rows(path: Path) -> str:
    return _("{file} has a header row but no data rows.").format(file=path.name)


def _read_xlsx(path: Path) -> pd.DataFrame:
    """Return a workbook's cells: read by calamine, or by openpyxl where calamine cannot.

    Calamine reads a workbook several times faster, with the cells openpyxl gives once
    converted: whole numbers as int, empty cells as None, dates as datetimes. A formula
    whose result the file does not store looks empty to both; only openpyxl can say
    which formula it is, so it reads the workbook again when the workbook has formulas.
    """
    size = unpacked_size(path)
    if size > MAX_XLSX_UNPACKED:
        raise DataError(
            _(
                "{file} unpacks to {size} MB, more than brief reads from a workbook ({limit} "
                "MB). Save the sheet with the figures as a CSV file (data/{stem}.csv) instead."
            ).format(
                file=path.name,
                size=f"{size // 1_000_000:,}",
                limit=MAX_XLSX_UNPACKED // 1_000_000,
                stem=path.stem,
            )
        )

    fast = _read_xlsx_calamine(path)
    rows, title = fast if fast is not None else _read_xlsx_openpyxl(path)
    if any(cell is None for row in rows[1:] for cell in row) and (
        fast is None or _has_formulas(path)
    ):
        _refuse_unstored_formulas(path, title, rows)
    if not any(cell not in (None, "") for row in rows for cell in row):
        raise DataError(_empty(path))
    header = ["" if cell is None else str(cell) for cell in rows[0]]
    frame = pd.DataFrame(rows[1:], columns=header, dtype=object)
    for column in frame.columns.unique():  # columns of text only are read as text at once
        cells = frame[column]
        if isinstance(cells, pd.Series) and all(isinstance(c, str) for c in cells.dropna()):
            frame[column] = cells.astype(TEXT)
    frame.attrs["sheet"] = title  # for the lineage of what is published from it
    return frame


def _sheet_to_read(path: Path, names: list[str]) -> str:
    """Return the only sheet, or the sheet named 'data'; raise when neither is there."""
    if len(names) == 1:
        return names[0]
    if SHEET in names:
        return SHEET
    raise DataError(
        _(
            "{file} has the sheets {sheets}; brief reads the sheet named {sheet!r}. "
            "Rename the sheet with the figures to {sheet!r}."
        ).format(file=path.name, sheets=", ".join(repr(n) for n in names), sheet=SHEET)
    )


def _read_xlsx_calamine(path: Path) -> tuple[list[list], str] | None:
    """Return the rows of the sheet to read and its name, or None if calamine cannot."""
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        title = _sheet_to_read(path, workbook.sheet_names)
        rows = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except DataError:
        raise
    except Exception:  # any workbook calamine cannot read goes to openpyxl, which says why
        return None
    return [[_as_openpyxl(cell) for cell in row] for row in rows], title


def _as_openpyxl(cell):
    """Return a calamine cell as openpyxl gives it, so both readers read alike."""
    kind = type(cell)
    if kind is str:
        return cell or None
    if kind is float:
        return int(cell) if cell.is_integer() and abs(cell) < 2**53 else cell
    if kind is dt.date:
        return dt.datetime(cell.year, cell.month, cell.day)
    return cell


def _has_formulas(path: Path) -> bool:
    """Return whether any sheet of the workbook holds a formula (an <f> element)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                _FORMULA.search(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, KeyError):
        return True  # let openpyxl look


_FORMULA = re.compile(rb"<(\w+:)?f[ >/]")


def _read_xlsx_openpyxl(path: Path) -> tuple[list[list], str]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        if is_ole_file(path):
            message = _(
                "{file} cannot be opened as an Excel workbook: it is password-protected (save "
                "it without a password)."
            )
        else:
            message = _(
                "{file} cannot be opened as an Excel workbook: it is damaged or not a workbook "
                "({error})."
            )
        raise DataError(message.format(file=path.name, error=type(exc).__name__)) from None
    try:
        sheet = workbook[_sheet_to_read(path, workbook.sheetnames)]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        title = sheet.title
    finally:
        workbook.close()
    return rows, title


def _refuse_unstored_formulas(path: Path, title: str, values: list[list]) -> None:
    """Raise if empty-looking cells hold formulas whose results the file does not store.

    Excel stores a formula's result when it saves; a workbook written by a program (or
    never opened in Excel) has only the formula, which brief cannot work out.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [list(row) for row in workbook[title].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header = ["" if cell is None else str(cell).strip().lower() for cell in values[0]]
    problems = [
        _(
            "row {row}, column {column!r} (cell {cell}): the cell holds the formula {formula} "
            "but no result, because the workbook was not saved by Excel; open and save it in "
            "Excel, or type the number"
        ).format(
            row=r + 1,
            column=header[c] or get_column_letter(c + 1),
            cell=f"{get_column_letter(c + 1)}{r + 1}",
            formula=formula,
        )
        for r, (value_row, formula_row) in enumerate(zip(values, formulas, strict=False))
        for c, (value, formula) in enumerate(zip(value_row, formula_row, strict=False))
        if value is None and isinstance(formula, str) and formula.startswith("=")
    ]
    if problems:
        raise DataError(listed_message(path.name, problems))


def _refuse_too_large(path: Path) -> None:
    """Raise DataError if ``path`` is larger than brief reads (DATA_FILE_LIMIT), before any
    of it is read or hashed; a file that is not there is the reader's to report."""
    try:
        stat = path.stat()
    except OSError:
        return
    if too_large(stat):
        raise DataError(
            # TRANSLATORS: {size} and {limit} are whole megabytes
            _(
                "{file} is {size} MB, more than brief reads from one data file ({limit} MB). "
                "Split it into files of one subject or one period each, or leave out the "
                "rows no letter uses."
            ).format(
                file=path.name,
                size=-(-stat.st_size // 1_000_000),  # rounded up: never the limit itself
                limit=DATA_FILE_LIMIT // 1_000_000,
            )
        )


def _read(path: Path, content: tablecache.Content | None = None) -> pd.DataFrame:
    """Return the file's cells (text, or numbers from Excel) with tidy column names.

    ``content`` is a CSV file's bytes, read already (:func:`_csv_content`)."""
    if not path.is_file():
        raise DataError(_("Data file {path} does not exist.").format(path=path))
    _refuse_too_large(path)
    frame = _read_xlsx(path) if path.suffix == ".xlsx" else _read_csv(path, content)
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


def _read_table(
    path: Path,
    columns: tuple[str, ...],
    optional: tuple[str, ...] = (),
    content: tablecache.Content | None = None,
) -> pd.DataFrame:
    """Return the file with its headers tidied, or raise naming what is missing."""
    frame = _read(path, content)
    _refuse_columns_named_twice(path, frame, (*columns, *optional))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        unknown = [c for c in frame.columns if c not in columns]
        hints = [
            # TRANSLATORS: one misspelt column name and the column it may mean: 'knid' for 'kind'?
            _("{written!r} for {column!r}?").format(written=close[0], column=column)
            for column in missing
            if (close := difflib.get_close_matches(column, unknown, n=1, cutoff=0.6))
        ]
        message = ngettext(
            "{file} has no column {missing}. Its header row must name: {columns}.",
            "{file} has no column {missing}. Its header row must name: {columns}.",
            len(missing),
        ).format(
            file=path.name,
            missing=", ".join(repr(c) for c in missing),
            columns=", ".join(columns),
        )
        if hints:
            message += " " + _("Is it misspelt: {hints}").format(hints=", ".join(hints))
        raise DataError(message)
    if frame.empty:
        raise DataError(_no_data_rows(path))
    # A row shorter than the header has no cells at its end: empty, as in a spreadsheet.
    frame = frame[[*columns, *(c for c in optional if c in frame.columns)]].fillna("")
    _refuse_control_characters(path, frame)
    return frame


def _refuse_columns_named_twice(path: Path, frame: pd.DataFrame, read: tuple[str, ...]) -> None:
    """Raise DataError when the header names a column brief reads more than once (also
    in Dutch and English: 'value' and 'waarde'): which of them holds the figures?"""
    for column in read:
        at = np.flatnonzero(frame.columns == column)
        if len(at) > 1:
            raise DataError(
                # TRANSLATORS: {places} are the columns' numbers, counted from 1: "4, 7"
                _(
                    "{file} names the column {column!r} more than once (columns {places}; a "
                    "Dutch name counts as its English one): brief cannot tell which to read. "
                    "Keep one, or give the others another name."
                ).format(file=path.name, column=column, places=", ".join(str(i + 1) for i in at))
            )


# Characters XML (and so Word) cannot hold, and that no provider types on purpose.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _refuse_control_characters(path: Path, frame: pd.DataFrame) -> None:
    """Raise naming the first cell that holds an invisible control character."""
    for column in frame.columns:
        cells = frame[column].astype(str)
        if not _may_hold_control(cells):
            continue
        holding = cells.index[cells.str.contains(_CONTROL.pattern, regex=True)]
        if holding.empty:  # a tab, a line break or another character beginning with 0xef
            continue
        index = holding[0]
        character = _CONTROL.search(cells[index]).group()
        raise DataError(
            _(
                "{file}, row {row}, column {column!r}: the cell holds an invisible control "
                "character (U+{code:04X}). Remove it: retype the cell, or paste it as plain "
                "text."
            ).format(file=path.name, row=index + 2, column=column, code=ord(character))
        )


def _may_hold_control(cells: pd.Series) -> bool:
    """Return whether a cell of ``cells`` may hold a control character (False: none does).

    A text column Arrow holds is one buffer of UTF-8 bytes, where those characters are
    bytes below 0x20, 0x7f, or begin with 0xef (U+FFFE, U+FFFF): a million cells are
    looked at in milliseconds, and only a column with such a byte is searched cell by cell.
    """
    import pyarrow as pa

    array = getattr(cells.array, "_pa_array", None)
    if not isinstance(array, pa.ChunkedArray) or not (
        pa.types.is_large_string(array.type) or pa.types.is_string(array.type)
    ):
        return bool(_CONTROL.search("\n".join(cells)))  # one search per column, not per cell
    for chunk in array.chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        octets = np.frombuffer(data, dtype=np.uint8)
        # A piece at a time: comparing a column whole makes three arrays of its size, fresh
        # memory that costs more than the comparing.
        for start in range(0, len(octets), _PIECE):
            piece = octets[start : start + _PIECE]
            if (piece < 0x20).any() or (piece == 0x7F).any() or (piece == 0xEF).any():
                return True
    return False


_PIECE = 1 << 18  # bytes compared at once


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).apply(lambda col: col.str.strip())


def load_catalogue(project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the indicator catalogue (data/indicatoren.csv), indexed by indicator."""
    project = project or find_project()
    path = project.data_dir / CATALOGUE_FILE
    _refuse_too_large(path)  # before it is hashed
    if _CATALOGUES:  # kept by the process this kernel was forked from: the same content?
        try:
            sha256 = tablecache.content_hash(path, tablecache.cache_dir(project.outputs_dir))
        except OSError:
            sha256 = None
        kept = _CATALOGUES.get((str(path), sha256))
        if kept is not None:
            _record_input(path, project, len(kept), [], "catalogue", sha256=sha256)
            return kept.copy(deep=False)
    frame = _read_catalogue(path)
    _record_input(path, project, len(frame), [], "catalogue")
    return frame


def _read_catalogue(path: Path) -> pd.DataFrame:
    """Return the catalogue at ``path``, checked and indexed by indicator."""
    frame = _text(_read_table(path, CATALOGUE_COLUMNS))
    problems = [
        _("row {row}, column 'unit': {unit!r} is not a unit; use one of {units}").format(
            row=index + 2, unit=unit, units=", ".join(NUMBER_UNITS)
        )
        for index, unit in frame["unit"][~frame["unit"].isin(list(NUMBER_UNITS))].items()
    ]
    problems += [
        _("row {row}, column 'indicator': {name!r} is listed twice").format(
            row=index + 2, name=name
        )
        for index, name in frame["indicator"][frame["indicator"].duplicated()].items()
    ]
    if problems:
        raise DataError(listed_message(path.name, problems))
    return frame.set_index("indicator")


def load_areas(project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the areas and their providers (the areas file named in brief.yaml).

    An optional column ``aliases`` (Dutch: ``schrijfwijzen``) lists other spellings that
    providers use, split by "|": "Lombok|Lombock" for an area named Lombok.
    """
    project = project or find_project()
    path = project.areas_file
    frame = _text(_read_table(path, AREAS_COLUMNS, optional=(AREA_ALIASES,)))
    problems = [
        _(
            "row {row}: the cell in column {column!r} is empty; every area needs its {column}"
        ).format(row=index + 2, column=column)
        for column in AREAS_COLUMNS
        for index in frame.index[frame[column] == ""]
    ]
    if problems:
        raise DataError(listed_message(path.name, problems))
    _record_input(path, project, len(frame), [], "areas")
    return frame


def area_names(project: ProjectPaths, settings: Settings | None = None) -> AreaNames:
    """Return the areas data files may name, with the city-wide label and spellings."""
    settings = settings or load_settings(project.root)
    areas = load_areas(project)
    aliases = tuple(
        (alias.strip(), area)
        for area, written in zip(areas["area"], areas.get(AREA_ALIASES, []), strict=False)
        for alias in written.split("|")
        if alias.strip()
    )
    return AreaNames(tuple(areas["area"]), settings.stad, Path(settings.gebieden).name, aliases)


def load_data(name: str, project: ProjectPaths | None = None) -> pd.DataFrame:
    """Return the checked long-format table ``data/<name>.csv`` (or ``.xlsx``).

    Values become numbers and years integers; every problem in the file is reported
    together, each with its row number as the user sees it in a spreadsheet. A file is
    checked once per content: the checked table is kept in ``outputs/.cache/``.
    """
    project = project or find_project()
    path = data_file(project, name)
    settings = load_settings(project.root)
    try:
        return _load(path, project, settings)
    except _Changed:  # changed while it was read: read again, into a copy of its own
        return _load(path, project, settings, copy=True)


def _load(path: Path, project: ProjectPaths, settings: Settings, copy: bool = False):
    """Return load_data's table of ``path``: hashed, and parsed if need be, from one read."""
    with _csv_content(path, copy) as content:
        hashes, key = _table_key(path, project, settings, content)
        kept = _KEPT.get((str(path), key)) if key else None
        if kept is not None:
            return _hand_out(kept, path, project)
        checked, sha256, kind_words = _checked_table(path, project, settings, hashes, key, content)
    table = _loaded(checked.table, path, project, settings, kind_words)
    _record_input(path, project, len(table), checked.notes, sha256=sha256)
    return table


def _loaded(
    checked: pd.DataFrame,
    path: Path,
    project: ProjectPaths,
    settings: Settings,
    kind_words: dict[str, str],
) -> pd.DataFrame:
    """Return a checked table as load_data returns it: with each row's lineage, and marks."""
    # Each row keeps its lineage (file, sheet, row as the spreadsheet counts it), so what a
    # notebook publishes through brief.notebook.indicators can name the row behind every number.
    table = checked[[*COLUMNS, "row"]]  # pandas copies a column only once it is changed
    table["file"] = _same_text(project.relative(path), table.index)
    table["sheet"] = checked["sheet"] if "sheet" in checked else _same_text("", table.index)
    _in_one_chunk(table)
    table.attrs["path"] = project.relative(path)
    table.attrs["root"] = str(project.root)  # where "file" is, for a row brief suggests
    table.attrs["city"] = settings.stad  # indicators' default area: the whole city
    table.attrs["kind_words"] = kind_words  # how the file writes kinds, for a row brief suggests
    return table


def _in_one_chunk(table: pd.DataFrame) -> None:
    """Put each text column of ``table`` in one piece of memory, as the cache keeps it.

    Arrow reads a file in chunks; picking a few rows of a column in many chunks costs as
    much as copying it whole, and a notebook picks rows for every figure it publishes.
    """
    for column in table.columns:
        chunks = getattr(table[column].array, "_pa_array", None)
        if chunks is not None and chunks.num_chunks > 1 and table[column].dtype == TEXT:
            whole = chunks.combine_chunks()
            table[column] = pd.Series(TEXT.__from_arrow__(whole), index=table.index, copy=False)


def _same_text(text: str, index: pd.Index) -> pd.Series:
    """Return a text column that holds ``text`` in every row, as pandas would make it.

    Made by Arrow from its bytes repeated: pandas makes a million Python strings first
    (a tenth of a second).
    """
    import pyarrow as pa

    raw = text.encode("utf-8")
    if raw:
        offsets = np.arange(len(index) + 1, dtype=np.int64) * len(raw)
    else:  # zeros the system hands out untouched: no fresh memory (a CSV file's sheet)
        offsets = np.zeros(len(index) + 1, dtype=np.int64)
    column = pa.LargeStringArray.from_buffers(
        len(index), pa.py_buffer(offsets), pa.py_buffer(raw * len(index))
    )
    return pd.Series(TEXT.__from_arrow__(column), index=index, copy=False)


def _table_key(
    path: Path,
    project: ProjectPaths,
    settings: Settings,
    content: tablecache.Content | None = None,
) -> tuple[dict[str, str] | None, str | None]:
    """Return the content hashes a checked table of ``path`` depends on, and its key in the
    cache (:func:`brief.notebook.tablecache.table_key`); None, None when a file is missing.
    ``content`` is the file's bytes, read already: hashed, not read again."""
    cache = tablecache.cache_dir(project.outputs_dir)
    for read in (path, project.data_dir / CATALOGUE_FILE, project.areas_file):
        _refuse_too_large(read)  # before hashing it, which alone would take minutes
    try:
        hashes = {
            "data": tablecache.content_hash(path, cache, content),
            "catalogue": tablecache.content_hash(project.data_dir / CATALOGUE_FILE, cache),
            "areas": tablecache.content_hash(project.areas_file, cache),
        }
    except OSError:  # a file that is not there is reported by the reader
        return None, None
    notation = settings.notatie.get(path.name)
    return hashes, tablecache.table_key(**hashes, city=settings.stad, notation=notation)


def _checked_table(
    path: Path,
    project: ProjectPaths,
    settings: Settings,
    hashes: dict[str, str] | None,
    key: str | None,
    content: tablecache.Content | None = None,
) -> tuple[Checked, str, dict[str, str]]:
    """Return the file's checked table (from the cache when it has it), the file's hash and
    its words for the kinds (:func:`brief.notebook.validate.kind_words`). ``content`` is the
    file's bytes, read already (:func:`_csv_content`), if they were.

    The catalogue and the areas file are recorded as read either way: the notebook
    depends on them, since the check did.
    """
    cache = tablecache.cache_dir(project.outputs_dir)
    kept = key and tablecache.read_table(cache, path, key)
    if key and not _whole(kept):
        # Kernels of a grid that start together would each check the file: the others
        # wait for the first and read what it kept.
        with tablecache.checking(cache, path) as held:
            kept = tablecache.read_table(cache, path, key)
            if not _whole(kept):
                return _check_file(path, project, settings, hashes, key, held, content)
    if _whole(kept):
        table, notes, facts = kept
        _record_checked_against(project, facts)
        return Checked(table, [], notes), hashes["data"], facts["kind_words"]
    return _check_file(path, project, settings, hashes, key, content=content)


def _record_checked_against(project: ProjectPaths, facts: dict) -> None:
    """Record the catalogue and the areas file as read, as checking the file reads them."""
    for read, table_kind in (
        (project.data_dir / CATALOGUE_FILE, "catalogue"),
        (project.areas_file, "areas"),
    ):
        rows, sha256 = facts[table_kind]
        _record_input(read, project, rows, [], table_kind, sha256=sha256)


# --- tables kept in a process that forks kernels -----------------------------------------
# A grid runs the notebooks that read a file in every letter, each in a kernel of its own.
# The process the kernels are forked from (brief.build.zygote) reads the checked tables of
# the project's data files once, with their index for finding figures, before it forks
# them: every kernel then shares them (memory is copied only where it is written) instead
# of reading them again. load_data hands out a copy that shares the columns; pandas copies
# a column the moment a notebook changes it, so no notebook sees another's changes. A table
# is kept under the same key as the cache keeps it: a file changed since is read as ever.


@dataclass(frozen=True)
class _Kept:
    """A checked table as load_data returns it, with what it records as read."""

    table: pd.DataFrame
    notes: list[ReadNote]
    facts: dict
    sha256: str


_KEPT: dict[tuple[str, str], _Kept] = {}


def _hand_out(kept: _Kept, path: Path, project: ProjectPaths) -> pd.DataFrame:
    """Return a copy of a kept table that shares its columns, recorded as load_data does."""
    _record_checked_against(project, kept.facts)
    table = kept.table.copy(deep=False)  # attrs are copied too: the notebook's own
    _record_input(path, project, len(table), kept.notes, sha256=kept.sha256)
    return table


def data_files(project: ProjectPaths) -> list[Path]:
    """Return the project's long-format data files: data/*.csv and data/*.xlsx, but the
    catalogue and the areas file."""
    others = {CATALOGUE_FILE, project.areas_file.name}
    try:
        found = sorted(project.data_dir.iterdir())
    except OSError:
        return []
    return [p for p in found if p.suffix in SUFFIXES and p.name not in others and p.is_file()]


def check_data_files(project: ProjectPaths) -> None:
    """Check every data file of ``project`` whose checked table the cache does not hold, and
    keep it there; a file with problems is left for the notebook that reads it to report."""
    settings = load_settings(project.root)
    cache = tablecache.cache_dir(project.outputs_dir)
    _keep_catalogue(project)  # read once here, not again for every file checked against it

    def kept(path: Path) -> bool:  # by its hash as remembered: no file is read for this
        with contextlib.suppress(BriefError, OSError):
            key = _table_key(path, project, settings)[1]
            return key is not None and tablecache.table_file(cache, path, key).is_file()
        return False

    # The files the cache has no table of first (a file just corrected): a kernel is most
    # likely waiting for those. Those it has are read back after, to be sure of them.
    for path in sorted(data_files(project), key=kept):
        with contextlib.suppress(BriefError, OSError, _Changed), _csv_content(path) as content:
            hashes, key = _table_key(path, project, settings, content)
            if key is None or _whole(tablecache.read_table(cache, path, key)):
                continue
            _checked_table(path, project, settings, hashes, key, content)
    tablecache.finish_writing()


def keep_tables(
    project: ProjectPaths, prepare: Callable[[pd.DataFrame], None] | None = None
) -> int:
    """Keep in this process the checked table of every data file of ``project`` that the
    cache holds, and the catalogue, for load_data and load_catalogue to hand out; return
    how many tables it keeps. ``prepare`` is called with each table newly kept (the zygote
    makes their index for finding figures). Tables of other content (or of another
    project) are let go. Reads without Arrow's threads: the process forks afterwards."""
    settings = load_settings(project.root)
    cache = tablecache.cache_dir(project.outputs_dir)
    tablecache.finish_writing()  # a table this process is still writing is kept too
    keys = {}
    for path in data_files(project):
        with contextlib.suppress(BriefError):  # the notebook that reads it says what is wrong
            key = _table_key(path, project, settings)[1]
            if key:
                keys[str(path), key] = path
    for gone in set(_KEPT) - set(keys):
        del _KEPT[gone]
    for (name, key), path in keys.items():
        if (name, key) in _KEPT:
            continue
        kept = tablecache.read_table(cache, path, key, threads=False)
        if not _whole(kept):
            continue
        checked, notes, facts = kept
        table = _loaded(checked, path, project, settings, facts["kind_words"])
        if prepare is not None:
            prepare(table)
        _KEPT[(name, key)] = _Kept(table, notes, facts, tablecache.content_hash(path, cache))
    _keep_catalogue(project)
    return len(_KEPT)


_CATALOGUES: dict[tuple[str, str], pd.DataFrame] = {}  # kept catalogues, by path and hash


def _keep_catalogue(project: ProjectPaths) -> None:
    path = project.data_dir / CATALOGUE_FILE
    with contextlib.suppress(BriefError, OSError):  # the notebook that reads it says why
        _refuse_too_large(path)
        sha256 = tablecache.content_hash(path, tablecache.cache_dir(project.outputs_dir))
        if (str(path), sha256) not in _CATALOGUES:
            _CATALOGUES.clear()
            _CATALOGUES[(str(path), sha256)] = _read_catalogue(path)


def _whole(kept) -> bool:
    """Return whether a table read from the cache has all that load_data needs."""
    return bool(kept) and isinstance(kept[2].get("kind_words"), dict)


def _check_file(
    path: Path,
    project: ProjectPaths,
    settings: Settings,
    hashes: dict | None,
    key: str | None,
    held: tablecache.Checking | None = None,
    content: tablecache.Content | None = None,
) -> tuple[Checked, str, dict[str, str]]:
    """Read and check the file, keep the checked table under ``key`` (while the notebook
    goes on, with ``held``: see :func:`brief.notebook.tablecache.write_table`), and return
    it as :func:`_checked_table` does."""
    cache = tablecache.cache_dir(project.outputs_dir)
    notation = settings.notatie.get(path.name)
    frame = _read_table(path, COLUMNS, content=content)
    # As brief.notebook.rowstyle reads them: each distinct cell as text.
    words = kind_words([str(cell) for cell in frame["kind"].unique()])
    catalogue = load_catalogue(project)
    areas = area_names(project, settings)
    # Row 1 is the header, so data row i is row i + 2 in a spreadsheet.
    frame.index = frame.index + 2
    units = dict(zip(catalogue.index.tolist(), catalogue["unit"].tolist(), strict=True))
    checked = check_table(frame, units, areas, notation)
    # A workbook's sheet is kept with the table, for lineage; a CSV file has none, and
    # an empty column would be a tenth of what the cache writes (_loaded makes it).
    if frame.attrs.get("sheet"):
        checked.table["sheet"] = _same_text(frame.attrs["sheet"], checked.table.index)
    _in_one_chunk(checked.table)  # before it is kept, so the cache keeps it so too
    if checked.found:
        raise DataError(problems_message(path.name, checked.found))
    if checked.table.empty:
        raise DataError(_no_data_rows(path))
    if key:
        facts = {
            "catalogue": (len(catalogue), hashes["catalogue"]),
            "areas": (len(areas.names), hashes["areas"]),
            "kind_words": words,
        }
        tablecache.write_table(cache, path, key, checked.table, checked.notes, facts, held)
    return checked, hashes["data"] if hashes else file_hash(path), words
