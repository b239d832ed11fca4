"""Ship a project to Dask workers as bytes, and check a worker may run its notebooks.

A worker needs no shared disk: the coordinating machine packs the files the notebooks may
read (brief.yaml, data/, notebooks/, params/ and the areas file) into a :class:`Bundle`,
keyed by the hash of its contents, and each worker process unpacks it once into a
project folder of its own (:func:`unpack`). Before running anything a worker compares
itself with the coordinator (:func:`refuse_if_different`): other package versions, or
files whose hashes differ from what the coordinator packed, would give letters that
differ from the ones this machine makes, so such a worker is refused with a message
saying what differs.

Light imports only: workers import this module to run every task.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from brief.exceptions import ClusterError
from brief.i18n import _, ngettext
from brief.project.paths import ProjectPaths

SHIPPED_FOLDERS = ("data", "notebooks", "params")
SHIPPED_FILES = ("brief.yaml",)
MARKER_FOLDERS = ("templates",)  # empty on a worker: only find_project looks for it
WORKER_FOLDER = "brief-worker"  # <temp>/brief-worker-<pid>/<bundle key>/ on a worker


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Bundle:
    """The project's files as bytes, each under its path inside the project."""

    files: tuple[tuple[str, bytes], ...]  # sorted by path

    @property
    def manifest(self) -> dict[str, str]:
        """Return every file's SHA-256 by its path: what a worker must hold."""
        return {path: _sha256(data) for path, data in self.files}

    @property
    def key(self) -> str:
        """Return the hash of the contents: the same files give the same key anywhere."""
        digest = hashlib.sha256()
        for path, sha in self.manifest.items():
            digest.update(f"{path}\0{sha}\n".encode())
        return digest.hexdigest()

    @property
    def size(self) -> int:
        return sum(len(data) for _path, data in self.files)


def pack(project: ProjectPaths, areas_file: Path | None = None) -> Bundle:
    """Return the files a notebook of ``project`` may read, as a bundle.

    Hidden files and folders (``.ipynb_checkpoints``, ``.DS_Store``) stay behind;
    ``areas_file`` is shipped too when it lies outside ``data/``.
    """
    project.check_links()  # the rule a local build follows: nothing from outside the project
    root = project.root.resolve()
    paths = [root / name for name in SHIPPED_FILES if (root / name).is_file()]
    for folder in SHIPPED_FOLDERS:
        paths += [p for p in sorted((root / folder).rglob("*")) if p.is_file()]
    if areas_file is not None and areas_file.is_file():
        paths.append(root / project.inside(areas_file).resolve().relative_to(root))
    files = {}
    for path in paths:
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        files[relative.as_posix()] = path.read_bytes()
    return Bundle(tuple(sorted(files.items())))


# --- on the worker ------------------------------------------------------------------------

_UNPACKING = threading.Lock()


def worker_root() -> Path:
    """Return the folder of this worker process's projects: <temp>/brief-worker-<pid>."""
    return Path(tempfile.gettempdir()) / f"{WORKER_FOLDER}-{os.getpid()}"


def unpack(bundle: Bundle, expected: dict[str, str]) -> Path:
    """Return this process's project folder for ``bundle``, unpacking it the first time.

    ``expected`` is the manifest the coordinator packed. Bytes that do not hash to it
    (damaged on the way) and an unpacked folder whose files were changed since are
    refused: the letters would differ from the coordinator's.
    """
    received = bundle.manifest
    damaged = sorted(p for p in set(expected) | set(received) if expected.get(p) != received.get(p))
    if damaged:
        raise ClusterError(
            _(
                "The project files sent to this worker differ from the coordinator's: {files}. "
                "The worker is refused; build again, and check the network between the "
                "machines if it recurs."
            ).format(files=", ".join(damaged[:5]) + (" ..." if len(damaged) > 5 else ""))
        )
    key = bundle.key
    folder = worker_root() / key[:16]
    with _UNPACKING:
        if not folder.is_dir():
            _unpack_into(bundle, folder)
    changed = sorted(
        path
        for path, sha in expected.items()
        if not (folder / path).is_file() or _sha256((folder / path).read_bytes()) != sha
    )
    if changed:
        raise ClusterError(
            ngettext(
                "The data on this worker differs from the coordinator's: {files} in {folder} "
                "changed after it was unpacked. The worker is refused; remove {folder} (or "
                "restart the worker) and build again.",
                "The data on this worker differs from the coordinator's: {files} in {folder} "
                "changed after it was unpacked. The worker is refused; remove {folder} (or "
                "restart the worker) and build again.",
                len(changed),
            ).format(files=", ".join(changed[:5]), folder=folder)
        )
    return folder


def _unpack_into(bundle: Bundle, folder: Path) -> None:
    """Write the bundle into ``folder``, whole or not at all, and remove older projects."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=folder.parent))
    try:
        for path, data in bundle.files:
            target = partial / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name in (*SHIPPED_FOLDERS, *MARKER_FOLDERS):
            (partial / name).mkdir(exist_ok=True)
        os.replace(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    for older in folder.parent.iterdir():  # one project folder per worker process
        if older != folder and not older.name.startswith(".") and older.is_dir():
            shutil.rmtree(older, ignore_errors=True)


def facts() -> dict[str, str]:
    """Return what must be the same on a worker as on the coordinator: Python, brief's code
    and the versions of the libraries that shape a letter."""
    from brief.build.fingerprint import package_versions, toolkit_fingerprint

    return {**package_versions(), "brief code": toolkit_fingerprint()[:12]}


def refuse_if_different(coordinator: dict[str, str], where: str) -> None:
    """Raise ClusterError naming every difference between this worker and the coordinator."""
    here = facts()
    differences = [
        _difference(name, here.get(name), wanted)
        for name, wanted in sorted(coordinator.items())
        if here.get(name) != wanted
    ]
    if differences:
        raise ClusterError(
            _(
                "The Dask worker {worker} is refused: its packages differ from this machine's: "
                "{differences}. Install the same brief and pinned libraries on every worker "
                "(pip install -e . from the same commit), restart the worker and build again."
            ).format(worker=where, differences="; ".join(differences))
        )


def _difference(name: str, here: str | None, wanted: str) -> str:
    """Return one difference in words: "pandas 2.2.3 (the coordinator has 2.2.2)"."""
    if here is None:
        # TRANSLATORS: a package the coordinating machine has and this worker does not.
        return _("{name} missing (the coordinator has {version})").format(name=name, version=wanted)
    # TRANSLATORS: a package whose version on this worker is not the coordinating machine's.
    return _("{name} {here} (the coordinator has {version})").format(
        name=name, here=here, version=wanted
    )
