"""What a project says about itself: ``brief.yaml`` at its root.

Everything that differs between municipalities or letters lives here, never in the
package: the organisation, the label of city-wide rows in the data, the areas file, the
locale, the language of brief's messages, the default template, the project's own
params fields and build defaults.
Validated like a params file: an unknown key is an error that suggests the right one.

Both sides read it: notebooks (the city label, the areas, declared number notations) and
builds (the rest).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from brief.exceptions import ProjectError
from brief.i18n import _, not_spoken, parse_language
from brief.project.params import FIELD_TYPES, Params, describe_problems, read_yaml

SETTINGS_FILE = "brief.yaml"
DEFAULT_TEMPLATE = "templates/brief.docx"
DEFAULT_GAP_TEXT = "geen gegevens voor dit gebied"  # an area letter's missing figure
DEFAULT_CELL_TIMEOUT = 600  # seconds; a cell that takes longer is stopped, never hangs
DEFAULT_FILL_SECONDS = 60  # seconds filling a template may take (brief.letter.sandbox.limits)
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BuildDefaults(_Strict):
    """Defaults for `brief build`; its options override them."""

    timeout: int = Field(DEFAULT_CELL_TIMEOUT, ge=1, description="Seconds one cell may take")
    jobs: int | None = Field(None, ge=1, description="Notebooks at once (default: all cores)")
    vul_timeout: int = Field(
        DEFAULT_FILL_SECONDS, ge=1, le=3600, description="Seconds filling the template may take"
    )


class HistoryLimits(_Strict):
    """How many distinct letters a year keeps for comparison, besides every letter sent."""

    aantal: int = Field(10, ge=1, description="Distinct letters kept (the sent ones aside)")
    dagen: int | None = Field(
        None, ge=1, description="Also remove letters not sent, built longer ago than this"
    )


class Settings(_Strict):
    """The schema of brief.yaml."""

    organisatie: str = Field(min_length=1, description="Who sends the letter")
    stad: str = Field(min_length=1, description="The area name of city-wide rows in the data")
    gebieden: str = Field("data/gebieden.csv", description="The areas file, from the root")
    locale: str = Field("nl_NL", description="Numbers and dates are written for this locale")
    taal: str | None = Field(
        None, description="The language of brief's messages: nl or en (default: see brief.i18n)"
    )
    sjabloon: str = Field(DEFAULT_TEMPLATE, description="The default template")
    sjabloon_gebied: str | None = Field(
        None, description="The template of area letters (default: sjabloon)"
    )
    geen_gegevens: str = Field(
        DEFAULT_GAP_TEXT,
        min_length=1,
        description="What an area letter prints where its data has no figure",
    )
    extra_velden: dict[str, Literal[tuple(FIELD_TYPES)]] = Field(
        default_factory=dict, description="The project's own params keys and their types"
    )
    notatie: dict[str, Literal["nl", "en"]] = Field(
        default_factory=dict,
        description="Per data file, the number notation it is written in; not doubted",
    )
    bouwen: BuildDefaults = BuildDefaults()
    geschiedenis: HistoryLimits = HistoryLimits()

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (ValueError, UnknownLocaleError):
            raise ValueError(
                _("'{value}' is not a locale; write it like nl_NL or nl_BE").format(value=value)
            ) from None
        return value

    @field_validator("taal")
    @classmethod
    def _spoken_language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        language = parse_language(value)
        if language is None:
            raise ValueError(not_spoken(value))
        return language

    @field_validator("extra_velden")
    @classmethod
    def _field_names(cls, fields: dict[str, str]) -> dict[str, str]:
        for name in fields:
            if not _FIELD_NAME.match(name):
                raise ValueError(
                    _(
                        "'{name}' cannot be a params key: use lowercase letters, digits and _"
                    ).format(name=name)
                )
            if name in Params.model_fields:
                raise ValueError(
                    _("'{name}' is already a params key; choose another name").format(name=name)
                )
        return fields


def load_settings(root: Path) -> Settings:
    """Return the validated settings of the project at ``root``.

    Read once per version of the file: notebooks and builds ask for them often (every
    data file read, every default area), and an advisor's edit is seen at the next ask.
    """
    path = root / SETTINGS_FILE
    try:
        stamp = path.stat()
    except OSError:
        stamp = None
    if stamp is None or not path.is_file():
        raise ProjectError(
            _(
                "{folder} has no {file}, which says whose letter this is. Start a project with "
                "`brief init`, or write a {file} holding at least 'organisatie: Gemeente ...' "
                "and 'stad: ...' (the name of city-wide rows)."
            ).format(folder=root, file=SETTINGS_FILE)
        )
    return _read_settings(path, stamp.st_mtime_ns, stamp.st_size)


@functools.lru_cache(maxsize=16)
def _read_settings(path: Path, modified: int, size: int) -> Settings:
    """Return the settings in ``path`` as they are at (``modified``, ``size``)."""
    document = read_yaml(path, ProjectError)
    if not isinstance(document, dict):
        raise ProjectError(
            _("{file} must hold keys such as 'organisatie:' and 'stad:'.").format(
                file=SETTINGS_FILE
            )
        )
    try:
        return Settings.model_validate(document)
    except ValidationError as exc:
        raise ProjectError(describe_problems(SETTINGS_FILE, exc, Settings)) from None
