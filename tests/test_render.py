"""Render the built letter with LibreOffice, as the council's readers will see it."""

import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.slow
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"),
    reason="LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)",
)
def test_letter_converts_to_pdf(built, tmp_path):
    assert SOFFICE, "BRIEF_REQUIRE_SOFFICE is set but soffice is not on PATH"
    letter = built["results"][2023].letter

    completed = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(letter)],
        capture_output=True, text=True, timeout=180, check=False,
    )

    pdf = tmp_path / (letter.stem + ".pdf")
    assert completed.returncode == 0, completed.stderr
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 50_000  # seven charts make a PDF well past this
