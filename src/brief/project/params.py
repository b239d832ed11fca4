"""The year's parameters: what differs per letter and is not data (params/<year>.yaml).

The file is read with a safe loader that keeps dates as written, then validated by a
pydantic schema that forbids unknown keys, so a typo fails loudly with the key named.
Keys are Dutch because advisors write this file; the template uses the same names.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from brief.exceptions import BriefError, ParamsError
from brief.formatting import long_date
from brief.i18n import N_, _, ngettext

# What `brief new` writes where the advisor must fill in this year's text.
FILL_IN = "INVULLEN"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ondertekening(_Strict):
    """Who signs the letter."""

    naam: str = Field(min_length=1)
    functie: str = Field(min_length=1)


class Toezegging(_Strict):
    """A commitment made to the committee that this letter reports on."""

    code: str = Field(min_length=1, description="Registration code, e.g. 23bb005467")
    omschrijving: str = Field(min_length=1)
    status: Literal["afgedaan", "loopt"] = "afgedaan"


class Params(_Strict):
    """The schema of params/<year>.yaml."""

    jaar: int = Field(ge=2000, le=2100, description="The year the letter reports on")
    datum: dt.date = Field(description="Date on the letter, YYYY-MM-DD")
    kenmerk: str = Field(min_length=1, description="Reference (Ons kenmerk)")
    commissie: str = Field(min_length=1)
    onderwerp: str = Field(min_length=1)
    ondertekening: Ondertekening
    toezeggingen: list[Toezegging] = []
    teksten: dict[str, str] = Field(
        default_factory=dict, description="Year-specific sentences the template may use"
    )

    @field_validator("datum", mode="before")
    @classmethod
    def _date_as_written(cls, value):
        # The loader keeps dates as strings; accept only the ISO form advisors are shown.
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(
                    _("write the date as YYYY-MM-DD, got {value!r}").format(value=value)
                ) from None
        return value

    def template_context(self) -> dict:
        """Return the parameters as the names the Word template uses."""
        return self.model_dump()


def parameter_text(value) -> str:
    """Return how a params-file entry prints: a date in Dutch, a group or list as JSON."""
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


class _StringDateLoader(yaml.SafeLoader):
    """A safe loader that leaves dates as the text the advisor wrote."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_YAML_BYTES = 1_000_000  # a params file or brief.yaml is a few kilobytes
# Characters XML (and so Word) cannot hold, and that no advisor types on purpose.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class _Refused(yaml.MarkedYAMLError):
    """What brief refuses in a YAML file that YAML itself allows: aliases, repeated keys."""

    def __init__(self, message: str, mark):
        super().__init__(problem=message, problem_mark=mark)
        self.message = message


class _AdvisorLoader(_StringDateLoader):
    """The loader of every file an advisor writes (params, brief.yaml).

    It refuses YAML aliases (``*name``), which advisors never need and which let a small
    file expand to billions of values, and a key written twice in one group, which YAML
    would silently settle by taking the last.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                _(
                    "'*{name}' refers to another part of the file (a YAML alias), which brief "
                    "does not accept: write the value out in full"
                ).format(name=event.anchor),
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        first_line: dict = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                earlier = first_line.setdefault(key, key_node.start_mark.line)
            except TypeError:
                continue  # a list as a key: the schema refuses it with its own message
            if earlier != key_node.start_mark.line:
                raise _Refused(
                    _(
                        "the key '{key}' is written twice in the same group (also on line "
                        "{first}); keep one"
                    ).format(key=key, first=earlier + 1),
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep)


def read_yaml(path: Path, error: type[BriefError] = ParamsError) -> object:
    """Return the YAML document in ``path``, read safely with dates kept as strings.

    Every way the file can be wrong ends in ``error`` naming the file, the line and what to
    do: too large, not UTF-8, broken YAML (the line quoted, the column marked), an alias, a
    repeated key, nested too deeply, a control character in a text.
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > MAX_YAML_BYTES:
        raise error(
            _(
                "{file} is {size} kB, far larger than a settings or params file is (a few kB). "
                "Check that it is the right file."
            ).format(file=path.name, size=f"{size // 1000:,}")
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error(
            _("{file} is not a UTF-8 text file. Save it as UTF-8.").format(file=path.name)
        ) from None
    try:
        document = yaml.load(text, Loader=_AdvisorLoader)  # noqa: S506 (safe subclass)
    except yaml.YAMLError as exc:
        raise error(yaml_problem(path.name, text, exc)) from None
    except RecursionError:
        raise error(
            _(
                "{file} is nested too deeply to read; a settings or params file needs a few "
                "levels at most."
            ).format(file=path.name)
        ) from None
    control = _first_control_character(document)
    if control is not None:
        where, character, position = control
        raise error(
            _(
                "{file}, '{where}': the text holds an invisible control character "
                "(U+{code:04X}) at position {position}. Remove it: retype the text, or paste "
                "it as plain text."
            ).format(file=path.name, where=where, code=ord(character), position=position + 1)
        )
    return document


def _first_control_character(value, where: str = "") -> tuple[str, str, int] | None:
    """Return (key, character, position) of the first control character in any text."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        return (where, found.group(), found.start()) if found else None
    if isinstance(value, dict):
        items = ((f"{where}.{key}" if where else str(key), item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{where}[{index + 1}]", item) for index, item in enumerate(value))
    else:
        return None
    for place, item in items:
        found = _first_control_character(item, place)
        if found:
            return found
    return None


# What PyYAML's (English) problem means for an advisor, and the fix.
_COLON_IN_TEXT = N_(
    "a colon followed by a space inside a text. Put the whole text in quotes, for example: "
    'onderwerp: "Voortgang: jeugd en gezin"'
)
_TAB = N_("a tab character. YAML indents with spaces only: replace the tab with spaces")
_INDENTATION = N_(
    "the indentation does not match the lines above. Keys of one group start in the same "
    "column; a key inside a group is indented further, with spaces, than the group's name"
)
_UNCLOSED_QUOTE = N_(
    "a quote opens a text here that is never closed. End the text with the same quote (\" or ')"
)
_UNCLOSED_LIST = N_(
    "a [ or { opens a list here that is not closed as it should be. Close it with ] or }, "
    "with a comma between the items"
)
_TEXT_AFTER_QUOTE = N_(
    "the text goes on after its closing quote. Put the whole text inside the quotes"
)
_NO_COLON = N_(
    "this line is not 'key: value'. Write the key, a colon and a space, then the value; "
    "put a text that runs over more lines in quotes"
)


def yaml_problem(name: str, text: str, exc: yaml.YAMLError) -> str:
    """Return a YAML error as an advisor can act on it: where, what it likely means, the
    fix, and the line quoted with a marker under the column."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)  # PyYAML's words, in English
    context = getattr(exc, "context", None) or ""
    lines = text.splitlines()
    if isinstance(exc, _Refused):
        explanation = exc.message
    elif "'\\t'" in problem or "\t" in problem:
        explanation = _(_TAB)
    elif "quoted scalar" in context:
        explanation = _(_UNCLOSED_QUOTE)
        mark = getattr(exc, "context_mark", None) or mark
    elif "flow sequence" in context or "flow mapping" in context:
        explanation = _(_UNCLOSED_LIST)
        mark = getattr(exc, "context_mark", None) or mark
    elif problem.startswith("mapping values are not allowed"):
        explanation = _(_INDENTATION if _indented_too_far(lines, mark) else _COLON_IN_TEXT)
    elif "<scalar>" in problem and _after_closing_quote(lines, mark):
        explanation = _(_TEXT_AFTER_QUOTE)
    elif problem.startswith("expected <block end>") or "block collection" in context:
        explanation = _(_INDENTATION)
    elif problem.startswith("could not find expected ':'"):
        explanation = _(_NO_COLON)
        mark = getattr(exc, "context_mark", None) or mark
    else:
        # TRANSLATORS: {problem} is PyYAML's own description, in English.
        explanation = _("{problem} (YAML's own words)").format(problem=problem)
    if mark is None:
        return _("{file} is not valid YAML: {problem}.").format(file=name, problem=explanation)
    line, column = mark.line, mark.column
    message = _("{file} cannot be read at line {line}, column {column}: {problem}.").format(
        file=name, line=line + 1, column=column + 1, problem=explanation
    )
    if 0 <= line < len(lines):
        shown = lines[line].replace("\t", " ")[:200]
        number = f"{line + 1:>4} | "
        message += f"\n{number}{shown}\n{' ' * (len(number) + min(column, len(shown)))}^"
    return message


def _after_closing_quote(lines: list[str], mark) -> bool:
    """Whether ``mark`` stands just after a quoted text on its line: "Voortgang" 2023."""
    if mark is None or not 0 <= mark.line < len(lines):
        return False
    return lines[mark.line][: mark.column].rstrip().endswith(('"', "'"))


def _indented_too_far(lines: list[str], mark) -> bool:
    """Whether the line of ``mark`` is indented further than the key line above it, which
    already has a value: a key slipped to the right, not a colon inside a text."""
    if mark is None or not 0 < mark.line < len(lines):
        return False
    current = lines[mark.line]
    above = next((line for line in reversed(lines[: mark.line]) if line.strip()), "")
    indent = len(current) - len(current.lstrip(" "))
    above_indent = len(above) - len(above.lstrip(" "))
    key_above = re.match(r"\s*[^:#]+:\s*(.*)$", above)
    return indent > above_indent and bool(key_above and key_above.group(1).strip())


# The types a project may give its own params fields in brief.yaml (extra_velden).
FIELD_TYPES = {"tekst": str, "getal": int | float, "datum": dt.date, "lijst": list[str]}


@functools.cache
def params_model(extra_fields: tuple[tuple[str, str], ...] = ()) -> type[Params]:
    """Return the params schema with a project's own fields added (all required)."""
    if not extra_fields:
        return Params
    fields = {name: (FIELD_TYPES[kind], ...) for name, kind in extra_fields}
    return create_model("Params", __base__=Params, **fields)


def load_params(path: Path, year: int, extra_fields: dict[str, str] | None = None) -> Params:
    """Return the validated parameters in ``path`` for ``year``.

    ``extra_fields`` (name -> type, from the project's settings) are the project's own keys.
    """
    if not path.is_file():
        raise ParamsError(
            _(
                "There is no params file for {year}: {path} does not exist. Run `brief new "
                "{year}` to start it from the latest year, then fill in this year's date, "
                "reference, texts and commitments."
            ).format(year=year, path=path)
        )
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise ParamsError(
            _(
                "{file} must hold keys such as 'jaar:' and 'datum:', one per line; it holds "
                "no such keys."
            ).format(file=path.name)
        )
    unfilled = _unfilled(document)
    if unfilled:
        raise ParamsError(
            _(
                "{file} still has {marker} where this year's text belongs: {keys}. Fill these "
                "in, then build again."
            ).format(file=path.name, marker=FILL_IN, keys=", ".join(unfilled))
        )
    model = params_model(tuple(sorted((extra_fields or {}).items())))
    try:
        params = model.model_validate(document)
    except ValidationError as exc:
        raise ParamsError(describe_problems(path.name, exc, model)) from None
    if params.jaar != year:
        raise ParamsError(
            _(
                "{file} says 'jaar: {written}', but its name says {year}. Make the two agree."
            ).format(file=path.name, written=params.jaar, year=year)
        )
    return params


def _unfilled(value, where: str = "") -> list[str]:
    """Return the keys (as datum, teksten.slot) whose value is still the FILL_IN marker."""
    if isinstance(value, dict):
        return [
            k
            for key, item in value.items()
            for k in _unfilled(item, f"{where}.{key}" if where else str(key))
        ]
    if isinstance(value, list):
        return [k for index, item in enumerate(value) for k in _unfilled(item, f"{where}[{index}]")]
    return [where] if isinstance(value, str) and value.strip() == FILL_IN else []


def describe_problems(name: str, exc: ValidationError, model: type[BaseModel]) -> str:
    """Return every problem pydantic found in the file ``name`` as sentences to act on."""
    problems = "\n".join(f"  - {_describe(error, model)}" for error in exc.errors())
    count = exc.error_count()
    return (
        ngettext("{file} has {count} problem(s):", "{file} has {count} problem(s):", count).format(
            file=name, count=count
        )
        + f"\n{problems}"
    )


def _describe(error: dict, model: type[BaseModel]) -> str:
    """Return one pydantic error as a sentence an advisor can act on."""
    parts = error["loc"]
    kind = error["type"]
    key = str(parts[-1]) if parts else ""
    within = f"{_location(parts[:-1])}: " if len(parts) > 1 else ""
    if kind == "extra_forbidden":
        known = _known_keys(model, parts[:-1])
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            message = _("{within}unknown key '{key}'. Did you mean '{meant}'?")
        else:
            message = _("{within}unknown key '{key}'. Known keys: {known}.")
        return message.format(
            within=within, key=key, meant=close[0] if close else "", known=", ".join(known)
        )
    if kind == "missing":
        return _("{within}'{key}' is missing; add it.").format(within=within, key=key)
    message = pydantic_message(error)
    shows_value = "got " in error["msg"] or repr(error.get("input")) in message
    if not shows_value:
        message = _("{message} (got {value!r})").format(message=message, value=error.get("input"))
    return f"'{_location(parts)}': {message}."


# pydantic's messages, word for word, so that they can be translated: the English is
# what pydantic itself writes (tests/test_params.py checks that it still is).
PYDANTIC_MESSAGES = {
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "string_type": N_("Input should be a valid string"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "dict_type": N_("Input should be a valid dictionary"),
    "list_type": N_("Input should be a valid list"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "date_type": N_("Input should be a valid date"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than": N_("Input should be less than {lt}"),
    "literal_error": N_("Input should be {expected}"),
}


def pydantic_message(error: dict) -> str:
    """Return a pydantic error's message in the language brief speaks.

    A message of brief's own validators ("Value error, ...") is translated already.
    """
    kind, context = error["type"], dict(error.get("ctx") or {})
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    if kind == "string_too_short":
        length = context.get("min_length", 1)
        return ngettext(
            "String should have at least {min_length} character",
            "String should have at least {min_length} characters",
            length,
        ).format(min_length=length)
    if kind not in PYDANTIC_MESSAGES:
        return error["msg"]
    if kind == "literal_error":
        # TRANSLATORS: joins the last two choices, as in 'afgedaan' or 'loopt'.
        context["expected"] = str(context["expected"]).replace("' or '", "' " + _("or") + " '")
    try:
        return _(PYDANTIC_MESSAGES[kind]).format(**context)
    except (KeyError, IndexError):  # pydantic gave other context: its own words, then
        return error["msg"]


def _location(parts: tuple) -> str:
    """Return a key's place as an advisor reads the file: toezeggingen, item 1, code."""
    return ", ".join(
        _("item {number}").format(number=part + 1) if isinstance(part, int) else str(part)
        for part in parts
    )


def _known_keys(model: type[BaseModel], location: tuple) -> list[str]:
    """Return the keys allowed at ``location`` in ``model``."""
    for part in location:
        if isinstance(part, int) or str(part) not in model.model_fields:
            continue
        annotation = model.model_fields[str(part)].annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            model = inner
    return list(model.model_fields)
