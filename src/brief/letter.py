"""Fill the Word template with a year's parameters and published results.

The template is Jinja2 as docxtpl renders it, in the sandbox of :mod:`brief.templating`.
Autoescaping is on, so ``&``, ``<`` and ``>`` in data stay text and the .docx stays
valid; values are never parsed as template code. Figures and tables are placed as whole
paragraphs: ``{{p kinderwerk_trend }}``.
"""

from __future__ import annotations

import base64
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.shared import Emu, Pt
from docxtpl import DocxTemplate

from brief import word
from brief.collect import Collection, Published
from brief.exceptions import TemplateError
from brief.formatting import format_value
from brief.params import Params
from brief.templating import (
    LetterTemplate,
    TemplateNames,
    filling_error,
    jinja_environment,
    open_template,
    template_names,
)

TABLE_STYLE = "Brief tabel"  # the template's own table style; Word's grid if it has none
FALLBACK_TABLE_STYLE = "Table Grid"
MISSING_CELL = "n.v.t."
TABLE_FONT = Pt(9)
WIDE_TABLE_FONT = Pt(8)  # for tables of WIDE_TABLE columns or more, such as the indicators
WIDE_TABLE = 7
# Character widths in Arial (and Liberation Sans, its stand-in), in em: enough to size columns.
_NARROW_CHARS = set("fijlrt.,:;'!|()[] \xa0")
_WIDE_CHARS = set("mwMW%@")
CELL_MARGIN = Emu(54_000)  # 1.5 mm between cell border and text, left and right
SHORT_COLUMN = 6.5  # em, about 12 characters: numbers, years, "n.v.t."; never wrapped
# A {{ name }} tag; a name followed by . or [ is a part of it (aanbieders.rijen), not a block.
_TAG_NAME = re.compile(r"\{\{(-?)\s*(?:([pr])\s+)?([A-Za-z_][A-Za-z0-9_]*)(?![\w.\[])")


class Value:
    """A published number as the template sees it: prints formatted, compares by ``.raw``."""

    def __init__(self, item: Published, *, marked: bool = False):
        self.name = item.name
        self.raw = item.payload["value"]
        self.unit = item.payload["unit"]
        self.description = item.payload.get("description", "")
        self.origin = item.origin
        self.marked = marked  # in a review copy, bracketed to receive a comment

    def __str__(self) -> str:
        return self.raw if self.unit == "text" else format_value(self.raw, self.unit)

    def letter_text(self) -> str:
        """Return the text a tag prints: in a review copy, bracketed for its comment."""
        return word.mark(self.name, str(self)) if self.marked else str(self)

    def __repr__(self) -> str:
        return f"Value({self.name}={self.raw!r} {self.unit})"


def check_names(used: TemplateNames, available: set[str], builtins: set[str] = frozenset()) -> None:
    """Raise TemplateError listing names the template needs that have no value.

    A name used only with ``default(...)`` or behind ``is defined`` may be missing.
    ``builtins`` (Jinja's own ``range``, ``dict``, ...) may be used but are never suggested.
    """
    unknown = sorted(used.required - available - builtins)
    if not unknown:
        return
    lines = []
    for name in unknown:
        close = difflib.get_close_matches(name, sorted(available), n=1, cutoff=0.7)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        lines.append(f"  - {name}: no notebook or params file gives this name.{hint}")
    raise TemplateError(
        "The template uses names that have no value for this year:\n"
        + "\n".join(lines)
        + "\nRun `brief fields YEAR` to list the names that exist."
    )


def check_block_placement(template: DocxTemplate, blocks: set[str]) -> None:
    """Raise if a figure or table is written ``{{ name }}`` instead of ``{{p name }}``, or
    a plain value as ``{{p name }}`` or ``{{r name }}``.

    A figure is a whole paragraph; inside a sentence it would corrupt the letter. docxtpl's
    ``{{p }}`` and ``{{r }}`` replace their paragraph or run with Word XML, so a plain value
    written that way would silently vanish.
    """
    for _, text in word.paragraph_texts(template.docx):
        for match in _TAG_NAME.finditer(text):
            prefix, name = match.group(2), match.group(3)
            found = f'Found in: "{text.strip()[:80]}".'
            if name in blocks and prefix != "p":
                raise TemplateError(
                    f"'{name}' is a figure or table, so it needs a paragraph of its own written "
                    f"as {{{{p {name} }}}} (with the p). {found}"
                )
            if name not in blocks and prefix:
                raise TemplateError(
                    f"'{name}' is written {{{{{prefix} {name} }}}}, which places a figure or "
                    f"table; '{name}' is plain text, which that would drop from the letter. "
                    f"Write {{{{ {name} }}}} (without the {prefix}). {found}"
                )


class _Blocks:
    """Builds the figures and tables of one letter as docxtpl sub-documents."""

    def __init__(self, template: DocxTemplate, marked: bool):
        self.template = template
        self.marked = marked
        section = template.docx.sections[0]
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        styles = {style.name for style in template.docx.styles}
        self.table_style = TABLE_STYLE if TABLE_STYLE in styles else FALLBACK_TABLE_STYLE
        self.caption_style = "Caption" if "Caption" in styles else None
        self.source_style = "Bron" if "Bron" in styles else None

    def figure(self, item: Published):
        """Return the figure as picture, caption "Figuur N: ..." and source line."""
        payload = item.payload
        png = base64.b64decode(payload["png"])
        sub = self.template.new_subdoc()
        picture = sub.add_paragraph()
        shape = picture.add_run().add_picture(io.BytesIO(png), width=self.text_width)
        word.set_picture_alt_text(shape, payload["alt"], payload["title"])
        word.keep_with_next(picture)
        caption = sub.add_paragraph(style=self.caption_style)
        word.add_caption(caption, "Figuur", self._title(item))
        sub.add_paragraph(f"Bron: {payload['source']}", style=self.source_style)
        word.mark_all_filled(sub.subdocx.element.body)
        return sub

    def _title(self, item: Published) -> str:
        title = item.payload["title"]
        return word.mark(item.name, title) if self.marked else title

    def table(self, item: Published):
        """Return the table with caption "Tabel N: ..." above it and source line below."""
        payload = item.payload
        columns = payload["columns"]
        sub = self.template.new_subdoc()
        caption = sub.add_paragraph(style=self.caption_style)
        word.add_caption(caption, "Tabel", self._title(item))
        word.keep_with_next(caption)

        table = sub.add_table(rows=1, cols=len(columns))
        table.style = self.table_style
        for cell, column in zip(table.rows[0].cells, columns, strict=True):
            cell.text = column
        word.repeat_as_header(table.rows[0])
        for values, texts in zip(payload["rows"], table_texts(payload), strict=True):
            cells = table.add_row().cells
            for cell, value, text in zip(cells, values, texts, strict=True):
                cell.text = text
                if isinstance(value, (int, float)) or value is None:
                    word.align_right(cell.paragraphs[0])
        for index in range(len(columns)):
            if index and any(isinstance(row[index], (int, float)) for row in payload["rows"]):
                word.align_right(table.rows[0].cells[index].paragraphs[0])
        font = WIDE_TABLE_FONT if len(columns) >= WIDE_TABLE else TABLE_FONT
        for row in table.rows:
            word.keep_row_together(row)
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = font  # explicit: LibreOffice ignores style sizes
        word.set_cell_margins(table, CELL_MARGIN)
        _fit_columns(table, self.text_width, font)
        word.set_table_alt_text(table, payload["title"], payload["alt"])
        sub.add_paragraph(f"Bron: {payload['source']}", style=self.source_style)
        word.mark_all_filled(sub.subdocx.element.body)
        return sub


def _em_width(text: str) -> float:
    """Return roughly how wide ``text`` prints, in em (the font size)."""
    return sum(
        0.28 if c in _NARROW_CHARS else 0.83 if c in _WIDE_CHARS else 0.67 if c.isupper() else 0.556
        for c in text
    )


def _fit_columns(table, text_width: int, font: Pt) -> None:
    """Share the text width over the columns so that no word breaks in the middle.

    Word's equal columns squash numbers next to long descriptions. Every column gets room
    for its longest word, and the text columns share what is left in proportion to their
    typical cell, wrapping between words. If even the longest words do not fit, numbers
    keep their room and only the text columns are narrowed.
    """
    columns = list(zip(*[[cell.text for cell in row.cells] for row in table.rows], strict=True))
    # Split on plain spaces only: "€\xa01,7\xa0mln." must stay together.
    longest = [
        max((_em_width(w) for t in texts for w in t.split(" ")), default=1.0) for texts in columns
    ]
    typical = [sorted(_em_width(t) for t in texts)[len(texts) // 2] for texts in columns]
    widths = [em * font + 2 * CELL_MARGIN for em in longest]
    text = [i for i, n in enumerate(longest) if n > SHORT_COLUMN] or list(range(len(columns)))
    spare = text_width - sum(widths)
    if spare >= 0:
        weights = {i: max(typical[i], longest[i]) for i in text}
        for i in text:
            widths[i] += spare * weights[i] / sum(weights.values())
    else:
        room = text_width - sum(w for i, w in enumerate(widths) if i not in text)
        scale = max(room, 0) / sum(widths[i] for i in text)
        for i in text:
            widths[i] *= scale
    widths = [Emu(int(w)) for w in widths]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # the cells, which Word follows


def table_texts(payload: dict) -> list[list[str]]:
    """Return a published table's cells as they print: Dutch numbers, "n.v.t." when empty."""
    columns, units = payload["columns"], payload["units"]
    row_units = payload.get("row_units") or ["count"] * len(payload["rows"])
    return [
        [
            _cell_text(value, units.get(column, row_unit))
            for column, value in zip(columns, values, strict=True)
        ]
        for values, row_unit in zip(payload["rows"], row_units, strict=True)
    ]


class TableBlock:
    """A published table as the template sees it.

    ``{{p name }}`` places it as a Word table with caption and source line;
    ``{%tr for rij in name.rijen %}`` loops over its rows in a table the template draws
    itself, with ``{{ rij["Kolom"] }}`` giving a cell as it prints.
    """

    def __init__(self, subdoc, payload: dict):
        self.subdoc = subdoc
        self.titel = payload["title"]
        self.bron = payload["source"]
        self.rijen = [
            dict(zip(payload["columns"], texts, strict=True)) for texts in table_texts(payload)
        ]

    def __html__(self) -> str:  # the table's XML, placed by docxtpl as it is
        return self.subdoc.__html__()

    def __str__(self) -> str:
        return str(self.subdoc)


def _cell_text(value, unit: str) -> str:
    if value is None:
        return MISSING_CELL
    if isinstance(value, str):
        return value
    return format_value(value, unit)


def check_template(
    template: DocxTemplate, env: jinja2.Environment, params: Params, collection: Collection
) -> TemplateNames:
    """Raise TemplateError if the template cannot be filled for this year; return its names.

    Checks what can be known without filling: tags, names, figure placement.
    """
    used = template_names(template, env)
    check_block_placement(template, collection.block_names())
    check_names(used, set(params.template_context()) | set(collection.items), set(env.globals))
    return used


def build_context(
    template: DocxTemplate, params: Params, collection: Collection, *, marked: bool = False
) -> dict:
    """Return every name the template may use: parameters, values, figures and tables.

    ``marked`` brackets each value and caption so a review copy can comment on it.
    """
    context = params.template_context()
    clashes = sorted(set(context) & set(collection.items))
    if clashes:
        raise TemplateError(
            f"A notebook publishes {', '.join(clashes)}, which is also a key of the params "
            "file. Rename the published item."
        )
    blocks = _Blocks(template, marked)
    for name, item in collection.items.items():
        if item.kind == "value":
            context[name] = Value(item, marked=marked)
        elif item.kind == "figure":
            context[name] = blocks.figure(item)
        elif item.kind == "table":
            context[name] = TableBlock(blocks.table(item), item.payload)
    return context


@dataclass
class FilledLetter:
    """A template filled for one year, not yet saved."""

    template: LetterTemplate
    used: TemplateNames

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.template.save(path)


def fill_letter(
    template_path: Path,
    params: Params,
    collection: Collection,
    *,
    comments: dict[str, str] | None = None,
) -> FilledLetter:
    """Fill the template in memory; raise TemplateError for anything that would be wrong.

    With ``comments`` (name -> text) every filled value, figure and table gets a Word
    comment: the review copy. `brief check` fills without saving, so a filter given the
    wrong kind of value is found before a build.
    """
    template = open_template(template_path)
    env = jinja_environment()
    used = check_template(template, env, params, collection)

    context = build_context(template, params, collection, marked=bool(comments))
    try:
        template.render(context, env)
    except Exception as exc:
        part = getattr(template, "current_rendering_part", None)  # set by docxtpl
        error = filling_error(exc, template_path, getattr(part, "partname", None), env)
        if error is None:
            raise  # not the template's doing: an error of brief's own
        raise error from None
    left = word.leftover_tags(template.docx)
    if left:
        part, text = left[0]
        raise TemplateError(
            f'The filled letter still shows a template tag in the {part}: "{text[:80]}". '
            "A tag is probably split by different formatting in Word; retype it in one go."
        )
    word.remove_fill_marks(template.docx)
    word.number_captions(template.docx)
    if comments:
        word.comment_marked(template.docx, comments, author="brief")
    return FilledLetter(template, used)


def render_letter(
    template_path: Path,
    params: Params,
    collection: Collection,
    letter: Path,
    *,
    comments: dict[str, str] | None = None,
) -> TemplateNames:
    """Write the filled letter to ``letter``; raise before writing if it would be unsafe.

    Return the names the template uses.
    """
    filled = fill_letter(template_path, params, collection, comments=comments)
    filled.save(letter)
    return filled.used
