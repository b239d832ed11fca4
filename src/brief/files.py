"""Facts about files a user hands brief: their hash, and whether Office encrypted them.

Used on both sides: by notebooks (to record the data they read) and by builds.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

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
