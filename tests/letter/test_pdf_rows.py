"""Every row of every table reaches the PDF, for the city letter and area letters alike.

LibreOffice once left an indicator table's header alone at the foot of a page, its cells
broken into letters ("Doe|l|202|4"), and dropped every row under it: in 5 of the 14 area
letters of 2024, where the fonts of the template were missing and a wider font stood in.
These tests render the letters as the build does, once more with only DejaVu fonts (the
stand-in), and with the indicator table moved down the page step by step, and read the
PDFs back with pdftotext.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.text.paragraph import Paragraph

from brief.build.grid import build_grid, expand
from brief.letter.columns import SHORT_COLUMN, em_width
from brief.letter.pdf import convert_to_pdf, find_soffice

pytestmark = pytest.mark.slow

# Noord's indicator table ends at the foot of a page: its source line once stood alone on
# the next one.
AREAS = ("Charlois", "Hoek van Holland", "IJsselmonde", "Kralingen-Crooswijk", "Noord", "Rozenburg")


def pdf_text(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _first_piece(text: str) -> list[str]:
    """Return the words a cell's first line starts with: up to its first plain space
    ("€\xa029.000" is kept together by its non-breaking space, "28% (2014)" may wrap)."""
    return text.strip().split(" ")[0].replace("\xa0", " ").split()


def _row_pattern(cells: list[str]) -> re.Pattern:
    """Return the pattern of a row's first line as pdftotext -layout prints it.

    A cell's first line begins with its first word (an amount, "€ 29.000", kept whole);
    short cells (numbers) never wrap, so a row whose short cells are all on one line in
    their order is in the PDF. Words of long cells may break in a wider font: only a row
    without short cells is found by the first word of each cell.
    """
    short = [c for c in cells if c.strip() and em_width(max(c.split(), key=len)) <= SHORT_COLUMN]
    firsts = [_first_piece(c) for c in short] or [c.split()[:1] for c in cells if c.strip()]
    words = [r"\s+".join(re.escape(w) for w in first) for first in firsts]
    return re.compile(r"(?<!\S)" + r"\s+(?:\S+\s+)*?".join(words) + r"(?!\S)")


def missing_rows(letter: Path, pdf: Path) -> list[str]:
    """Return the rows of ``letter``'s tables that ``pdf`` does not print (their cells)."""
    lines = pdf_text(pdf, "-layout").replace("\xa0", " ").splitlines()
    missing = []
    for table in docx.Document(letter).tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            if not any(lines_match(_row_pattern(cells), lines)):
                missing.append(" | ".join(cells))
    return missing


def sources_apart(letter: Path, pdf: Path) -> list[str]:
    """Return the source line of each table of ``letter`` that ``pdf`` does not print on
    the page of the table's last row, below it."""
    pages = pdf_text(pdf, "-layout").replace("\xa0", " ").split("\f")
    apart = []
    for table in docx.Document(letter).tables:
        following = table._tbl.getnext()
        if following is None or not following.tag.endswith("}p"):
            continue
        source = " ".join(Paragraph(following, None).text.split())
        if not source.startswith("Bron"):
            continue
        last = _row_pattern([cell.text for cell in table.rows[-1].cells])
        if not any(_below(last, source, page.splitlines()) for page in pages):
            apart.append(source)
    return apart


def _below(row: re.Pattern, source: str, lines: list[str]) -> bool:
    """Return whether ``lines`` (one page) hold the row and, further down, the source line."""
    found = [n for n, line in enumerate(lines) if row.search(line)]
    return bool(found) and any(
        " ".join(line.split()).startswith(source[:30]) for line in lines[found[0] + 1 :]
    )


def lines_match(pattern: re.Pattern, lines: list[str]):
    return (pattern.search(line) for line in lines)


def broken_header_words(letter: Path, pdf: Path) -> list[str]:
    """Return each word of a table's header row that the PDF does not print whole."""
    layout = pdf_text(pdf, "-layout")
    broken = []
    for table in docx.Document(letter).tables:
        for cell in table.rows[0].cells:
            for word in cell.text.split():
                if not re.search(rf"(?<!\S){re.escape(word)}(?!\S)", layout):
                    broken.append(word)
    return broken


def dejavu_only(folder: Path) -> Path | None:
    """Write a fontconfig file that knows only the DejaVu fonts; None without them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    files = subprocess.run(
        [fc_list, "-f", "%{file}\n", "DejaVu Sans"], capture_output=True, text=True
    ).stdout.split()
    if not files:
        return None
    folders = "".join(f"<dir>{d}</dir>" for d in sorted({str(Path(f).parent) for f in files}))
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"{folders}<cachedir>{folder / 'cache'}</cachedir>"
        '<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>',
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> list[Path]:
    """The city letter and the five area letters of 2024, built with their PDFs."""
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("needs LibreOffice and poppler-utils")
    from tests.conftest import copy_example

    project = copy_example(tmp_path_factory.mktemp("rows") / "project")
    wanted = [f"area={area}" for area in ("Rotterdam", *AREAS)]

    grid = build_grid(project, expand(project, [2024], only=wanted), jobs=2, pdf=True)

    assert not grid.failed, [entry.reason for entry in grid.failed]
    return [project.outputs_dir / entry.letter for entry in grid.entries]


def test_every_table_row_reaches_the_pdf_of_every_letter(letters):
    for letter in letters:
        assert not missing_rows(letter, letter.with_suffix(".pdf")), letter.name
        assert not sources_apart(letter, letter.with_suffix(".pdf")), letter.name


def test_every_row_reaches_the_pdf_when_a_wider_font_stands_in(letters, tmp_path, monkeypatch):
    config = dejavu_only(tmp_path)
    if config is None:
        pytest.skip("needs fontconfig and the DejaVu fonts")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))

    for letter in letters:
        copy = tmp_path / letter.name
        shutil.copy(letter, copy)
        pdf = convert_to_pdf(copy)

        assert not missing_rows(copy, pdf), letter.name
        assert not broken_header_words(copy, pdf), letter.name


def padded(letter: Path, lines: int, folder: Path) -> Path:
    """Return a copy of ``letter`` with ``lines`` empty paragraphs before the indicator
    table's caption, which moves the table's start down the page."""
    document = docx.Document(letter)
    caption = next(p for p in document.paragraphs if "Indicatoren welzijn" in p.text)
    for _line in range(lines):
        caption.insert_paragraph_before("")
    path = folder / f"{letter.stem}-{lines:02d}.docx"
    document.save(path)
    return path


def test_every_row_reaches_the_pdf_wherever_on_the_page_the_table_starts(
    letters, tmp_path, monkeypatch
):
    config = dejavu_only(tmp_path)  # the fonts of the letters that lost their rows
    if config is not None:
        monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    charlois = next(letter for letter in letters if "charlois" in letter.name)

    for lines in range(0, 46, 2):  # more than a page, in steps smaller than a row
        pdf = convert_to_pdf(padded(charlois, lines, tmp_path))

        assert not missing_rows(pdf.with_suffix(".docx"), pdf), f"{lines} lines down"
        # Nor a table's source line alone at the top of the next page.
        assert not sources_apart(pdf.with_suffix(".docx"), pdf), f"{lines} lines down"


def test_the_checks_find_rows_dropped_and_headers_broken(tmp_path):
    if find_soffice() is None:
        pytest.skip("needs LibreOffice")
    letter = tmp_path / "letter.docx"
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    cells = [*table.rows[0].cells, *table.rows[1].cells]
    for cell, text in zip(cells, ["Soort", "Doel 2024", "Overig", "682"], strict=True):
        cell.text = text
    document.save(letter)
    whole = convert_to_pdf(letter)
    # What LibreOffice printed when it dropped the rows: the header alone, broken.
    stranded = tmp_path / "stranded.docx"
    broken = docx.Document()
    broken.add_paragraph("Soort Doe l 202 4")
    broken.save(stranded)

    stranded_pdf = convert_to_pdf(stranded)

    assert missing_rows(letter, whole) == []
    assert broken_header_words(letter, whole) == []
    assert missing_rows(letter, stranded_pdf) == ["Soort | Doel 2024", "Overig | 682"]
    assert broken_header_words(letter, stranded_pdf) == ["Doel", "2024"]
