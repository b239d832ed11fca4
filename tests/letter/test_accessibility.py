"""An accessible letter: its file says what screen readers need, and brief finds what does not."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import docx
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402

from brief.letter import (
    accessibility,  # noqa: E402
    parts,  # noqa: E402
)
from brief.letter.fill import fill_letter  # noqa: E402
from brief.notebook import charts
from brief.notebook.collect import Collection  # noqa: E402
from tests.letter.test_escaping import params  # noqa: E402


def chart_png(colour: str) -> bytes:
    figure, axes = plt.subplots(figsize=(3, 2))
    axes.bar(["a", "b", "c"], [3, 5, 4], color=colour)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    plt.close(figure)
    return buffer.getvalue()


def filled_findings(tmp_path, build) -> list[str]:
    template = tmp_path / "t.docx"
    document = docx.Document()
    build(document)
    document.save(template)
    return fill_letter(template, params(regels="r"), Collection()).accessibility


def test_a_clean_letter_has_no_findings(tmp_path):
    def build(d):
        d.add_heading("Inleiding", level=1)
        d.add_paragraph("Tekst {{ jaar }}.")
        d.add_heading("Cijfers", level=2)

    assert filled_findings(tmp_path, build) == []


def test_picture_without_alt_text_is_found_unless_decorative(tmp_path):
    def build(d):
        d.add_heading("Kop", level=1)
        d.add_picture(io.BytesIO(chart_png(charts.PALETTE[0])))
        d.add_picture(io.BytesIO(chart_png(charts.PALETTE[0])))
        decorative = d.inline_shapes[1]._inline.docPr
        decorative.append(
            parse_xml(
                '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
                '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/'
                'decorative" val="1"/></a:ext></a:extLst>'
            )
        )

    found = filled_findings(tmp_path, build)

    assert found == [
        "A picture in the body has no alternative text. Give it one in Word (right-click, "
        "'Edit Alt Text'), or mark it as decorative."
    ]


def test_skipped_heading_level_and_missing_headings_are_found(tmp_path):
    def skipped(d):
        d.add_heading("Een", level=1)
        d.add_heading("Drie", level=3)

    assert filled_findings(tmp_path, skipped) == [
        'The heading "Drie" is level 3 after level 1: a heading level is skipped. '
        "Use the next level down."
    ]
    assert filled_findings(tmp_path, lambda d: d.add_paragraph("Geen kop.")) == [
        "The letter has no headings. Use Word's Heading styles for its sections."
    ]


def test_table_without_header_row_merged_or_empty_cells_are_found(tmp_path):
    def build(d):
        d.add_heading("Kop", level=1)
        table = d.add_table(rows=2, cols=3)
        table.rows[0].cells[0].text = "Soort"
        table.rows[1].cells[0].merge(table.rows[1].cells[1])

    found = filled_findings(tmp_path, build)

    assert found[0].startswith('The table that starts with "Soort" has no header row.')
    assert found[1].startswith('The table that starts with "Soort" has merged cells')
    assert found[2].startswith('The table that starts with "Soort" has 4 empty cell(s).')


def test_text_marked_in_another_language_is_found_and_the_default_becomes_dutch(tmp_path):
    def build(d):
        d.add_heading("Kop", level=1)
        run = d.add_paragraph().add_run("English words")
        run._r.get_or_add_rPr().append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-GB"/>'))

    found = filled_findings(tmp_path, build)

    assert found == [
        "Text in the letter is marked as language en-GB, not Dutch; a screen reader would "
        "pronounce it that way. In Word: Review, Language."
    ]


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_the_house_palette_passes_the_chart_contrast_check(colour):
    assert accessibility._chart_findings("c", chart_png(colour)) == []


def test_a_pale_chart_colour_is_found():
    found = accessibility._chart_findings("budget", chart_png("#FFD966"))

    assert len(found) == 1
    assert found[0].startswith(
        "The chart 'budget' has a colour (#FFD966) that readers with low vision can hardly "
        "tell from its background: contrast 1."
    )


def test_a_pale_chart_colour_names_the_notebook_to_change():
    found = accessibility.chart_findings([("budget", chart_png("#FFD966"), "04-lokaal.ipynb")])

    assert len(found) == 1
    assert found[0].endswith(
        "where at least 3:1 is needed. Give it a darker colour in 04-lokaal.ipynb, for "
        "instance one of brief's charts.PALETTE."
    )


def test_charts_seen_at_the_last_build_are_not_looked_at_again():
    from brief.records import ChartColour

    pale, house = chart_png("#FFD966"), chart_png(charts.PALETTE[0])
    # What a last build said of the house-coloured chart, made up so it shows where it came
    # from: a chart found there is taken as found, not decoded again.
    said = [ChartColour(colour="#123456", ratio=2.5)]
    known = {hashlib.sha256(house).hexdigest(): said}

    looks = accessibility.look_at_charts([pale, house, pale], known)

    assert looks[hashlib.sha256(house).hexdigest()] == said
    assert [c.colour for c in looks[hashlib.sha256(pale).hexdigest()]] == ["#FFD966"]
    assert len(looks) == 2


def test_findings_from_charts_seen_before_read_as_those_found_anew():
    charted = [("budget", chart_png("#FFD966"), "04-lokaal.ipynb"), ("c", chart_png("#1F4E79"))]
    seen = accessibility.look_at_charts([png for _, png, *_ in charted])

    again = accessibility.chart_findings(charted, accessibility.look_at_charts([], seen))

    assert again == accessibility.chart_findings(charted, seen)
    assert again == accessibility.chart_findings(charted)
    assert len(again) == 1 and "(#FFD966)" in again[0]


@pytest.mark.slow
def test_a_build_warns_about_a_pale_chart_in_the_advisors_words(project):
    import json

    from brief.build.year import build_year
    from brief.project.paths import YearOutputs
    from brief.records import RunRecord

    path = project.notebooks_dir / "02-ouderen.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell = notebook["cells"][-1]  # the last cell also publishes a chart in a pale colour
    cell["source"] = "".join(cell["source"]) + (
        "\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\n"
        "ax.bar([1, 2], [3, 4], color='#FFD966')\n"
        "brief.publish_figure('bleek', fig, title='Bleek', source='test')\n"
    )
    path.write_text(json.dumps(notebook), encoding="utf-8")

    result = build_year(project, 2023, jobs=2)

    pale = [w for w in result.warnings if "'bleek'" in w]
    assert len(pale) == 1
    assert pale[0].startswith("Accessibility: The chart 'bleek' has a colour (#FFD966)")
    assert "Give it a darker colour in 02-ouderen.ipynb" in pale[0]
    # The run record keeps what was found of every chart, by its PNG, for the next build.
    outputs = YearOutputs(result.letter.parent, 2023)
    record = RunRecord.read(outputs.run_record)
    pngs = [path.read_bytes() for path in outputs.figures_dir.glob("*.png")]
    assert sorted(record.charts) == sorted(hashlib.sha256(png).hexdigest() for png in pngs)
    assert sum(len(faint) for faint in record.charts.values()) == 1

    # Another notebook's data changes; 02-ouderen and its pale chart are reused, and the
    # build that does not look at that chart again still says what is wrong with it.
    spoil = project.data_dir / "jeugd.csv"
    spoil.write_text(spoil.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = build_year(project, 2023, jobs=2)

    assert sorted(again.notebook_seconds) == ["01-jeugd.ipynb", "05-indicatoren.ipynb"]
    assert [w for w in again.warnings if "'bleek'" in w] == pale

    # What the record says is what the next build goes by (here made up, to show it)...
    (bleek,) = [sha for sha, faint in record.charts.items() if faint]
    said = {"colour": "#123456", "ratio": 2.5}
    kept = json.loads(outputs.run_record.read_text(encoding="utf-8"))
    kept["charts"][bleek] = [said]
    outputs.run_record.write_text(json.dumps(kept), encoding="utf-8")
    spoil.write_text(spoil.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    told = build_year(project, 2023, jobs=2)
    assert [w for w in told.warnings if "'bleek'" in w][0].count("(#123456)") == 1
    # ... unless another brief made it: then every chart is looked at anew.
    kept = json.loads(outputs.run_record.read_text(encoding="utf-8"))
    kept["charts"][bleek], kept["toolkit"] = [said], "another brief"
    outputs.run_record.write_text(json.dumps(kept), encoding="utf-8")
    anew = build_year(project, 2023, jobs=2)
    assert [w for w in anew.warnings if "'bleek'" in w] == pale


@pytest.mark.slow
def test_the_built_letter_says_what_assistive_technology_needs(built):
    letter = built["results"][2023].letter
    document = docx.Document(letter)
    properties = document.core_properties

    styles = document.styles.element
    default = styles.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert default.get(qn("w:val")) == "nl-NL"
    assert parts.languages(document) == {"nl-NL"}
    assert properties.title == "Voortgangsbrief welzijn 2023"
    assert properties.author == "Faouzi Achbar MBA MSc"
    assert properties.keywords == "M2312-1203" and properties.language == "nl-NL"
    assert properties.created.year >= 2026 and properties.comments == ""
    with zipfile.ZipFile(letter) as package:
        for name in ("docProps/core.xml", "docProps/app.xml"):
            assert "python-docx" not in package.read(name).decode("utf-8"), name
    shapes = [e for _, root in parts.part_elements(document) for e in root.iter(qn("wp:docPr"))]
    assert len({e.get("id") for e in shapes}) == len({e.get("name") for e in shapes}) == 7
    assert all(e.get("descr") for e in shapes)
    levels = [level for level, _ in parts.heading_levels(document)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert all(header for _, header, _, _ in parts.table_facts(document))
    assert not re.search("python-docx", properties.comments or "")


def test_the_hatched_target_bars_of_the_house_style_pass_the_contrast_check():
    import pandas as pd

    from brief.notebook.publish import FIGURE_DPI

    realised = pd.Series([1_200_000, 1_700_000, 2_400_000], index=[2022, 2023, 2024])
    target = pd.Series([2_500_000, 2_800_000, 3_000_000], index=[2022, 2023, 2024])
    chart = charts.target_bars(realised, target, title="t", what="w", unit="euro_mln")
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")

    assert accessibility.chart_findings([("lokaal_budget", buffer.getvalue())]) == []
