"""The template language at its edges, on the example template and this year's real values.

Each case adds one paragraph to a copy of templates/brief.docx, in the body, the header,
the footer or a table cell, and fills it with the 2023 values of the built example
(no notebook runs again). The result is read back with python-docx.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from brief.build.check import check_template
from brief.exceptions import TemplateError
from brief.letter import marks
from brief.letter.fill import render_letter
from brief.notebook.collect import Collection, Published, collect
from brief.project.params import load_params

pytestmark = pytest.mark.slow  # uses the letters built once per session

YEAR = 2023
PLACES = ("body", "header", "footer", "table cell")


@pytest.fixture(scope="module")
def year_values(built):
    """The 2023 parameters and published items of the built example."""
    paths = built["paths"]
    params = load_params(paths.params_file(YEAR), YEAR)
    collection = collect(sorted((paths.year_dir(YEAR) / "notebooks").glob("*.ipynb")))
    return paths, params, collection


def template_with(paths, tmp_path: Path, text: str, place: str) -> Path:
    """Copy the example template with one more paragraph holding ``text`` at ``place``."""
    target = tmp_path / "brief.docx"
    shutil.copy(paths.default_template, target)
    document = docx.Document(target)
    section = document.sections[0]
    if place == "body":
        document.add_paragraph(text)
    elif place == "header":
        section.header.add_paragraph(text)
    elif place == "footer":
        section.footer.add_paragraph(text)
    else:
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text = "Cel"
        table.rows[0].cells[1].text = text
    document.save(target)
    return target


def filled_texts(letter: Path, place: str) -> list[str]:
    """Return the texts of the letter's paragraphs at ``place``."""
    document = docx.Document(letter)
    section = document.sections[0]
    if place == "header":
        return [p.text for p in section.header.paragraphs]
    if place == "footer":
        return [p.text for p in section.footer.paragraphs]
    if place == "table cell":
        return [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs]


def fill(year_values, tmp_path, text: str, place: str) -> list[str]:
    paths, params, collection = year_values
    template = template_with(paths, tmp_path, text, place)
    letter = tmp_path / "out" / "brief-2023.docx"
    render_letter(template, params, collection, letter)
    return filled_texts(letter, place)


def refusal(year_values, tmp_path, text: str, place: str) -> str:
    paths, params, collection = year_values
    template = template_with(paths, tmp_path, text, place)
    letter = tmp_path / "out" / "brief-2023.docx"
    with pytest.raises(TemplateError) as caught:
        render_letter(template, params, collection, letter)
    assert not letter.exists()
    return str(caught.value)


def label(place: str) -> str:
    """How a message names the part: a table cell is in the body."""
    return "body" if place == "table cell" else place


# --- issue: text typed inside a tag is printed as typed -------------------------------


@pytest.mark.parametrize("place", PLACES)
def test_ampersand_and_angles_typed_inside_a_tag_print_once_escaped(year_values, tmp_path, place):
    texts = fill(
        year_values,
        tmp_path,
        '[{{ "Zorg & Welzijn" if jaar > 2020 else "" }}] [{{ "<5 & >10" }}]',
        place,
    )

    assert "[Zorg & Welzijn] [<5 & >10]" in texts
    assert not any("&amp;" in text or "&lt;" in text for text in texts)


# --- a name used only with default() or behind "is defined" is not missing -------------


@pytest.mark.parametrize("place", PLACES)
def test_name_with_a_default_or_defined_test_may_be_missing(year_values, tmp_path, place):
    texts = fill(
        year_values,
        tmp_path,
        '[{{ onbekend_veld|default("n.v.t.") }}] '
        "[{% if ander_veld is defined %}{{ ander_veld }}{% else %}geen{% endif %}] "
        '[{{ derde_veld if derde_veld is defined else "leeg" }}] [{{ kenmerk|default("x") }}]',
        place,
    )

    assert "[n.v.t.] [geen] [leeg] [M2312-1203]" in texts


def test_name_used_bare_as_well_as_with_a_default_is_still_missing(year_values, tmp_path):
    message = refusal(
        year_values, tmp_path, '{{ onbekend_veld|default("-") }} en {{ onbekend_veld }}', "body"
    )

    assert "onbekend_veld: no notebook or params file gives this name." in message


# --- an unknown filter names its paragraph and the filter meant ------------------------


@pytest.mark.parametrize("place", PLACES)
def test_misspelt_filter_names_paragraph_and_suggests_the_filter(year_values, tmp_path, place):
    message = refusal(year_values, tmp_path, "Gedateerd {{ datum|daum }} voor de commissie.", place)

    assert message.startswith("The template uses a filter that does not exist: 'daum'.")
    assert "Did you mean 'datum'?" in message
    assert f'In the {label(place)}, at: "Gedateerd {{{{ datum|daum }}}} voor de commissie.".' in (
        message
    )
    assert "{% endif %}" not in message  # no hint about blocks: not a block mistake


# --- docxtpl's literal braces ------------------------------------------------------------


@pytest.mark.parametrize("place", PLACES)
def test_literal_braces_print_as_braces(year_values, tmp_path, place):
    texts = fill(
        year_values,
        tmp_path,
        "Schrijf {_{ jaar }_} voor het jaar ({{ jaar }}) en {_% if x %_} voor een keuze.",
        place,
    )

    assert "Schrijf {{ jaar }} voor het jaar (2023) en {% if x %} voor een keuze." in texts


# --- a filter given the wrong kind of value ------------------------------------------------


@pytest.mark.parametrize("place", PLACES)
def test_filter_on_the_wrong_kind_of_value_names_filter_and_paragraph(year_values, tmp_path, place):
    message = refusal(year_values, tmp_path, "Onderwerp in cijfers: {{ onderwerp|getal }}.", place)

    assert message.startswith(
        "The filter 'getal' cannot print 'Voortgangsbrief welzijn 2023': expected a number"
    )
    assert f'In the {label(place)}, at: "Onderwerp in cijfers: {{{{ onderwerp|getal }}}}.".' in (
        message
    )
    assert "Traceback" not in message


def test_brief_check_finds_a_filter_on_the_wrong_kind_of_value(year_values, tmp_path):
    paths, params, collection = year_values
    template = template_with(paths, tmp_path, "Datum: {{ kenmerk|datum }}", "body")

    report = check_template(template, params, collection)

    assert len(report.errors) == 1
    assert report.errors[0].startswith("The filter 'datum' cannot print 'M2312-1203'")
    assert 'In the body, at: "Datum: {{ kenmerk|datum }}".' in report.errors[0]


# --- a template cannot reach Python ------------------------------------------------------

ESCAPES = {
    "cycler": "{{ cycler.__init__.__globals__.os.popen('touch MARK').read() }}",
    "lipsum": "{{ lipsum.__globals__['os'].popen('touch MARK').read() }}",
    "self": (
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os"
        ".popen('touch MARK').read() }}"
    ),
    "mro": "{{ kenmerk.__class__.__mro__[1].__subclasses__() }}",
    "string class": (
        "{% for c in ''.__class__.__base__.__subclasses__() %}"
        "{% if c.__name__ == 'Popen' %}{{ c('touch MARK', shell=True) }}{% endif %}{% endfor %}"
    ),
    "joiner": "{{ joiner.__init__.__globals__.os.system('touch MARK') }}",
    "format": "{{ '{0.__class__.__init__.__globals__}'.format(namespace) }}",
    "list method": "{{ toezeggingen.append(1) }}{{ toezeggingen.clear() }}",
}
GONE_GLOBALS = {"cycler", "lipsum", "joiner"}


@pytest.mark.parametrize("payload", list(ESCAPES))
def test_a_template_reaching_into_python_is_refused_and_runs_nothing(
    year_values, tmp_path, payload, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    text = ESCAPES[payload].replace("MARK", str(tmp_path / "ran"))

    message = refusal(year_values, tmp_path, f"Gevaarlijk: {text}", "body")

    if payload in GONE_GLOBALS:  # Jinja's cycler, joiner and lipsum are not in a letter
        assert message.startswith("The template uses names that have no value for this year:")
        assert f"  - {payload}: no notebook or params file gives this name." in message
    else:
        assert message.startswith("The template tries to reach inside Python (")
        assert "nothing was run" in message
        assert 'In the body, at: "Gevaarlijk: ' in message
    assert not (tmp_path / "ran").exists()


# --- values that look like template code are values -------------------------------------


@pytest.mark.parametrize(
    "value", ["Wmo radar & {{ x }} <i>", "{% if a %}", "{_{ kenmerk }_}", "}} en {#"]
)
def test_values_that_look_like_tags_print_literally(year_values, tmp_path, value):
    paths, params, collection = year_values
    entry = collection.items["aanbieders"]
    rows = [list(row) for row in entry.item.rows]
    rows[0][0] = value  # a provider's name, as gebieden.csv would give it
    table = entry.item.model_copy(update={"rows": rows})
    items = collection.items | {"aanbieders": Published(table, entry.origin)}
    collection = Collection(items=items, inputs=collection.inputs)
    teksten = params.teksten | {"inleiding": f"Inleiding met {value} erin."}
    params = params.model_copy(update={"teksten": teksten})
    letter = tmp_path / "brief-2023.docx"

    render_letter(paths.default_template, params, collection, letter)

    document = docx.Document(letter)
    cells = [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    assert value in cells
    assert f"Inleiding met {value} erin." in [p.text for p in document.paragraphs]


@pytest.mark.parametrize("place", PLACES)
def test_a_tag_the_template_failed_to_fill_is_still_caught(year_values, tmp_path, place):
    # Typed with a space between the braces: Jinja does not see a tag, the reader would.
    message = refusal(year_values, tmp_path, "Kenmerk: { { kenmerk }}", place)

    assert message.startswith(
        f'The filled letter still shows a template tag in the {label(place)}: "Kenmerk: '
    )


def test_no_fill_mark_is_left_in_any_part_of_the_letter(year_values, tmp_path):
    texts = fill(year_values, tmp_path, "{{ kenmerk }}", "footer")
    letter = tmp_path / "out" / "brief-2023.docx"

    with zipfile.ZipFile(letter) as package:
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".xml"))
    assert marks.FILL_START not in xml and marks.FILL_END not in xml
    assert "M2312-1203" in texts
