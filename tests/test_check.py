"""`brief check` and `brief fields` on the built example project."""

import shutil

import pytest
from docx import Document
from typer.testing import CliRunner

from brief.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def template_with(built, tmp_path, change):
    """Return a copy of the example template with ``change(document)`` applied."""
    path = tmp_path / "brief.docx"
    shutil.copy(built["paths"].default_template, path)
    document = Document(path)
    change(document)
    document.save(path)
    return path


def run(built, *args):
    return runner.invoke(app, [*args, "--project", str(built["paths"].root)])


def test_example_template_passes(built):
    result = run(built, "check", "2023")

    assert result.exit_code == 0, result.output
    assert "brief.docx is ready for 2023." in result.output


def test_misspelt_name_in_header_is_caught(built, tmp_path):
    template = template_with(
        built,
        tmp_path,
        lambda d: d.sections[0].header.add_paragraph("Kenmerk: {{ kenmrek }}"),
    )

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 1
    assert (
        "kenmrek: no notebook or params file gives this name. Did you mean 'kenmerk'?"
        in result.output
    )


def test_misspelt_name_in_table_cell_is_caught(built, tmp_path):
    def add_table(document):
        document.add_table(rows=1, cols=1).rows[0].cells[0].text = "{{ herstelacademie }}"

    template = template_with(built, tmp_path, add_table)

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 1
    assert "Did you mean 'herstelacademies'?" in result.output


def test_unused_published_value_is_a_warning(built, tmp_path):
    def drop_paragraph(document):
        for paragraph in document.paragraphs:
            if "{{p couleur_locale_trend }}" in paragraph.text:
                paragraph._p.getparent().remove(paragraph._p)

    template = template_with(built, tmp_path, drop_paragraph)

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 0
    assert "Published but not used in the template: couleur_locale_trend." in result.output


def test_figure_written_inline_is_refused(built, tmp_path):
    template = template_with(
        built, tmp_path, lambda d: d.add_paragraph("Zie {{ kinderwerk_trend }} hierboven.")
    )

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 1
    assert "needs a paragraph of its own written as {{p kinderwerk_trend }}" in result.output


def test_fields_lists_values_figures_tables_and_parameters(built):
    result = runner.invoke(
        app,
        ["fields", "2023", "--project", str(built["paths"].root)],
        env={"COLUMNS": "200"},
    )

    assert result.exit_code == 0, result.output
    lines = {
        line.split("│")[1].strip(): line
        for line in result.output.splitlines()
        if line.count("│") >= 4
    }
    assert "30.133" in lines["kinderwerk_bereik"]
    assert "01-jeugd.ipynb, cell" in lines["kinderwerk_bereik"]
    assert "figure" in lines["kinderwerk_trend"]
    assert "table" in lines["indicatoren"]
    assert "12 juli 2024" in lines["datum"]
