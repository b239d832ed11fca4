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
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(letter),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    pdf = tmp_path / (letter.stem + ".pdf")
    assert completed.returncode == 0, completed.stderr
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 50_000  # seven charts make a PDF well past this


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"),
    reason="LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)",
)
def test_build_with_pdf_flag_writes_pdf_beside_letter(project):
    from typer.testing import CliRunner

    from brief.cli import app

    result = CliRunner().invoke(app, ["build", "2022", "--pdf", "--project", str(project.root)])

    assert result.exit_code == 0, result.output
    assert (project.year_dir(2022) / "brief-2022.pdf").read_bytes().startswith(b"%PDF")
    assert result.output.strip().splitlines()[-1].endswith("brief-2022.docx")


def test_pdf_without_libreoffice_says_how_to_install(project, monkeypatch):
    from typer.testing import CliRunner

    from brief import cli

    monkeypatch.setattr("brief.letter.pdf.find_soffice", lambda: None)

    result = CliRunner().invoke(cli.app, ["build", "2022", "--pdf", "--project", str(project.root)])

    assert result.exit_code == 0, result.output
    assert "apt-get install libreoffice-writer-nogui" in result.output
    assert (project.year_dir(2022) / "brief-2022.docx").is_file()
