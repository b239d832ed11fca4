"""The checked tables kept in outputs/.cache/: the same table, read once per content."""

from __future__ import annotations

import pandas as pd
import pytest

from brief.exceptions import DataError
from brief.notebook import tablecache
from brief.notebook.data import load_data


def kept_tables(project) -> list:
    tablecache.finish_writing()  # a table is written while the notebook goes on
    return sorted((project.outputs_dir / ".cache").glob("data-jeugd.csv-*.arrow"))


def test_a_kept_table_is_the_table_checked_and_records_the_same_reads(project, shown):
    path = project.data_dir / "jeugd.csv"
    extra = 'jongerenhubs,2031,Noord,"1.234",realisation,x\n'
    path.write_text(path.read_text("utf-8") + extra, "utf-8")

    checked = load_data("jeugd", project)
    first_reads = [output["text/plain"] for output in shown]
    shown.clear()
    kept = load_data("jeugd", project)

    assert len(kept_tables(project)) == 1
    pd.testing.assert_frame_equal(kept, checked)
    assert kept.attrs == checked.attrs
    assert [output["text/plain"] for output in shown] == first_reads
    assert "read '1.234' as 1234" in first_reads[-1]


def test_a_changed_file_is_checked_anew(project):
    load_data("jeugd", project)
    path = project.data_dir / "jeugd.csv"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", "utf-8")

    with pytest.raises(DataError, match="the same indicator, year, area and kind as row 2"):
        load_data("jeugd", project)


def test_a_changed_catalogue_is_checked_anew(project):
    load_data("jeugd", project)
    catalogue = project.data_dir / "indicatoren.csv"
    catalogue.write_text(
        catalogue.read_text("utf-8").replace("kinderwerk_pleinen,", "kinderwerk_plekken,"),
        "utf-8",
    )

    with pytest.raises(DataError, match="'kinderwerk_pleinen' is not in indicatoren.csv"):
        load_data("jeugd", project)


def test_another_version_of_brief_checks_anew(project, monkeypatch):
    load_data("jeugd", project)
    monkeypatch.setattr("brief.__version__", "99.0")

    load_data("jeugd", project)

    assert len(kept_tables(project)) == 1  # the older table went


def test_a_damaged_kept_table_is_ignored(project):
    checked = load_data("jeugd", project)
    (table,) = kept_tables(project)
    table.write_bytes(b"not an arrow file")

    pd.testing.assert_frame_equal(load_data("jeugd", project), checked)


def test_a_hash_is_computed_again_when_the_file_changes(project, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("one", "utf-8")
    first = tablecache.content_hash(path, tmp_path / "cache")
    path.write_text("two", "utf-8")

    assert tablecache.content_hash(path, tmp_path / "cache") != first
    assert tablecache.content_hash(path, tmp_path / "cache") == tablecache.file_hash(path)


def test_a_file_is_checked_when_no_lock_can_be_had(project):
    fresh = load_data("jeugd", project)
    tablecache.finish_writing()
    project.outputs_dir.mkdir(exist_ok=True)
    cache = tablecache.cache_dir(project.outputs_dir)
    for kept in cache.iterdir():
        kept.unlink()
    cache.rmdir()
    cache.write_text("not a folder", encoding="utf-8")  # nothing can be kept, nor locked

    table = load_data("jeugd", project)

    pd.testing.assert_frame_equal(table, fresh)


def test_a_checked_table_is_kept_in_one_chunk_per_column(project):
    # Large enough for Arrow to read in several blocks.
    areas = pd.read_csv(project.areas_file)["area"].tolist()
    indicators = pd.read_csv(project.data_dir / "indicatoren.csv")["indicator"].tolist()
    rows = [
        f"{indicator},{year},{area},1,{kind},x\n"
        for indicator in indicators
        for area in areas
        for year in range(2030, 2100)
        for kind in ("realisation", "target", "baseline")
    ]
    with (project.data_dir / "jeugd.csv").open("a", encoding="utf-8") as stream:
        stream.write("".join(rows))
    checked = load_data("jeugd", project)

    kept = load_data("jeugd", project)

    for table in (checked, kept):
        chunks = {c: table[c].array._pa_array.num_chunks for c in ("indicator", "area", "source")}
        assert chunks == {"indicator": 1, "area": 1, "source": 1}
    assert len(kept) > 40_000


def test_a_temporary_file_left_by_a_killed_write_goes_when_a_table_is_kept(project):
    import os
    import time

    cache = tablecache.cache_dir(project.outputs_dir)
    cache.mkdir(parents=True)
    left, writing = cache / ".k1ll3d.tmp", cache / ".now.tmp"
    for temporary in (left, writing):
        temporary.write_bytes(b"half a table")
    hours_ago = time.time() - 2 * tablecache.LEFT_BEHIND_AFTER
    os.utime(left, (hours_ago, hours_ago))

    load_data("jeugd", project)
    tablecache.finish_writing()

    assert not left.exists()
    assert writing.exists()  # another process may be writing it now


def mapped_from(array) -> object:
    """Return what the memory of ``array`` finally belongs to (an mmap, or an array)."""
    while True:
        if isinstance(array, memoryview):
            array = array.obj
        elif getattr(array, "base", None) is not None:
            array = array.base
        else:
            return array


def test_a_kept_tables_numbers_are_the_mapped_file_and_a_notebook_may_still_change_them(
    project,
):
    import mmap

    checked = load_data("jeugd", project)
    kept = load_data("jeugd", project)
    before = kept.copy()

    # Not copied into memory of their own: the file's bytes, read where they are looked at.
    for column in ("year", "value", "row"):
        assert isinstance(mapped_from(kept[column].to_numpy()), mmap.mmap), column
    # Changed in place, as a notebook may; the cache and the next read keep the numbers.
    kept.loc[kept.index[0], "value"] = -1.0
    kept["year"] += 1
    again = load_data("jeugd", project)

    assert kept["value"].iloc[0] == -1.0 and (kept["year"] == before["year"] + 1).all()
    pd.testing.assert_frame_equal(again, before)
    pd.testing.assert_frame_equal(again, checked)


def test_a_kept_table_alone_in_its_process_is_changed_in_place_not_in_the_file(project):
    from brief.notebook.data import _table_key
    from brief.project.settings import load_settings

    path = project.data_dir / "jeugd.csv"
    load_data("jeugd", project)
    tablecache.finish_writing()
    key = _table_key(path, project, load_settings(project.root))[1]
    cache = project.outputs_dir / ".cache"
    frame, _notes, _facts = tablecache.read_table(cache, path, key)

    # No other frame shares these columns: pandas writes into them, not into a copy.
    frame.loc[frame.index[0], "value"] = 12345.0
    frame.iloc[1, frame.columns.get_loc("row")] = 99

    assert frame["value"].iloc[0] == 12345.0 and frame["row"].iloc[1] == 99
    reread, _notes, _facts = tablecache.read_table(cache, path, key)
    assert reread["value"].iloc[0] != 12345.0 and reread["row"].iloc[1] == 3
