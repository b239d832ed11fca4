"""`brief new`: the next year's params file and the data it still lacks (no notebook runs)."""

from __future__ import annotations

import pytest
import yaml

from brief.exceptions import ParamsError, ProjectError
from brief.project.params import FILL_IN, load_params
from brief.project.scaffold import missing_data, new_year


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
    jeugd = missing["data/jeugd.csv"]
    assert "kinderwerk_bereik,2025,Rotterdam,<value>,realisation,<source>" in jeugd.realisations
    assert "kinderwerk_bereik,2025,Rotterdam,<value>,target,<source>" in jeugd.targets

    path = project.data_dir / "jeugd.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    added = [r.replace(",2024,", ",2025,") for r in rows if ",2024," in r and "baseline" not in r]
    path.write_text("\n".join([header, *rows, *added]) + "\n", encoding="utf-8")

    assert "data/jeugd.csv" not in missing_data(project, 2024, 2025)


def test_new_year_refuses_to_overwrite_or_to_start_from_nothing(project):
    with pytest.raises(ProjectError, match="params/2024.yaml already exists"):
        new_year(project, 2024)
    with pytest.raises(ProjectError, match="no params file for a year before 2021"):
        new_year(project, 2021)


def test_the_new_params_file_opens_with_comments_for_the_advisor(project):
    started = new_year(project, 2025)

    assert started.params_file.read_text(encoding="utf-8").startswith(
        "# Parameters of the progress letter about 2025, started from 2024.yaml.\n"
        "# Replace every INVULLEN before building; `brief build 2025` stops on any left.\n"
        "# toezeggingen: list the commitments this letter answers (code, omschrijving, status).\n"
        "jaar: 2025\n"
    )


def test_the_comments_are_in_the_language_spoken_and_the_keys_stay(project, tmp_path):
    from brief.i18n import _, speaking

    english = new_year(project, 2025).params_file
    kept = english.read_text(encoding="utf-8")
    english.unlink()
    with speaking("nl"):
        started = new_year(project, 2025)
        first = _("Parameters of the progress letter about {year}, started from {file}.")
        first = first.format(year=2025, file="2024.yaml")

    text = started.params_file.read_text(encoding="utf-8")
    comments = text.splitlines()[:3]
    assert comments[0] == f"# {first}"
    assert all(line.startswith("# ") for line in comments)
    assert FILL_IN in comments[1] and "`brief build 2025`" in comments[1]
    assert (
        comments[2].startswith("# toezeggingen: ") and "(code, omschrijving, status)" in comments[2]
    )
    assert yaml.safe_load(text) == yaml.safe_load(kept)  # only the comments differ
