"""`brief check` and `brief fields` on the built example project."""

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from brief.build.check import figures_behind
from brief.cli import app
from brief.notebook.collect import Collection, Published
from brief.records import DataRead, Origin, PublishedFigure, PublishedValue

slow = pytest.mark.slow  # these use the letters built once per session
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


@slow
def test_example_template_passes(built):
    result = run(built, "check", "2023")

    assert result.exit_code == 0, result.output
    assert "brief.docx is ready for 2023." in result.output


@slow
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


@slow
def test_misspelt_name_in_table_cell_is_caught(built, tmp_path):
    def add_table(document):
        document.add_table(rows=1, cols=1).rows[0].cells[0].text = "{{ herstelacademie }}"

    template = template_with(built, tmp_path, add_table)

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 1
    assert "Did you mean 'herstelacademies'?" in result.output


@slow
def test_unused_published_value_is_a_warning(built, tmp_path):
    def drop_paragraph(document):
        for paragraph in document.paragraphs:
            if "{{p couleur_locale_trend }}" in paragraph.text:
                paragraph._p.getparent().remove(paragraph._p)

    template = template_with(built, tmp_path, drop_paragraph)

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 0
    assert "Published but not used in the template: couleur_locale_trend." in result.output


@slow
def test_figures_whose_data_stops_before_the_year_are_a_warning(built, project):
    latest = max(built["results"])
    year = latest + 1
    params = built["paths"].params_file(latest).read_text(encoding="utf-8")
    project.params_file(year).write_text(
        params.replace(f"jaar: {latest}", f"jaar: {year}"), encoding="utf-8"
    )
    # The notebooks as run for the latest year stand in for a build whose data stops there.
    shutil.copytree(
        built["paths"].year_dir(latest) / "notebooks",
        project.year_dir(year) / "notebooks",
        ignore=shutil.ignore_patterns("*.html"),
    )

    result = runner.invoke(app, ["check", str(year), "--project", str(project.root)])

    output = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: Figure 'valpreventie_doel_realisatie' has data up to {latest}, not {year} "
        "(02-ouderen.ipynb, which reads data/ouderen.csv). "
        f"Add the {year} rows to its data, or check which years the notebook selects."
    ) in output
    assert f"Figure 'lokaal_budget' has data up to {latest}, not {year}" in output
    assert f"Figure 'spreekuren_per_gebied' has data up to {latest}, not {year}" in output


@slow
def test_latest_year_has_no_figure_behind(built):
    latest = max(built["results"])

    result = run(built, "check", str(latest))

    assert result.exit_code == 0, result.output
    assert "has data up to" not in result.output


def figure(name: str, years=None) -> Published:
    item = PublishedFigure(name=name, title=name, source="s", alt="a", png="", years=years)
    return Published(item, Origin(notebook="01-a.ipynb", cell=3))


def read(path: str) -> DataRead:
    return DataRead(path=path, sha256="0" * 64)


def test_figure_behind_names_its_notebook_and_data():
    value = PublishedValue(name="value", value=1)
    collection = Collection(
        items={
            "behind": figure("behind", years=[2022, 2023]),
            "current": figure("current", years=[2022, 2024]),
            "unknown": figure("unknown"),
            "value": Published(value, Origin(notebook="01-a.ipynb", cell=2)),
        },
        inputs={
            "01-a.ipynb": {"data/a.csv": read("data/a.csv"), "data/b.xlsx": read("data/b.xlsx")}
        },
    )

    warnings = figures_behind(collection, 2024)

    assert warnings == [
        "Figure 'behind' has data up to 2023, not 2024 (01-a.ipynb, which reads data/a.csv, "
        "data/b.xlsx). Add the 2024 rows to its data, or check which years the notebook selects."
    ]


@slow
def test_figure_written_inline_is_refused(built, tmp_path):
    template = template_with(
        built, tmp_path, lambda d: d.add_paragraph("Zie {{ kinderwerk_trend }} hierboven.")
    )

    result = run(built, "check", "2023", "--template", str(template))

    assert result.exit_code == 1
    assert "needs a paragraph of its own written as {{p kinderwerk_trend }}" in result.output


@slow
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


@slow
def test_check_and_fields_take_the_grid_options_and_the_cluster_runs_what_is_missing(
    built, monkeypatch
):
    """--only picks an area's letter; its notebooks, never built, run on the --cluster named."""
    from brief.build import check as checking
    from brief.build.run import run_notebooks

    asked = []

    @contextlib.contextmanager
    def recording_runner(project, cluster):
        def run_there(sources, *args, **kwargs):
            asked.append((cluster, kwargs["parameters"]["area"], len(sources)))
            return run_notebooks(sources, *args, **kwargs)

        yield run_there if cluster else None

    monkeypatch.setattr(checking, "notebook_runner", recording_runner)
    scheduler = "tcp://scheduler.example:8786"
    fields = run(built, "fields", "2023", "--only", "gebied=Charlois", "--cluster", scheduler)
    check = run(built, "check", "2023", "--only", "area=charlois", "--cluster", scheduler)
    city = run(built, "check", "2023", "--cluster", scheduler)  # built: nothing runs

    assert fields.exit_code == 0, fields.output
    assert "Names for 2023 Charlois" in fields.output
    assert check.exit_code == 0, check.output
    assert "is ready for 2023 Charlois." in check.output
    assert city.exit_code == 0 and "is ready for 2023." in city.output
    notebooks = len(built["paths"].notebooks())
    assert asked == [(scheduler, "Charlois", notebooks)] * 2


@slow
def test_a_notebook_failing_in_a_check_is_kept_where_the_message_says(project):
    ouderen = project.data_dir / "ouderen.csv"
    lines = ouderen.read_text(encoding="utf-8").splitlines()
    ouderen.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")  # a row twice

    result = runner.invoke(app, ["check", "2024", "--project", str(project.root)])

    assert result.exit_code == 1, result.output
    kept = re.findall(r"kept at (\S+\.ipynb), the failing cell", result.output)
    assert kept and all(Path(path).is_file() for path in kept), result.output
    assert {Path(path).name for path in kept} == {"02-ouderen.ipynb", "05-indicatoren.ipynb"}
    assert all(Path(path).with_suffix(".html").is_file() for path in kept)
    assert all(project.outputs_dir in Path(path).parents for path in kept)
