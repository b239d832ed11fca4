"""Fill the Word template with a year's parameters and published results.

The template is Jinja2 as docxtpl renders it, in the sandbox of :mod:`brief.letter.templating`.
Autoescaping is on, so ``&``, ``<`` and ``>`` in data stay text and the .docx stays
valid; values are never parsed as template code. Figures and tables are placed as whole
paragraphs: ``{{p kinderwerk_trend }}``. One fill serves the letter and its review copy.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import docx
import jinja2
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.shared import Emu, Pt
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc
from lxml import etree

from brief.exceptions import BlockMisused, TemplateError, did_you_mean
from brief.i18n import N_, _, ngettext
from brief.letter import accessibility, layout, marks, parts, tracked
from brief.letter.columns import CELL_MARGIN, WIDE_CELL_MARGIN, fit_columns
from brief.letter.sandbox import DEFAULT_FILL_SECONDS, Inert, inert, limits
from brief.letter.templating import (
    TemplateNames,
    filling_error,
    jinja_environment,
    open_template,
    template_names,
)
from brief.notebook.collect import Collection
from brief.project.params import Params
from brief.project.settings import DEFAULT_GAP_TEXT
from brief.records import ChartColour, Gap, PublishedFigure, PublishedTable, PublishedValue

AREA_NAME = "gebied"  # the letter's area, as the template names it
TABLE_STYLE = "Brief tabel"  # the template's own table style; Word's grid if it has none
FALLBACK_TABLE_STYLE = "Table Grid"
TABLE_FONT = Pt(9)
WIDE_TABLE_FONT = Pt(8)  # for tables of WIDE_TABLE columns or more, such as the indicators
WIDE_TABLE = 7
CAPTION_LABELS = ("Figuur", "Tabel")  # the words before a caption's number, in the letter
# A {{ name }} tag; a name followed by . or [ is a part of it (aanbieders.rijen), not a block.
_TAG_NAME = re.compile(r"\{\{(-?)\s*(?:([pr])\s+)?([A-Za-z_][A-Za-z0-9_]*)(?![\w.\[])")
# A tag left in the filled letter, per part (marks.leftover_tags): a whole sentence each,
# so that every part's name reads right in the sentence in every language.
_LEFT_OVER = {
    "body": N_(
        'The filled letter still shows a template tag in the body: "{text}". A tag is '
        "probably split by different formatting in Word; retype it in one go."
    ),
    "header": N_(
        'The filled letter still shows a template tag in the header: "{text}". A tag is '
        "probably split by different formatting in Word; retype it in one go."
    ),
    "footer": N_(
        'The filled letter still shows a template tag in the footer: "{text}". A tag is '
        "probably split by different formatting in Word; retype it in one go."
    ),
    "footnotes": N_(
        'The filled letter still shows a template tag in the footnotes: "{text}". A tag is '
        "probably split by different formatting in Word; retype it in one go."
    ),
}


class Value(Inert):
    """A published number as the template sees it: prints formatted, compares by ``.raw``.

    Inert data only (brief.letter.sandbox): its text, raw value, unit and description.
    """

    __slots__ = ("name", "raw", "unit", "description", "text", "_marked")

    def __init__(self, item: PublishedValue, *, marked: bool = False):
        self.name = item.name
        self.raw = item.value
        self.unit = item.unit
        self.description = item.description
        self.text = item.text
        self._marked = marked  # in a review copy, bracketed to receive a comment

    def __str__(self) -> str:
        return self.text

    def _printed(self) -> str:
        """Return the text a tag prints: in a review copy, bracketed for its comment."""
        return marks.mark(self.name, self.text) if self._marked else self.text

    def __repr__(self) -> str:
        return f"Value({self.name}={self.raw!r} {self.unit})"


class Block(Inert):
    """A figure or table as the template sees it: an opaque marker with inert data.

    ``{{p name }}`` places it (only brief's fill step turns its ``_word_xml`` into Word
    content); ``{%tr for rij in name.rijen %}`` loops over a table's rows in a table the
    template draws itself, with ``{{ rij["Kolom"] }}`` giving a cell as it prints.
    """

    __slots__ = ("naam", "titel", "bron", "rijen", "_word_xml")

    def __init__(self, item: PublishedFigure | PublishedTable, word_xml: str, rows: list[dict]):
        self.naam = item.name
        self.titel = item.title
        self.bron = item.source
        self.rijen = rows
        self._word_xml = word_xml

    def __str__(self) -> str:
        # Only {{p name }} places it; printed any other way (through a filter), it would
        # put Word XML where text belongs.
        raise BlockMisused(self.naam)

    def __repr__(self) -> str:
        return f"Block({self.naam})"


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
        line = _("{name}: no notebook or params file gives this name.").format(name=name)
        if close:
            line += " " + did_you_mean(close[0])
        lines.append(f"  - {line}")
    # TRANSLATORS: both English forms are the same; the names are listed below, one a line.
    heading = ngettext(
        "The template uses names that have no value for this year:",
        "The template uses names that have no value for this year:",
        len(unknown),
    )
    raise TemplateError(
        heading
        + "\n"
        + "\n".join(lines)
        + "\n"
        + _("Run `brief fields YEAR` to list the names that exist.")
    )


def check_block_placement(template: DocxTemplate, blocks: set[str]) -> None:
    """Raise if a figure or table is written ``{{ name }}`` instead of ``{{p name }}``, or
    a plain value as ``{{p name }}`` or ``{{r name }}``.

    A figure is a whole paragraph; inside a sentence it would corrupt the letter. docxtpl's
    ``{{p }}`` and ``{{r }}`` replace their paragraph or run with Word XML, so a plain value
    written that way would silently vanish.
    """
    for _part, text in parts.paragraph_texts(template.docx):
        for match in _TAG_NAME.finditer(text):
            prefix, name = match.group(2), match.group(3)
            found = _('Found in: "{text}".').format(text=text.strip()[:80])
            if name in blocks and prefix != "p":
                raise TemplateError(
                    _(
                        "'{name}' is a figure or table, so it needs a paragraph of its own "
                        "written as {{{{p {name} }}}} (with the p). {found}"
                    ).format(name=name, found=found)
                )
            if name not in blocks and prefix:
                raise TemplateError(
                    # TRANSLATORS: {prefix} is docxtpl's p or r, as the template has it.
                    _(
                        "'{name}' is written {{{{{prefix} {name} }}}}, which places a figure or "
                        "table; '{name}' is plain text, which that would drop from the letter. "
                        "Write {{{{ {name} }}}} (without the {prefix}). {found}"
                    ).format(name=name, prefix=prefix, found=found)
                )


class _Builder:
    """Turns each published item into what the template places (records.LetterBuilder)."""

    def __init__(self, template: DocxTemplate, marked: bool, gap_text: str = DEFAULT_GAP_TEXT):
        self.template = template
        self.marked = marked
        self.gap_text = gap_text
        section = template.docx.sections[0]
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        styles = {style.name for style in template.docx.styles}
        table_style = TABLE_STYLE if TABLE_STYLE in styles else FALLBACK_TABLE_STYLE
        # Each style's id looked up once: python-docx looks a style given by name up anew
        # (a search of every style, twice) for each paragraph and table it is given to.
        part = template.docx.part
        self.table_style = part.get_style_id(table_style, WD_STYLE_TYPE.TABLE)
        self.caption_style, self.source_style = (
            part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH) if name in styles else None
            for name in ("Caption", "Bron")
        )

    def value(self, item: PublishedValue) -> Value | Gap:
        if item.gap is not None:  # an area's letter has no figure here: a typed gap
            return Gap(self.gap_text, item.gap)
        return Value(item, marked=self.marked)

    def figure(self, item: PublishedFigure) -> Block:
        """Return the figure as picture, caption "Figuur N: ..." and source line."""
        sub = _new_subdoc(self.template)
        picture = sub.add_paragraph()
        shape = picture.add_run().add_picture(io.BytesIO(item.png_bytes), width=self.text_width)
        layout.set_picture_alt_text(shape, item.alt, item.title)
        layout.keep_with_next(picture)
        caption = _styled(sub.add_paragraph(), self.caption_style)
        layout.add_caption(caption, CAPTION_LABELS[0], self._title(item))
        layout.keep_with_next(caption)  # the source line stays under its figure
        _styled(sub.add_paragraph(f"Bron: {item.source}"), self.source_style)
        marks.mark_all_filled(sub.subdocx.element.body)
        return Block(item, str(sub), rows=[])

    def _title(self, item: PublishedFigure | PublishedTable) -> str:
        return marks.mark(item.name, item.title) if self.marked else item.title

    def table(self, item: PublishedTable) -> Block:
        """Return the table with caption "Tabel N: ..." above it and source line below."""
        sub = _new_subdoc(self.template)
        caption = _styled(sub.add_paragraph(), self.caption_style)
        layout.add_caption(caption, CAPTION_LABELS[1], self._title(item))
        layout.keep_with_next(caption)

        table = sub.add_table(rows=1, cols=len(item.columns))
        table._tbl.tblStyle_val = self.table_style
        for cell, column in zip(table.rows[0].cells, item.columns, strict=True):
            cell.text = column
        layout.repeat_as_header(table.rows[0])
        # The header keeps with the first row: a table that starts at the foot of a page
        # then starts on the next one. Without it LibreOffice leaves the header alone at
        # the foot, its rows kept together and repeated under it, and drops every row.
        for cell in table.rows[0].cells:
            layout.keep_with_next(cell.paragraphs[0])
        numeric = item.numeric_columns()
        for values, texts in zip(item.rows, item.cells(), strict=True):
            cells = table.add_row().cells
            for cell, value, text in zip(cells, values, texts, strict=True):
                cell.text = text
                if isinstance(value, int | float) or value is None:
                    layout.align_right(cell.paragraphs[0])
        for index, is_numeric in enumerate(numeric):
            if index and is_numeric:
                layout.align_right(table.rows[0].cells[index].paragraphs[0])
        wide = len(item.columns) >= WIDE_TABLE
        font = WIDE_TABLE_FONT if wide else TABLE_FONT
        margin = WIDE_CELL_MARGIN if wide else CELL_MARGIN
        for row in table.rows:
            layout.keep_row_together(row)
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = font  # explicit: LibreOffice ignores style sizes
        layout.set_cell_margins(table, margin)
        fit_columns(table, self.text_width, font, margin)
        layout.set_table_alt_text(table, item.title, item.alt)
        # The last row keeps with the source line, as a figure's caption does: a table that
        # ends at the foot of a page takes its last row over with the source (under the
        # repeated header) instead of leaving the source alone at the top of the next page.
        for cell in table.rows[-1].cells:
            layout.keep_with_next(cell.paragraphs[0])
        _styled(sub.add_paragraph(f"Bron: {item.source}"), self.source_style)
        marks.mark_all_filled(sub.subdocx.element.body)
        rows = [dict(zip(item.columns, texts, strict=True)) for texts in item.cells()]
        return Block(item, str(sub), rows=rows)


def _styled(paragraph, style_id: str | None):
    """Give ``paragraph`` the style ``style_id`` (None: the default style), as python-docx
    would given the style's name."""
    paragraph._p.style = style_id
    return paragraph


def _new_subdoc(template: DocxTemplate) -> Subdoc:
    """Return a new empty subdocument of ``template``, as ``template.new_subdoc()`` does
    but without opening python-docx's default document each time (12 ms a figure): the
    body is a copy of that document's, read once."""
    template.init_docx()
    sub = Subdoc.__new__(Subdoc)
    sub.tpl, sub.docx = template, template.get_docx()
    sub.subdocx = WordDocument(parse_xml(_blank_document()), sub.docx.part)
    return sub


@functools.cache
def _blank_document() -> bytes:
    """python-docx's blank document.xml, kept as text: each subdocument parses its own
    copy (letters of a grid are filled in threads, and lxml trees are not shared)."""
    return etree.tostring(docx.Document().element)


def preflight(
    template: DocxTemplate,
    env: jinja2.Environment,
    params: Params,
    collection: Collection,
    area: str | None = None,
) -> TemplateNames:
    """Raise TemplateError for what can be known wrong before filling; return the names.

    Tags, names without a value, figures placed inside a sentence.
    """
    used = template_names(template, env)
    check_block_placement(template, collection.block_names())
    available = set(params.template_context()) | set(collection.items)
    if area is not None:
        available.add(AREA_NAME)
    check_names(used, available, set(env.globals))
    return used


def build_context(
    template: DocxTemplate,
    params: Params,
    collection: Collection,
    *,
    marked: bool = False,
    area: str | None = None,
    gap_text: str = DEFAULT_GAP_TEXT,
) -> dict:
    """Return every name the template may use: parameters, values, figures and tables.

    ``marked`` brackets each value and caption so a review copy can comment on it.
    ``area`` is the letter's area (the city's name in the city letter), given as
    ``gebied``; a figure an area has no data for is a :class:`Gap` printing ``gap_text``.
    """
    context = params.template_context()
    if area is not None:
        context.setdefault(AREA_NAME, area)
    clashes = sorted(set(context) & set(collection.items))
    if clashes:
        raise TemplateError(
            # TRANSLATORS: both English forms are the same; {names} lists the names.
            ngettext(
                "A notebook publishes {names}, which is also a key of the params file. "
                "Rename the published item.",
                "A notebook publishes {names}, which is also a key of the params file. "
                "Rename the published item.",
                len(clashes),
            ).format(names=", ".join(clashes))
        )
    builder = _Builder(template, marked, gap_text)
    for name, entry in collection.items.items():
        context[name] = entry.item.for_letter(builder)
    # Only inert data reaches the template: a value of any other type is refused here.
    return inert(context)


@dataclass
class FilledLetter:
    """A template filled for one year, in memory: saved as the letter and its review copy."""

    package: bytes  # the filled .docx; with review marks when a review copy was asked for
    used: TemplateNames
    marked: bool
    accessibility: list[str]  # what would make the letter hard to read with assistance
    chart_findings: list[str] = field(default_factory=list)  # of those, the charts' own
    # Each chart's faint colours, by its PNG's SHA-256, for the run record.
    chart_looks: dict[str, list[ChartColour]] = field(default_factory=dict)
    # The names in the order the letter shows them, a figure or table with its caption
    # number ("Figuur 2"); known when filled with review marks.
    order: dict[str, str | None] = field(default_factory=dict)

    def save_letter(self, path: Path) -> str:
        """Write the letter: no comments, no marks. Return its key: the fingerprint of
        what a reader sees in it (:func:`brief.letter.parts.content_fingerprint`), taken
        from the document in hand rather than read back from the file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.marked:
            path.write_bytes(self.package)
            return parts.fingerprint_of(self.package)
        document = docx.Document(io.BytesIO(self.package))
        marks.remove_review_marks(document)
        document.save(path)
        return parts.content_fingerprint(document)

    def save_review_copy(self, path: Path, comments: dict[str, str]) -> None:
        """Write the review copy: a Word comment on every filled value, figure and table."""
        document = docx.Document(io.BytesIO(self.package))
        marks.comment_marked(document, comments, author="brief")
        document.save(path)


def fill_letter(
    template_path: Path,
    params: Params,
    collection: Collection,
    *,
    review: bool = False,
    when: dt.datetime | None = None,
    time_limit: float = DEFAULT_FILL_SECONDS,
    area: str | None = None,
    gap_text: str = DEFAULT_GAP_TEXT,
    charts_seen: Mapping[str, list[ChartColour]] | None = None,
) -> FilledLetter:
    """Fill the template in memory; raise TemplateError for anything that would be wrong.

    With ``review`` every filled value and caption is marked, so the same fill can be saved
    as the letter and as the review copy. `brief check` fills without saving, so a filter
    given the wrong kind of value is found before a build. ``area`` and ``gap_text``: see
    :func:`build_context`. ``charts_seen``: what the last build found of its charts' colours
    (:func:`brief.letter.accessibility.look_at_charts`).
    """
    template = open_template(template_path)
    env = jinja_environment()
    used = preflight(template, env, params, collection, area=area)

    context = build_context(
        template, params, collection, marked=review, area=area, gap_text=gap_text
    )
    try:
        with limits(time_limit):
            template.render(context, env)
    except Exception as exc:
        part = getattr(template, "current_rendering_part", None)  # set by docxtpl
        error = filling_error(exc, template_path, getattr(part, "partname", None), env)
        if error is None:
            raise  # not the template's doing: an error of brief's own
        raise error from None
    left = marks.leftover_tags(template.docx)
    if left:
        part, text = left[0]
        raise TemplateError(_(_LEFT_OVER[part]).format(text=text[:80]))
    marks.remove_fill_marks(template.docx)
    layout.number_captions(template.docx)
    order = tracked.letter_order(template.docx, CAPTION_LABELS) if review else {}
    _make_accessible(template.docx, params, when or dt.datetime.now().astimezone())
    charts = [
        (name, entry.item.chart_png, entry.origin.notebook)
        for name, entry in collection.items.items()
        if entry.item.chart_png
    ]
    # The charts are looked at once, and only those the last build did not see: their
    # findings end the letter's, as accessibility.findings(document, charts) gives them.
    chart_looks = accessibility.look_at_charts([chart[1] for chart in charts], charts_seen)
    chart_findings = accessibility.chart_findings(charts, chart_looks)
    findings = accessibility.findings(template.docx) + chart_findings
    package = io.BytesIO()
    template.save(package)
    return FilledLetter(
        package.getvalue(),
        used,
        marked=review,
        accessibility=findings,
        chart_findings=chart_findings,
        chart_looks=chart_looks,
        order=order,
    )


def _make_accessible(document, params: Params, when: dt.datetime) -> None:
    """Set what assistive technology and publishing sites read from the file itself.

    The language, so the letter is read out in Dutch; the title a screen reader announces
    and a PDF shows; who wrote it and its reference; unique picture names. No property is
    left as the template's (python-docx's default template says "python-docx", 2013).
    """
    layout.set_language(document, accessibility.LANGUAGE)
    layout.name_pictures(document)
    properties = document.core_properties
    properties.title = params.onderwerp
    properties.subject = params.commissie
    properties.author = properties.last_modified_by = params.ondertekening.naam
    properties.keywords = properties.identifier = params.kenmerk
    properties.comments = ""
    properties.category = ""
    properties.language = accessibility.LANGUAGE
    properties.created = properties.modified = when.replace(microsecond=0)
    properties.revision = 1


def render_letter(
    template_path: Path, params: Params, collection: Collection, letter: Path
) -> TemplateNames:
    """Write the filled letter to ``letter``; raise before writing if it would be unsafe.

    Return the names the template uses.
    """
    filled = fill_letter(template_path, params, collection)
    filled.save_letter(letter)
    return filled.used
