"""Render a letter to PDF with LibreOffice headless, as the committee's readers see it.

The PDF is the one a city may publish: tagged (headings, tables and figures with their alt
text in a structure tree), marked PDF/UA-1 and PDF/A-2b, with bookmarks, the document title
in the viewer's title bar, and every font embedded. LibreOffice sets the letter in the fonts
the template asks for; a machine that lacks one (Arial, Calibri) sets it in another font
of other widths, and numbers in table columns sized for the right font break across lines.
So brief brings the fonts with the widths of Word's usual ones (fonts/: Liberation for Arial,
Times New Roman and Courier New, Carlito for Calibri, Caladea for Cambria; SIL Open Font
Licence) and hands them to LibreOffice through a fontconfig file of its own, which adds them
to the system's fonts for that one process. ``font_warnings`` names each font it cannot bring.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from brief.exceptions import BriefError
from brief.i18n import N_, _

# A message: translate it where it is used, _(INSTALL_HINT).
INSTALL_HINT = N_(
    "LibreOffice is not installed, so no PDF was made (the .docx is written). Install it "
    "with `sudo apt-get install libreoffice-writer-nogui` (Debian/Ubuntu) or from "
    "libreoffice.org, then run the build again with --pdf."
)

# LibreOffice's PDF export settings (the names of its "writer_pdf_Export" filter data, as in
# its PDF options dialog), given as the JSON filter options that LibreOffice 7.4 and later read.
# tests/test_pdf.py checks the effect of each on the PDF of the example letter.
EXPORT_OPTIONS: dict[str, bool | int] = {
    "UseTaggedPDF": True,  # a structure tree: headings, tables, figures with alt text
    "PDFUACompliance": True,  # PDF/UA-1 in the XMP metadata (and tagging, whatever the above)
    "SelectPdfVersion": 2,  # PDF/A-2b, the archival PDF: every font embedded, sRGB intent
    "EmbedStandardFonts": True,  # also Helvetica, Times, Courier (7.4 embeds them anyway)
    "ExportBookmarks": True,  # headings as bookmarks, the reader's table of contents
    "DisplayPDFDocumentTitle": True,  # the title bar shows the title (when the letter has one)
    "UseLosslessCompression": True,  # charts stay sharp in print (Flate, not JPEG)
}

# Fonts a template is likely to ask for and the families with the same widths (so lines and
# table columns break as in Word); the first is in FONTS_DIR.
METRIC_COMPATIBLE: dict[str, tuple[str, ...]] = {
    "arial": ("Liberation Sans", "Arimo"),
    "helvetica": ("Liberation Sans", "Arimo", "Nimbus Sans", "TeX Gyre Heros"),
    "times new roman": ("Liberation Serif", "Tinos"),
    "times": ("Liberation Serif", "Tinos", "Nimbus Roman", "TeX Gyre Termes"),
    "courier new": ("Liberation Mono", "Cousine"),
    "courier": ("Liberation Mono", "Cousine", "Nimbus Mono PS", "TeX Gyre Cursor"),
    "calibri": ("Carlito",),
    "cambria": ("Caladea",),
}
FONTS_DIR = Path(__file__).with_name("fonts")
# Bullet and symbol fonts: LibreOffice maps these to its own OpenSymbol.
SYMBOL_FONTS = frozenset({"symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings"})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


def find_soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def export_filter(options: dict[str, bool | int] = EXPORT_OPTIONS) -> str:
    """Return the ``--convert-to`` argument that exports a PDF with ``options``."""
    typed = {
        name: (
            {"type": "boolean", "value": str(value).lower()}
            if isinstance(value, bool)
            else {"type": "long", "value": str(value)}
        )
        for name, value in options.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def fontconfig_file(folder: Path) -> Path:
    """Write a fontconfig file into ``folder`` that adds brief's fonts to the system's.

    It includes the configuration fontconfig would read anyway (``FONTCONFIG_FILE`` when set,
    else the system's ``fonts.conf``), adds FONTS_DIR, and says which of its fonts stands in
    for which; its cache goes into ``folder``, so nothing outside it is written.
    """
    system = os.environ.get("FONTCONFIG_FILE") or "fonts.conf"
    aliases = "".join(
        f'  <alias binding="same"><family>{escape(family.title())}</family>'
        f"<accept><family>{escape(compatible[0])}</family></accept></alias>\n"
        for family, compatible in METRIC_COMPATIBLE.items()
    )
    config = folder / "brief-fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f"  <cachedir>{escape(str(folder / 'fontconfig-cache'))}</cachedir>\n"
        f'  <include ignore_missing="yes">{escape(system)}</include>\n'
        f"  <dir>{escape(str(FONTS_DIR))}</dir>\n"
        f"{aliases}"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return config


def font_environment(folder: Path) -> dict[str, str]:
    """Return this process's environment with brief's fonts added (see ``fontconfig_file``)."""
    return {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(folder))}


def convert_to_pdf(letter: Path, timeout: int = 180) -> Path:
    """Write ``letter`` as a tagged PDF/UA beside it and return the PDF's path."""
    soffice = find_soffice()
    if soffice is None:
        raise BriefError(_(INSTALL_HINT))
    # A private profile: LibreOffice refuses to run twice on one profile (parallel builds).
    with tempfile.TemporaryDirectory(prefix="brief-soffice-") as profile:
        completed = subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                export_filter(),
                "--outdir",
                str(letter.parent),
                str(letter),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=font_environment(Path(profile)),
        )
    pdf = letter.with_suffix(".pdf")
    if completed.returncode != 0 or not pdf.is_file():
        raise BriefError(
            # TRANSLATORS: {output} is what LibreOffice printed, in its own words.
            _("LibreOffice could not turn {letter} into a PDF: {output}").format(
                letter=letter.name, output=(completed.stderr or completed.stdout).strip()[:300]
            )
        )
    return pdf


def font_warnings(letter: Path) -> list[str]:
    """Return a warning for each font of ``letter`` that LibreOffice would set in another.

    Fonts brief brings (FONTS_DIR) count as there. Says nothing when fontconfig's
    ``fc-match`` is not there to ask (macOS, Windows).
    """
    warnings = []
    for family in sorted(letter_fonts(letter), key=str.lower):
        found = matching_font(family)
        if found is None:
            continue
        compatible = METRIC_COMPATIBLE.get(family.lower(), ())
        if found.lower() in {family.lower(), *(name.lower() for name in compatible)}:
            continue
        # TRANSLATORS: {font} is the font the letter asks for, {found} the one this
        # machine has instead.
        warning = _(
            "The letter uses the font {font}, which this machine lacks: the PDF sets it in "
            "{found}, whose other widths can break lines and table columns where Word does "
            "not. Install {font}, or a font with its widths, and build again with --pdf."
        ).format(font=family, found=found)
        warnings.append(warning)
    return warnings


def matching_font(family: str) -> str | None:
    """Return the family LibreOffice's fontconfig gives for ``family`` (brief's fonts added).

    None when fc-match is missing.
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="brief-fonts-") as folder:
            completed = subprocess.run(
                [fc_match, "--format=%{family[0]}", family],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
                env=font_environment(Path(folder)),
            )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.strip() or None


def letter_fonts(letter: Path) -> set[str]:
    """Return the font families the text of ``letter`` is set in, symbol fonts left out.

    Each run with text takes its font as Word does: the run's own, its character style's,
    its paragraph style's (through ``basedOn``), else the document default; a theme font
    (``majorHAnsi``) is looked up in the theme.
    """
    with zipfile.ZipFile(letter) as package:
        names = package.namelist()
        styles = _xml(package, "word/styles.xml") if "word/styles.xml" in names else None
        themes = sorted(n for n in names if re.fullmatch(r"word/theme/theme\d*\.xml", n))
        theme = _xml(package, themes[0]) if themes else None
        stories = [_xml(package, name) for name in names if _TEXT_PARTS.fullmatch(name)]

    theme_fonts = {}
    if theme is not None:
        for kind in ("major", "minor"):
            latin = theme.find(f".//{_A}{kind}Font/{_A}latin")
            if latin is not None and latin.get("typeface"):
                theme_fonts[kind] = latin.get("typeface")

    def own_fonts(properties) -> set[str]:
        rfonts = properties.find(f"{_W}rPr/{_W}rFonts") if properties is not None else None
        if rfonts is None:
            return set()
        found = set()
        for script in ("ascii", "hAnsi"):  # the Latin scripts a Dutch letter is written in
            themed = rfonts.get(f"{_W}{script}Theme")
            name = theme_fonts.get(themed[:5]) if themed else rfonts.get(f"{_W}{script}")
            if name:
                found.add(name)
        return found

    by_id, default_paragraph, defaults = {}, None, set()
    if styles is not None:
        by_id = {style.get(f"{_W}styleId"): style for style in styles.iter(f"{_W}style")}
        for style in by_id.values():
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in {"1", "true"}:
                default_paragraph = style.get(f"{_W}styleId")
        defaults = own_fonts(styles.find(f"{_W}docDefaults/{_W}rPrDefault"))

    def style_fonts(style_id: str | None) -> set[str]:
        seen = set()
        while style_id and style_id in by_id and style_id not in seen:
            seen.add(style_id)
            found = own_fonts(by_id[style_id])
            if found:
                return found
            based_on = by_id[style_id].find(f"{_W}basedOn")
            style_id = based_on.get(f"{_W}val") if based_on is not None else None
        return set()

    used: set[str] = set()
    for story in stories:
        for paragraph in story.iter(f"{_W}p"):
            pstyle = paragraph.find(f"{_W}pPr/{_W}pStyle")
            paragraph_fonts = (
                style_fonts(pstyle.get(f"{_W}val") if pstyle is not None else default_paragraph)
                or defaults
            )
            for run in _runs(paragraph):
                if not "".join(text.text or "" for text in run.iter(f"{_W}t")).strip():
                    continue
                rstyle = run.find(f"{_W}rPr/{_W}rStyle")
                used |= (
                    own_fonts(run)
                    or style_fonts(rstyle.get(f"{_W}val") if rstyle is not None else None)
                    or paragraph_fonts
                )
    return {family for family in used if family.lower() not in SYMBOL_FONTS}


def _runs(element: ElementTree.Element):
    """Yield the runs of a paragraph, in hyperlinks and fields too, not those of one inside it."""
    for child in element:
        if child.tag == f"{_W}r":
            yield child
        elif child.tag != f"{_W}p":
            yield from _runs(child)


def _xml(package: zipfile.ZipFile, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(package.read(name))
