"""The repository itself: clean notebooks, agreeing dependency lists."""

import re
import tomllib
from pathlib import Path

import nbformat
import yaml

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


def _pins(lines):
    return {
        re.split(r"[=<>~ ]", line, maxsplit=1)[0].lower(): line.replace(" ", "") for line in lines
    }


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["test"] + extras["bench"]
    environment = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))

    conda_pins = _pins([d.replace("==", "=").replace("=", "==", 1) for d in conda])
    conda_pins.pop("python")
    conda_pins.pop("pip")
    assert conda_pins == _pins(wanted)
    assert pip == ["-e ."]


NOTEBOOK_SIDE = {"data", "validate", "problems", "tablecache", "indicators", "charts", "publish"}
SHARED = {"records", "formatting", "files", "paths", "exceptions", "settings", "params", "i18n"}


def brief_imports(module: str) -> set[str]:
    """Return the brief modules ``module`` imports anywhere, functions included."""
    import ast

    tree = ast.parse((REPO / "src" / "brief" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("brief"):
            found.add(node.module.removeprefix("brief").lstrip(".") or "__init__")
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("brief.")}
    return found - {"__init__"}


def test_notebook_side_depends_on_nothing_build_side():
    for module in NOTEBOOK_SIDE | SHARED:
        build_side = brief_imports(module) - NOTEBOOK_SIDE - SHARED
        assert not build_side, f"{module}.py imports {sorted(build_side)}"


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
