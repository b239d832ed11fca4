"""brief: build a council committee's yearly progress letter from data and notebooks.

Notebooks use the publishing API re-exported here::

    import brief
    df = brief.load_data("jeugd")
    brief.publish_value("kinderwerk_bereik", 30133, unit="count")
    brief.publish_figure("kinderwerk_trend", fig, title="...", source="...")
    brief.publish_table("indicatoren", table, title="...", source="...")

and ``from brief import charts, indicators``. The rest of brief lives in packages, one per
side (see each package's docstring and the README's "How brief is built"):

    notebook/  what notebooks import: read and check data, indicators, charts, publish
    project/   what a project is: paths, brief.yaml, params, areas, init and new
    build/     the coordinators: plan, kernels, runs, years and grids, Dask, history, check
    letter/    the template language and filling, Word XML, accessibility, PDF, redline
    review/    what reviewers read: review pages, the change report
    cli/       the `brief` command, thin

Shared by all: records.py (the typed records), exceptions.py, i18n.py, formatting.py, files.py.
"""

from importlib import import_module

from brief import _moved

__version__ = "0.2.0"

# Loaded on first use: the `brief` command must start fast, and these bring in pandas.
_LAZY = {
    "load_areas": "brief.notebook.data",
    "load_catalogue": "brief.notebook.data",
    "load_data": "brief.notebook.data",
    "publish_figure": "brief.notebook.publish",
    "publish_table": "brief.notebook.publish",
    "publish_value": "brief.notebook.publish",
}
# `from brief import charts, indicators`, as notebooks write it.
_MODULES = {"charts": "brief.notebook.charts", "indicators": "brief.notebook.indicators"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    if name in _MODULES:
        return import_module(_MODULES[name])
    raise AttributeError(f"module 'brief' has no attribute {name!r}")


_moved.install()  # the import paths of brief 0.1, for one release

__all__ = [
    "__version__",
    "charts",
    "indicators",
    "load_areas",
    "load_catalogue",
    "load_data",
    "publish_figure",
    "publish_table",
    "publish_value",
]
