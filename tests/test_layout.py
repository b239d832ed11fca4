"""The package's architecture, read from its imports: no circles, and each side imports only
what its package docstring allows."""

from __future__ import annotations

import ast
import importlib
import warnings
from pathlib import Path

import pytest

import brief

PACKAGE = Path(brief.__file__).parent
SIDES = ("notebook", "project", "build", "letter", "review", "cli")

# What each side must never import. The shared ground (records, exceptions, i18n,
# formatting, files) imports no side at all.
FORBIDDEN = {
    "notebook": {"build", "letter", "review", "cli"},
    "project": {"build", "review", "cli"},
    "letter": {"build", "review", "cli"},
    "review": {"build", "cli"},
    "build": {"cli"},
    "cli": set(),
    "shared": set(SIDES),
}
WORD_LIBRARIES = ("docx", "docxtpl", "lxml")  # Word XML is edited in brief.letter only


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from brief.x import y`: y may be a module of its own
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def brief_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {
            target
            for target in imports_of(path)
            if target in modules and target != name and target != "brief"
        }
    return graph


def side_of(module: str) -> str:
    if module == "brief.__main__":  # `python -m brief`: the command line
        return "cli"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in SIDES) else "shared"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_import_of_brief_names_a_module_that_is_there():
    """A moved module leaves no import of its old path behind (`python -m brief` included)."""
    modules = {module_name(path) for path in PACKAGE.rglob("*.py")}
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                named = [node.module]
            elif isinstance(node, ast.Import):
                named = [alias.name for alias in node.names]
            else:
                continue
            wrong += [
                f"{module_name(path)} imports {name}"
                for name in named
                if name and name.split(".")[0] == "brief" and name not in modules
            ]
    assert wrong == []


def test_no_module_imports_itself_through_others():
    assert cycles(brief_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_each_side_imports_only_what_it_may():
    wrong = [
        f"{module} imports {target}"
        for module, targets in sorted(brief_graph().items())
        for target in sorted(targets)
        if side_of(target) in FORBIDDEN[side_of(module)]
    ]
    assert wrong == []


def test_the_side_rules_catch_a_notebook_module_importing_the_build():
    assert "build" in FORBIDDEN[side_of("brief.notebook.data")]
    assert side_of("brief.build.year") == "build"
    assert side_of("brief.records") == "shared"
    assert side_of("brief.cli") == "cli"


def test_only_the_letter_side_touches_word_xml():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = module_name(path)
        if side_of(module) == "letter":
            continue
        for target in imports_of(path):
            if target.split(".")[0] in WORD_LIBRARIES:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_few_modules_stay_at_the_top():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    assert sorted(path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name in SIDES)


def test_the_tests_mirror_the_package():
    tests = Path(__file__).parent
    folders = {path.name for path in tests.iterdir() if path.is_dir() and path.name[0] != "_"}
    assert folders - {"__pycache__"} == set(SIDES)


@pytest.mark.parametrize("side", SIDES)
def test_each_package_says_what_it_does_and_may_import(side):
    doc = importlib.import_module(f"brief.{side}").__doc__ or ""
    assert len(doc.splitlines()) >= 3
    assert "import" in doc


def test_notebook_imports_stay_as_they_were():
    from brief import charts, indicators

    assert charts.__name__ == "brief.notebook.charts"
    assert indicators.__name__ == "brief.notebook.indicators"
    assert callable(brief.load_data) and callable(brief.publish_value)


@pytest.mark.parametrize(
    ("old", "name", "new"),
    [
        ("brief.data", "load_data", "brief.notebook.data"),
        ("brief.paths", "ProjectPaths", "brief.project.paths"),
        ("brief.build", "build_years", "brief.build.year"),
        ("brief.letter", "fill_letter", "brief.letter.fill"),
        ("brief.review", "write_review_page", "brief.review.pages"),
    ],
)
def test_an_old_import_path_works_for_one_release_with_a_warning(old, name, new):
    with pytest.warns(DeprecationWarning, match=f"import it from {new}"):
        value = getattr(importlib.import_module(old), name)
    assert value is getattr(importlib.import_module(new), name)


def test_an_old_path_warns_where_it_is_imported():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from brief.data import load_data  # noqa: F401
    assert [Path(warning.filename).name for warning in caught] == [Path(__file__).name]


def test_a_name_an_old_module_never_had_is_an_attribute_error():
    with pytest.raises(AttributeError):
        importlib.import_module("brief.data").no_such_name  # noqa: B018
