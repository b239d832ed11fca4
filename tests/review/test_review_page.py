"""The review page and review comments from typed records, without running notebooks."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import nbformat

from brief.build.grid import Gap, LetterEntry
from brief.i18n import speaking
from brief.notebook.collect import Collection, Published
from brief.project.params import Toezegging
from brief.project.paths import YearOutputs
from brief.records import (
    DataRead,
    GitState,
    NotebookRecord,
    Origin,
    OutputsMade,
    PublishedFigure,
    PublishedTable,
    PublishedValue,
    RunRecord,
)
from brief.review.pages import (
    cell_link,
    page_environment,
    source_comments,
    write_figure_files,
    write_notebook_html,
    write_review_page,
)
from tests.letter.test_escaping import params

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
        "bereik: published by 01-jeugd.ipynb, cell 4; computed in the notebook, not read from "
        "a data row by brief. Data read by that notebook: data/jeugd.csv (12 rows)."
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


def test_review_page_follows_the_letter_with_numbers_readable_params_and_local_time(tmp_path):
    import datetime as dt

    from brief.i18n import local_time

    outputs = YearOutputs(tmp_path, 2023)
    items = collection().items
    counted = Origin(notebook="01-jeugd.ipynb", cell=3, cell_id="abc", count=2)
    items["bereik"] = Published(items["bereik"].item, counted)
    order = {"tabel": "Tabel 1", "intern": None, "kaart": "Figuur 1", "trend": "Figuur 2"}

    page = write_review_page(
        outputs,
        subject="Onderwerp",
        used=set(order),
        collection=Collection(items=items, inputs={}),
        params=params(inleiding="x"),
        record=record(),
        has_changes=False,
        order=order,
    ).read_text(encoding="utf-8")

    values = page[page.index('id="values"') : page.index('id="figures"')]
    assert values.index('id="value-intern"') < values.index('id="value-bereik"')  # not in it
    assert "01-jeugd.ipynb, cell [2]</a>" in values  # as the notebook page numbers it: In [2]
    assert page.index('id="figure-kaart"') < page.index('id="figure-trend"')
    assert "Figuur 1: Kaart" in page and "Figuur 2: Trend" in page and "Tabel 1: Tabel" in page
    assert "naam: A<br>functie: B" in page and '{"naam"' not in page
    when = dt.datetime.fromisoformat("2026-06-03T10:00:08+02:00").astimezone()
    assert local_time("2026-06-03T10:00:08+02:00") in page
    assert f"{when:%H:%M:%S}".lstrip("0") in local_time("2026-06-03T10:00:08+02:00")
    with speaking("nl"):
        assert local_time("2026-06-03T10:00:08+02:00").startswith("3 jun 2026")


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


def test_comments_say_so_when_a_notebook_read_no_data_or_a_file_without_rows():
    items = collection().items
    bare = Collection(items=items, inputs={})
    unrowed = DataRead(path="data/gebieden.csv", sha256="e" * 64, rows=None)
    plain = Collection(items=items, inputs={"01-jeugd.ipynb": {unrowed.path: unrowed}})

    assert source_comments(bare)["trend"] == (
        "trend: published by 01-jeugd.ipynb, cell 4; computed in the notebook, not read from "
        "a data row by brief. Data read by that notebook: none."
    )
    assert source_comments(plain)["trend"].endswith(
        "Data read by that notebook: data/gebieden.csv."
    )


# --- the pages' language --------------------------------------------------------------

# Words of brief's Dutch page texts: none may be left on an English page outside what the
# letter says (marked lang="nl"), the names in <code> and the <title>.
DUTCH_WORDS = {
    "de", "het", "een", "van", "en", "niet", "geen", "bron", "gegevens", "waarde", "waarden",
    "cel", "rij", "rijen", "kolom", "kolommen", "toezegging", "toezeggingen", "gebruikt",
    "omgezet", "controleer", "gelezen", "uitgevoerd", "hergebruikt", "gebouwd", "mislukt",
    "afbeelding", "grafiek", "figuren", "tabellen", "naam", "titel", "sjabloon", "versies",
    "seconden", "bouwverslag", "controlepagina", "waarom", "brieven", "reeks", "bijgewerkt",
    "veranderd", "zonder", "beschrijving", "alternatieve", "tekst", "toegankelijkheid",
}  # fmt: skip


class _Texts(HTMLParser):
    """Every piece of a page's text with the language it is marked in (its nearest lang)."""

    VOID = {"br", "img", "meta", "link", "hr", "input", "source"}

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str | None, set[str]]] = []
        self.images: list[tuple[str | None, str | None]] = []  # (alt, lang)
        self.root: str | None = None  # <html lang>
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or (self.stack[-1][1] if self.stack else None)
        if tag == "html":
            self.root = lang
        if tag == "img":
            self.images.append((attrs.get("alt"), lang))
        if tag not in self.VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        if tag in self.VOID or tag not in (open_tag for open_tag, _lang in self.stack):
            return  # <img/> and <br/> come here too
        while self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and self.stack:
            self.texts.append((data.strip(), self.stack[-1][1], {t for t, _lang in self.stack}))

    def in_dutch(self) -> list[str]:
        return [text for text, lang, _tags in self.texts if lang == "nl"]

    def page_words(self) -> set[str]:
        """The words of the page's own text: not marked Dutch, not code, not the title."""
        texts = [
            text
            for text, lang, tags in self.texts
            if lang == self.root and not tags & {"code", "style", "title", "script"}
        ]
        return {word.lower() for word in re.findall(r"[^\W\d_]+", " ".join(texts))}


def full_record() -> RunRecord:
    """A run record with everything the page shows: a notebook that ran, one reused."""
    read = DataRead(path="data/jeugd.csv", sha256="f" * 64, rows=12, notes=["1.234 read as 1234"])
    ran = NotebookRecord(
        sha256="c" * 64, reason="first build", seconds=1.5, reads={read.path: read}
    )
    reused = NotebookRecord(sha256="d" * 64, reason=None, seconds=0.5, reads={})
    return record().model_copy(
        update={
            "git": GitState(commit="abc123", dirty=True),
            "notebooks": {"01-jeugd.ipynb": ran, "02-ouderen.ipynb": reused},
        }
    )


def review_page(tmp_path, language: str) -> str:
    letter_params = params(inleiding="x").model_copy(
        update={
            "toezeggingen": [Toezegging(code="23bb1", omschrijving="Rapport hubs", status="loopt")]
        }
    )
    with speaking(language):
        return write_review_page(
            YearOutputs(tmp_path, 2023),
            subject="Onderwerp & meer",
            used={"bereik", "trend"},
            collection=collection(),
            params=letter_params,
            record=full_record(),
            has_changes=True,
            accessibility=["A finding."],
        ).read_text(encoding="utf-8")


def test_review_page_is_marked_in_the_language_it_is_rendered_in(tmp_path):
    assert _Texts(review_page(tmp_path, "en")).root == "en"
    assert _Texts(review_page(tmp_path, "nl")).root == "nl"


def test_english_review_page_leaves_no_dutch_of_its_own(tmp_path):
    page = _Texts(review_page(tmp_path, "en"))

    assert not page.page_words() & DUTCH_WORDS, page.page_words() & DUTCH_WORDS
    assert {"values", "figures", "tables", "commitments", "run", "record"} <= page.page_words()


def test_what_the_letter_says_is_marked_dutch_on_an_english_page(tmp_path):
    html = review_page(tmp_path, "en")
    page = _Texts(html)

    dutch = page.in_dutch()
    for text in ("30.133", "geheim & <dicht>", "Trend", "Lijn", "Bron: fictief", "Tabel"):
        assert text in dutch, text
    for text in ("Onderwerp & meer", "12 juli 2024", "commissie ZWS", "Rapport hubs", "loopt"):
        assert text in dutch, text
    assert page.images and all(lang == "nl" for _alt, lang in page.images)
    # brief's own words stay in the page's language, the names and files too.
    assert "not used in the letter" not in dutch and "01-jeugd.ipynb, cell 4" not in dutch
    assert "<title>Review 2023: Onderwerp &amp; meer</title>" in html
    assert '<h1>Review 2023: <span lang="nl">Onderwerp &amp; meer</span></h1>' in html


def test_review_page_shows_the_run_record_in_english(tmp_path):
    html = review_page(tmp_path, "en")

    assert "<code>abc123</code> with uncommitted changes" in html
    assert "ran: first build" in html and "reused: nothing it depends on changed" in html
    assert "<code>data/jeugd.csv</code> (12 rows)" in html
    assert "<strong>Converted, check:</strong> 1.234 read as 1234" in html
    assert '<li><a href="run.json">Run record</a> (run.json)</li>' in html
    assert "<li>A finding.</li>" in html
    assert "(8.0 s)</td>" in html and '<td class="number">1.5</td>' in html


def test_seconds_are_written_as_the_pages_language_writes_them(tmp_path):
    html = review_page(tmp_path, "nl")

    assert "(8,0 s)</td>" in html and '<td class="number">1,5</td>' in html


def test_one_environment_renders_each_page_in_the_language_spoken_then():
    environment = page_environment()  # made once, as a caller may keep it
    entries = [
        LetterEntry(
            label="2024 Charlois",
            year=2024,
            area="Charlois",
            status="built",
            reason="first build",
            seconds=1.0,
            letter="gebied/charlois/2024/brief-2024-charlois.docx",
            review_page="gebied/charlois/2024/index.html",
            gaps=[Gap(name="pleinen", reason="a figure it is computed from is missing")],
            when="2026-06-03T10:00:00+02:00",
        )
    ]

    def grid(language: str) -> str:
        with speaking(language):
            return environment.get_template("grid.html.j2").render(
                year=2024, updated="2026-06-03T10:00:00+02:00", counts="1 built", entries=entries
            )

    english = grid("en")
    page = _Texts(english)
    assert page.root == "en" and _Texts(grid("nl")).root == "nl"
    assert "<title>Letters of 2024: the grid</title>" in english
    assert "<td>built</td>" in english
    assert 'Gaps (<span lang="nl">geen gegevens voor dit gebied</span>)' in english
    assert '<a href="gebied/charlois/2024/index.html">review page of 2024 Charlois</a>' in english
    assert not page.page_words() & DUTCH_WORDS, page.page_words() & DUTCH_WORDS


def test_notebook_page_is_in_the_language_spoken_and_marks_the_notebooks_dutch(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Jeugd\n\nKinderwerk en jongerenwerk."),
        nbformat.v4.new_code_cell(
            "chart",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={"image/png": PNG},
                    metadata={"image/png": {"alt": "Staafdiagram: pleinen per gebied"}},
                ),
                nbformat.v4.new_output("display_data", data={"image/png": PNG}),
            ],
        ),
    ]
    source = tmp_path / "01-jeugd.ipynb"
    source.write_text(nbformat.writes(notebook), encoding="utf-8")

    with speaking("en"):
        html = write_notebook_html(source, tmp_path / "en.html").read_text(encoding="utf-8")
    with speaking("nl"):
        dutch = write_notebook_html(source, tmp_path / "nl.html").read_text(encoding="utf-8")

    page = _Texts(html)
    assert page.root == "en" and _Texts(dutch).root == "nl"
    assert ".jp-Cell:target" in html  # the cell a review link points at is marked
    assert "Kinderwerk en jongerenwerk." in page.in_dutch()
    assert sorted(page.images) == [
        ("Chart without a description", "en"),
        ("Staafdiagram: pleinen per gebied", "nl"),
    ]
