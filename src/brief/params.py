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
                raise ValueError(f"write the date as YYYY-MM-DD, got {value!r}") from None
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
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{path.name} is not valid YAML{where}: {problem}.") from None
    except UnicodeDecodeError:
        raise error(f"{path.name} is not a UTF-8 text file. Save it as UTF-8.") from None


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
            f"There is no params file for {year}: {path} does not exist. "
            f"Run `brief new {year}` to start it from the latest year, then fill in this "
            "year's date, reference, texts and commitments."
        )
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise ParamsError(
            f"{path.name} must hold keys such as 'jaar:' and 'datum:', one per line; "
            "it holds no such keys."
        )
    unfilled = _unfilled(document)
    if unfilled:
        raise ParamsError(
            f"{path.name} still has {FILL_IN} where this year's text belongs: "
            f"{', '.join(unfilled)}. Fill these in, then build again."
        )
    model = params_model(tuple(sorted((extra_fields or {}).items())))
    try:
        params = model.model_validate(document)
    except ValidationError as exc:
        raise ParamsError(describe_problems(path.name, exc, model)) from None
    if params.jaar != year:
        raise ParamsError(
            f"{path.name} says 'jaar: {params.jaar}', but its name says {year}. Make the two agree."
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
    return f"{name} has {exc.error_count()} problem(s):\n{problems}"


def _describe(error: dict, model: type[BaseModel]) -> str:
    """Return one pydantic error as a sentence an advisor can act on."""
    parts = error["loc"]
    kind = error["type"]
    key = str(parts[-1]) if parts else ""
    within = f"{_location(parts[:-1])}: " if len(parts) > 1 else ""
    if kind == "extra_forbidden":
        known = _known_keys(model, parts[:-1])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else f" Known keys: {', '.join(known)}."
        return f"{within}unknown key '{key}'.{hint}"
    if kind == "missing":
        return f"{within}'{key}' is missing; add it."
    message = error["msg"].removeprefix("Value error, ")
    if "got " not in message:
        message += f" (got {error.get('input')!r})"
    return f"'{_location(parts)}': {message}."


def _location(parts: tuple) -> str:
    """Return a key's place as an advisor reads the file: toezeggingen, item 1, code."""
    return ", ".join(f"item {part + 1}" if isinstance(part, int) else str(part) for part in parts)


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
