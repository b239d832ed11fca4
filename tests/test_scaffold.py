"""`brief new`: the next year's params file and the data it still lacks (no notebook runs)."""

from __future__ import annotations

import pytest
import yaml

from brief.exceptions import ParamsError, ProjectError
from brief.params import FILL_IN, load_params
from brief.scaffold import missing_data, new_year


def test_new_year_keeps_what_lasts_and_marks_what_the_advisor_must_write(project):
    started = new_year(project, 2025)

    written = yaml.safe_load(started.params_file.read_text(encoding="utf-8"))
    latest = yaml.safe_load(project.params_file(2024).read_text(encoding="utf-8"))
    assert started.copied_from == project.params_file(2024)
    assert written["jaar"] == 2025
    assert written["datum"] == FILL_IN and written["kenmerk"] == FILL_IN
    assert written["toezeggingen"] == []
    assert set(written["teksten"].values()) == {FILL_IN}
    assert written["commissie"] == latest["commissie"]
    assert written["ondertekening"] == latest["ondertekening"]
    assert "2025" in written["onderwerp"] and "2024" not in written["onderwerp"]
    assert started.to_fill == ["datum", "kenmerk", *(f"teksten.{k}" for k in latest["teksten"])]


def test_a_started_year_cannot_be_built_until_every_fill_in_is_replaced(project):
    new_year(project, 2025)

    with pytest.raises(ParamsError, match="still has INVULLEN"):
        load_params(project.params_file(2025), 2025)


def test_missing_data_lists_indicators_the_latest_year_has_and_the_new_one_lacks(project):
    missing = missing_data(project, 2024, 2025)

    assert "data/jeugd.csv" in missing
    assert "kinderwerk_bereik" in missing["data/jeugd.csv"]

    path = project.data_dir / "jeugd.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    added = [r.replace(",2024,", ",2025,") for r in rows if ",2024," in r and "realisation" in r]
    path.write_text("\n".join([header, *rows, *added]) + "\n", encoding="utf-8")

    assert "data/jeugd.csv" not in missing_data(project, 2024, 2025)


def test_new_year_refuses_to_overwrite_or_to_start_from_nothing(project):
    with pytest.raises(ProjectError, match="params/2024.yaml already exists"):
        new_year(project, 2024)
    with pytest.raises(ProjectError, match="no params file for a year before 2021"):
        new_year(project, 2021)
