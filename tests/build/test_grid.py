"""A grid of letters: which letters, their folders and names, gaps, shipping, pickling."""

from __future__ import annotations

import importlib
import json
import pickle
import pkgutil
import shutil
from dataclasses import replace

import docx
import pandas as pd
import pytest

import brief
from brief.build import shipping
from brief.build.grid import GridSummary, LetterEntry, build_grid, expand
from brief.exceptions import BriefError, ClusterError, ProjectError
from brief.notebook import indicators
from brief.project import areas
from brief.project.letters import Letter, grid_page_file, grid_summary_file
from brief.project.paths import ProjectPaths
from tests.conftest import copy_example

AREAS = [
    "Centrum",
    "Charlois",
    "Delfshaven",
    "Overschie",
    "Feijenoord",
    "IJsselmonde",
    "Noord",
    "Hoogvliet",
    "Kralingen-Crooswijk",
    "Pernis",
    "Hillegersberg-Schiebroek",
    "Prins Alexander",
    "Rozenburg",
    "Hoek van Holland",
]


# --- which letters, and where they go -------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("Hoek van Holland", "hoek-van-holland"),
        ("Kralingen-Crooswijk", "kralingen-crooswijk"),
        ("IJsselmonde", "ijsselmonde"),
        ("  Prins   Alexander ", "prins-alexander"),
        ("Ĳmuiden-Zuid/Oost", "ijmuiden-zuid-oost"),
    ],
)
def test_an_area_slug_is_plain_lowercase_with_hyphens(area, expected):
    assert areas.slug(area) == expected


def test_two_areas_with_the_same_folder_are_an_error():
    with pytest.raises(ProjectError, match=r"'Noord' and 'noord ' would share the folder"):
        areas.check_slugs(["Noord", "Centrum", "noord "])


def test_the_areas_file_is_read_with_dutch_header_and_semicolons(tmp_path):
    path = tmp_path / "gebieden.csv"
    path.write_text("Gebied;aanbieder\nNoord;SOL\n\nZuid;DOCK\nNoord;SOL\n", encoding="utf-8")

    assert areas.read_area_names(path) == ["Noord", "Zuid"]


def test_per_area_is_the_city_letter_then_every_area_in_file_order(project):
    letters = expand(project, [2023, 2024], per="area")

    assert letters[0] == Letter(2023) and letters[15] == Letter(2024)
    assert [letter.area for letter in letters[1:15]] == AREAS
    assert len(letters) == 30


def test_per_and_only_take_the_dutch_word_too(project):
    assert expand(project, [2024], per="gebied") == expand(project, [2024], per="area")
    assert expand(project, [2024], only=["gebied=Charlois", "Area=Delfshaven"]) == [
        Letter(2024, "Charlois"),
        Letter(2024, "Delfshaven"),
    ]


def test_only_picks_letters_whatever_the_spelling(project):
    letters = expand(project, [2024], only=["area=charlois", "area=ROTTERDAM", "area=Charlois"])

    assert letters == [Letter(2024), Letter(2024, "Charlois")]


def test_only_an_unknown_area_suggests_the_one_meant(project):
    with pytest.raises(ProjectError, match=r"'Charlos' is not Rotterdam or one of the 14 areas"):
        expand(project, [2024], only=["area=Charlos"])
    with pytest.raises(ProjectError, match="Did you mean 'Charlois'"):
        expand(project, [2024], only=["area=Charlos"])
    with pytest.raises(ProjectError, match="write --only area=NAME"):
        expand(project, [2024], only=["wijk=Charlois"])
    with pytest.raises(ProjectError, match="--per 'wijk' is not known"):
        expand(project, [2024], per="wijk")


def test_area_letters_have_their_own_folder_lock_and_name(project):
    letter = Letter(2024, "Hoek van Holland")
    outputs = letter.outputs(project, "brief")

    assert outputs.folder == project.outputs_dir / "gebied" / "hoek-van-holland" / "2024"
    assert outputs.letter.name == "brief-2024-hoek-van-holland.docx"
    assert outputs.review_letter.name == "brief-2024-hoek-van-holland-review.docx"
    assert letter.lock_file(project).parent == outputs.folder.parent
    assert project.year_dir(2024) not in outputs.folder.parents
    assert letter.parameters("Rotterdam") == {"year": 2024, "area": "Hoek van Holland"}
    assert Letter(2024).parameters("Rotterdam") == {"year": 2024, "area": "Rotterdam"}
    assert Letter(2024).outputs(project, "brief").folder == project.year_dir(2024)


# --- errors cross processes -------------------------------------------------------------------


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_brief_error_survives_a_pickle_round_trip():
    for module in pkgutil.iter_modules(brief.__path__):
        if module.name not in ("__main__",):
            importlib.import_module(f"brief.{module.name}")
    samples = {
        "NotebookError": lambda c: c("Notebook x failed", notebook="x.ipynb", cell=3),
        "FilterError": lambda c: c("getal", "tekst", "expected a number"),
        "BlockMisused": lambda c: c("kinderwerk_trend"),
        "KernelMissingError": lambda c: c("No kernel", notebook="x.ipynb"),
    }
    classes = [BriefError, *_all_subclasses(BriefError)]

    assert len(classes) >= 9
    for cls in classes:
        make = samples.get(cls.__name__)
        if make is None:
            assert cls.__init__ is Exception.__init__, f"{cls.__name__} needs a sample here"
            make = lambda c: c("something to fix")  # noqa: E731
        error = make(cls)
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is cls
        assert str(copy) == str(error)
        assert vars(copy) == vars(error), cls


# --- shipping to workers --------------------------------------------------------------------


def test_the_shipped_project_has_one_hash_for_the_same_files(project, tmp_path):
    elsewhere = copy_example(tmp_path / "elsewhere")
    (elsewhere.notebooks_dir / ".ipynb_checkpoints").mkdir()
    (elsewhere.notebooks_dir / ".ipynb_checkpoints" / "01-jeugd-checkpoint.ipynb").write_text("{}")

    first, second = shipping.pack(project), shipping.pack(project)
    moved = shipping.pack(elsewhere)

    assert first.key == second.key == moved.key
    assert first.files == moved.files
    assert "data/jeugd.csv" in first.manifest and "brief.yaml" in first.manifest
    assert not any("checkpoint" in path for path in moved.manifest)
    data = project.data_dir / "ouderen.csv"
    data.write_bytes(data.read_bytes() + b"\n")
    assert shipping.pack(project).key != first.key


@pytest.fixture
def worker_temp(tmp_path, monkeypatch):
    folder = tmp_path / "worker-temp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


def test_a_worker_unpacks_once_into_its_own_folder(project, worker_temp):
    bundle = shipping.pack(project)

    folder = shipping.unpack(bundle, bundle.manifest)
    again = shipping.unpack(bundle, bundle.manifest)

    assert folder == again
    assert folder.is_relative_to(worker_temp)
    assert (folder / "data" / "jeugd.csv").read_bytes() == (
        project.data_dir / "jeugd.csv"
    ).read_bytes()
    assert ProjectPaths(folder).notebooks() != [] and (folder / "templates").is_dir()


def test_a_worker_whose_data_hashes_differ_is_refused(project, worker_temp):
    bundle = shipping.pack(project)
    expected = {**bundle.manifest, "data/jeugd.csv": "0" * 64}

    with pytest.raises(ClusterError, match=r"differ from the coordinator's: data/jeugd.csv"):
        shipping.unpack(bundle, expected)

    folder = shipping.unpack(bundle, bundle.manifest)
    (folder / "data" / "ouderen.csv").write_text("changed on the worker")
    with pytest.raises(ClusterError, match=r"data on this worker differs.*data/ouderen.csv"):
        shipping.unpack(bundle, bundle.manifest)


def test_a_worker_with_other_package_versions_is_refused():
    coordinator = {**shipping.facts(), "pandas": "0.0.1"}

    with pytest.raises(ClusterError) as caught:
        shipping.refuse_if_different(coordinator, "tcp://10.0.0.7:40000")

    message = str(caught.value)
    assert message.startswith("The Dask worker tcp://10.0.0.7:40000 is refused")
    assert "(the coordinator has 0.0.1)" in message and "pandas" in message
    shipping.refuse_if_different(shipping.facts(), "here")  # the same: no error


def test_a_remote_run_refused_returns_the_error_as_data(project, worker_temp):
    from brief.build.cluster import RemoteTask, run_remote

    bundle = shipping.pack(project)
    task = RemoteTask(
        notebook="01-jeugd.ipynb",
        label="2024 Charlois",
        year=2024,
        parameters={"year": 2024, "area": "Charlois"},
        timeout=60,
        manifest=bundle.manifest,
        coordinator={**shipping.facts(), "brief code": "another"},
        language="en",
    )

    result = pickle.loads(pickle.dumps(run_remote(bundle, task)))

    assert isinstance(result.error, ClusterError) and result.executed is None
    assert "brief code" in str(result.error)


def test_a_remote_run_speaks_the_language_of_its_task_then_the_workers_own(
    project, worker_temp, monkeypatch
):
    import os

    from brief import i18n
    from brief.build import cluster
    from brief.build.cluster import RemoteTask, run_remote

    heard = []

    def refuse(coordinator, where):
        heard.append((i18n.current_language(), os.environ.get(i18n.LANGUAGE_VARIABLE)))
        raise ClusterError("refused")

    monkeypatch.setattr(cluster, "refuse_if_different", refuse)
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "fr")  # the worker's own: none brief speaks
    bundle = shipping.pack(project)
    task = RemoteTask(
        notebook="01-jeugd.ipynb",
        label="2024 Charlois",
        year=2024,
        parameters={"year": 2024, "area": "Charlois"},
        timeout=60,
        manifest=bundle.manifest,
        coordinator=shipping.facts(),
        language="en",
    )

    assert str(run_remote(bundle, task).error) == "refused"
    assert str(run_remote(bundle, replace(task, language="nl")).error) == "refused"

    assert heard == [("en", "en"), ("nl", "nl")]
    assert os.environ[i18n.LANGUAGE_VARIABLE] == "fr"  # the worker's own again, after each


def test_a_worker_speaks_one_language_at_a_time_and_switches_when_its_tasks_end():
    import os
    import threading
    import time

    from brief import i18n
    from brief.build.cluster import _Languages

    languages = _Languages()
    heard, lock = [], threading.Lock()
    go = {name: threading.Event() for name in ("en1", "en2", "nl", "en3")}

    def task(name: str, language: str) -> None:
        with languages.speaking(language):
            with lock:
                heard.append((name, "in", os.environ[i18n.LANGUAGE_VARIABLE]))
            go[name].wait(10)
            with lock:
                heard.append((name, "out", i18n.current_language()))

    def start(name: str, language: str) -> threading.Thread:
        thread = threading.Thread(target=task, args=(name, language))
        thread.start()
        return thread

    def until(check) -> None:
        deadline = time.monotonic() + 10
        while not check():
            assert time.monotonic() < deadline
            time.sleep(0.01)

    def entered() -> list[str]:
        with lock:
            return [name for name, what, _language in heard if what == "in"]

    threads = [start("en1", "en"), start("en2", "en")]
    until(lambda: entered() == ["en1", "en2"] or entered() == ["en2", "en1"])
    threads.append(start("nl", "nl"))
    until(lambda: len(languages._queue) == 1)
    threads.append(start("en3", "en"))  # waits too: the Dutch task came first
    until(lambda: len(languages._queue) == 2)
    go["en1"].set()
    go["en2"].set()
    until(lambda: "nl" in entered())
    assert "en3" not in entered()
    go["nl"].set()
    go["en3"].set()
    for thread in threads:
        thread.join(10)

    assert sorted(heard[:4]) == [
        ("en1", "in", "en"),
        ("en1", "out", "en"),
        ("en2", "in", "en"),
        ("en2", "out", "en"),
    ]
    assert heard[4:] == [
        ("nl", "in", "nl"),
        ("nl", "out", "nl"),
        ("en3", "in", "en"),
        ("en3", "out", "en"),
    ]
    assert os.environ[i18n.LANGUAGE_VARIABLE] == "en" and i18n._active is None


# --- gaps: no data for an area ----------------------------------------------------------------

FRAME = pd.DataFrame(
    [
        ("a", 2023, "Rotterdam", 10.0, "realisation", "bron"),
        ("a", 2023, "Rotterdam", 8.0, "target", "bron"),
        ("a", 2023, "Charlois", 3.0, "realisation", "fictief"),
    ],
    columns=["indicator", "year", "area", "value", "kind", "source"],
)
FRAME.attrs["city"] = "Rotterdam"


@pytest.fixture
def in_area_letter(monkeypatch):
    monkeypatch.setattr(indicators, "letter_area", lambda: "Charlois")


def test_an_area_letter_reads_its_own_rows_and_a_missing_figure_is_a_gap(in_area_letter):
    from brief.notebook.publish import value_item

    realised = indicators.value_for(FRAME, "a", 2023)
    target = indicators.value_for(FRAME, "a", 2023, kind="target")
    sentence = indicators.target_sentence(realised, target)

    assert realised == 3.0
    assert isinstance(target, indicators.NoData)
    assert "has no target of 'a' for Charlois" in target.reason
    item = value_item("a_doel", target)
    assert (item.value, item.unit, item.gap) == (indicators.NO_DATA, "text", target.reason)
    assert value_item("a_zin", sentence).gap is not None
    assert value_item("a_aandeel", 100 * realised / target).gap is not None
    assert indicators.source_note(FRAME, ["a"], [2023]) == "fictieve cijfers ter illustratie"
    assert indicators.source_note(FRAME, ["b"]) == indicators.NO_DATA
    assert indicators.target_year(FRAME, "a", 2023) == 2023


def test_a_chart_without_figures_for_the_area_says_so(in_area_letter):
    from brief.notebook import charts

    chart = charts.trend_chart(indicators.series(FRAME, "b"), title="B per jaar", what="bees")

    assert chart.gap == "no figures of bees for this area"
    assert chart.alt == "Geen gegevens voor dit gebied: bees."


def test_in_the_city_letter_a_missing_figure_stays_an_error():
    from brief.exceptions import DataError
    from brief.notebook import charts

    with pytest.raises(DataError, match="has no realisation of 'b' for Rotterdam"):
        indicators.value_for(FRAME, "b", 2023)
    with pytest.raises(DataError, match="no figures of bees"):
        charts.trend_chart(indicators.series(FRAME, "b"), title="B", what="bees")


# --- the summary --------------------------------------------------------------------------


def test_the_grid_summary_round_trips_and_counts(tmp_path):
    entry = LetterEntry(
        label="2024 Charlois",
        year=2024,
        area="Charlois",
        status="failed",
        reason="boom",
        seconds=0.0,
        when="2026-01-01T00:00:00+01:00",
    )
    summary = GridSummary(year=2024, updated="now", letters=[entry])

    summary.write(tmp_path / "grid-2024.json")

    assert GridSummary.read(tmp_path / "grid-2024.json") == summary
    assert summary.counts() == "1 failed"
    assert not list(tmp_path.glob(".grid-2024.json-*"))
    assert GridSummary.read(tmp_path / "missing.json") is None


def test_grid_summary_page_and_report_list_each_letters_gaps_findings_and_warnings(project):
    import io

    from rich.console import Console

    from brief.build.grid import Gap, GridResult, _write_page
    from brief.cli import gridview

    entry = LetterEntry(
        label="2024 Pernis",
        year=2024,
        area="Pernis",
        status="built",
        reason="first build",
        seconds=1.0,
        letter="gebied/pernis/2024/brief-2024-pernis.docx",
        gaps=[Gap(name="kinderwerk_pleinen_doel", reason="no target for Pernis")],
        findings=["Published but not used in the template: extra."],
        warnings=["The letter uses the font Arial, which this machine lacks."],
        when="2026-01-01T00:00:00+01:00",
    )
    summary = GridSummary(year=2024, updated="now", letters=[entry])
    out, err = io.StringIO(), io.StringIO()

    project.outputs_dir.mkdir()
    _write_page(project, summary)
    gridview.report(
        GridResult([entry], {}, [], [], 1.0), project, Console(file=out), Console(file=err)
    )

    page = grid_page_file(project, 2024).read_text(encoding="utf-8")
    assert "Published but not used in the template: extra." in page
    assert "The letter uses the font Arial, which this machine lacks." in page
    assert "no target for Pernis" in page
    assert "check: Published but not used in the template: extra." in out.getvalue()
    assert "Warning: 2024 Pernis: The letter uses the font Arial" in err.getvalue()


# --- a grid on this machine's threads ----------------------------------------------------------


def letter_text(path) -> str:
    from brief.letter import parts

    document = docx.Document(path)
    return "\n".join(text for _, text in parts.paragraph_texts(document))


@pytest.mark.slow
def test_a_grid_builds_area_letters_in_their_folders_and_one_failure_stops_no_other(project):
    from tests.build.test_year import add_notebook

    add_notebook(
        project,
        "06-stuk.ipynb",
        'if area == "Delfshaven":\n    raise ValueError("kapot in Delfshaven")',
    )
    letters = expand(project, [2024], only=["area=Charlois", "area=Delfshaven"])

    grid = build_grid(project, letters, jobs=2)

    charlois, delfshaven = grid.entries
    assert (charlois.status, delfshaven.status) == ("built", "failed")
    assert "kapot in Delfshaven" in delfshaven.reason
    letter = project.outputs_dir / "gebied" / "charlois" / "2024" / "brief-2024-charlois.docx"
    assert charlois.letter == "gebied/charlois/2024/brief-2024-charlois.docx" and letter.is_file()
    failed = project.outputs_dir / "gebied" / "delfshaven" / "2024"
    assert [p.name for p in failed.iterdir()] == ["failed"]  # the failed notebook, no letter
    assert (failed / "failed" / "06-stuk.ipynb").is_file()
    assert not project.year_dir(2024).exists()  # only the letters asked for
    text = letter_text(letter)
    assert "Onderwerp: Voortgangsbrief welzijn 2024: Charlois" in text
    assert "1.201 kinderen" in text  # Charlois's own (fictitious) figure, not the city's
    assert "Aan de gebiedscommissie Charlois" in text  # the area template (sjabloon_gebied)
    assert "Voor het aantal pleinen is geen doel per gebied vastgesteld." in text  # the gap
    assert "geen gegevens voor dit gebied" not in text  # ... never inside a sentence
    assert [gap.name for gap in charlois.gaps] == ["kinderwerk_pleinen_doel"]
    summary = json.loads(grid_summary_file(project, 2024).read_text(encoding="utf-8"))
    assert [e["status"] for e in summary["letters"]] == ["built", "failed"]
    page = grid_page_file(project, 2024).read_text(encoding="utf-8")
    assert 'href="gebied/charlois/2024/brief-2024-charlois.docx"' in page
    assert 'href="gebied/charlois/2024/index.html"' in page
    run = json.loads((letter.parent / "run.json").read_text(encoding="utf-8"))
    assert run["parameters"] == {"year": 2024, "area": "Charlois"}

    (project.notebooks_dir / "06-stuk.ipynb").unlink()
    letters = expand(project, [2024], only=["area=Rotterdam", "area=Delfshaven"])
    again = build_grid(project, letters, jobs=2)

    statuses = {entry.label: entry.status for entry in again.entries}
    assert statuses == {"2024": "built", "2024 Delfshaven": "built"}
    city = letter_text(project.year_dir(2024) / "brief-2024.docx")
    assert "26.410 kinderen" in city and "geen gegevens" not in city
    summary = GridSummary.read(grid_summary_file(project, 2024))
    assert [e.label for e in summary.letters] == ["2024", "2024 Charlois", "2024 Delfshaven"]
    assert [e.status for e in summary.letters] == ["built", "built", "built"]


@pytest.mark.slow
def test_a_grid_with_nothing_changed_builds_nothing(project):
    letters = expand(project, [2024], only=["area=Pernis"])
    build_grid(project, letters, jobs=2)
    folder = project.outputs_dir / "gebied" / "pernis" / "2024"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    again = build_grid(project, letters, jobs=2)

    assert [entry.status for entry in again.entries] == ["reused"]
    assert again.entries[0].gaps == [
        g for g in GridSummary.read(grid_summary_file(project, 2024)).letters[0].gaps
    ]
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    shutil.rmtree(project.outputs_dir)


def test_progress_is_quiet_off_a_terminal_and_estimates_the_time_left():
    import io

    from rich.console import Console

    from brief.cli.gridview import GridDisplay

    stream = io.StringIO()
    display = GridDisplay(Console(file=stream))
    letters = [Letter(2024), Letter(2024, "Noord"), Letter(2024, "Pernis")]
    entry = LetterEntry(
        label="2024", year=2024, area=None, status="built", reason="x", seconds=1.0, when="t"
    )

    with display.progress:
        display.grid_started(letters)
        display.notebook_started(letters[1], "01-jeugd.ipynb")
        display.notebook_started(letters[1], "02-ouderen.ipynb")
        display.notebook_ended(letters[1], "01-jeugd.ipynb")
        assert display.time_left() is None  # no letter done yet: no pace to go by
        display.letter_ended(entry)

    assert stream.getvalue() == ""
    assert display.time_left() is not None and display.time_left() >= 0
    assert len(display._running) == 1
