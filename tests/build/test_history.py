"""The kept letters: each distinct letter once, the reference, pruning, and --since."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief.build.diff import diff_since
from brief.build.history import INDEX_FILE, history_of, letter_key, parse_moment
from brief.cli import app
from brief.exceptions import BriefError
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths, YearOutputs
from tests.letter.test_redline import letter, mark, record

SENT = "2024-06-03T10:15:00+02:00"


@pytest.fixture(autouse=True)
def _amsterdam(monkeypatch):
    """Times without a zone are read in the computer's: here, Amsterdam's."""
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def kept_project(tmp_path: Path, builds: list[tuple[str, str]]) -> ProjectPaths:
    """A project whose outputs/2023 was built at each (time, text) in turn, each kept: the
    letter reads "Gebouwd <text>.", so builds with the same text make the same letter."""
    project = ProjectPaths(tmp_path / "project")
    for folder in ("params", "notebooks", "templates"):  # what makes it a project
        (project.root / folder).mkdir(parents=True)
    (project.root / "brief.yaml").write_text("organisatie: Gemeente X\nstad: X\n", "utf-8")
    outputs = YearOutputs(project.year_dir(2023), 2023)
    outputs.folder.mkdir(parents=True)
    history = history_of(project, Letter(2023))
    for moment, text in builds:
        outputs.letter.write_bytes(letter(f"Gebouwd {text}."))
        record(moment, shown=[("moment", text)]).write(outputs.run_record)
        marked = letter(f"Gebouwd {mark('moment', text)}.")
        history.keep(outputs.letter, outputs.run_record, moment, marked=marked)
    return project


BUILDS = [
    ("2024-06-01T09:00:00+02:00", "A"),
    (SENT, "B"),
    ("2024-06-03T11:00:00+02:00", "B"),  # the same letter, built again (another option)
    ("2024-06-10T16:00:00+02:00", "C"),
    ("2024-06-10T17:30:00+02:00", "D"),
]


def test_each_distinct_letter_is_kept_once_with_every_time_it_was_built(tmp_path):
    project = kept_project(tmp_path, BUILDS)

    history = history_of(project, Letter(2023))

    kept = history.letters()
    assert [entry.builds for entry in kept] == [
        ["2024-06-01T09:00:00+02:00"],
        [SENT, "2024-06-03T11:00:00+02:00"],
        ["2024-06-10T16:00:00+02:00"],
        ["2024-06-10T17:30:00+02:00"],
    ]
    folder = project.history_dir(2023) / kept[1].key
    assert sorted(p.name for p in folder.iterdir()) == [
        "brief-gemarkeerd.docx",
        "brief.docx",
        "run.json",
    ]
    assert kept[1].key == letter_key(letter("Gebouwd B."))
    assert len(kept[1].ident) == 10 and kept[1].key.startswith(kept[1].ident)
    index = json.loads((project.history_dir(2023) / INDEX_FILE).read_text())
    assert index["history_version"] == 1


def test_the_key_is_what_a_reader_sees_not_when_the_letter_was_saved():
    assert letter_key(letter("Gebouwd A.")) == letter_key(letter("Gebouwd A."))
    assert letter_key(letter("Gebouwd A.")) != letter_key(letter("Gebouwd A.", header="Kop"))
    assert letter_key(letter("Gebouwd A.")) != letter_key(letter("Gebouwd", "A."))


def test_the_reference_is_the_last_letter_that_differed_until_one_is_marked_sent(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    a, b, c, d = history.letters()

    assert history.reference_for(d.key) == c
    history.mark_sent(b.key, dt.datetime.fromisoformat("2024-06-04T09:00:00+02:00"))
    assert history.reference_for(d.key).key == b.key
    assert history.reference_for(b.key).key == d.key  # the sent letter itself: the last other
    assert history.describe(history.reference_for(d.key)) == (
        f"the letter marked as sent on 2024-06-04T09:00:00+02:00 ({b.ident})"
    )
    assert history.describe(c, reference=True) == (
        f"the last letter that differed, built 2024-06-10T16:00:00+02:00 ({c.ident})"
    )


def test_pruning_removes_the_oldest_unsent_letters_first_and_keeps_every_sent_one(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    a, b, c, d = history.letters()
    history.mark_sent(a.key, dt.datetime.fromisoformat(SENT))
    now = dt.datetime.fromisoformat("2024-06-11T00:00:00+02:00")

    removed = history.prune(2, None, now, protect={d.key})

    assert removed == [b.ident, c.ident]
    assert [entry.key for entry in history.letters()] == [a.key, d.key]
    assert not (project.history_dir(2023) / b.key).exists()
    with pytest.raises(ValueError, match="keep must be at least 1, got 0"):
        history.prune(0, None, now)


def test_pruning_by_age_removes_unsent_letters_built_longer_ago(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    now = dt.datetime.fromisoformat("2024-06-11T00:00:00+02:00")

    removed = history.prune(10, 5, now)

    assert len(removed) == 2
    assert [entry.last_built for entry in history.letters()] == [
        "2024-06-10T16:00:00+02:00",
        "2024-06-10T17:30:00+02:00",
    ]


@pytest.mark.parametrize(
    ("since", "text"),
    [
        (None, "C"),  # the reference: the last letter that differed
        ("2024-06-01", "A"),  # a date
        ("1-6-2024", "A"),  # a date as Dutch advisors write it
        ("2024-06-03 10:15", "B"),  # a time as listed, without zone: Amsterdam's
        ("2024-06-03T10:15:00+02:00", "B"),  # a time as listed
        ("03-06-2024 11:00", "B"),  # the second build of the same letter
        ("2024-06-03T101500+0200", "B"),  # the old history folders' names
        ("2024-06-10T16", "C"),  # the start of a time
        ("2024-06-05", "B"),  # no build that day: the letter as it stood then
        ("2024-06-10 17:00", "C"),
    ],
)
def test_since_picks_a_kept_letter_by_identifier_date_or_time(tmp_path, since, text):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    current = history.letters()[-1]

    found = history.select(since, current.key)

    assert found.key == letter_key(letter(f"Gebouwd {text}."))


def test_since_takes_the_identifier_listed_or_its_start_and_verzonden(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    a, b, c, d = history.letters()
    history.mark_sent(b.key, dt.datetime.fromisoformat(SENT))

    assert history.select(a.ident, d.key) == a
    assert history.select(c.key[:6], d.key) == c
    assert history.select("verzonden", d.key).key == b.key
    assert history.select("sent", d.key).key == b.key


def test_since_that_matches_no_letter_lists_the_letters_kept(tmp_path):
    project = kept_project(tmp_path, BUILDS[:2])
    history = history_of(project, Letter(2023))
    a, b = history.letters()

    with pytest.raises(BriefError) as raised:
        history.select("2024-05-31", b.key)

    assert str(raised.value) == (
        "No kept letter of 2023 matches --since 2024-05-31. Letters kept:\n"
        f"  - {a.ident}  2024-06-01T09:00:00+02:00\n"
        f"  - {b.ident}  2024-06-03T10:15:00+02:00\n"
        "Give one of these identifiers, a date or a time (2024-06-03, 2024-06-03 10:15), or "
        f"verzonden for the letter marked as sent; e.g. --since {b.ident}."
    )


def test_since_a_date_with_several_letters_asks_for_the_identifier(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    c, d = history.letters()[-2:]

    with pytest.raises(BriefError) as raised:
        history.select("2024-06-10", d.key)

    assert str(raised.value) == (
        "--since 2024-06-10 matches 2 kept letters of 2023:\n"
        f"  - {c.ident}  2024-06-10T16:00:00+02:00\n"
        f"  - {d.ident}  2024-06-10T17:30:00+02:00\n"
        f"Give one of their identifiers, e.g. --since {d.ident}."
    )


def test_verzonden_without_a_letter_marked_sent_says_how_to_mark_one(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))

    with pytest.raises(BriefError) as raised:
        history.select("verzonden", history.letters()[-1].key)

    assert str(raised.value) == (
        "No letter of 2023 is marked as sent. After sending it, mark it with `brief "
        "verzonden 2023` (or build with --markeer-verzonden)."
    )


def test_with_only_one_letter_kept_there_is_nothing_to_compare_with(tmp_path):
    project = kept_project(tmp_path, BUILDS[1:3])
    history = history_of(project, Letter(2023))

    with pytest.raises(BriefError) as raised:
        history.select(None, history.letters()[-1].key)

    assert str(raised.value) == (
        "No other letter of 2023 is kept, so there is nothing to compare the letter with. "
        "Build 2023 again after a correction, then compare."
    )


def test_moments_are_periods_of_the_precision_given():
    start, end = parse_moment("2024-06-03T10:15:00+02:00")

    assert end - start == dt.timedelta(seconds=1)
    assert parse_moment("2024-06-03")[1] - parse_moment("2024-06-03")[0] == dt.timedelta(days=1)
    assert parse_moment("3-6-2024 10:15")[0].isoformat() == "2024-06-03T10:15:00+02:00"
    assert parse_moment("3 juni") is None
    assert parse_moment("2024-13-40") is None


def test_builds_kept_before_the_index_are_taken_in(tmp_path):
    project = kept_project(tmp_path, [])
    for name, moment, text in [
        ("2024-06-01T090000+0200", "2024-06-01T09:00:00+02:00", "A"),
        ("2024-06-02T090000+0200", "2024-06-02T09:00:00+02:00", "A"),
        ("2024-06-03T090000+0200", "2024-06-03T09:00:00+02:00", "B"),
    ]:
        old = YearOutputs(project.history_dir(2023) / name, 2023)
        old.folder.mkdir(parents=True)
        old.letter.write_bytes(letter(f"Gebouwd {text}."))
        old.marked_letter.write_bytes(letter(f"Gebouwd {mark('moment', text)}."))
        record(moment, shown=[("moment", text)]).write(old.run_record)

    kept = history_of(project, Letter(2023)).letters()

    assert [entry.builds for entry in kept] == [
        ["2024-06-01T09:00:00+02:00", "2024-06-02T09:00:00+02:00"],
        ["2024-06-03T09:00:00+02:00"],
    ]
    assert sorted(p.name for p in project.history_dir(2023).iterdir()) == sorted(
        [INDEX_FILE, kept[0].key, kept[1].key]
    )


# --- brief diff, brief geschiedenis, brief verzonden --------------------------------------


def test_brief_diff_writes_the_redline_against_the_reference(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    c = history_of(project, Letter(2023)).letters()[-2]

    made = diff_since(project, 2023)

    assert made.since == c
    assert made.path == project.year_dir(2023) / f"brief-2023-wijzigingen-sinds-{c.ident}.docx"
    assert [(ch.kind, ch.name, ch.old, ch.new) for ch in made.changes] == [
        ("value", "moment", "C", "D")
    ]
    assert made.reference == (
        f"the last letter that differed, built 2024-06-10T16:00:00+02:00 ({c.ident})"
    )


def run(project: ProjectPaths, *arguments: str):
    return CliRunner().invoke(app, [*arguments, "--project", str(project.root)])


def test_cli_diff_of_a_year_never_built_says_to_build_it(tmp_path):
    project = kept_project(tmp_path, [])

    result = run(project, "diff", "2023")

    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: 2023 has not been built yet: there is no outputs/2023/run.json. "
        "Run `brief build 2023` first."
    )


def test_cli_lists_the_letters_and_diff_accepts_what_it_lists(tmp_path, monkeypatch):
    project = kept_project(tmp_path, BUILDS)
    monkeypatch.chdir(project.root)  # paths are printed from where brief runs
    a = history_of(project, Letter(2023)).letters()[0]

    listed = run(project, "geschiedenis", "2023")
    english = run(project, "history", "2023")
    made = run(project, "diff", "2023", "--since", a.ident)

    assert listed.exit_code == 0, listed.output
    assert listed.output == english.output
    lines = listed.output.splitlines()
    assert lines[0] == (
        "2023: 4 letter(s) kept, the last built last. Compare with one by its identifier: "
        "brief diff 2023 --since IDENTIFIER"
    )
    assert lines[1] == f"  - {a.ident}  2024-06-01T09:00:00+02:00"
    assert lines[-1] == (
        f"  - {history_of(project, Letter(2023)).letters()[-1].ident}  "
        "2024-06-10T17:30:00+02:00  (the current letter)"
    )
    assert made.exit_code == 0, made.output
    assert made.output.splitlines() == [
        f"2023: 1 change(s) since the letter built 2024-06-01T09:00:00+02:00 ({a.ident}), "
        "tracked as Word revisions.",
        f"outputs/2023/brief-2023-wijzigingen-sinds-{a.ident}.docx",
    ]


def test_cli_verzonden_marks_the_current_letter_and_diff_compares_with_it(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    d = history_of(project, Letter(2023)).letters()[-1]

    marked = run(project, "verzonden", "2023")
    listed = run(project, "geschiedenis", "2023")
    same = run(project, "diff", "2023", "--since", "verzonden")

    assert marked.exit_code == 0, marked.output
    assert marked.output.strip() == (
        f"2023: the letter {d.ident} (built 2024-06-10T17:30:00+02:00) is marked as sent; "
        "later changes are reported against it."
    )
    sent = history_of(project, Letter(2023)).letters()[-1].sent
    assert (
        f"  - {d.ident}  2024-06-10T17:30:00+02:00  (sent, marked {sent})  (the current letter)"
        in listed.output
    )
    assert same.output.strip() == (
        f"2023: the letter has not changed since the letter marked as sent on {sent} ({d.ident})."
    )


def test_cli_diff_with_an_unknown_since_lists_the_letters_kept(tmp_path):
    project = kept_project(tmp_path, BUILDS)

    result = run(project, "diff", "2023", "--since", "3 juni")

    assert result.exit_code == 1
    assert "No kept letter of 2023 matches --since 3 juni. Letters kept:\n" in result.output


def test_a_letter_removed_by_hand_is_passed_over(tmp_path):
    project = kept_project(tmp_path, BUILDS)
    history = history_of(project, Letter(2023))
    a, b, c, d = history.letters()
    history.mark_sent(c.key, dt.datetime.fromisoformat(SENT))
    (project.history_dir(2023) / c.key / "brief.docx").unlink()

    assert history.letters() == [a, b, d]
    assert history.reference_for(d.key) == b
    with pytest.raises(BriefError, match="No letter of 2023 is marked as sent"):
        history.select("verzonden", d.key)
