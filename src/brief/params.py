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


def read_yaml(path: Path, error: type[BriefError] = ParamsError) -> object:
    """Return the YAML document in ``path``, read safely with dates kept as strings."""
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_StringDateLoader)  # noqa: S506 (safe subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)  # PyYAML's words, in English
        if mark is None:
            message = _("{file} is not valid YAML: {problem}.")
        else:
            message = _("{file} is not valid YAML at line {line}, column {column}: {problem}.")
        raise error(
            message.format(
                file=path.name,
                line=getattr(mark, "line", 0) + 1,
                column=getattr(mark, "column", 0) + 1,
                problem=problem,
            )
        ) from None
    except UnicodeDecodeError:
        raise error(
            _("{file} is not a UTF-8 text file. Save it as UTF-8.").format(file=path.name)
        ) from None


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
