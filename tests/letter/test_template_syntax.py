"""docxtpl's template syntax beyond {{ }}: what a brief template supports, and what it refuses.

Each case is a small template written with python-docx, filled the way a build fills the
letter, and read back with python-docx (and its XML where Word keeps the effect there).
"""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn

from brief.exceptions import TemplateError
from brief.letter.fill import render_letter
from tests.letter.test_escaping import params, text_values


def filled(tmp_path, build, values=None):
    """Write a template with ``build(document)``, fill it and return the letter."""
    template = tmp_path / "t.docx"
    document = docx.Document()
    build(document)
    document.save(template)
    letter = tmp_path / "letter.docx"
    render_letter(template, params(regels="r"), text_values(values or {"a": "Alfa"}), letter)
    return docx.Document(letter)


def table(document, rows):
    """Add a table holding ``rows`` (lists of cell texts)."""
    added = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, texts in zip(added.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    return added


def cells(document):
    return [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]


def test_paragraph_tags_keep_or_drop_whole_paragraphs(tmp_path):
    def build(d):
        for text in ("voor", "{%p if jaar > 2020 %}", "binnen {{ jaar }}", "{%p endif %}", "na"):
            d.add_paragraph(text)

    letter = filled(tmp_path, build)

    assert [p.text for p in letter.paragraphs] == ["voor", "binnen 2023", "na"]


def test_row_tags_repeat_a_table_row(tmp_path):
    letter = filled(
        tmp_path,
        lambda d: table(
            d,
            [
                ["{%tr for x in ['een', 'twee'] %}", ""],
                ["{{ x }}", "{{ loop.index }}"],
                ["{%tr endfor %}", ""],
            ],
        ),
    )

    assert cells(letter) == [["een", "1"], ["twee", "2"]]


def test_column_tags_repeat_a_table_cell(tmp_path):
    letter = filled(
        tmp_path,
        lambda d: table(
            d, [["{%tc for x in ['een', 'twee', 'drie'] %}", "{{ x }}", "{%tc endfor %}"]]
        ),
    )

    assert cells(letter) == [["een", "twee", "drie"]]


def test_run_tags_keep_or_drop_part_of_a_sentence(tmp_path):
    letter = filled(
        tmp_path,
        lambda d: d.add_paragraph("Tekst {%r if jaar > 2020 %}nieuw{%r endif %} eind"),
    )

    assert [p.text for p in letter.paragraphs] == ["Tekst nieuw eind"]


def test_vertical_merge_joins_a_cell_over_the_repeated_rows(tmp_path):
    letter = filled(
        tmp_path,
        lambda d: table(
            d,
            [
                ["{%tr for x in ['een', 'twee'] %}", ""],
                ["{% vm %}Groep", "{{ x }}"],
                ["{%tr endfor %}", ""],
            ],
        ),
    )

    merges = [m.get(qn("w:val")) for m in letter.element.body.iter(qn("w:vMerge"))]
    assert merges == ["restart", "continue"]
    assert [row[1] for row in cells(letter)] == ["een", "twee"]


def test_horizontal_merge_spans_a_cell_over_the_repeated_columns(tmp_path):
    letter = filled(
        tmp_path,
        lambda d: table(
            d,
            [
                ["{%tc for x in ['een', 'twee'] %}", "{% hm %}Kop", "{%tc endfor %}"],
                ["{%tc for x in ['een', 'twee'] %}", "{{ x }}", "{%tc endfor %}"],
            ],
        ),
    )

    spans = [s.get(qn("w:val")) for s in letter.element.body.iter(qn("w:gridSpan"))]
    assert spans == ["2"]
    assert cells(letter)[1] == ["een", "twee"]


def test_whitespace_control_trims_around_a_tag(tmp_path):
    letter = filled(tmp_path, lambda d: d.add_paragraph("A {%- if jaar > 2020 %} B{% endif -%} C"))

    assert [p.text for p in letter.paragraphs] == ["A BC"]


@pytest.mark.parametrize("prefix", ["p", "r"])
def test_plain_value_written_as_a_block_or_run_is_refused_not_dropped(tmp_path, prefix):
    with pytest.raises(TemplateError) as caught:
        filled(tmp_path, lambda d: d.add_paragraph(f"Waarde: {{{{{prefix} a }}}}"))

    assert str(caught.value) == (
        f"'a' is written {{{{{prefix} a }}}}, which places a figure or table; 'a' is plain text, "
        f"which that would drop from the letter. Write {{{{ a }}}} (without the {prefix}). "
        f'Found in: "Waarde: {{{{{prefix} a }}}}".'
    )
    assert not (tmp_path / "letter.docx").exists()


def test_line_break_in_a_text_becomes_a_word_line_break(tmp_path):
    # What docxtpl's Listing is for: brief's texts need no special object for it.
    letter = filled(tmp_path, lambda d: d.add_paragraph("{{ a }}"), {"a": "een\ntwee"})

    paragraph = letter.paragraphs[0]
    assert paragraph.text == "een\ntwee"
    assert paragraph._p.xpath(".//w:br")
