"""What a reviewer reads: notebooks as HTML, one review page per year, source comments.

A reviewer checks every number in the letter without running Jupyter. For that a build
writes, beside the letter:

- an HTML copy of each executed notebook (nbconvert), whose cells carry anchors;
- ``index.html``: every value the letter uses, as it prints, linked to the cell that
  published it, every figure with its data, the commitments and the run record;
- with ``--review``, a copy of the letter with a Word comment on every filled value,
  figure and table naming its notebook, cell and data files.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import math
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from brief.i18n import _, current_language, decimal, local_time, ngettext
from brief.notebook.collect import Collection, Published
from brief.project.params import Params, parameter_text
from brief.project.paths import YearOutputs
from brief.records import (
    DERIVED,
    PublishedFigure,
    PublishedItem,
    RunRecord,
    computed_in_notebook,
)

PAGE_TEMPLATE = "review.html.j2"
NOTEBOOK_TEMPLATE = "notebook.html.j2"  # nbconvert's lab page, plus charts' alt text
TEMPLATES_DIR = Path(__file__).parent / "templates"
# nbconvert is imported, and imports IPython's lexers, on the first export; notebooks
# finishing at once (and the warm-up, prepare_notebook_pages) would import them from two
# threads. Exports are pure Python (one core under the GIL anyway), so taking turns costs
# nothing and rules that race out: every use of nbconvert holds this lock.
_EXPORTING = threading.Lock()


def write_notebook_html(executed: Path, target: Path) -> Path:
    """Write the executed notebook as a self-contained HTML page (images embedded)."""
    import nbformat  # nbconvert and nbformat take two seconds to load; only here

    notebook = nbformat.read(executed, as_version=4)
    # nbconvert renders the page in its own Jinja environment, without gettext: the page's
    # one text of brief's comes translated through the resources.
    texts = {"no_alt": _("Chart without a description")}
    with _EXPORTING:
        body, _resources = _notebook_exporter(current_language()).from_notebook_node(
            notebook, resources={"metadata": {"name": executed.stem}, "brief": texts}
        )
    target.write_text(body, encoding="utf-8")
    return target


def prepare_notebook_pages() -> None:
    """Render a small notebook page once, without writing it, so that the first real page
    does not pay for what nbconvert prepares on first use: its templates compiled, the
    code highlighter's and the sanitiser's patterns (a quarter of a second); and compile
    the review page's template. A build calls this in a thread while its kernels start; a
    failure here is left to the real page. Each exporter is readied once: the letters of a
    grid each call this."""
    import nbformat

    code = nbformat.v4.new_code_cell("year = 2023", execution_count=1)
    code.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"image/png": _ONE_PIXEL, "text/plain": "<Figure>"}
        ),
        nbformat.v4.new_output("execute_result", data={"text/html": "<p>1</p>"}, execution_count=1),
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# *1*"), code])
    with contextlib.suppress(Exception), _EXPORTING:
        exporter = _notebook_exporter(current_language())
        if exporter not in _READIED:
            exporter.from_notebook_node(
                notebook, resources={"metadata": {"name": "warm"}, "brief": {"no_alt": ""}}
            )
            _READIED.add(exporter)
    with contextlib.suppress(Exception):  # compiled once per process (page_environment)
        page_environment().get_template(PAGE_TEMPLATE)


_READIED: weakref.WeakSet = weakref.WeakSet()  # the exporters a page was rendered with


_ONE_PIXEL = (  # a 1×1 PNG, base64 as notebooks hold images
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@functools.cache
def _notebook_exporter(language: str):
    """Return the exporter of notebook pages in ``language``, made once per process: a new
    one compiles nbconvert's fifty templates again, 0.15 s of every page."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file=NOTEBOOK_TEMPLATE,
        extra_template_paths=[str(TEMPLATES_DIR)],
        embed_images=True,
        language_code=language,  # <html lang>: the page's own words are brief's
    )


def write_figure_files(collection: Collection, figures_dir: Path) -> None:
    """Write every published chart as PNG, with the data behind it as CSV, for reviewers."""
    for name, entry in collection.items.items():
        item = entry.item
        if not isinstance(item, PublishedFigure):
            continue
        figures_dir.mkdir(parents=True, exist_ok=True)
        (figures_dir / f"{name}.png").write_bytes(item.png_bytes)
        if item.data:
            (figures_dir / f"{name}.csv").write_text(excel_csv(item.data), encoding="utf-8-sig")


def excel_csv(data: str) -> str:
    """Return a chart's data (CSV as pandas writes it) as Dutch Excel opens it: ";" between
    cells and decimal commas; written with a byte-order mark so Excel reads it as UTF-8."""
    rows = list(csv.reader(io.StringIO(data)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_inert_cell(cell) for cell in rows[0]])
    writer.writerows([[_decimal_comma(cell) for cell in row] for row in rows[1:]])
    return buffer.getvalue()


# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP's
# CSV-injection advice): =HYPERLINK(...) in an area's name would run when a reviewer
# opens the chart's data.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(cell: str) -> str:
    """Return a text cell that a spreadsheet shows as text: a leading ' where it would
    otherwise start a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _decimal_comma(cell: str) -> str:
    try:
        number = float(cell)
    except ValueError:
        return _inert_cell(cell)
    if cell.strip() != cell or not math.isfinite(number):
        return _inert_cell(cell)  # " -1" or "-inf" is text to a spreadsheet
    return cell.removesuffix(".0").replace(".", ",")


def cell_link(outputs: YearOutputs, entry: Published) -> str:
    """Return the link, relative to the year's folder, to the cell that published ``entry``."""
    origin = entry.origin
    page = file_url(outputs.notebook_html(origin.notebook).relative_to(outputs.folder).as_posix())
    return f"{page}#cell-id={quote(origin.cell_id, safe='')}" if origin.cell_id else page


def file_url(path: str) -> str:
    """Return a relative path as a link to that file: percent-encoded, so that a file
    named ``javascript:...`` or ``x"onclick=...`` is a file name and never a script."""
    url = quote(path, safe="/")
    return "./" + url.lstrip("/") if url.startswith("/") else url


def source_comments(collection: Collection) -> dict[str, str]:
    """Return, for every published name, the comment the review copy puts on it.

    The comment names the data rows the item was read from (see :func:`lineage_text`); of
    an item the notebook made itself, it says so and lists the files that notebook read.
    """
    comments = {}
    for name, entry in collection.items.items():
        lineage = entry.item.lineage
        if entry.item.gap is not None:
            # TRANSLATORS: a Word comment on what an area's letter prints where its data
            # has no figure; {reason} says which figure is missing from which file
            comments[name] = _(
                "{name}: published by {place}; no data for this area: {reason}"
            ).format(name=name, place=entry.origin.place, reason=entry.item.gap)
            continue
        if not lineage.by_hand:
            # TRANSLATORS: a Word comment in the review copy, on a value, figure or table of
            # the letter; {place} is "01-jeugd.ipynb, cell 4", {rows} the data rows behind it
            comments[name] = _("{name}: published by {place}; {rows}.").format(
                name=name, place=entry.origin.place, rows=lineage_text(entry.item)
            )
            continue
        reads = collection.inputs.get(entry.origin.notebook, {})
        data = "; ".join(
            _rows_read(path, read.rows) if read.rows is not None else path
            for path, read in sorted(reads.items())
        )
        # TRANSLATORS: a Word comment in the review copy, on a value the notebook computed
        # itself; {place} is "01-jeugd.ipynb, cell 4", {data} the data files it read.
        comments[name] = _(
            "{name}: published by {place}; {computed}. Data read by that notebook: {data}."
        ).format(
            name=name,
            place=entry.origin.place,
            computed=computed_in_notebook(),
            # TRANSLATORS: in the review copy's comment, for a notebook that read no data.
            data=data or _("none"),
        )
    return comments


def lineage_text(item: PublishedItem) -> str:
    """Return the data rows behind ``item``: each in full for a value, in short for a
    figure or table (which show many)."""
    return item.lineage.short if item.is_block else item.lineage.text


def _rows_read(path: str, rows: int) -> str:
    # TRANSLATORS: a data file a notebook read and its number of rows, in a Word comment
    return ngettext("{path} ({count} rows)", "{path} ({count} rows)", rows).format(
        path=path, count=rows
    )


@dataclass(frozen=True)
class ReviewEntry:
    """One published name as the review page lists it."""

    name: str
    shown: str  # as the letter prints it: the value, or the caption title
    notebook: str
    cell: int  # counted from 1, as a reader counts
    link: str
    in_letter: bool
    payload: PublishedItem
    count: int | None  # the n of "In [n]" on the notebook page, when known
    number: str | None  # the caption's number in the letter, "Figuur 2", for a block
    rows: list[str]  # the data rows behind it, one a line; [] when the notebook made it
    derived: str = ""  # how a value was computed from its rows ("a share"), if it was


def readable_lines(value) -> list[str]:
    """Return a params-file entry as lines a reader reads, not as JSON: a group as
    "key: value" lines, a list one line per item (an item's parts joined by " · ")."""
    if isinstance(value, dict):
        return [f"{key}: {parameter_text(part)}" for key, part in value.items()]
    if isinstance(value, list):
        return [
            " · ".join(parameter_text(part) for part in item.values())
            if isinstance(item, dict)
            else parameter_text(item)
            for item in value
        ]
    return [parameter_text(value)]


def _rows_listed(item: PublishedItem) -> dict:
    """Return the review page's list of the data rows behind ``item``."""
    lineage = item.lineage
    if item.gap is not None:  # an area's letter without this figure: say why
        return {"rows": [item.gap]}
    if lineage.by_hand:
        return {"rows": []}
    if item.is_block:
        return {"rows": lineage.summary.split("; ")}
    derived = _(DERIVED[lineage.derived]) if lineage.derived else ""
    return {"rows": [row.text for row in lineage.rows], "derived": derived}


@functools.cache  # one per process: it compiles each page's template once
def page_environment() -> jinja2.Environment:
    """Return the environment of brief's own HTML pages: sandboxed like the letter, since
    the pages show values that came from data and params.

    The pages speak the language brief speaks when they are rendered: ``{{ _("...") }}``
    and ``{{ ngettext(...) }}`` are brief's own gettext (new style: autoescaped, with
    ``%(name)s`` placeholders given as keyword arguments; trimmed, as tools/catalog.py
    extracts them), ``page_language()`` names that language for ``<html lang>``, and the
    ``seconds`` filter writes a duration as that language writes numbers.
    What the letter says (values, captions, alt texts) is Dutch on every page: the
    templates mark it ``lang="nl"``.
    """
    environment = ImmutableSandboxedEnvironment(
        loader=jinja2.PackageLoader("brief.review", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(_, ngettext, newstyle=True)
    environment.globals["page_language"] = current_language
    environment.filters["seconds"] = decimal
    environment.filters["url"] = file_url
    environment.filters["local_time"] = local_time
    return environment


def write_review_page(
    outputs: YearOutputs,
    *,
    subject: str,
    used: set[str],
    collection: Collection,
    params: Params,
    record: RunRecord,
    has_changes: bool,
    accessibility: list[str] = (),
    reference: str | None = None,
    order: dict[str, str | None] | None = None,
) -> Path:
    """Write ``index.html``: a static page that opens from disk, with no scripts.

    ``reference`` names the letter the changes are against (see brief.build.history)."""
    environment = page_environment()
    sections: dict[str, list[ReviewEntry]] = {"values": [], "figures": [], "tables": []}
    order = dict(order or {})
    place = {name: index for index, name in enumerate(order)}
    # In the order of the letter; what it does not show after, by name.
    ranked = sorted(collection.items.items(), key=lambda i: (place.get(i[0], len(place)), i[0]))
    for name, entry in ranked:
        sections[entry.item.review_section].append(
            ReviewEntry(
                name=name,
                shown=entry.item.text,
                notebook=entry.origin.notebook,
                cell=entry.origin.cell + 1,
                link=cell_link(outputs, entry),
                in_letter=name in used,
                payload=entry.item,
                count=entry.origin.count,
                number=order.get(name),
                **_rows_listed(entry.item),
            )
        )
    context = params.template_context()

    def exists(path: Path) -> str | None:
        return file_url(path.relative_to(outputs.folder).as_posix()) if path.exists() else None

    page = environment.get_template(PAGE_TEMPLATE).render(
        year=outputs.year,
        computed_in_notebook=computed_in_notebook(),
        subject=subject,
        letter=exists(outputs.letter),
        review_letter=exists(outputs.review_letter),
        redline=exists(outputs.redline),
        pdf=exists(outputs.pdf),
        changes=file_url(outputs.changes.name) if has_changes else None,
        reference=reference,
        figures_dir=outputs.figures_dir.relative_to(outputs.folder).as_posix(),
        parameters={name: readable_lines(value) for name, value in context.items()},
        commitments=params.toezeggingen,
        record=record,
        unused_parameters=sorted(set(context) - used),
        accessibility=list(accessibility),
        **sections,
    )
    outputs.review_page.write_text(page, encoding="utf-8")
    return outputs.review_page
