"""What a reviewer gets: the review page, the notebooks as HTML, the commented review copy."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn

from brief.build.year import build_year
from brief.letter.fill import jinja_environment, open_template

pytestmark = pytest.mark.slow

YEAR = 2023


@pytest.fixture(scope="module")
def reviewed(built):
    """The 2023 outputs after a rebuild that asks for the review copy.

    The notebooks ran for ``built`` already; asking for a review copy only refills the letter.
    """
    paths = built["paths"]
    result = build_year(paths, YEAR, review=True)
    assert result.built and result.notebook_seconds == {}, "no notebook should rerun"
    return {"paths": paths, "result": result, "outputs": result.outputs}


class _Page(HTMLParser):
    """Collect the review page's value rows: id -> (cells' text, link)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict] = {}
        self._row: dict | None = None
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and (attrs.get("id") or "").startswith("value-"):
            self._row = {"cells": [], "link": None}
            self.rows[attrs["id"].removeprefix("value-")] = self._row
        elif self._row is not None and tag == "td":
            self._row["cells"].append("")
            self._in_cell = True
        elif self._row is not None and tag == "a":
            self._row["link"] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._row is not None and self._in_cell:
            self._row["cells"][-1] += data


def names_in_template(paths) -> set[str]:
    """The names the template uses, read from the template itself."""
    template = open_template(paths.default_template)
    return set(template.get_undeclared_template_variables(jinja_environment()))


def publishing_notebooks(paths) -> dict[str, str]:
    """name -> the notebook whose source publishes it, read from the notebook sources."""
    found = {}
    for notebook in paths.notebooks():
        source = "".join(
            "".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"]
        )
        for name in re.findall(r'publish_(?:value|figure|table)\(\s*"([a-z0-9_]+)"', source):
            found[name] = notebook.name
    return found


def letter_text(path) -> str:
    document = docx.Document(path)
    return "\n".join(p.text for p in document.paragraphs)


def test_review_page_lists_every_value_in_the_letter_with_a_working_link(reviewed):
    outputs, paths = reviewed["outputs"], reviewed["paths"]
    page = _Page()
    page.feed(outputs.review_page.read_text(encoding="utf-8"))
    published = publishing_notebooks(paths)
    in_letter = names_in_template(paths) & {
        name
        for name, entry in json.loads(outputs.run_record.read_text())["shown"].items()
        if entry["kind"] == "value"
    }
    text = letter_text(outputs.letter)

    assert len(in_letter) >= 20
    for name in in_letter:
        row = page.rows[name]
        shown = row["cells"][1].strip()
        assert shown and shown in text, (name, shown)
        html_page, anchor = row["link"].split("#")
        assert html_page == f"notebooks/{published[name].removesuffix('.ipynb')}.html"
        html = (outputs.folder / html_page).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, (name, anchor)
        # The anchored cell is the one whose code publishes the name.
        cell_id = anchor.removeprefix("cell-id=")
        executed = json.loads((outputs.notebooks_dir / published[name]).read_text())
        (cell,) = [c for c in executed["cells"] if c.get("id") == cell_id]
        assert f'"{name}"' in "".join(cell["source"])


def test_review_page_is_a_static_page_with_the_figures_and_their_data(reviewed):
    outputs = reviewed["outputs"]
    html = outputs.review_page.read_text(encoding="utf-8")

    assert "<script" not in html
    for src in re.findall(r'(?:src|href)="([^"#:]+)"', html):
        assert (outputs.folder / src).is_file(), src
    assert 'href="brief-2023-review.docx"' in html
    assert 'href="figuren/valpreventie_doel_realisatie.csv"' in html
    assert "Toezeggingen" in html or "toezeggingen" in html


def comments_with_anchors(path) -> list[tuple[str, str]]:
    """(the text a comment is anchored on, the comment's text), in document order."""
    document = docx.Document(path)
    texts = {comment.comment_id: comment.text for comment in document.comments}
    anchored: dict[int, str] = {}
    open_ids: list[int] = []
    for element in document.element.body.iter(
        qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t")
    ):
        if element.tag == qn("w:commentRangeStart"):
            open_ids.append(int(element.get(qn("w:id"))))
            anchored[open_ids[-1]] = ""
        elif element.tag == qn("w:commentRangeEnd"):
            open_ids.remove(int(element.get(qn("w:id"))))
        else:
            for comment_id in open_ids:
                anchored[comment_id] += element.text or ""
    return [(anchored[i], texts[i]) for i in anchored]


def test_review_copy_comments_name_the_notebook_that_published_each_value(reviewed):
    outputs, paths = reviewed["outputs"], reviewed["paths"]
    published = publishing_notebooks(paths)
    shown = json.loads(outputs.run_record.read_text())["shown"]
    comments = comments_with_anchors(outputs.review_letter)

    assert len(comments) >= 25
    named = set()
    for anchor, comment in comments:
        name = comment.split(":", 1)[0]
        named.add(name)
        assert f"published by {published[name]}, cell " in comment
        assert "data/" in comment
        # Each names the rows behind it, or says the notebook made it (and what it read).
        assert ", row" in comment or ("computed in the notebook" in comment and " rows)" in comment)
        if shown[name]["kind"] == "value":
            assert anchor == shown[name]["text"], (name, anchor)
        else:  # figures and tables: the comment sits on the caption
            assert shown[name]["text"] in anchor, (name, anchor)
    assert {"valpreventie_deelnemers", "valpreventie_doel_realisatie", "indicatoren"} <= named
    assert "02-ouderen.ipynb" in dict(comments_with_anchors(outputs.review_letter)).get("700", "")
    assert (
        "read from data/ouderen.csv, row 3: valpreventie_deelnemers, 2023, Rotterdam, "
        in (dict(comments_with_anchors(outputs.review_letter))["700"])
    )


def test_review_page_and_run_record_list_the_data_rows_behind_each_value(reviewed):
    outputs = reviewed["outputs"]
    page = _Page()
    page.feed(outputs.review_page.read_text(encoding="utf-8"))
    shown = json.loads(outputs.run_record.read_text())["shown"]

    rows_cell = page.rows["valpreventie_deelnemers"]["cells"][3]
    share_cell = page.rows["lokaal_budget_aandeel"]["cells"][3]
    assert "data/ouderen.csv, row 3: valpreventie_deelnemers, 2023, Rotterdam" in rows_cell
    assert share_cell.startswith("a share, computed from:")
    assert "data/lokale_initiatieven.csv, row 6: lokaal_budget_besteed" in share_cell
    assert "computed in the notebook" in page.rows["aantal_gebieden"]["cells"][3]
    (row,) = shown["valpreventie_deelnemers"]["lineage"]["rows"]
    assert (row["file"], row["row"], row["value"]) == ("data/ouderen.csv", 3, 700)


def test_review_page_shows_figures_in_the_letters_order_with_their_numbers(reviewed):
    outputs = reviewed["outputs"]
    html = outputs.review_page.read_text(encoding="utf-8")
    letter = docx.Document(outputs.letter)

    captions = [p.text for p in letter.paragraphs if re.match(r"Figuur \d+: ", p.text)]
    on_page = re.findall(r'<strong lang="nl">(Figuur \d+: [^<]*)</strong>', html)

    assert captions and on_page == captions


def test_normal_letter_has_no_comments_and_no_marks(reviewed):
    document = docx.Document(reviewed["outputs"].letter)

    assert len(list(document.comments)) == 0
    xml = document.element.xml + "".join(s.header._element.xml for s in document.sections)
    assert not re.search("[\ue000-\ue002]", xml)
    review = docx.Document(reviewed["outputs"].review_letter)
    assert not re.search("[\ue000-\ue002]", review.element.xml)


def test_notebooks_are_kept_executed_with_their_parameters_and_as_html(reviewed):
    outputs = reviewed["outputs"]
    for notebook in reviewed["paths"].notebooks():
        executed = json.loads((outputs.notebooks_dir / notebook.name).read_text())
        injected = [
            c
            for c in executed["cells"]
            if "injected-parameters" in c.get("metadata", {}).get("tags", [])
        ]
        assert len(injected) == 1 and f"year = {YEAR}" in "".join(injected[0]["source"])
        html = outputs.notebook_html(notebook.name).read_text(encoding="utf-8")
        assert "injected-parameters" in html or f"year = {YEAR}" in html
        assert "data:image/png;base64" in html or notebook.name.startswith("05")
        for alt in re.findall(r'<img[^>]*alt="([^"]*)"', html):
            assert alt.split(":")[0] in ("Staafdiagram", "Lijndiagram", "Kaart"), alt


def test_run_record_holds_hashes_versions_and_timings(reviewed):
    record = json.loads(reviewed["outputs"].run_record.read_text())

    assert re.fullmatch(r"[0-9a-f]{40}", record["git"]["commit"] or "0" * 40)
    assert record["template"]["path"] == "templates/brief.docx"
    assert re.fullmatch(r"[0-9a-f]{64}", record["template"]["sha256"])
    assert record["params"]["path"] == "params/2023.yaml"
    assert set(record["data"]) == {
        f"data/{p.name}" for p in reviewed["paths"].data_dir.glob("*.csv")
    }
    assert {"papermill", "pandas", "matplotlib", "python-docx", "docxtpl"} <= set(
        record["packages"]
    )
    for notebook in record["notebooks"].values():
        assert re.fullmatch(r"[0-9a-f]{64}", notebook["sha256"])
        assert notebook["seconds"] > 0
        assert all(read["rows"] > 0 for read in notebook["reads"].values())


def test_notebooks_show_the_analysis_not_the_publishing_payload(reviewed):
    """A reviewer reads one line per value and the chart itself, never a payload dump."""
    from brief.records import PUBLISH_MIMETYPE

    folder = reviewed["outputs"].notebooks_dir
    for path in sorted(folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                for mime, content in output.get("data", {}).items():
                    if mime in ("image/png", PUBLISH_MIMETYPE):
                        continue  # the chart itself, and the record brief reads back
                    text = "".join(content) if isinstance(content, list) else str(content)
                    assert "iVBORw0KGgo" not in text, (path.name, mime)
                    assert "'type': 'value'" not in text, (path.name, mime)
        page = reviewed["outputs"].notebook_html(path.name).read_text(encoding="utf-8")
        images = page.count("data:image/png;base64,")
        assert page.count("iVBORw0KGgo") == images, path.name  # base64 only inside <img>


def test_pages_speak_the_builds_language_and_mark_the_letters_dutch(reviewed):
    """The session builds in English: brief's words are English, the letter's Dutch."""
    outputs = reviewed["outputs"]
    page = outputs.review_page.read_text(encoding="utf-8")

    assert '<html lang="en">' in page
    cells = re.findall(r'<tr id="value-[^"]+"[^>]*>\s*<td>.*?</td>\s*<td([^>]*)>', page)
    assert len(cells) >= 20 and all('lang="nl"' in cell for cell in cells)
    assert all(img.endswith('lang="nl"') for img in re.findall(r"<img [^>]*?(?=>)", page))
    for notebook in reviewed["paths"].notebooks():
        html = outputs.notebook_html(notebook.name).read_text(encoding="utf-8")
        assert '<html lang="en">' in html, notebook.name
        markdown = re.findall(r'<div[^>]*class="jp-Cell jp-MarkdownCell[^>]*>', html)
        assert markdown and all('lang="nl"' in div for div in markdown), notebook.name


def test_review_page_names_each_cell_as_the_notebook_page_numbers_it(reviewed):
    outputs = reviewed["outputs"]
    page = _Page()
    page.feed(outputs.review_page.read_text(encoding="utf-8"))

    for name in ("valpreventie_deelnemers", "kinderwerk_bereik", "lokaal_budget_aandeel"):
        row = page.rows[name]
        count = re.search(r"cell \[(\d+)\]$", row["cells"][2]).group(1)
        notebook, anchor = row["link"].split("#")
        html = (outputs.folder / notebook).read_text(encoding="utf-8")
        cell = html[html.index(f'id="{anchor}"') :]
        prompt = re.search(r'class="jp-InputPrompt jp-InputArea-prompt">In\s*\[(\d+)\]:', cell)
        assert prompt.group(1) == count, name


def test_a_page_made_after_the_warm_up_is_the_page_made_without_it(reviewed, tmp_path):
    from brief.review import pages

    executed = reviewed["outputs"].notebooks_dir / reviewed["paths"].notebooks()[0].name
    pages._notebook_exporter.cache_clear()
    cold = pages.write_notebook_html(executed, tmp_path / "cold.html").read_text()
    pages._notebook_exporter.cache_clear()

    pages.prepare_notebook_pages()
    assert pages._notebook_exporter.cache_info().currsize == 1  # ready for the real page
    warm = pages.write_notebook_html(executed, tmp_path / "warm.html").read_text()

    assert warm == cold and "data:image/png;base64" in warm
