"""Deciding what a rebuild redoes, from the last run record (no notebook runs here)."""

from __future__ import annotations

import json

import pytest

from brief.build.plan import current_inputs, make_plan
from brief.i18n import _, ngettext, speaking
from brief.project.paths import ProjectPaths, YearOutputs
from brief.records import DataRead, NotebookRecord, OutputsMade, RunRecord

YEAR = 2023


def outputs(project: ProjectPaths) -> YearOutputs:
    return YearOutputs(project.year_dir(YEAR), YEAR)


def record_a_build(project: ProjectPaths, reads: dict[str, list[str]]) -> RunRecord:
    """Write outputs as a finished build leaves them, each notebook having read ``reads``."""
    out = outputs(project)
    out.notebooks_dir.mkdir(parents=True)
    inputs = current_inputs(project, YEAR, project.default_template, project.notebooks())
    notebooks = {}
    for source in project.notebooks():
        (out.notebooks_dir / source.name).write_text("{}", encoding="utf-8")
        read = {
            path: DataRead(path=path, sha256=_sha(project, path))
            for path in reads.get(source.name, [])
        }
        notebooks[source.name] = NotebookRecord(
            sha256=inputs.notebooks[source.name], reason=None, seconds=1.0, reads=read
        )
    out.letter.write_bytes(b"docx")
    record = RunRecord(
        year=YEAR,
        started="t",
        finished="2026-06-03T10:00:00+02:00",
        seconds=1.0,
        git={"commit": None, "dirty": None},
        packages={},
        toolkit=inputs.toolkit,
        parameters=inputs.parameters,
        template=inputs.template,
        params=inputs.params,
        notebooks=notebooks,
        data={},
        outputs=OutputsMade(letter=out.letter.name, review_copy=False, pdf=False),
        shown={},
    )
    record.write(out.run_record)
    return record


def _sha(project, path):
    from brief.files import file_hash

    return file_hash(project.root / path)


def plan(project, **options):
    return make_plan(
        project, outputs(project), project.default_template, project.notebooks(), **options
    )


def reasons(result) -> dict[str, str | None]:
    return {n.source.name: n.reason for n in result.notebooks}


def test_first_build_runs_everything(project):
    result = plan(project)

    assert set(reasons(result).values()) == {"first build"}
    assert result.letter_reason == "first build"


def test_nothing_changed_means_nothing_to_do(project):
    record_a_build(project, {"01-jeugd.ipynb": ["data/jeugd.csv"]})

    result = plan(project)

    assert result.nothing_to_do
    assert result.previous.finished == "2026-06-03T10:00:00+02:00"


def test_a_changed_data_file_reruns_only_the_notebooks_that_read_it(project):
    record_a_build(
        project,
        {"01-jeugd.ipynb": ["data/jeugd.csv"], "02-ouderen.ipynb": ["data/ouderen.csv"]},
    )
    path = project.data_dir / "ouderen.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    result = plan(project)

    assert reasons(result)["02-ouderen.ipynb"] == "data/ouderen.csv changed"
    assert reasons(result)["01-jeugd.ipynb"] is None
    assert result.letter_reason == "notebooks reran"


def test_params_or_template_edits_refill_the_letter_without_rerunning(project):
    record_a_build(project, {})
    params = project.params_file(YEAR)
    params.write_text(params.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    result = plan(project)

    assert not any(n.reruns for n in result.notebooks)
    assert result.letter_reason == "params/2023.yaml changed"


def test_an_edited_notebook_reruns_itself(project):
    record_a_build(project, {})
    source = project.notebooks()[2]
    source.write_text(source.read_text(encoding="utf-8").replace("year", "year "), "utf-8")

    assert reasons(plan(project))[source.name] == "the notebook changed"


def test_asked_for_outputs_that_are_missing_refill_the_letter(project):
    record_a_build(project, {})

    assert plan(project, review=True).letter_reason == "a review copy was asked for"
    assert plan(project, pdf=True).letter_reason == "a PDF was asked for"
    assert plan(project, force=True).letter_reason == "--force"


@pytest.mark.parametrize("damage", ["older version", "not json", "missing key"])
def test_a_record_it_cannot_trust_is_treated_as_absent(project, damage):
    record = record_a_build(project, {})
    data = record.model_dump(mode="json")
    if damage == "older version":
        data["record_version"] = 1
    elif damage == "missing key":
        del data["notebooks"]
    text = "{not json" if damage == "not json" else json.dumps(data)
    outputs(project).run_record.write_text(text, encoding="utf-8")

    result = plan(project)

    # Everything runs, and the advisor is told why: not "first build", after many.
    assert result.previous is None
    said = "outputs/2023/run.json cannot be read"
    assert result.letter_reason == said
    assert set(reasons(result).values()) == {said}


def test_messages_in_another_language_refill_the_letter_without_rerunning(project):
    record = record_a_build(project, {})
    record.model_copy(update={"language": "nl"}).write(outputs(project).run_record)

    result = plan(project)

    assert not any(n.reruns for n in result.notebooks)
    assert result.letter_reason == "the messages' language changed (nl → en)"


def test_the_reasons_are_said_in_the_language_spoken_when_the_plan_is_made(project):
    with speaking("nl"):
        first = plan(project)
        first_build = _("first build")
    record_a_build(project, {"02-ouderen.ipynb": ["data/ouderen.csv"]})  # in English
    path = project.data_dir / "ouderen.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with speaking("nl"):
        second = plan(project)
        changed = ngettext("{files} changed", "{files} changed", 1).format(files="data/ouderen.csv")
        reran = _("notebooks reran")

    # Made in Dutch, they stay Dutch: they are printed, written to changes.md and run.json.
    assert set(reasons(first).values()) == {first_build}
    assert first.letter_reason == first_build
    assert reasons(second)["02-ouderen.ipynb"] == changed
    assert second.letter_reason == reran


def test_a_data_file_replaced_by_a_workbook_is_named_as_replaced(project):
    import openpyxl

    record_a_build(project, {"02-ouderen.ipynb": ["data/ouderen.csv"]})
    csv_path = project.data_dir / "ouderen.csv"
    workbook = openpyxl.Workbook()
    for line in csv_path.read_text(encoding="utf-8").splitlines():
        workbook.active.append(line.split(","))
    workbook.save(project.data_dir / "ouderen.xlsx")
    csv_path.unlink()

    result = plan(project)

    assert (
        reasons(result)["02-ouderen.ipynb"] == "data/ouderen.csv was replaced by data/ouderen.xlsx"
    )


def test_a_data_file_read_by_many_notebooks_is_hashed_once_until_it_changes(project, monkeypatch):
    """A grid plans each letter from the same files: each content is hashed once."""
    import os
    import time

    from brief import files

    path = project.data_dir / "jeugd.csv"
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    record_a_build(project, {source.name: ["data/jeugd.csv"] for source in project.notebooks()})
    hashed = []
    file_hash = files.file_hash
    monkeypatch.setattr(files, "file_hash", lambda p: hashed.append(p.name) or file_hash(p))
    data = lambda: [name for name in hashed if name == "jeugd.csv"]  # noqa: E731
    monkeypatch.setattr(files, "_KNOWN", {})

    for _letter in range(3):  # five notebooks read it, in each of three plans
        assert plan(project).nothing_to_do
    assert data() == ["jeugd.csv"]
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    rerun = plan(project)  # changed just now: hashed each time it is asked for
    assert len(data()) == 1 + 5
    os.utime(path, ns=(hour_ago, hour_ago))
    plan(project)
    plan(project)

    assert len(data()) == 1 + 5 + 1
    assert set(reasons(rerun).values()) == {"data/jeugd.csv changed"}
