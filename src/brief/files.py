"""Facts about files a user hands brief: their hash, and whether Office encrypted them.

Used on both sides: by notebooks (to record the data they read) and by builds.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zipfile
from pathlib import Path
from stat import S_ISREG

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # how Office stores password-protected files (and old .doc)


def file_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def maybe_hash(path: Path) -> str | None:
    """Return the file's SHA-256, or None when it does not exist."""
    return file_hash(path) if path.is_file() else None


RACY_NS = 3_000_000_000  # a file changed this recently may change again within its clock tick
_KNOWN: dict[tuple, str] = {}  # SHA-256 by path, size, times and inode, in this process


# The largest data file brief reads (CSV, workbook, catalogue or areas file): a CSV of a
# gigabyte holds some twenty million rows and needs about seven gigabytes to check; a larger
# one would run the machine out of memory, and hashing it alone takes seconds.
DATA_FILE_LIMIT = 1_000_000_000


def too_large(stat: os.stat_result) -> bool:
    """Return whether a data file of this size is more than brief reads (DATA_FILE_LIMIT)."""
    return stat.st_size > DATA_FILE_LIMIT


def racy(stat: os.stat_result) -> bool:
    """Return whether a file was changed so recently that a change within the same tick of
    its clock would leave its size and time as they are (as git says of its index)."""
    return time.time_ns() - stat.st_mtime_ns < RACY_NS


def known_hash(path: Path) -> str | None:
    """Return :func:`maybe_hash` of ``path``, hashed once per content in this process.

    A grid plans every letter from the same data files, each notebook of each letter asking
    for the hash of what it read: a national file (50 MB) would be hashed thirty times. A
    file is hashed again when its size, times or inode differ, or when it is :func:`racy`.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    if too_large(stat):  # never its recorded hash: the notebook reruns and says what is wrong
        return f"more than {DATA_FILE_LIMIT} bytes"
    seen = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    if seen in _KNOWN:
        return _KNOWN[seen]
    digest = file_hash(path)
    if not racy(stat):
        _KNOWN[seen] = digest
    return digest


def is_ole_file(path: Path) -> bool:
    """Return whether ``path`` is an OLE compound file rather than a zip (.docx, .xlsx)."""
    with path.open("rb") as handle:
        return handle.read(len(OLE_SIGNATURE)) == OLE_SIGNATURE


def unpacked_size(path: Path, suffixes: tuple[str, ...] = ()) -> int:
    """Return how large the zip package at ``path`` is unpacked, counting only the members
    whose names end in one of ``suffixes`` (all members if none are given).

    Read from the package's directory, without unpacking: Python's zipfile never returns
    more bytes of a member than the directory says it holds, so the sizes bound what
    reading it can cost. A file that is not a zip counts 0 (its reader says what is wrong).
    """
    try:
        with zipfile.ZipFile(path) as package:
            return sum(
                info.file_size
                for info in package.infolist()
                if not suffixes or info.filename.lower().endswith(suffixes)
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def replace_file(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` as a new file renamed over it, never through a link.

    A link placed at ``path`` is replaced itself, so its target (anywhere on the machine)
    is never written; readers see the old file or the new one, never half of one.
    """
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(partial, 0o666 & ~_UMASK)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes files 0600; a file brief writes follows the user's umask like any other.
# Read once, at import, while no other thread can be creating files with umask 0.
_UMASK = _read_umask()
