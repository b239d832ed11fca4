"""brief: build a council committee's yearly progress letter from data and notebooks.

Notebooks use the publishing API re-exported here::

    import brief
    df = brief.load_data("jeugd")
    brief.publish_value("kinderwerk_bereik", 30133, unit="count")
    brief.publish_figure("kinderwerk_trend", fig, title="...", source="...")
    brief.publish_table("indicatoren", table, title="...", source="...")
"""

from brief.data import load_areas, load_catalogue, load_data
from brief.publish import publish_figure, publish_table, publish_value

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load_areas",
    "load_catalogue",
    "load_data",
    "publish_figure",
    "publish_table",
    "publish_value",
]
