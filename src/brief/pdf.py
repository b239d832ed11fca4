"""Render a letter to PDF with LibreOffice headless, as the committee's readers see it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from brief.exceptions import BriefError

INSTALL_HINT = (
    "LibreOffice is not installed, so no PDF was made (the .docx is written). Install it "
    "with `sudo apt-get install libreoffice-writer-nogui` (Debian/Ubuntu) or from "
    "libreoffice.org, then run the build again with --pdf."
)


def find_soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(letter: Path, timeout: int = 180) -> Path:
    """Write ``letter`` as PDF beside it and return the PDF's path."""
    soffice = find_soffice()
    if soffice is None:
        raise BriefError(INSTALL_HINT)
    # A private profile: LibreOffice refuses to run twice on one profile (parallel builds).
    with tempfile.TemporaryDirectory(prefix="brief-soffice-") as profile:
        completed = subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(letter.parent),
                str(letter),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    pdf = letter.with_suffix(".pdf")
    if completed.returncode != 0 or not pdf.is_file():
        raise BriefError(
            f"LibreOffice could not turn {letter.name} into a PDF: "
            f"{(completed.stderr or completed.stdout).strip()[:300]}"
        )
    return pdf
