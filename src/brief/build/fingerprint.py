"""Fingerprints of what a build depends on, and facts for the run record.

A rebuild compares these with the last build's run record to decide what to redo. This
module imports nothing heavy: a rebuild with nothing changed must answer in a blink.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

# Libraries whose version can change what a notebook publishes or how the letter looks.
RESULT_LIBRARIES = (
    "babel",
    "docxcompose",
    "docxtpl",
    "ipykernel",
    "jinja2",
    "matplotlib",
    "nbclient",
    "nbconvert",
    "nbformat",
    "numpy",
    "pandas",
    "papermill",
    "pydantic",
    "python-docx",
)


def package_versions() -> dict[str, str]:
    """Return the installed version of brief and of every library that shapes its results."""
    return dict(_package_versions())


@cache  # asked by the plan and by the run record; metadata is slow to search
def _package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("brief", *RESULT_LIBRARIES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@cache
def toolkit_fingerprint() -> str:
    """Return one hash of brief's own code and the library versions it runs with.

    Brief's source is hashed, not its version number, so a change to the package during
    development reruns the notebooks as an upgrade would.
    """
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]  # all of brief, not this folder only
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    for name, version in sorted(package_versions().items()):
        digest.update(f"{name}={version}".encode())
    return digest.hexdigest()


def git_state(folder: Path) -> dict[str, object]:
    """Return the git commit of ``folder`` and whether its tree has uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            completed = subprocess.run(
                ["git", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return completed.stdout.strip() if completed.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}
