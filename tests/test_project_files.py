"""The repository itself: clean notebooks, agreeing dependency lists."""

import importlib.util
import re
import tomllib
from importlib import metadata
from pathlib import Path

import nbformat
import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_chapter_notebooks():
    assert len(NOTEBOOKS) >= 5


def test_source_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name} has outputs; clear them"
                assert cell.execution_count is None, f"{path.name} has execution counts"


def test_each_notebook_has_a_parameters_cell_with_year():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert re.search(r"^year\s*=", tagged[0].source, re.M), path.name


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(name: str) -> dict:
    return tomllib.loads((REPO / name).read_text(encoding="utf-8"))


def _key(requirement: Requirement) -> tuple:
    return (requirement.name.lower(), requirement.specifier, str(requirement.marker))


def test_uv_lock_is_up_to_date_with_pyproject():
    """What uv.lock was resolved for is what pyproject.toml asks now (`uv lock --check`)."""
    project = _read("pyproject.toml")["project"]
    brief = next(p for p in _read("uv.lock")["package"] if p["name"] == "brief")
    asked = {_key(Requirement(r)) for r in project["dependencies"]}
    for extra, requirements in project["optional-dependencies"].items():
        asked |= {_key(Requirement(f"{r}; extra == '{extra}'")) for r in requirements}

    locked = {
        _key(Requirement(entry["name"] + entry.get("specifier", "") + "; " + entry["marker"]))
        if "marker" in entry
        else _key(Requirement(entry["name"] + entry.get("specifier", "")))
        for entry in brief["metadata"]["requires-dist"]
    }

    assert locked == asked, "pyproject.toml changed since uv.lock was written: run `make lock`"
    assert set(brief["metadata"]["provides-extras"]) == set(project["optional-dependencies"])


def test_each_locked_version_is_in_the_range_pyproject_allows():
    project = _read("pyproject.toml")["project"]
    versions = _tool("lock").locked_versions(_read("uv.lock"))
    requirements = project["dependencies"] + sum(project["optional-dependencies"].values(), [])

    for requirement in map(Requirement, requirements):
        assert requirement.specifier, f"{requirement.name} has no range"
        assert "==" not in str(requirement.specifier), f"{requirement}: a range, not a pin"
        locked = versions[_tool("lock").normalise(requirement.name)]
        assert requirement.specifier.contains(locked), f"{requirement}: locked {locked}"


def test_environment_yml_is_written_from_the_lock():
    lock = _tool("lock")
    expected = lock.render(_read("pyproject.toml"), _read("uv.lock"))

    assert (REPO / "environment.yml").read_text(encoding="utf-8") == expected, (
        "environment.yml differs from uv.lock: run `make lock`"
    )
    environment = yaml.safe_load(expected)
    pinned = [d for d in environment["dependencies"] if isinstance(d, str) and "=" in d]
    conda = dict(d.split("=", 1) for d in pinned)
    assert conda["pandas"] == lock.locked_versions(_read("uv.lock"))["pandas"]
    assert {"python", "pytest", "babel"} <= set(conda)


def test_this_environment_has_the_locked_versions():
    """`make test` installs from uv.lock, so what runs the tests is what every machine gets."""
    lock = _tool("lock")
    versions = lock.locked_versions(_read("uv.lock"))

    for name in lock.direct_dependencies(_read("pyproject.toml")):
        assert metadata.version(name) == versions[name], f"{name}: run `make test` to sync"


def test_no_municipality_is_written_into_the_package():
    """Whose letter it is lives in the project's brief.yaml and areas file, never in brief."""
    areas = [
        line.split(",")[0] for line in (REPO / "data" / "gebieden.csv").read_text().splitlines()
    ]
    names = {"Rotterdam", *(a for a in areas[1:] if a)}
    names |= {"Feyenoord", "Kralingen", "Hillegersberg", "Prins Alexander", "Hoek van Holland"}
    for path in sorted((REPO / "src" / "brief").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".yaml", ".txt", ".po"):
            text = path.read_text(encoding="utf-8").casefold()
            found = sorted(name for name in names if name.casefold() in text)
            assert not found, f"{path.relative_to(REPO)} names {found}"
