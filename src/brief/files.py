"""Facts about files a user hands brief: their hash, and whether Office encrypted them.

Used on both sides: by notebooks (to record the data they read) and by builds.
"""

from __future__ import annotations

import hashlib
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
