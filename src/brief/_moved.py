"""The import paths of brief 0.1, kept for one release: each warns and leads to the new place.

brief 0.2 moved its modules into packages (``brief.data`` is now ``brief.notebook.data``).
Projects and notebooks that import the old paths keep working, with a DeprecationWarning
naming the new path; brief 0.3 removes them. ``import brief`` and ``from brief import
charts, indicators`` are not old paths: they stay as they are.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
import warnings

# Old module -> the modules its public names are in now (several where a module was split).
OLD_MODULES: dict[str, tuple[str, ...]] = {
    "brief.data": ("brief.notebook.data",),
    "brief.validate": ("brief.notebook.validate",),
    "brief.problems": ("brief.notebook.problems",),
    "brief.tablecache": ("brief.notebook.tablecache",),
    "brief.indicators": ("brief.notebook.indicators",),
    "brief.charts": ("brief.notebook.charts",),
    "brief.publish": ("brief.notebook.publish",),
    "brief.rowstyle": ("brief.notebook.rowstyle",),
    "brief.collect": ("brief.notebook.collect",),
    "brief.paths": ("brief.project.paths",),
    "brief.settings": ("brief.project.settings",),
    "brief.params": ("brief.project.params",),
    "brief.areas": ("brief.project.areas",),
    "brief.letters": ("brief.project.letters",),
    "brief.scaffold": ("brief.project.scaffold",),
    "brief.starter": ("brief.project.starter",),
    "brief.plan": ("brief.build.plan", "brief.records"),
    "brief.kernels": ("brief.build.kernels",),
    "brief.zygote": ("brief.build.zygote",),
    "brief.provisioner": ("brief.build.provisioner",),
    "brief.run": ("brief.build.run",),
    "brief.grid": ("brief.build.grid",),
    "brief.cluster": ("brief.build.cluster",),
    "brief.shipping": ("brief.build.shipping",),
    "brief.fingerprint": ("brief.build.fingerprint",),
    "brief.pausing": ("brief.build.pausing",),
    "brief.history": ("brief.build.history",),
    "brief.check": ("brief.build.check",),
    "brief.templating": ("brief.letter.templating",),
    "brief.sandbox": ("brief.letter.sandbox",),
    "brief.columns": ("brief.letter.columns",),
    "brief.accessibility": ("brief.letter.accessibility",),
    "brief.pdf": ("brief.letter.pdf",),
    "brief.redline": ("brief.letter.redline", "brief.build.diff", "brief.records"),
    "brief.word": (
        "brief.letter.layout",
        "brief.letter.parts",
        "brief.letter.marks",
        "brief.letter.tracked",
    ),
    "brief.changes": ("brief.review.changes",),
    "brief.usage": ("brief.cli.usage",),
    "brief.gridview": ("brief.cli.gridview",),
}

# Packages that took the name of an old module (brief.build was build.py): their old names.
OLD_NAMES_OF_PACKAGES: dict[str, tuple[str, frozenset[str]]] = {
    "brief.build": (
        "brief.build.year",
        frozenset(
            {
                "BuildResult",
                "Progress",
                "build_letter",
                "build_year",
                "build_years",
                "import_build_libraries",
                "mark_letter_sent",
            }
        ),
    ),
    "brief.letter": (
        "brief.letter.fill",
        frozenset(
            {
                "AREA_NAME",
                "Block",
                "CAPTION_LABELS",
                "FALLBACK_TABLE_STYLE",
                "FilledLetter",
                "TABLE_FONT",
                "TABLE_STYLE",
                "Value",
                "WIDE_TABLE",
                "WIDE_TABLE_FONT",
                "build_context",
                "check_block_placement",
                "check_names",
                "fill_letter",
                "preflight",
                "render_letter",
            }
        ),
    ),
    "brief.review": (
        "brief.review.pages",
        frozenset(
            {
                "NOTEBOOK_TEMPLATE",
                "PAGE_TEMPLATE",
                "ReviewEntry",
                "TEMPLATES_DIR",
                "cell_link",
                "excel_csv",
                "file_url",
                "lineage_text",
                "page_environment",
                "readable_lines",
                "source_comments",
                "write_figure_files",
                "write_notebook_html",
                "write_review_page",
            }
        ),
    ),
}


def _warn(old: str, new: str, stacklevel: int) -> None:
    warnings.warn(
        f"{old} is deprecated and will be removed in brief 0.3: import it from {new}.",
        DeprecationWarning,
        stacklevel=stacklevel + 1,  # past this function
    )


def _find(name: str, modules: tuple[str, ...]) -> tuple[str, object] | None:
    for module_name in modules:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            return module_name, getattr(module, name)
    return None


class _OldModule(types.ModuleType):
    """An old module's name: each attribute is looked up in the new modules, with a warning."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        found = _find(name, OLD_MODULES[self.__name__])
        if found is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        module_name, value = found
        _warn(f"{self.__name__}.{name}", f"{module_name}", stacklevel=2)
        return value


class _OldPaths:
    """The finder and loader of the old module paths (as importlib.abc's MetaPathFinder and
    Loader, which are not subclassed: importing importlib.abc takes 15 ms, and every brief
    command and kernel start imports this module first)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in OLD_MODULES:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return _OldModule(spec.name)

    def exec_module(self, module) -> None:
        module.__doc__ = f"Deprecated: see {', '.join(OLD_MODULES[module.__name__])}."


def package_getattr(package: str):
    """Return a module ``__getattr__`` for ``package`` that serves its old module's names."""

    def __getattr__(name: str):
        module_name, names = OLD_NAMES_OF_PACKAGES[package]
        if name in names:
            _warn(f"{package}.{name}", module_name, stacklevel=2)
            return getattr(importlib.import_module(module_name), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def install() -> None:
    if not any(isinstance(finder, _OldPaths) for finder in sys.meta_path):
        sys.meta_path.append(_OldPaths())
