"""The template language of a letter: Jinja2 as docxtpl reads it, in Jinja's sandbox.

A Word template is an Office file that people e-mail to each other, so filling it must
not hand it Python: the environment is Jinja's immutable sandbox, which refuses access
to internals (``cycler.__init__.__globals__``, ``''.__class__``) and to methods that
change values. Every mistake a template can hold is reported with the paragraph it is
in, as the advisor sees it in Word.

Two things docxtpl leaves to its users are done here once:

- Text typed inside a tag is XML-escaped in the document (``&`` is ``&amp;``); it is
  unescaped before Jinja reads it, so ``{{ "Zorg & Welzijn" }}`` prints as typed.
- Everything a tag prints is bracketed by invisible marks (``finalize``), and so are
  docxtpl's literal braces ``{_{ }_}``; the check for tags left in the letter then looks
  only at what the template itself left (:func:`brief.letter.marks.leftover_tags`).
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.sandbox import SecurityError
from lxml import etree
from markupsafe import Markup, escape

from brief.exceptions import BlockMisused, FilterError, TemplateError, did_you_mean
from brief.files import is_ole_file, unpacked_size
from brief.formatting import FILTERS
from brief.i18n import N_, _
from brief.letter import marks, parts
from brief.letter.sandbox import Inert, LetterSandbox, LimitError, count_printed, limited_filter
from brief.records import Gap

# Inside a tag, as docxtpl's own clean-up finds it: between {{ or {% and }} or %}.
_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")
_XML_ENTITIES = {"&amp;": "&", "&quot;": '"', "&apos;": "'", "&lt;": "<", "&gt;": ">"}
# docxtpl's documented literal braces: {_{ x }_} prints "{{ x }}", {_% %_} prints "{% %}".
_LITERAL_BRACES = re.compile(r"\{_[\{%]|[\}%]_\}")
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_XML_ELEMENT_WITH_TAG = re.compile(r"<[^<>]*\{\{[^<>]*>")
_PRINT_TAG = re.compile(r"\{\{(.*?)\}\}")
_XML_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"\{%-?\s*(?:(?:p|tr|tc|r)\s+)?(\w+)")
_OPENING_BLOCKS = {"for", "if", "with", "macro", "call", "filter", "block", "raw"}
_UNKNOWN = re.compile(r"No (filter|test) named '([^']+)'")
# A letter template is some hundreds of kB; these bound what opening one can cost.
MAX_TEMPLATE_XML = 30_000_000  # bytes of XML unpacked (document, headers, styles, ...)
MAX_TEMPLATE_SIZE = 200_000_000  # bytes unpacked in all, pictures included
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Used on a bare name, these make it optional: {{ x|default("n.v.t.") }}, {% if x is defined %}.
# "of"/"or" and "gegeven"/"given" do so too, and also take a gap for missing (see Gap).
_DEFAULT_FILTERS = {"default", "d", "of", "or"}
_DEFINED_TESTS = {"defined", "undefined", "gegeven", "given"}
_GIVEN_TESTS = {"defined", "gegeven", "given"}  # true when the name has a value
# Filters that decide themselves what a gap becomes; every other one passes a gap through.
_GAP_AWARE_FILTERS = {"default", "d", "of", "or", "xml_attribute"}
# Where a mistake is, per part of the template: a whole sentence each, so that every
# part's name reads right in the sentence in every language.
_PLACE_AT = {
    "body": N_('In the body, at: "{text}".'),
    "header": N_('In the header, at: "{text}".'),
    "footer": N_('In the footer, at: "{text}".'),
    "footnotes": N_('In the footnotes, at: "{text}".'),
}
_PLACE = {
    "body": N_("In the body."),
    "header": N_("In the header."),
    "footer": N_("In the footer."),
    "footnotes": N_("In the footnotes."),
}


class LetterTemplate(DocxTemplate):
    """A docxtpl template that unescapes text inside tags and marks literal braces."""

    def patch_xml(self, src_xml: str) -> str:
        xml = super().patch_xml(src_xml)
        xml = _INSIDE_TAG.sub(lambda m: _unescape(m.group(0)), xml)
        xml = _XML_ELEMENT_WITH_TAG.sub(_print_as_attribute, xml)
        return _LITERAL_BRACES.sub(lambda m: marks.literal_braces(m.group(0)), xml)


def _print_as_attribute(element: re.Match) -> str:
    """Print the tags inside an XML element's attributes (docxtpl's {% hm %}, {% colspan %}
    and {% cellbg %} write some there) through |xml_attribute: unmarked, escaped."""
    return _PRINT_TAG.sub(lambda tag: f"{{{{ ({tag.group(1)})|xml_attribute }}}}", element.group(0))


def _xml_attribute(value) -> Markup:
    return Markup(escape(str(value)))


def _unescape(tag_text: str) -> str:
    for entity, character in _XML_ENTITIES.items():
        tag_text = tag_text.replace(entity, character)
    return tag_text


def open_template(path: Path) -> LetterTemplate:
    """Return the template at ``path``, or raise TemplateError saying why it cannot be used."""
    if not path.is_file():
        raise TemplateError(_("The template {path} does not exist.").format(path=path))
    if path.suffix.lower() != ".docx":
        raise TemplateError(
            _(
                "The template {name} is not a .docx file. Save it from Word as "
                "'Word Document (*.docx)'."
            ).format(name=path.name)
        )
    if not zipfile.is_zipfile(path):
        # Word saves a password-protected document as an encrypted OLE file, not a zip.
        if is_ole_file(path):
            raise TemplateError(
                _(
                    "The template {name} is protected with a password (or is an old .doc "
                    "renamed). Save a copy without a password as 'Word Document (*.docx)'."
                ).format(name=path.name)
            )
        raise TemplateError(
            _(
                "The template {name} cannot be opened as a Word document: the file is "
                "damaged. Take the last good copy (templates/ is in git) or save it again "
                "from Word."
            ).format(name=path.name)
        )
    xml_size, whole_size = unpacked_size(path, (".xml", ".rels")), unpacked_size(path)
    if xml_size > MAX_TEMPLATE_XML or whole_size > MAX_TEMPLATE_SIZE:
        raise TemplateError(
            _(
                "The template {name} unpacks to {size} MB, far more than a letter template "
                "needs (at most {limit} MB of text and layout, {whole_limit} MB in all). Save "
                "it again from Word, without embedded files or very large pictures."
            ).format(
                name=path.name,
                size=f"{max(xml_size, whole_size) // 1_000_000:,}",
                limit=MAX_TEMPLATE_XML // 1_000_000,
                whole_limit=MAX_TEMPLATE_SIZE // 1_000_000,
            )
        )
    try:
        template = LetterTemplate(path)
        template.init_docx()
    except etree.XMLSyntaxError:
        raise TemplateError(
            _(
                "The template {name} is damaged: a part of it is not complete Word XML. Take "
                "the last good copy (templates/ is in git) or save it again from Word."
            ).format(name=path.name)
        ) from None
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TemplateError(
            # TRANSLATORS: {reason} is python-docx's own text, in English.
            _("The template {name} cannot be opened as a Word document ({reason}).").format(
                name=path.name, reason=exc
            )
        ) from None
    outside = parts.outside_content(template.docx)
    if outside:
        raise TemplateError(
            _(
                "The template {name} takes content from outside itself: {what}. A letter must "
                "hold everything it shows, or it would fetch files from this computer or the "
                "network when it is opened: put the picture or text into the template itself "
                "(in Word: Insert, Pictures, without 'Link to file'), then save it again."
            ).format(name=path.name, what="; ".join(outside[:3]))
        )
    return template


def _checked_filter(name: str, function):
    """Wrap a formatting filter so a value of the wrong kind is a FilterError, not a crash."""

    @functools.wraps(function)
    def checked(value, *args, **kwargs):
        if (gap := _gap_among(value, *args, *kwargs.values())) is not None:
            return gap
        try:
            return function(value, *args, **kwargs)
        except (TypeError, ValueError) as exc:
            raise FilterError(name, value, str(exc)) from None

    return checked


def _gap_among(*values) -> Gap | None:
    """Return the first gap among ``values``, or None."""
    return next((value for value in values if isinstance(value, Gap)), None)


def _passing_gaps(function):
    """Wrap one of Jinja's own filters so that a gap given to it comes out as that gap."""

    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment mark
    def passing(*args, **kwargs):
        if (gap := _gap_among(*args, *kwargs.values())) is not None:
            return gap
        return function(*args, **kwargs)

    return passing


def is_given(value) -> bool:
    """The test ``{% if x is gegeven %}``: x has a value, and it is not a gap."""
    return not isinstance(value, jinja2.Undefined | Gap) and value is not None


def given_or(value, instead=""):
    """The filter ``{{ x|of("onbekend") }}``: x, or ``instead`` where x is missing or a gap."""
    return value if is_given(value) else instead


def _mark_filled(value):
    """Bracket what a tag prints, so the letter knows it came from a value (see module).

    Called by Jinja for every printed value, it is also where brief's markers become Word
    content: a figure or table (its ``_word_xml``) is placed as it is, and a published value
    prints its ``_printed()`` text. Both are behind an underscore, out of the template's reach.
    """
    if isinstance(value, jinja2.Undefined):
        return value  # StrictUndefined raises when it is printed
    xml = getattr(value, "_word_xml", None) if isinstance(value, Inert) else None
    if xml is not None:
        count_printed(xml)
        return Markup(xml)  # a figure or table, placed by docxtpl as it is
    if isinstance(value, Markup):
        count_printed(value)
        return value  # Word XML the template itself wrote (|xml_attribute)
    printed = getattr(value, "_printed", None) if isinstance(value, Inert) else None
    text = printed() if printed is not None else str(value)
    count_printed(text)
    return marks.filled(text)


def jinja_environment() -> jinja2.Environment:
    """Return the sandboxed Jinja environment every letter is filled with (brief.letter.sandbox)."""
    env = LetterSandbox(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_mark_filled)
    env.filters.update(
        {
            name: _passing_gaps(f)
            for name, f in env.filters.items()
            if name not in _GAP_AWARE_FILTERS
        }
    )
    env.filters.update({name: _checked_filter(name, f) for name, f in FILTERS.items()})
    env.filters["xml_attribute"] = _xml_attribute
    env.filters["of"] = env.filters["or"] = given_or
    env.tests["gegeven"] = env.tests["given"] = is_given
    env.filters = {name: limited_filter(name, f) for name, f in env.filters.items()}
    return env


@dataclass(frozen=True)
class TemplatePart:
    """One part of the template (body, a header, a footer) as Jinja reads it."""

    label: str  # "body", "header", "footer", "footnotes": how the advisor knows it
    partname: str  # the part in the .docx, e.g. /word/header1.xml
    source: str  # the patched XML, one paragraph per line, as docxtpl renders it

    def paragraph(self, line: int | None) -> str:
        """Return the text of the paragraph on Jinja's (1-based) ``line``."""
        lines = self.source.splitlines()
        if line is None or not 1 <= line <= len(lines):
            return ""
        return html.unescape(_XML_TAG.sub("", lines[line - 1])).strip()

    def place(self, line: int | None, env: jinja2.Environment | None = None) -> str:
        """Return where ``line`` is, for a message: 'In the body, at: "...".'

        With ``env``, the tag on that line that Jinja cannot read is quoted with the text
        around it, however long the paragraph: the culprit is never cut off.
        """
        text = marks.unfilled(self.paragraph(line))
        if not text:
            return _(_PLACE[self.label])
        culprit = _unreadable_tag(text, env) if env is not None else None
        if culprit is not None:
            return _(_PLACE_AT[self.label]).format(text=_around(text, *culprit.span()))
        return _(_PLACE_AT[self.label]).format(text=_around(text, 0, 0, room=120))


_ANY_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _unreadable_tag(text: str, env: jinja2.Environment) -> re.Match | None:
    """Return the first tag in ``text`` that Jinja cannot read on its own (a block tag with
    its end added), or None when each tag reads."""
    for match in _ANY_TAG.finditer(text):
        source = match.group(0)
        if source.startswith("{%"):
            keyword = _BLOCK_TAG.match(source)
            name = keyword.group(1) if keyword else ""
            if name.startswith("end") or name in ("else", "elif"):
                continue
            if name in _OPENING_BLOCKS:
                source += "{% end" + name + " %}"
        try:
            env.parse(source)
        except jinja2.TemplateSyntaxError:
            return match
    return None


def _around(text: str, start: int, end: int, room: int = 40) -> str:
    """Return ``text[start:end]`` with up to ``room`` characters each side, marked "…"
    where the paragraph goes on."""
    before, after = max(0, start - room), min(len(text), end + room)
    return ("…" if before else "") + text[before:after] + ("…" if after < len(text) else "")


def template_parts(template: DocxTemplate) -> list[TemplatePart]:
    """Return every part docxtpl renders, patched and split into paragraph lines."""
    template.init_docx()
    found = [("body", template.docx.part.partname, template.get_xml())]
    for label, uri in (("header", template.HEADER_URI), ("footer", template.FOOTER_URI)):
        for _relation, part in template.get_headers_footers(uri):
            found.append((label, part.partname, template.get_part_xml(part)))
    for part in template.docx.part.package.iter_parts():
        if part.content_type == FOOTNOTES:
            found.append(("footnotes", part.partname, part.blob.decode("utf-8")))
    return [
        TemplatePart(label, str(name), _PARAGRAPH_START.sub(r"\n<w:p\1", template.patch_xml(xml)))
        for label, name, xml in found
    ]


@dataclass(frozen=True)
class TemplateNames:
    """The top-level names a template uses."""

    required: frozenset[str]  # printed or used as they are: they must have a value
    optional: frozenset[str]  # only with default(...) or behind "is defined"

    @property
    def all(self) -> frozenset[str]:
        return self.required | self.optional


def template_names(template: DocxTemplate, env: jinja2.Environment) -> TemplateNames:
    """Return the names the template uses, or raise TemplateError on a mistake in a tag."""
    required: set[str] = set()
    used: set[str] = set()
    for part in template_parts(template):
        try:
            tree = env.parse(part.source)
            env.compile(tree)  # unknown filters and tests are found only here
        except jinja2.TemplateSyntaxError as exc:
            raise syntax_error(exc, part, env) from None
        names = meta.find_undeclared_variables(tree)
        used |= names
        required |= names & _unguarded_names(tree, frozenset())
    return TemplateNames(frozenset(required), frozenset(used - required))


def _unguarded_names(node: nodes.Node, guarded: frozenset[str]) -> set[str]:
    """Return the names ``node`` uses that are not made optional by default() or a test."""
    if isinstance(node, nodes.Name):
        return set() if node.ctx != "load" or node.name in guarded else {node.name}
    children = list(node.iter_child_nodes())
    makes_optional = (isinstance(node, nodes.Filter) and node.name in _DEFAULT_FILTERS) or (
        isinstance(node, nodes.Test) and node.name in _DEFINED_TESTS
    )
    if makes_optional and isinstance(node.node, nodes.Name):
        children.remove(node.node)
    if isinstance(node, (nodes.If, nodes.CondExpr)):
        test = node.test
        when_true, when_false = _tested_defined(test)
        body = node.body if isinstance(node, nodes.If) else [node.expr1]
        rest = [*node.elif_, *node.else_] if isinstance(node, nodes.If) else [node.expr2]
        names = _unguarded_names(test, guarded)
        for child in body:
            if child is not None:
                names |= _unguarded_names(child, guarded | when_true)
        for child in rest:
            if child is not None:
                names |= _unguarded_names(child, guarded | when_false)
        return names
    names: set[str] = set()
    for child in children:
        names |= _unguarded_names(child, guarded)
    return names


def _tested_defined(test: nodes.Node) -> tuple[frozenset[str], frozenset[str]]:
    """Return the names ``test`` proves defined when it holds, and when it does not."""
    if isinstance(test, nodes.Test) and isinstance(test.node, nodes.Name):
        if test.name in _GIVEN_TESTS:
            return frozenset({test.node.name}), frozenset()
        if test.name == "undefined":
            return frozenset(), frozenset({test.node.name})
    if isinstance(test, nodes.Not):
        when_true, when_false = _tested_defined(test.node)
        return when_false, when_true
    if isinstance(test, nodes.And):
        left, right = _tested_defined(test.left), _tested_defined(test.right)
        return left[0] | right[0], frozenset()
    return frozenset(), frozenset()


def syntax_error(
    exc: jinja2.TemplateSyntaxError, part: TemplatePart, env: jinja2.Environment
) -> TemplateError:
    """Return the TemplateError for a mistake in a tag, with its paragraph and a hint."""
    unknown = _UNKNOWN.match(exc.message or "")
    if unknown:
        kind, name = unknown.groups()
        known = sorted(env.filters if kind == "filter" else env.tests)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if kind == "filter":
            first = _("The template uses a filter that does not exist: '{name}'.")
            last = _("The filters a letter template can use: {names}.")
            listed = ", ".join([*FILTERS, "of"])
        else:
            first = _("The template uses a test that does not exist: '{name}'.")
            last = _("The tests a letter template can use: {names}.")
            listed = ", ".join(known)
        first = first.format(name=name)
        if close:
            first += " " + did_you_mean(close[0])
        return TemplateError(f"{first}\n{part.place(exc.lineno)}\n{last.format(names=listed)}")
    # TRANSLATORS: stands where Jinja's own (English) description of the mistake goes.
    message = exc.message or _("the tag cannot be read")
    if message.startswith("Unexpected end of template"):
        line = _unclosed_block_line(part.source.splitlines())
    else:
        line = exc.lineno
    error = (
        # TRANSLATORS: {problem} is Jinja's own description of the mistake, in English.
        _("The template has a mistake in a {{{{ }}}} or {{% %}} tag: {problem}").format(
            problem=message
        )
        + "\n"
        + part.place(line, env)
    )
    if _about_blocks(message):
        error += "\n" + _(
            "Check that every {% if %} has its {% endif %} and every {% for %} its {% endfor %}."
        )
    return TemplateError(error)


def _about_blocks(message: str) -> bool:
    """Whether Jinja's ``message`` is about {% if %}/{% for %} blocks and their ends."""
    return message.startswith("Unexpected end of template") or any(
        words in message for words in ("unknown tag 'end", "unknown tag 'else", "unknown tag 'elif")
    )


def _unclosed_block_line(lines: list[str]) -> int:
    """Return the 1-based line whose {% for %}, {% if %}, ... is never closed (innermost)."""
    open_blocks: list[int] = []
    for number, line in enumerate(lines, start=1):
        for keyword in _BLOCK_TAG.findall(_XML_TAG.sub("", line)):
            if keyword.startswith("end") and open_blocks:
                open_blocks.pop()
            elif keyword in _OPENING_BLOCKS:
                open_blocks.append(number)
    return open_blocks[-1] if open_blocks else len(lines)


def _template_line(exc: BaseException) -> int | None:
    """Return the template line the innermost template frame of ``exc`` was running."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def filling_error(
    exc: Exception, template_path: Path, partname: str | None, env: jinja2.Environment
) -> TemplateError | None:
    """Return the TemplateError for ``exc`` raised while filling, or None if it is not the
    template's doing (an error of brief's own, which must surface as one)."""
    if isinstance(exc, FilterError | BlockMisused | jinja2.TemplateError | SecurityError):
        line = exc.lineno if isinstance(exc, jinja2.TemplateSyntaxError) else None
    else:
        line = None
    line = line or _template_line(exc)
    if line is None:
        return None
    # A fresh copy: the one being filled has already had some of its parts replaced.
    parts = {part.partname: part for part in template_parts(LetterTemplate(template_path))}
    part = parts.get(str(partname)) or next(iter(parts.values()))
    place = part.place(line)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return syntax_error(exc, part, env)
    if isinstance(exc, LimitError):
        return TemplateError(
            # TRANSLATORS: {reason} says which limit, e.g. "filling took longer than 60 seconds".
            _(
                "A tag in the template would do more work than any letter needs: {reason}. "
                "Nothing was written. Change or remove this tag.\n{place}"
            ).format(reason=exc, place=place)
        )
    if isinstance(exc, SecurityError):
        return TemplateError(
            # TRANSLATORS: {refusal} is the sandbox's own text, in English.
            _(
                "The template tries to reach inside Python ({refusal}); a letter template may "
                "only print values, so nothing was run and no letter was written. Remove this "
                "tag.\n{place}"
            ).format(refusal=exc, place=place)
        )
    if isinstance(exc, FilterError | BlockMisused):
        return TemplateError(f"{exc}\n{place}")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(
            # TRANSLATORS: {missing} is Jinja's own text ("'x' is undefined"), in English.
            _(
                "The template asks for something that has no value: {missing}.\n{place}\n"
                "Run `brief fields YEAR` to list the names that exist and what they hold."
            ).format(missing=exc.message, place=place)
        )
    return TemplateError(
        # TRANSLATORS: {error_type} is a Python exception's name, {error} its own text.
        _("A tag in the template cannot be worked out ({error_type}: {error}).\n{place}").format(
            error_type=type(exc).__name__, error=exc, place=place
        )
    )
