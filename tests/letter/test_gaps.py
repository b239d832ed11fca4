"""Gaps in an area's letter are typed values: every filter prints them, templates test them."""

from __future__ import annotations

import docx
import pytest

from brief.formatting import FILTERS
from brief.letter import marks
from brief.letter.fill import fill_letter
from brief.letter.templating import jinja_environment
from brief.notebook.collect import Collection, Published
from brief.records import Gap, Origin, PublishedValue
from tests.letter.test_escaping import params

GAP = Gap("geen gegevens voor dit gebied", "data/x.csv has no realisation of 'x' for Pernis.")


def printed(source: str, **context) -> str:
    """What a tag prints, without the invisible marks brief puts around filled text."""
    return marks.unfilled(jinja_environment().from_string(source).render(**context))


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_every_formatting_filter_prints_a_gap_as_the_gap_text(name):
    text = printed(f"a {{{{ x|{name} }}}} b", x=GAP)

    assert text == "a geen gegevens voor dit gebied b"


def test_a_gap_as_the_argument_of_a_filter_prints_as_the_gap():
    assert printed("{{ 115|verandering(x) }}", x=GAP) == "geen gegevens voor dit gebied"


@pytest.mark.parametrize("name", ["round", "int", "upper", "abs", "string", "trim", "float"])
def test_jinjas_own_filters_pass_a_gap_through(name):
    assert printed(f"{{{{ x|{name} }}}}", x=GAP) == "geen gegevens voor dit gebied"


def test_sums_with_a_gap_stay_a_gap_and_it_is_false():
    assert printed("{{ x + 1 }}|{{ 2 * x }}|{{ x / 3 }}", x=GAP) == "|".join([GAP.text] * 3)
    assert printed("{% if x %}ja{% else %}nee{% endif %}", x=GAP) == "nee"
    assert printed("{% if x > 3 or x < 3 %}ja{% else %}nee{% endif %}", x=GAP) == "nee"


@pytest.mark.parametrize("test", ["gegeven", "given"])
def test_is_gegeven_tells_a_gap_and_a_missing_name_from_a_figure(test):
    source = f"{{% if x is {test} %}}{{{{ x|getal }}}}{{% else %}}onbekend{{% endif %}}"

    assert printed(source, x=GAP) == "onbekend"
    assert printed(source) == "onbekend"
    assert printed(source, x=1234) == "1.234"


@pytest.mark.parametrize("name", ["of", "or"])
def test_of_gives_the_text_instead_of_a_gap(name):
    source = f'{{{{ x|{name}("onbekend") }}}}'

    assert printed(source, x=GAP) == "onbekend"
    assert printed(source) == "onbekend"
    assert printed(source, x=0) == "0"


def test_a_gap_has_nothing_callable_for_a_template():
    public = [name for name in dir(GAP) if not name.startswith("_")]

    assert public == ["reason", "text"]
    assert all(isinstance(getattr(GAP, name), str) for name in public)
    with pytest.raises(AttributeError):
        GAP.text = "iets anders"


def value(name: str, number, gap: str | None = None) -> Published:
    item = (
        PublishedValue(name=name, value="geen gegevens voor dit gebied", unit="text", gap=gap)
        if gap
        else PublishedValue(name=name, value=number)
    )
    return Published(item, Origin(notebook="01-jeugd.ipynb", cell=2))


def template(tmp_path, *paragraphs: str):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "template.docx"
    document.save(path)
    return path


def letter_text(filled) -> list[str]:
    import io

    return [p.text for p in docx.Document(io.BytesIO(filled.package)).paragraphs]


def test_a_newcomers_template_with_filters_fills_where_a_value_is_a_gap(tmp_path):
    path = template(
        tmp_path,
        "Aanmeldingen: {{ aanmeldingen_ruw|getal }}, {{ aandeel|procent }}.",
        "{% if aanmeldingen_ruw is gegeven %}Er waren {{ aanmeldingen_ruw|getal }} "
        "aanmeldingen.{% else %}Het aantal aanmeldingen is {{ aanmeldingen_ruw|of('onbekend') }}."
        "{% endif %}",
        "In {{ gebied }}.",
    )
    collection = Collection(
        items={
            "aanmeldingen_ruw": value("aanmeldingen_ruw", None, gap="no row for Noord"),
            "aandeel": value("aandeel", 27),
        }
    )

    filled = fill_letter(path, params(), collection, area="Noord", gap_text="onbekend in Noord")

    assert letter_text(filled) == [
        "Aanmeldingen: onbekend in Noord, 27%.",
        "Het aantal aanmeldingen is onbekend.",
        "In Noord.",
    ]


def test_a_name_behind_is_gegeven_may_be_missing_altogether(tmp_path):
    path = template(tmp_path, "{% if extra is gegeven %}{{ extra }}{% else %}geen{% endif %}.")

    filled = fill_letter(path, params(), Collection(items={}))

    assert letter_text(filled) == ["geen."]
