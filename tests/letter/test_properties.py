"""Property-based tests (hypothesis): number reading, area matching and value escaping."""

from __future__ import annotations

import re
from decimal import Decimal

import docx
from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.letter.fill import render_letter
from brief.notebook.validate import AreaNames, NotANumber, parse_number
from brief.records import ReadNote
from tests.letter.test_escaping import make_template, params, text_values

AREAS = (
    "Centrum",
    "Charlois",
    "Delfshaven",
    "Feijenoord",
    "Hillegersberg-Schiebroek",
    "Hoek van Holland",
    "Hoogvliet",
    "IJsselmonde",
    "Kralingen-Crooswijk",
    "Noord",
    "Overschie",
    "Pernis",
    "Prins Alexander",
    "Rozenburg",
)
NAMES = AreaNames(AREAS, "Rotterdam")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_whole_numbers_written_the_dutch_way_read_back(number):
    written = format_decimal(number, locale="nl_NL")  # 30.133, -1.234.567

    assert parse_number(written)[0] == number
    assert parse_number(f"€ {written}")[0] == number
    assert parse_number(str(number))[0] == number


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_decimals_written_the_dutch_way_read_back(number: Decimal):
    written = format_decimal(number, format="#,##0.00", locale="nl_NL")  # 1.234,50

    value, _ = parse_number(written)

    assert Decimal(str(value)).quantize(Decimal("0.01")) == number
    assert parse_number(f"{written}%")[0] == value


@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False))
def test_a_doubtful_reading_always_comes_with_a_note(number: Decimal):
    written = format_decimal(number, format="#,##0.000", locale="nl_NL")  # 1,234 or 1.234,500

    value, doubt = parse_number(written)

    assert abs(value - float(number)) < 1e-6
    doubtful = re.fullmatch(r"\d{1,3}[.,]\d{3}", written) is not None
    assert (doubt is not None) == doubtful
    if doubt:
        note = ReadNote(column="value", row=2, written=written, read_as=value, doubt=doubt)
        assert repr(written) in note.text


@given(st.text(max_size=12))
def test_any_text_is_a_number_or_a_clear_refusal(text):
    try:
        value, _ = parse_number(text)
    except NotANumber as exc:
        assert repr(text) in str(exc)
    else:
        assert isinstance(value, (int, float))
        assert re.search(r"\d", text)


def _respell(name: str, draw) -> str:
    """Write an area name the ways people do: case, hyphen or space, spaces around."""
    chars = [c.upper() if draw(st.booleans()) else c.lower() for c in name]
    written = "".join(chars)
    written = re.sub(r"[- ]", lambda _: draw(st.sampled_from(["-", " ", " - "])), written)
    return draw(st.sampled_from(["", " "])) + written + draw(st.sampled_from(["", "  "]))


@given(st.sampled_from(AREAS), st.data())
def test_every_spelling_of_an_area_finds_it(area, data):
    assert NAMES.match(_respell(area, data.draw)) == area


@given(st.text(min_size=1, max_size=30))
def test_an_unknown_area_is_refused_naming_what_was_written(text):
    try:
        found = NAMES.match(text)
    except ValueError as exc:
        assert repr(text) in str(exc)
        assert "Did you mean" not in str(exc) or re.search(r"Did you mean '[^']+'\?$", str(exc))
    else:
        assert found in (*AREAS, "Rotterdam")


XML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff\ue000\ue001\ue002"
    ),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() == t)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(XML_TEXT)
def test_any_value_lands_in_the_letter_literally(tmp_path, text):
    template = tmp_path / "t.docx"
    make_template(template, ["ampersand", "angles"])
    letter = tmp_path / "out.docx"

    render_letter(
        template,
        params(regels="r"),
        text_values({"ampersand": text, "angles": "x"}),
        letter,
    )

    body = [p.text for p in docx.Document(letter).paragraphs]
    assert f"[ampersand] {text} [/ampersand]" in body
