"""Write environment.yml from uv.lock, so conda users get the versions uv users get.

    python tools/lock.py          rewrite environment.yml (`make lock` runs it after `uv lock`)

environment.yml lists brief's own dependencies (the extras test and bench too) at the exact
versions of uv.lock, from conda-forge; conda resolves what they depend on. Only the standard
library is used, so this runs before any environment exists. tests/test_project_files.py
checks that pyproject.toml, uv.lock and environment.yml agree, with ``render`` below.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# PyPI names that conda-forge spells otherwise.
CONDA_NAMES: dict[str, str] = {}


def normalise(name: str) -> str:
    """Return a distribution name as PEP 503 compares it: python_docx -> python-docx."""
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_dependencies(pyproject: dict) -> list[str]:
    """Return the normalised names of brief's dependencies and extras, in pyproject's order."""
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    names = [normalise(re.match(r"[A-Za-z0-9_.-]+", r).group()) for r in requirements]
    return list(dict.fromkeys(names))


def locked_versions(lock: dict) -> dict[str, str]:
    """Return the version uv.lock holds of each package (the project itself has none)."""
    return {normalise(p["name"]): p["version"] for p in lock["package"] if "version" in p}


def render(pyproject: dict, lock: dict) -> str:
    """Return the text of environment.yml for ``pyproject`` locked by ``lock``."""
    versions = locked_versions(lock)
    python = re.fullmatch(r">=\s*(\d+\.\d+)", pyproject["project"]["requires-python"]).group(1)
    lines = [
        "# Conda environment for brief, written by tools/lock.py (`make lock`) from uv.lock:",
        "# brief's dependencies at the versions every uv install gets. Do not edit by hand.",
        "name: brief",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={python}",
    ]
    for name in direct_dependencies(pyproject):
        if name not in versions:
            raise ValueError(f"{name} is in pyproject.toml but not in uv.lock: run `make lock`")
        lines.append(f"  - {CONDA_NAMES.get(name, name)}={versions[name]}")
    lines += ["  - pip", "  - pip:", "      - -e .", ""]
    return "\n".join(lines)


def main() -> int:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    (ROOT / "environment.yml").write_text(render(pyproject, lock), encoding="utf-8")
    print("environment.yml written from uv.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
