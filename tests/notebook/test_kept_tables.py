"""Tables kept in a process that forks kernels (brief.notebook.data.keep_tables): load_data
hands out the same table and records the same reads, reads nothing again, never lets one
notebook's changes reach another, and never serves a file's old content."""

from __future__ import annotations

import os
import sys

import pandas as pd
import pytest

from brief.notebook import data, indicators, rowindex, tablecache
from brief.notebook.data import keep_tables, load_catalogue, load_data


@pytest.fixture(autouse=True)
def _nothing_kept_after():
    yield
    data._KEPT.clear()
    data._CATALOGUES.clear()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The data files whose checked table is read from the cache or checked from now on."""
    seen: list[str] = []
    read_table, check_file = tablecache.read_table, data._check_file

    def reading(folder, path, key, threads=True):
        seen.append(path.name)
        return read_table(folder, path, key, threads)

    def checking(path, *args):
        seen.append(path.name)
        return check_file(path, *args)

    monkeypatch.setattr(tablecache, "read_table", reading)
    monkeypatch.setattr(data, "_check_file", checking)
    return seen


def test_a_kept_table_is_handed_out_as_load_data_reads_it(project, shown, reads):
    read = load_data("jeugd", project)  # checks the file and keeps the table in the cache
    catalogue = load_catalogue(project)
    recorded = [output["text/plain"] for output in shown]
    assert keep_tables(project) == 1  # the one file the cache holds
    shown.clear()
    reads.clear()

    handed = load_data("jeugd", project)
    handed_catalogue = load_catalogue(project)

    assert reads == []  # neither read from the cache nor checked again
    pd.testing.assert_frame_equal(handed, read)
    assert handed.attrs == read.attrs
    pd.testing.assert_frame_equal(handed_catalogue, catalogue)
    assert [output["text/plain"] for output in shown] == recorded


def test_a_notebook_that_changes_its_table_changes_only_its_own(project):
    load_data("jeugd", project)
    keep_tables(project)
    pristine = load_data("jeugd", project)

    first = load_data("jeugd", project)
    first.loc[first.index[0], "value"] = -1.0
    first.loc[first.index[1], "indicator"] = "iets_anders"
    first["area"] = "Nergens"
    first.attrs["city"] = "Elders"
    second = load_data("jeugd", project)

    pd.testing.assert_frame_equal(second, pristine)
    assert second.attrs == pristine.attrs
    assert indicators.value_for(second, "kinderwerk_pleinen", 2023) == indicators.value_for(
        pristine, "kinderwerk_pleinen", 2023
    )


def test_a_kept_table_shares_its_index(project):
    load_data("jeugd", project)
    keep_tables(project)

    one, other = load_data("jeugd", project), load_data("jeugd", project)

    assert rowindex.lookup(one) is rowindex.lookup(other)


def test_a_file_changed_since_it_was_kept_is_read_anew(project, reads):
    load_data("jeugd", project)
    keep_tables(project)
    path = project.data_dir / "jeugd.csv"
    extra = "jongerenhubs,2031,Noord,5,target,Nieuw\n"
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    reads.clear()

    table = load_data("jeugd", project)

    assert set(reads) == {"jeugd.csv"}  # looked up in the cache and checked, not handed out
    assert list(table["source"])[-1] == "Nieuw"


def test_a_changed_catalogue_is_read_anew(project):
    keep_tables(project)
    path = project.data_dir / "indicatoren.csv"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", "utf-8")

    assert len(load_catalogue(project)) == len(lines) - 2


def test_files_the_cache_lacks_are_checked_into_it(project, reads):
    data.check_data_files(project)
    names = {"jeugd.csv", "ouderen.csv", "kwetsbare_bewoners.csv", "lokale_initiatieven.csv"}
    assert set(reads) == names
    reads.clear()

    data.check_data_files(project)  # all kept now: nothing is checked again

    assert set(reads) == names and len(reads) == len(names)  # each looked up once, no check


def test_a_corrected_file_is_checked_before_the_kept_ones_are_looked_up(project, reads):
    data.check_data_files(project)
    path = project.data_dir / "ouderen.csv"  # the last of the four by name
    path.write_text(path.read_text("utf-8").replace(",700,", ",715,"), "utf-8")
    reads.clear()

    data.check_data_files(project)

    # Looked up in the cache (not there) and checked first; then the three kept, looked up.
    others = ["jeugd.csv", "kwetsbare_bewoners.csv", "lokale_initiatieven.csv"]
    first = min(reads.index(name) for name in others)
    assert set(reads[:first]) == {"ouderen.csv"} and len(reads[:first]) >= 2
    assert sorted(reads[first:]) == others


def test_a_data_file_with_problems_is_left_to_the_notebook_that_reads_it(project):
    path = project.data_dir / "ouderen.csv"
    path.write_text(path.read_text("utf-8") + "onbekend,2023,Noord,1,realisation,x\n", "utf-8")

    data.check_data_files(project)

    assert keep_tables(project) == 3
    assert not any("ouderen.csv" in path for path, _key in data._KEPT)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
def test_keeping_tables_starts_no_thread(project):
    data.check_data_files(project)
    before = len(os.listdir("/proc/self/task"))

    keep_tables(project)

    # None more (one a test before let go may still be leaving): the zygote forks afterwards.
    assert len(os.listdir("/proc/self/task")) <= before


def test_checking_the_data_files_reads_the_catalogue_once(project, monkeypatch):
    monkeypatch.setattr(data, "_CATALOGUES", {})
    reads = []
    read_catalogue = data._read_catalogue
    monkeypatch.setattr(
        data, "_read_catalogue", lambda path: reads.append(path) or read_catalogue(path)
    )

    data.check_data_files(project)

    assert len(data.data_files(project)) > 1 and len(reads) == 1
    assert len(list((project.outputs_dir / ".cache").glob("*.arrow"))) == len(
        data.data_files(project)
    )
