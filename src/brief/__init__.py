"""brief: build a council committee's yearly progress letter from data and notebooks.

Notebooks use the publishing API re-exported here::

    import brief
    df = brief.load_data("jeugd")
    brief.publish_value("kinderwerk_bereik", 30133, unit="count")
    brief.publish_figure("kinderwerk_trend", fig, title="...", source="...")
    brief.publish_table("indicatoren", table, title="...", source="...")
"""

from importlib import import_module

__version__ = "0.1.0"

# Loaded on first use: the `brief` command must start fast, and these bring in pandas.
_LAZY = {
    "load_areas": "brief.data",
    "load_catalogue": "brief.data",
    "load_data": "brief.data",
    "publish_figure": "brief.publish",
    "publish_table": "brief.publish",
    "publish_value": "brief.publish",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'brief' has no attribute {name!r}")


__all__ = [
    "__version__",
    "load_areas",
    "load_catalogue",
    "load_data",
    "publish_figure",
    "publish_table",
    "publish_value",
]
