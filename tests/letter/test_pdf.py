"""The PDF a city may publish: tagged PDF/UA, every font embedded, printed as Word prints it.

The slow tests convert the 2022, 2023 and 2024 letters with LibreOffice and read the real
PDF with pikepdf and poppler (pdffonts, pdftotext). CI installs both and sets
BRIEF_REQUIRE_SOFFICE, so there they fail instead of skipping when a tool is missing.
They convert on a machine that lacks the fonts with the widths of Arial and Calibri: the
system's own Liberation, Carlito and Caladea are hidden from fontconfig (``without_fonts``),
so what prints the letter as Word does is what brief brings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn

from brief.letter import pdf

REQUIRED = bool(os.environ.get("BRIEF_REQUIRE_SOFFICE"))


def _need(command: str, package: str) -> str:
    found = shutil.which(command)
    if found is None:
        message = f"{command} is not installed (.ci/run installs {package})"
        if REQUIRED:
            pytest.fail(f"BRIEF_REQUIRE_SOFFICE is set but {message}")
        pytest.skip(message)
    return found


# Fonts with the widths of Word's, wherever a system keeps them, and the folders it keeps them in.
METRIC_FONT_FILES = ("Liberation", "Carlito", "Caladea", "Arimo", "Tinos", "Cousine")
SYSTEM_FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share")


def hiding_fonts_config(folder: Path) -> Path:
    """Write a fontconfig file: the system's configuration, without its metric-compatible fonts."""
    rejected = "".join(
        f"<glob>{Path(place).expanduser()}/*{name}*</glob>"
        for place in SYSTEM_FONT_FOLDERS
        for name in METRIC_FONT_FILES
    )
    config = folder / "without-metric-fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{folder / 'cache'}</cachedir>"
        '<include ignore_missing="yes">fonts.conf</include>'
        f"<selectfont><rejectfont>{rejected}</rejectfont></selectfont></fontconfig>\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def without_fonts(tmp_path_factory):
    """This machine as one without Liberation, Carlito and Caladea installed."""
    config = hiding_fonts_config(tmp_path_factory.mktemp("fontconfig"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FONTCONFIG_FILE", str(config))
        fc_match = shutil.which("fc-match")
        if fc_match:  # the system alone now sets Arial in another font
            found = subprocess.run(
                [fc_match, "--format=%{family[0]}", "Arial"], capture_output=True, text=True
            ).stdout
            assert found not in {"Liberation Sans", "Arimo"}, f"not hidden: {found}"
        yield config


@pytest.fixture(scope="module", params=[2022, 2023, 2024])
def letter_pdf(request, tmp_path_factory, without_fonts) -> Path:
    """Each example letter, converted as `brief build --pdf` does, without the system's fonts."""
    if pdf.find_soffice() is None:
        _need("soffice", "libreoffice-writer-nogui")
    built = request.getfixturevalue("built")
    year = request.param
    folder = tmp_path_factory.mktemp("pdf")
    letter = Path(shutil.copy(built["results"][year].letter, folder / f"brief-{year}.docx"))

    return pdf.convert_to_pdf(letter)


@pytest.fixture(scope="module")
def opened(letter_pdf):
    with pikepdf.open(letter_pdf) as document:
        yield document


def structure_elements(document: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Return every element of the structure tree, depth first."""
    found = []

    def walk(kids):
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                walk(kid)
        elif isinstance(kids, pikepdf.Dictionary) and "/S" in kids:
            found.append(kids)
            if "/K" in kids:
                walk(kids.K)

    walk(document.Root.StructTreeRoot.K)
    return found


def role(element: pikepdf.Dictionary, document: pikepdf.Pdf) -> str:
    """Return the standard structure type of ``element``, through the role map."""
    name = str(element.S)
    role_map = document.Root.StructTreeRoot.get("/RoleMap", {})
    return str(role_map.get(name, name))


# ---- tagged, PDF/UA, fonts ----------------------------------------------------------------


@pytest.mark.slow
def test_pdf_is_tagged_with_a_structure_tree(opened):
    assert opened.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in opened.Root
    assert len(structure_elements(opened)) > 100


@pytest.mark.slow
def test_pdf_declares_pdf_ua_1_and_pdf_a_2b_in_its_metadata(opened):
    metadata = opened.open_metadata()

    assert metadata.get("pdfuaid:part") == "1"
    assert (metadata.get("pdfaid:part"), metadata.get("pdfaid:conformance")) == ("2", "B")


@pytest.mark.slow
def test_every_font_is_embedded(opened, letter_pdf):
    descriptors = [
        obj
        for obj in opened.objects
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"
    ]
    listing = subprocess.run(
        [_need("pdffonts", "poppler-utils"), str(letter_pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]

    assert descriptors
    for descriptor in descriptors:
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), descriptor
    assert listing
    for line in listing:  # name type encoding emb sub uni object ID
        assert line.split()[-5] == "yes", f"not embedded: {line}"
    # The template's Arial and Calibri, set in the fonts brief brings (subset: ABCDEF+Name).
    names = {line.split()[0].split("+")[-1].split("-")[0] for line in listing}
    assert {"LiberationSans", "Carlito"} <= names, names


@pytest.mark.slow
def test_charts_keep_every_pixel(opened):
    images = [
        obj
        for obj in opened.objects
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
    ]

    assert len(images) >= 7
    for image in images:
        assert image.get("/Filter") != "/DCTDecode", "a chart was compressed as JPEG"


@pytest.mark.slow
def test_every_figure_has_alt_text(opened):
    figures = [e for e in structure_elements(opened) if role(e, opened) == "/Figure"]

    assert len(figures) == 7  # each example letter's seven charts
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), figure


@pytest.mark.slow
def test_every_table_has_header_cells(opened):
    elements = structure_elements(opened)
    tables = [e for e in elements if role(e, opened) == "/Table"]

    def header_cells(element) -> int:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        return sum(
            (role(kid, opened) == "/TH") + header_cells(kid)
            for kid in kids
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
        )

    assert len(tables) == 3  # aanbieders, indicatoren, toezeggingen
    for table in tables:
        assert header_cells(table) >= 2


@pytest.mark.slow
def test_headings_are_tagged_and_bookmarked(opened):
    roles = Counter(role(e, opened) for e in structure_elements(opened))

    assert roles["/H1"] >= 5  # one per chapter
    assert opened.Root.Outlines.Count >= 5


@pytest.mark.slow
def test_pdf_language_is_dutch(opened):
    assert str(opened.Root.get("/Lang", "")) == "nl-NL"


@pytest.mark.slow
def test_viewer_shows_the_title(opened, letter_pdf):
    # LibreOffice writes /DisplayDocTitle only when the document has a title.
    assert opened.Root.ViewerPreferences.DisplayDocTitle is True
    year = letter_pdf.stem.removeprefix("brief-")
    assert str(opened.docinfo.get("/Title", "")) == f"Voortgangsbrief welzijn {year}"


@pytest.mark.slow
def test_author_is_the_signatory_not_the_library(opened):
    author = str(opened.docinfo.get("/Author", ""))

    assert author.strip()
    assert "python-docx" not in author


# ---- printed as intended ------------------------------------------------------------------

# An amount with its unit, kept together in the letter by non-breaking spaces: "€ 0,6 mln."
AMOUNT = re.compile(r"€ ?\d[\d.,]*(?: mln\.)?")


def _normal(text: str) -> str:
    # NFKC: ligatures (the "fi" of Carlito) back to letters; non-breaking spaces to spaces.
    return unicodedata.normalize("NFKC", text).replace("\xa0", " ")


def _words(text: str) -> list[str]:
    # Lines may break after a hyphen, "sociaal-" / "emotionele", so hyphens split words too.
    return re.findall(r"[^\s\-]+", text)


def split_across_lines(letter_texts: list[str], pdf_text: str) -> list[str]:
    """Return what the letter has whole that the PDF's text (pdftotext -layout) has not.

    Every word and number of ``letter_texts``, and every amount with its unit, must stand
    on one line of the PDF at least as often as the letter has it.
    """
    wanted, found = Counter(), Counter()
    for text in map(_normal, letter_texts):
        wanted.update(_words(text))
        wanted.update(AMOUNT.findall(text))
    for line in map(_normal, pdf_text.splitlines()):
        found.update(_words(line))
        found.update(AMOUNT.findall(re.sub(r" +", " ", line)))
    return [
        f"{text!r}: {count} time(s) in the letter, {found[text]} whole on a line of the PDF"
        for text, count in sorted(wanted.items())
        if found[text] < count
    ]


def body_texts(letter: Path) -> list[str]:
    """Return the text of every paragraph in the body (tables included), as Word lays it out."""
    texts = []
    for paragraph in docx.Document(letter).element.body.iter(qn("w:p")):
        parts = []
        for element in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            parts.append((element.text or "") if element.tag == qn("w:t") else " ")
        texts.append("".join(parts))
    return texts


@pytest.mark.slow
def test_no_number_or_word_of_the_letter_is_split_across_lines(letter_pdf):
    text = subprocess.run(
        [_need("pdftotext", "poppler-utils"), "-layout", str(letter_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    letter = body_texts(letter_pdf.with_suffix(".docx"))  # the letter the PDF was made from

    broken = split_across_lines(letter, text)

    assert not broken, "Split across lines in the PDF:\n  " + "\n  ".join(broken)
    wholes = ["Nulmeting", "Welzijnsopdracht"]
    if letter_pdf.stem == "brief-2023":  # the numbers that broke before the fonts were right
        wholes += ["15.000", "30.133", "€ 640.000", "€ 1,7 mln."]
    for whole in wholes:
        assert any(whole in _normal(line) for line in text.splitlines()), whole


def test_split_across_lines_finds_what_a_wider_font_breaks():
    # The indicator table as pdftotext printed it when DejaVu Sans stood in for Arial.
    pdf_text = (
        "Soort             Indicator           Nulmetin     Doel     Monitor\n"
        "                                      g            2023\n"
        "Welzijnsopdrac    Kinderen bereikt        n.v.t.   15.00    Rapportage\n"
        "ht                                                     0\n"
        "Welzijnsopdracht  Besteed aan             € 0,6 ml n.v.t.   Jaarverantwoordin\n"
        "                                                n.          g\n"
    )
    letter = ["Welzijnsopdracht", "Welzijnsopdracht", "Nulmeting", "15.000", "€\xa00,6\xa0mln."]

    broken = split_across_lines(letter, pdf_text)

    assert [line.split(":")[0] for line in broken] == [
        "'15.000'",
        "'Nulmeting'",
        "'Welzijnsopdracht'",
        "'mln.'",
        "'€ 0,6 mln.'",
    ]
    assert split_across_lines(["sociaal-emotionele", "€ 2,8"], "sociaal-\nemotionele € 2,8") == []


# ---- fonts: warn when LibreOffice would substitute ----------------------------------------


def make_letter(path: Path) -> Path:
    """Write a small letter: Normal in Arial, a heading in the theme's font, a Courier run."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Quote"].font.name = "Comic Sans MS"  # defined, never used
    document.add_heading("Jeugd", level=1)  # python-docx's Heading 1: the theme's major font
    paragraph = document.add_paragraph("In 2023 bereikten we 30.133 kinderen ")
    paragraph.add_run("code").font.name = "Courier New"
    paragraph.add_run("\uf0b7").font.name = "Symbol"
    document.add_paragraph("")  # an empty paragraph shows no font
    document.save(path)
    return path


def test_letter_fonts_are_the_fonts_its_text_is_set_in(tmp_path):
    letter = make_letter(tmp_path / "brief.docx")

    fonts = pdf.letter_fonts(letter)

    assert fonts == {"Arial", "Calibri", "Courier New"}


def test_brief_brings_a_font_with_the_widths_of_each_font_of_the_template():
    fonts = pdf.letter_fonts(Path(__file__).resolve().parents[2] / "templates" / "brief.docx")
    brought = {path.stem for path in pdf.FONTS_DIR.glob("*.ttf")}

    assert fonts
    for family in fonts:
        compatible = pdf.METRIC_COMPATIBLE[family.lower()][0].replace(" ", "")
        assert {f"{compatible}-{style}" for style in ("Regular", "Bold", "Italic")} <= brought
    assert {"LICENSE-Liberation.txt", "LICENSE-Carlito.txt", "LICENSE-Caladea.txt"} <= {
        path.name for path in pdf.FONTS_DIR.iterdir()
    }


def test_font_warning_names_the_font_and_what_to_do(tmp_path, monkeypatch):
    letter = make_letter(tmp_path / "brief.docx")
    substitutes = {"Arial": "DejaVu Sans", "Calibri": "Carlito", "Courier New": "Liberation Mono"}
    monkeypatch.setattr(pdf, "matching_font", substitutes.get)

    warnings = pdf.font_warnings(letter)

    assert warnings == [
        "The letter uses the font Arial, which this machine lacks: the PDF sets it in DejaVu "
        "Sans, whose other widths can break lines and table columns where Word does not. "
        "Install Arial, or a font with its widths, and build again with --pdf."
    ]


def test_font_warning_for_each_font_set_in_another(tmp_path, monkeypatch):
    letter = tmp_path / "brief.docx"
    document = docx.Document()
    document.add_paragraph("Rotterdam").runs[0].font.name = "Rotterdam Sans"
    document.add_paragraph("Normal, in the theme's minor font")
    document.save(letter)
    monkeypatch.setattr(pdf, "matching_font", lambda family: "DejaVu Sans")

    warnings = pdf.font_warnings(letter)

    assert [w.split(",")[0] for w in warnings] == [
        "The letter uses the font Cambria",
        "The letter uses the font Rotterdam Sans",
    ]
    assert "Install Rotterdam Sans, or a font with its widths, and build again" in warnings[1]


def test_no_font_warning_when_the_same_or_a_metric_compatible_font_is_there(tmp_path, monkeypatch):
    letter = make_letter(tmp_path / "brief.docx")
    same = {"Arial": "Arial", "Calibri": "Carlito", "Courier New": "Cousine"}
    monkeypatch.setattr(pdf, "matching_font", same.get)

    assert pdf.font_warnings(letter) == []


def test_no_font_warning_and_no_call_without_fc_match(tmp_path, monkeypatch):
    letter = make_letter(tmp_path / "brief.docx")
    monkeypatch.setattr(pdf.shutil, "which", lambda command: None)
    monkeypatch.setattr(pdf.subprocess, "run", lambda *a, **k: pytest.fail("ran a command"))

    assert pdf.font_warnings(letter) == []


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed")
def test_matching_font_asks_fontconfig():
    assert pdf.matching_font("DejaVu Sans") == "DejaVu Sans"


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed")
def test_brief_brings_the_fonts_a_machine_lacks(tmp_path, monkeypatch):
    letter = make_letter(tmp_path / "brief.docx")
    template = Path(__file__).resolve().parents[2] / "templates" / "brief.docx"
    monkeypatch.setenv("FONTCONFIG_FILE", str(hiding_fonts_config(tmp_path)))

    found = {family: pdf.matching_font(family) for family in pdf.METRIC_COMPATIBLE}

    assert found == {family: names[0] for family, names in pdf.METRIC_COMPATIBLE.items()}
    assert pdf.font_warnings(template) == []
    assert pdf.font_warnings(letter) == []
    assert pdf.matching_font("Rotterdam Sans") not in {None, "Rotterdam Sans"}  # not brought


def test_fontconfig_file_adds_brief_fonts_to_the_system_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", "/etc/my fonts & more.conf")

    config = ElementTree.parse(pdf.fontconfig_file(tmp_path)).getroot()

    assert config.find("include").text == "/etc/my fonts & more.conf"
    assert config.find("dir").text == str(pdf.FONTS_DIR)
    assert config.find("cachedir").text.startswith(str(tmp_path))
    aliases = {a.find("family").text: a.find("accept/family").text for a in config.iter("alias")}
    assert aliases["Calibri"] == "Carlito"
    assert aliases["Times New Roman"] == "Liberation Serif"


@pytest.mark.slow
def test_build_with_pdf_warns_about_a_substituted_font_and_still_writes_both(project, monkeypatch):
    if pdf.find_soffice() is None:
        _need("soffice", "libreoffice-writer-nogui")
    from typer.testing import CliRunner

    from brief.cli import app

    monkeypatch.setattr(pdf, "matching_font", lambda family: "DejaVu Sans")

    result = CliRunner().invoke(app, ["build", "2022", "--pdf", "--project", str(project.root)])

    assert result.exit_code == 0, result.output
    assert "Warning: The letter uses the font Arial" in result.output
    assert "Install Arial, or a font with its widths" in result.output
    assert (project.year_dir(2022) / "brief-2022.pdf").read_bytes().startswith(b"%PDF")
    assert (project.year_dir(2022) / "brief-2022.docx").is_file()
