"""The notebook side: what publish_* show in a notebook, and the records they write."""

from __future__ import annotations

import json
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from brief.exceptions import PublishError  # noqa: E402
from brief.notebook import publish  # noqa: E402
from brief.records import (  # noqa: E402
    PUBLISH_MIMETYPE,
    PublishedFigure,
    PublishedTable,
    PublishedValue,
    read_published,
)


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    """What publish_* display, as if in a kernel."""
    outputs = []
    events = SimpleNamespace(register=lambda *args: None, unregister=lambda *args: None)
    kernel = SimpleNamespace(events=events)  # enough of a kernel for matplotlib's hooks
    monkeypatch.setattr("IPython.get_ipython", lambda: kernel)
    monkeypatch.setattr(
        "IPython.display.display", lambda data, raw, metadata=None: outputs.append(data)
    )
    return outputs


def test_a_value_shows_one_line_and_returns_nothing(shown):
    returned = publish.publish_value("kinderwerk_bereik", 30133)

    assert returned is None  # a cell ending with it shows no second copy
    (output,) = shown
    assert output["text/plain"] == "kinderwerk_bereik = 30.133"
    item = read_published(output[PUBLISH_MIMETYPE], "01-jeugd.ipynb")
    assert item == PublishedValue(name="kinderwerk_bereik", value=30133, unit="count")


def test_a_figure_shows_the_chart_and_its_caption_never_the_payload(shown):
    figure, axes = plt.subplots()
    axes.plot([2022, 2023], [1, 2])
    data = pd.DataFrame({"jaar": [2022, 2023], "waarde": [1, 2]})

    publish.publish_figure("trend", figure, title="Trend", source="fictief", data=data)

    (output,) = shown
    assert output["text/plain"] == "Figure trend: Trend"
    assert output["image/png"].startswith("iVBOR")  # the chart itself, as an image output
    item = read_published(output[PUBLISH_MIMETYPE], "01-jeugd.ipynb")
    assert isinstance(item, PublishedFigure)
    assert item.years_shown == [2022, 2023]  # from the data's jaar column
    assert item.alt == "Trend" and item.png_bytes.startswith(b"\x89PNG")


def test_a_table_shows_html_and_prints_cells_in_their_units(shown):
    frame = pd.DataFrame({"Soort": ["Bereik", "Budget"], "2023": [30133, None]})

    publish.publish_table("t", frame, title="Tabel", source="s", row_units=["count", "euro"])

    (output,) = shown
    assert "<table" in output["text/html"] and output["text/plain"] == "Table t: Tabel"
    item = read_published(output[PUBLISH_MIMETYPE], "05.ipynb")
    assert isinstance(item, PublishedTable)
    assert item.cells() == [["Bereik", "30.133"], ["Budget", "n.v.t."]]
    assert item.numeric_columns() == [False, True]


def test_outside_a_kernel_nothing_is_shown_and_nothing_fails():
    assert publish.publish_value("x", 1.5, unit="decimal") is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: publish.value_item("Bereik", 1), "a name must start with a lowercase letter"),
        (lambda: publish.value_item("x", 1, unit="meters"), "unit must be one of count"),
        (lambda: publish.value_item("x", float("nan")), r"the value is missing \(NaN\)"),
        (lambda: publish.value_item("x", 3, unit="text"), "unit 'text' needs a string"),
        (lambda: publish.value_item("x", "veel"), "expected a number, got 'veel'"),
    ],
)
def test_what_cannot_be_published_is_refused_with_its_reason(call, message):
    with pytest.raises(PublishError, match=message):
        call()


def test_every_unit_prints_through_the_one_table():
    values = [
        publish.value_item(f"v{n}", 2800000, unit)
        for n, unit in enumerate(["count", "decimal", "percent", "euro", "euro_mln", "fte"])
    ]

    assert [v.text for v in values] == [
        "2.800.000",
        "2.800.000",
        "2.800.000%",
        "€\xa02.800.000",
        "€\xa02,8\xa0mln.",
        "2.800.000",
    ]


def test_an_item_of_another_schema_version_is_recognised_not_misread():
    payload = PublishedValue(name="x", value=1).as_json()
    older = {key: value for key, value in payload.items() if key != "schema_version"}

    with pytest.raises(PublishError, match="another version of brief"):
        read_published(older, "01-jeugd.ipynb")
    assert read_published(json.loads(json.dumps(payload)), "01-jeugd.ipynb").value == 1
