"""The review page and review comments from typed records, without running notebooks."""

from __future__ import annotations

import base64

from brief.collect import Collection, Published
from brief.paths import YearOutputs
from brief.records import (
    DataRead,
    Origin,
    OutputsMade,
    PublishedFigure,
    PublishedTable,
    PublishedValue,
    RunRecord,
)
from brief.review import cell_link, source_comments, write_figure_files, write_review_page
from tests.test_escaping import params

PNG = base64.b64encode(b"\x89PNG fake").decode()


def collection() -> Collection:
    origin = Origin(notebook="01-jeugd.ipynb", cell=3, cell_id="abc")
    items = [
        PublishedValue(name="bereik", value=30133),
        PublishedValue(name="intern", value="geheim & <dicht>", unit="text"),
        PublishedFigure(
            name="trend", title="Trend", source="fictief", alt="Lijn", png=PNG, data="jaar\n2023\n"
        ),
        PublishedFigure(name="kaart", title="Kaart", source="s", alt="Kaart", png=PNG),
        PublishedTable(name="tabel", title="Tabel", source="s", alt="t", columns=["a"], rows=[[1]]),
    ]
    read = DataRead(path="data/jeugd.csv", sha256="f" * 64, rows=12, notes=["1.234 read as 1234"])
    return Collection(
        items={item.name: Published(item, origin) for item in items},
        inputs={"01-jeugd.ipynb": {read.path: read}},
    )


def record() -> RunRecord:
    return RunRecord(
        year=2023,
        started="2026-06-03T10:00:00+02:00",
        finished="2026-06-03T10:00:08+02:00",
        seconds=8.0,
        git={"commit": None, "dirty": None},
        packages={"brief": "0.1.0"},
        toolkit="x",
        parameters={"year": 2023},
        template={"path": "templates/brief.docx", "sha256": "a" * 64},
        params={"path": "params/2023.yaml", "sha256": "b" * 64},
        notebooks={},
        data={},
        outputs=OutputsMade(letter="brief-2023.docx", review_copy=False, pdf=False),
        shown={},
    )


def test_comments_name_the_cell_and_the_data_read():
    comments = source_comments(collection())

    assert comments["bereik"] == (
        "bereik: published by 01-jeugd.ipynb, cell 4. "
        "Data read by that notebook: data/jeugd.csv (12 rows)."
    )


def test_links_point_at_the_cell_anchor_of_the_notebook_page(tmp_path):
    outputs = YearOutputs(tmp_path, 2023)
    entry = collection().items["bereik"]

    assert cell_link(outputs, entry) == "notebooks/01-jeugd.html#cell-id=abc"
    bare = Published(entry.item, Origin(notebook="01-jeugd.ipynb", cell=3))
    assert cell_link(outputs, bare) == "notebooks/01-jeugd.html"


def test_figure_files_are_written_for_figures_only(tmp_path):
    write_figure_files(collection(), tmp_path / "figuren")

    assert sorted(p.name for p in (tmp_path / "figuren").iterdir()) == [
        "kaart.png",
        "trend.csv",
        "trend.png",
    ]
    assert (tmp_path / "figuren" / "trend.png").read_bytes() == b"\x89PNG fake"


def test_review_page_lists_each_kind_in_its_section_escaped(tmp_path):
    outputs = YearOutputs(tmp_path, 2023)

    page = write_review_page(
        outputs,
        subject="Onderwerp & meer",
        used={"bereik", "trend", "kenmerk"},
        collection=collection(),
        params=params(inleiding="x"),
        record=record(),
        has_changes=False,
    ).read_text(encoding="utf-8")

    values = page[page.index('id="values"') : page.index('id="figures"')]
    figures = page[page.index('id="figures"') : page.index('id="tables"')]
    tables = page[page.index('id="tables"') : page.index('id="commitments"')]
    assert 'id="value-bereik"' in values and "30.133" in values
    assert "geheim &amp; &lt;dicht&gt;" in values and "not used in the letter" in values
    assert 'id="figure-trend"' in figures and 'alt="Lijn"' in figures
    assert "figuren/trend.csv" in figures and "figuren/kaart.csv" not in figures
    assert 'id="table-tabel"' in tables and "1 rows × 1 columns" in tables
    assert "Onderwerp &amp; meer" in page
    assert "12 juli 2024" in page  # the params file's date, printed as the letter prints it


def test_chart_data_opens_in_dutch_excel(tmp_path):
    import pandas as pd

    data = pd.DataFrame({"jaar": [2022, 2023], "waarde": [1234.5, 300.0], "gebied": ["A;B", "C"]})
    origin = Origin(notebook="01.ipynb", cell=1)
    item = PublishedFigure(
        name="f", title="t", source="s", alt="a", png=PNG, data=data.to_csv(index=False)
    )

    write_figure_files(Collection(items={"f": Published(item, origin)}), tmp_path)

    raw = (tmp_path / "f.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8, as Excel needs to be told
    read = pd.read_csv(tmp_path / "f.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert read.to_dict("list") == {
        "jaar": [2022, 2023],
        "waarde": [1234.5, 300.0],
        "gebied": ["A;B", "C"],
    }
