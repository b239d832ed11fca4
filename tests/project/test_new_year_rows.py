"""`brief new YEAR` lists every row the build will ask for, as each data file writes rows."""

from __future__ import annotations

from typer.testing import CliRunner

from brief.cli import app

runner = CliRunner()


def new(project, year: int) -> str:
    result = runner.invoke(app, ["new", str(year), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_new_year_lists_realisations_targets_and_area_rows_to_copy(project):
    output = new(project, 2025)

    assert "data/ouderen.csv (header: indicator,year,area,value,kind,source)" in output
    lines = [line.strip() for line in output.splitlines()]
    assert "valpreventie_deelnemers,2025,Rotterdam,<value>,realisation,<source>" in lines
    assert "valpreventie_deelnemers,2025,Rotterdam,<value>,target,<source>" in lines
    assert "valpreventie_deelnemers,2025,Centrum,<value>,realisation,<source>" in lines
    assert "per area, for each of 14 areas (Centrum, Charlois," in output
    assert "Skipped" not in output


def test_new_year_writes_rows_the_way_a_dutch_semicolon_file_does(project):
    (project.data_dir / "ouderen.csv").write_text(
        "indicator;jaar;gebied;waarde;soort;bron\n"
        "valpreventie_deelnemers;2024;Rotterdam;860;realisatie;Brief\n"
        "valpreventie_deelnemers;2024;Rotterdam;800;doel;Brief\n",
        encoding="utf-8",
    )

    output = new(project, 2025)

    assert "data/ouderen.csv (header: indicator;jaar;gebied;waarde;soort;bron)" in output
    lines = [line.strip() for line in output.splitlines()]
    assert "valpreventie_deelnemers;2025;Rotterdam;<waarde>;realisatie;<bron>" in lines
    assert "valpreventie_deelnemers;2025;Rotterdam;<waarde>;doel;<bron>" in lines


def test_new_year_says_which_years_it_skips(project):
    output = new(project, 2027)

    assert (
        "Skipped: 2025, 2026 have no params file, so 2027 starts from 2024.yaml and the rows "
        "below compare 2027 with 2024."
    ) in " ".join(output.split())
    assert "valpreventie_deelnemers,2027,Rotterdam,<value>,realisation,<source>" in output
    assert "has 2027 figures" not in output
