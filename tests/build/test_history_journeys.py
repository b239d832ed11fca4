"""Real rebuilds, walked as an advisor does: corrections, option-only builds, a letter
marked as sent, a change in how a value prints, an area's letter.

Each journey asserts on changes.md, the summary line `brief build` prints, and the letter
with tracked changes (python-docx; accepted and rejected as Word defines it, and in
LibreOffice where the journey is the one that shows it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from brief import i18n
from brief.build.history import history_of
from brief.cli import app
from brief.letter import tracked
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths
from tests.letter.test_redline import SOFFICE, content, libreoffice, resolved

pytestmark = pytest.mark.slow

YEAR = 2023
OUDEREN = "valpreventie_deelnemers,2023,Rotterdam,{},realisation,"


@pytest.fixture
def rebuilt(built, tmp_path, monkeypatch) -> ProjectPaths:
    """A copy of the built example project, outputs and history included; brief runs in
    it, as an advisor runs it, so it prints paths from there (outputs/2023/...)."""
    target = tmp_path / "project"
    shutil.copytree(built["paths"].root, target, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.chdir(target)
    return ProjectPaths(target)


def brief(project: ProjectPaths, *arguments: str) -> list[str]:
    """Run `brief ...` on ``project`` as an advisor would; return the lines it printed."""
    with i18n.speaking("en"):  # a --lang holds for its command only, as in a process of its own
        result = CliRunner().invoke(app, [*arguments, "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def correct(project: ProjectPaths, old: int, new: int) -> None:
    path = project.data_dir / "ouderen.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(OUDEREN.format(old)) == 1
    path.write_text(text.replace(OUDEREN.format(old), OUDEREN.format(new)), encoding="utf-8")


def changes_line(lines: list[str]) -> str:
    starts = ("changes since ", "changes: ", "wijzigingen sinds ", "wijzigingen: ")
    (line,) = [line.strip() for line in lines if line.strip().startswith(starts)]
    return line


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def value_revisions(redline: Path) -> list[tuple[str, str]]:
    """The tracked changes of the body that carry text (pictures are tracked empty)."""
    return [(kind, text) for kind, text in tracked.revisions(docx.Document(redline)) if text]


def test_a_correction_stays_reported_through_option_builds_until_the_next(rebuilt, tmp_path):
    outputs = rebuilt.year_dir(YEAR)
    first = json.loads((outputs / "run.json").read_text())["finished"]
    first_letter = (outputs / "brief-2023.docx").read_bytes()
    correct(rebuilt, 700, 715)

    corrected = brief(rebuilt, "build", str(YEAR))

    history = history_of(rebuilt, Letter(YEAR))
    original = history.letters()[0]
    assert changes_line(corrected) == (
        f"changes since the last letter that differed, built {first} ({original.ident}): "
        "1 value(s) changed (valpreventie_deelnemers 700 → 715); 1 figure(s); 1 table(s); "
        "see outputs/2023/changes.md"
    )
    report = (outputs / "changes.md").read_text(encoding="utf-8")
    assert f"Compared with the last letter that differed, built {first} ({original.ident})." in (
        report
    )
    assert "| valpreventie_deelnemers | 700 | 715 |" in report
    redline = outputs / "brief-2023-wijzigingen.docx"
    assert value_revisions(redline) == [("del", "700"), ("ins", "715")] * 2
    kept = {name: digest(outputs / name) for name in ("changes.md", redline.name)}
    second_letter = (outputs / "brief-2023.docx").read_bytes()

    # Builds that change nothing in the letter keep the record, and what they made.
    with_review = brief(rebuilt, "build", str(YEAR), "--review")
    with_pdf = brief(rebuilt, "build", str(YEAR), "--pdf")
    in_dutch = brief(rebuilt, "build", str(YEAR), "--lang", "nl")

    for lines in (with_review, with_pdf):
        assert changes_line(lines) == changes_line(corrected)
        assert "  the letter reads as the last build's: what was made for it is kept" in lines
    assert changes_line(in_dutch).startswith(
        f"wijzigingen sinds de laatste brief die anders was, gebouwd {first} ({original.ident})"
    )
    assert {name: digest(outputs / name) for name in kept} == kept
    assert (outputs / "brief-2023-review.docx").is_file()
    assert (outputs / "brief-2023.pdf").is_file()
    run = json.loads((outputs / "run.json").read_text())
    assert run["outputs"]["review_copy"] and run["outputs"]["pdf"]
    assert len(history.letters()) == 2
    assert len(history.letters()[-1].builds) == 4

    # The next correction is reported against the letter before it; what was made for that
    # letter goes with it.
    correct(rebuilt, 715, 720)
    again = brief(rebuilt, "build", str(YEAR))

    corrected_letter = history.letters()[-2]
    assert corrected_letter.key == history.index().letters[1].key
    assert changes_line(again) == (
        "changes since the last letter that differed, built "
        f"{corrected_letter.last_built} ({corrected_letter.ident}): 1 value(s) changed "
        "(valpreventie_deelnemers 715 → 720); 1 figure(s); 1 table(s); "
        "see outputs/2023/changes.md"
    )
    report = (outputs / "changes.md").read_text(encoding="utf-8")
    assert "| valpreventie_deelnemers | 715 | 720 |" in report
    assert not (outputs / "brief-2023-review.docx").exists()
    assert not (outputs / "brief-2023.pdf").exists()
    made = redline.read_bytes()
    assert value_revisions(redline) == [("del", "715"), ("ins", "720")] * 2
    new_letter = (outputs / "brief-2023.docx").read_bytes()
    assert content(resolved(made, accept=True)) == content(new_letter)
    assert content(resolved(made, accept=False)) == content(second_letter)
    assert content(second_letter) != content(first_letter)

    if SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"):
        pytest.skip("LibreOffice is not installed: accepted and rejected in Python only")
    office = libreoffice(tmp_path, {"redline": made}, modes=("accepted", "rejected"))
    for part in ("paragraphs", "cells", "pictures"):
        assert content(office["redline"]["accepted"])[part] == content(new_letter)[part], part
        assert content(office["redline"]["rejected"])[part] == content(second_letter)[part], part


def test_reports_compare_with_the_letter_marked_sent_after_later_corrections(rebuilt):
    outputs = rebuilt.year_dir(YEAR)
    correct(rebuilt, 700, 715)
    marked = brief(rebuilt, "build", str(YEAR), "--markeer-verzonden")
    sent_letter = (outputs / "brief-2023.docx").read_bytes()
    history = history_of(rebuilt, Letter(YEAR))
    sent = history.letters()[-1]
    assert sent.sent is not None
    assert marked[-2] == (
        f"2023: the letter {sent.ident} (built {sent.last_built}) is marked as sent; later "
        "changes are reported against it."
    )

    correct(rebuilt, 715, 720)
    after_one = brief(rebuilt, "build", str(YEAR))
    correct(rebuilt, 720, 725)
    after_two = brief(rebuilt, "build", str(YEAR))

    against = f"the letter marked as sent on {sent.sent} ({sent.ident})"
    assert changes_line(after_one).startswith(
        f"changes since {against}: 1 value(s) changed (valpreventie_deelnemers 715 → 720)"
    )
    assert changes_line(after_two).startswith(
        f"changes since {against}: 1 value(s) changed (valpreventie_deelnemers 715 → 725)"
    )
    report = (outputs / "changes.md").read_text(encoding="utf-8")
    assert f"Compared with {against}." in report
    page = (outputs / "index.html").read_text(encoding="utf-8")
    assert f"What changed since {against}</a>" in page
    assert "| valpreventie_deelnemers | 715 | 725 |" in report
    redline = outputs / "brief-2023-wijzigingen.docx"
    assert value_revisions(redline) == [("del", "715"), ("ins", "725")] * 2
    made = redline.read_bytes()
    assert content(resolved(made, accept=False)) == content(sent_letter)
    assert content(resolved(made, accept=True)) == content(outputs / "brief-2023.docx")
    assert len(history.letters()) == 4

    # brief diff says the same against the sent letter, by name or by default.
    by_name = brief(rebuilt, "diff", str(YEAR), "--since", "verzonden")
    assert by_name[0] == f"2023: 3 change(s) since {against}, tracked as Word revisions."
    diffed = rebuilt.root / by_name[1]
    assert value_revisions(diffed) == value_revisions(redline)
    assert brief(rebuilt, "diff", str(YEAR))[0] == by_name[0]


def test_option_only_builds_keep_one_letter_and_since_finds_the_first_build(rebuilt):
    outputs = rebuilt.year_dir(YEAR)
    first = json.loads((outputs / "run.json").read_text())["finished"]
    correct(rebuilt, 700, 715)
    brief(rebuilt, "build", str(YEAR))
    report = digest(outputs / "changes.md")

    for number in range(20):  # each refills the letter: the messages' language changed
        lines = brief(rebuilt, "build", str(YEAR), "--lang", ("nl", "en")[number % 2])
        assert any("built in" in line or "gebouwd in" in line for line in lines), lines

    history = history_of(rebuilt, Letter(YEAR))
    kept = history.letters()
    assert len(kept) == 2 and len(kept[-1].builds) == 21
    assert digest(outputs / "changes.md") == report
    listed = brief(rebuilt, "geschiedenis", str(YEAR))
    assert f"  - {kept[0].ident}  {first}" in listed
    since_first = brief(rebuilt, "diff", str(YEAR), "--since", first)
    by_ident = brief(rebuilt, "diff", str(YEAR), "--since", kept[0].ident)
    assert since_first[0] == (
        f"2023: 3 change(s) since the letter built {first} ({kept[0].ident}), tracked as Word "
        "revisions."
    )
    assert since_first == by_ident
    assert value_revisions(rebuilt.root / since_first[1]) == [("del", "700"), ("ins", "715")] * 2


def replace_in_header(template: Path, old: str, new: str) -> None:
    document = docx.Document(template)
    replaced = 0
    for section in document.sections:
        for story in (section.header, section.first_page_header):
            for table in story.tables:
                for row in table.rows:
                    for cell in row.cells:
                        for paragraph in cell.paragraphs:
                            for run in paragraph.runs:
                                if old in run.text:
                                    run.text = run.text.replace(old, new)
                                    replaced += 1
    assert replaced
    document.save(template)


def test_a_date_printed_otherwise_in_the_header_is_a_change(rebuilt, tmp_path):
    outputs = rebuilt.year_dir(YEAR)
    old_letter = (outputs / "brief-2023.docx").read_bytes()
    replace_in_header(rebuilt.default_template, "{{ datum|datum }}", "{{ datum }}")

    lines = brief(rebuilt, "build", str(YEAR))

    reference = history_of(rebuilt, Letter(YEAR)).letters()[0]
    assert changes_line(lines) == (
        "changes since the last letter that differed, built "
        f"{reference.last_built} ({reference.ident}): 1 text(s); see outputs/2023/changes.md"
    )
    report = (outputs / "changes.md").read_text(encoding="utf-8")
    assert "- Text: “12 juli 2024” → “2024-07-12”" in report
    assert "Nothing in the letter changed." not in report
    redline = outputs / "brief-2023-wijzigingen.docx"
    assert value_revisions(redline) == [("del", "12 juli 2024"), ("ins", "2024-07-12")]
    made = redline.read_bytes()
    new_letter = (outputs / "brief-2023.docx").read_bytes()
    assert content(resolved(made, accept=True)) == content(new_letter)
    assert content(resolved(made, accept=False)) == content(old_letter)

    if SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"):
        pytest.skip("LibreOffice is not installed: accepted and rejected in Python only")
    office = libreoffice(tmp_path, {"redline": made}, modes=("accepted", "rejected"))
    office |= libreoffice(tmp_path, {"new": new_letter, "old": old_letter}, modes=("saved",))
    # Headers as LibreOffice saves the letters themselves (it updates the page fields).
    accepted, rejected = office["redline"]["accepted"], office["redline"]["rejected"]
    assert content(accepted)["headers"] == content(office["new"]["saved"])["headers"]
    assert content(rejected)["headers"] == content(office["old"]["saved"])["headers"]
    assert content(accepted)["headers"] != content(rejected)["headers"]


def test_an_area_letter_keeps_its_history_and_has_a_diff(rebuilt):
    area = ["--only", "area=Noord"]
    folder = rebuilt.outputs_dir / "gebied" / "noord" / str(YEAR)
    brief(rebuilt, "build", str(YEAR), *area)
    old_letter = (folder / "brief-2023-noord.docx").read_bytes()
    path = rebuilt.data_dir / "ouderen.csv"
    row = "valpreventie_deelnemers,2023,Noord,{},realisation,"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(row.format(79), row.format(85)), encoding="utf-8")

    lines = brief(rebuilt, "build", str(YEAR), *area)

    history = history_of(rebuilt, Letter(YEAR, "Noord"))
    before = history.letters()[0]
    assert history.folder == rebuilt.outputs_dir / ".history" / "gebied" / "noord" / str(YEAR)
    assert changes_line(lines).startswith(
        f"changes since the last letter that differed, built {before.last_built} "
        f"({before.ident}): 1 value(s) changed (valpreventie_deelnemers 79 → 85)"
    )
    report = (folder / "changes.md").read_text(encoding="utf-8")
    assert "| valpreventie_deelnemers | 79 | 85 |" in report
    redline = folder / "brief-2023-wijzigingen.docx"
    assert ("del", "79") in value_revisions(redline)
    assert ("ins", "85") in value_revisions(redline)
    made = redline.read_bytes()
    assert content(resolved(made, accept=False)) == content(old_letter)
    assert content(resolved(made, accept=True)) == content(folder / "brief-2023-noord.docx")
    # The city letter's history is its own.
    assert len(history_of(rebuilt, Letter(YEAR)).letters()) == 1

    diffed = brief(rebuilt, "diff", str(YEAR), *area)
    listed = brief(rebuilt, "geschiedenis", str(YEAR), *area)

    assert diffed[0].startswith("2023 Noord: ")
    assert diffed[0].endswith(
        f"change(s) since the last letter that differed, built {before.last_built} "
        f"({before.ident}), tracked as Word revisions."
    )
    assert value_revisions(rebuilt.root / diffed[1]) == value_revisions(redline)
    assert listed[0].startswith("2023 Noord: 2 letter(s) kept")
