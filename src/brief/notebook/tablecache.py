"""Keep each data file's checked table, so a file is read and checked once per content.

A national file takes a second or two to read and check, and a grid of 15 letters runs
every notebook 15 times. So the checked table is kept in ``outputs/.cache/`` as an Arrow
file, under a key made of everything the check depends on: the data file's content hash,
those of the catalogue and the areas file, the city's name and the file's notation, and
brief's version and checking code. Anything else is a miss: a changed file, catalogue or
brief is checked anew. Reading a kept table maps the file into memory, a million rows in
a few milliseconds: its columns are the file's bytes, read from disk (or the system's file
cache) only where a notebook looks, and shared by every process that maps the same file.

The table is written by a thread of its own while the notebook goes on; the lock that
lets one process at a time check a file is let go once it is written. A process that forks
kernels (brief.build.zygote) keeps the tables in memory as well, for the kernels to share
(brief.notebook.data.keep_tables).

Hashing a large file takes time too, so each file's hash is kept beside the tables with
the file's size, modification time and inode, and computed again only when one of those
changes (as git's index does). Nothing here is needed for a build to be right: a cache
that cannot be read or written is ignored and the file checked as before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import mmap
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import brief
from brief.files import file_hash, racy
from brief.records import ReadNote

CACHE_FORMAT = 2  # bump when what is kept changes shape
CHECK_WAIT = 300  # seconds a process waits for another that checks the same file
# A temporary file this many seconds old was left by a process killed while writing it
# (a table takes a fraction of a second to write): it goes when the next table is kept.
LEFT_BEHIND_AFTER = 3600
# The modules whose code decides what a checked table holds.
CHECKING_CODE = (
    "notebook/data.py",
    "notebook/validate.py",
    "notebook/problems.py",
    "notebook/rowstyle.py",
    "notebook/rowindex.py",  # the index kept with a table
    "records.py",
    "formatting.py",
)


def cache_dir(outputs: Path) -> Path:
    return outputs / ".cache"


@dataclass(frozen=True)
class Content:
    """A file's bytes as brief read them once, to hash and to parse the same bytes.

    ``stat`` is the file's as it was before the bytes were read; ``mapped`` says whether
    ``data`` maps the file (and so changes with it) or is a copy of its own.
    """

    data: Any  # bytes, or an mmap.mmap: anything with the buffer protocol and find()
    stat: os.stat_result
    mapped: bool


def unchanged(path: Path, before: os.stat_result) -> bool:
    """Return whether the file at ``path`` is as ``before`` saw it (size, time, inode)."""
    try:
        now = path.stat()
    except OSError:
        return False
    return _seen(now) == _seen(before) and now.st_ctime_ns == before.st_ctime_ns


def content_hash(path: Path, folder: Path, content: Content | None = None) -> str:
    """Return the SHA-256 of ``path``, computed again only when the file has changed.

    With ``content`` (the file's bytes, read already) those bytes are hashed, not read again.
    """
    stat = content.stat if content is not None else path.stat()
    seen = _seen(stat)
    memo = folder / f"{_slug(path)}.sha256.json"
    try:
        kept = json.loads(memo.read_text(encoding="utf-8"))
        if {k: kept.get(k) for k in seen} == seen and isinstance(kept.get("sha256"), str):
            return kept["sha256"]
    except (OSError, ValueError):
        pass
    digest = hashlib.sha256(content.data).hexdigest() if content is not None else file_hash(path)
    if racy(stat) or not unchanged(path, stat):
        return digest  # changed just now: a change within the same tick would look the same
    text = json.dumps({**seen, "sha256": digest})
    _write_atomically(memo, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))
    return digest


def _seen(stat: os.stat_result) -> dict[str, int]:
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def table_key(**parts: str | None) -> str:
    """Return the key of a checked table: a hash of everything the check depends on."""
    described = {**parts, "brief": brief.__version__, "code": _checking_code()}
    described["format"] = str(CACHE_FORMAT)
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


@functools.cache
def _checking_code() -> str:
    digest = hashlib.sha256()
    for name in CHECKING_CODE:
        digest.update((Path(brief.__file__).parent / name).read_bytes())
    return digest.hexdigest()


def table_file(folder: Path, data_file: Path, key: str) -> Path:
    """Return where the checked table of ``data_file`` under ``key`` is kept in ``folder``."""
    return folder / f"{_slug(data_file)}-{key[:32]}.arrow"


def read_table(
    folder: Path, data_file: Path, key: str, threads: bool = True
) -> tuple[pd.DataFrame, list[ReadNote], dict] | None:
    """Return the kept table of ``data_file`` with its notes and facts, or None.

    Without ``threads`` Arrow starts none (a process that forks afterwards must have none).
    """
    import pyarrow as pa

    from brief.notebook.validate import TEXT

    path = table_file(folder, data_file, key)
    try:
        with path.open("rb") as stream:
            # Mapped privately: a notebook may change a number of its table, and the change
            # stays in its own process, never reaching the file or another process.
            mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_COPY)
        # From a buffer: reading the file itself would start Arrow's I/O threads.
        source = pa.py_buffer(mapped)
        options = pa.ipc.IpcReadOptions(use_threads=threads)
        table = pa.ipc.open_file(pa.BufferReader(source), options=options).read_all()
        kept = json.loads(table.schema.metadata[b"brief"])
        notes = [ReadNote.model_validate(note) for note in kept["notes"]]
        if any(column.num_chunks > 1 for column in table.columns):  # kept by an older brief
            table = table.combine_chunks()
        index = None
        if kept.get("index") is not None:
            index = [_numbers(table.column(name)) for name in INDEX_COLUMNS]
            table = table.drop_columns(list(INDEX_COLUMNS))
        if kept.get("key") != key:
            return None
        frame = table.to_pandas(
            types_mapper={pa.large_string(): TEXT, pa.string(): TEXT}.get,
            use_threads=threads,
            split_blocks=True,  # each column its own array: none is copied to join others
        )
        _numbers_in_place(frame, table, mapped, source)
    except (OSError, ValueError, KeyError, TypeError, IndexError, pa.ArrowException):
        return None  # a damaged file: the data file is checked again
    if index is not None:
        from brief.notebook.rowindex import adopt_index

        adopt_index(frame, *index, kept["index"])
    return frame, notes, kept["facts"]


def _numbers(column):
    """Return a column of whole numbers as a (read-only) array of the mapped bytes."""
    return column.chunk(0).to_numpy() if column.num_chunks == 1 else column.to_numpy()


def _numbers_in_place(frame: pd.DataFrame, table, mapped: mmap.mmap, source) -> None:
    """Make each number column of ``frame`` the mapped file's own bytes, as a writable array.

    Arrow hands out numbers it can share as read-only arrays, which pandas cannot change
    in place; a million rows copied instead cost each process that reads the table about
    25 MB of new memory, whose first touch is most of the time a read takes. Numbers with
    empty cells are left as Arrow made them (copied, with NaN).
    """
    import numpy as np
    import pyarrow as pa

    for name in table.column_names:
        column = table.column(name)
        if column.num_chunks != 1 or column.null_count:
            continue
        chunk = column.chunk(0)
        if not (pa.types.is_integer(chunk.type) or pa.types.is_floating(chunk.type)):
            continue
        dtype = np.dtype(chunk.type.to_pandas_dtype())
        if frame[name].dtype != dtype or chunk.buffers()[1] is None:
            continue
        start = chunk.buffers()[1].address - source.address + chunk.offset * dtype.itemsize
        numbers = np.frombuffer(mapped, dtype=dtype, count=len(chunk), offset=start)
        frame[name] = pd.Series(numbers, index=frame.index, copy=False)


# The index for finding figures (brief.notebook.rowindex.kept_index), kept as two more
# columns of the table, beside it in the same file: read back together or not at all.
INDEX_COLUMNS = ("brief index order", "brief index keys")


def write_table(
    folder: Path,
    data_file: Path,
    key: str,
    frame: pd.DataFrame,
    notes: list[ReadNote],
    facts: dict,
    held: Checking | None = None,
) -> None:
    """Keep ``frame`` (a checked table) for ``data_file``; older tables of the file go.

    With ``held`` (the right to check the file, from :func:`checking`) the file is written
    by a thread of its own, so the notebook goes on meanwhile (a million rows: a fifth of
    a second, and a tenth more for the index kept with it), and the right is let go once
    it is written: a process waiting for it then reads the table. :func:`finish_writing`
    waits for such threads.
    """
    import pyarrow as pa

    from brief.notebook.rowindex import key_arrays

    path = table_file(folder, data_file, key)
    kept = {"key": key, "notes": [note.model_dump(mode="json") for note in notes]}
    kept["facts"] = facts
    # Made here, not in the thread: pandas is not made to be read from two threads at once.
    table = pa.Table.from_pandas(frame, preserve_index=False)
    arrays = key_arrays(frame)  # Arrow's, which never change: the thread may read them
    if held is None:
        _write_arrow(folder, data_file, path, _with_index(table, arrays, kept))
        return

    def write() -> None:
        try:
            with contextlib.suppress(Exception):  # nothing kept: the file is checked again
                _write_arrow(folder, data_file, path, _with_index(table, arrays, kept))
        finally:
            held.release()

    held.writer = threading.Thread(target=write, name="brief-keep-table")
    _WRITERS.append(held.writer)
    held.writer.start()


_WRITERS: list[threading.Thread] = []


def _with_index(table, arrays: tuple | None, kept: dict):
    """Return ``table`` with its index (made now, unless a notebook's question made it
    first) and with ``kept`` as its metadata."""
    import pyarrow as pa

    from brief.notebook.rowindex import kept_index

    index = kept_index(arrays) if arrays is not None else None
    if index is not None:
        *numbers, kept["index"] = index
        for name, column in zip(INDEX_COLUMNS, numbers, strict=True):
            table = table.append_column(name, pa.array(column, type=pa.int64()))
    return table.replace_schema_metadata({b"brief": json.dumps(kept).encode()})


def finish_writing() -> None:
    """Wait until every table this process is writing is written."""
    while _WRITERS:
        _WRITERS.pop().join()


def _write_arrow(folder: Path, data_file: Path, path: Path, table) -> None:
    import pyarrow as pa

    # One chunk per column: picking a few rows of a column in many chunks costs as much as
    # copying it whole (a millisecond a column for a million rows), and a notebook picks
    # rows for every figure.
    table = table.combine_chunks()

    def write(temporary: str) -> None:
        with pa.OSFile(temporary, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    if not _write_atomically(path, write):
        return
    for older in folder.glob(f"{_slug(data_file)}-*.arrow"):
        if older != path:
            with contextlib.suppress(OSError):  # in use (Windows maps it): it goes next time
                older.unlink(missing_ok=True)
    _sweep_left_behind(folder)


def _sweep_left_behind(folder: Path) -> None:
    """Remove the temporary files of writes that never ended (LEFT_BEHIND_AFTER)."""
    now = time.time()
    for temporary in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):  # gone already, or in use: it goes next time
            if now - temporary.stat().st_mtime > LEFT_BEHIND_AFTER:
                temporary.unlink()


class Checking:
    """The right to check a data file (a lock), held until its checked table is kept."""

    def __init__(self, lock) -> None:
        self.lock = lock  # None: checked without one
        self.writer: threading.Thread | None = None  # writes the table, then lets go

    def release(self) -> None:
        if self.lock is not None:
            with contextlib.suppress(OSError):
                self.lock.release()


@contextlib.contextmanager
def checking(folder: Path, data_file: Path) -> Iterator[Checking]:
    """Hold the right to check ``data_file``, which one process at a time has, until the
    block ends or, if the block writes the checked table with it, until it is written.

    Without a lock (a folder brief cannot write in, or a wait of more than CHECK_WAIT
    seconds) the file is checked all the same.
    """
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Not bound to this thread: the thread that writes the table lets it go.
        path = str(folder / f"{_slug(data_file)}.lock")
        lock = FileLock(path, timeout=CHECK_WAIT, thread_local=False)
        lock.acquire()
    except (OSError, Timeout):
        lock = None
    held = Checking(lock)
    try:
        yield held
    finally:
        if held.writer is None:
            held.release()


def _slug(path: Path) -> str:
    return f"{path.parent.name}-{path.name}"


def _write_atomically(path: Path, write: Callable[[str], object]) -> bool:
    """Write ``path`` whole or not at all (``write`` fills a temporary file); say if written.

    Two kernels may check the same file at once; each replaces the file whole.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        os.close(handle)
        try:
            write(temporary)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError:
        return False
    return True
