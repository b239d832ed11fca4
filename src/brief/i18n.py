"""The language brief speaks to its user: Dutch, unless English is asked for.

Every message is written in English in the code, the gettext way, and translated from
the catalog ``locale/nl/LC_MESSAGES/brief.po`` (compiled with Babel into ``brief.mo``;
``make catalog`` brings both up to date with the code). What goes into the letter itself
(the template's prose, captions, "geen gegevens voor dit gebied") is the letter's
language, never translated.

The language is, of these, the first that says one:

1. ``--lang`` on the command line (the CLI calls :func:`activate`);
2. the environment variable ``BRIEF_LANG``;
3. ``taal:`` in the project's ``brief.yaml``;
4. the environment's locale, as gettext reads it (``LANGUAGE``, ``LC_ALL``,
   ``LC_MESSAGES``, ``LANG``; on Windows the display language), when it is Dutch or
   English;
5. Dutch.

A process that activated a language passes it on to the kernels and workers it starts
through ``BRIEF_LANG``, so a notebook's messages are in the language of its build.

Stdlib only: both the notebook side and the build side import this first.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

DOMAIN = "brief"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
SOURCE_LANGUAGE = "en"  # the language the messages are written in, in the code
LANGUAGE_VARIABLE = "BRIEF_LANG"
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order
# Names a person may write for a language (in brief.yaml, or after --lang).
_LANGUAGE_WORDS = {
    "nederlands": "nl",
    "dutch": "nl",
    "vlaams": "nl",
    "engels": "en",
    "english": "en",
}

_active: str | None = None  # set by activate(); None: decided by the environment


def parse_language(written: str) -> str | None:
    """Return the language brief speaks that ``written`` names (nl, nl_BE.UTF-8,
    Nederlands, en-GB), or None when it names another or none."""
    text = written.strip().lower()
    if text in _LANGUAGE_WORDS:
        return _LANGUAGE_WORDS[text]
    code = text.split(".")[0].split("@")[0].replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else None


def environment_language(environ: Mapping[str, str] | None = None) -> str | None:
    """Return the language the environment's locale asks for, if brief speaks it.

    The first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides, as gettext
    reads them; LANGUAGE may list several ("fr:en"), taken in order. "C" and "POSIX"
    name no language, so they leave the choice to brief's default.
    """
    environ = os.environ if environ is None else environ
    for variable in _LOCALE_VARIABLES:
        value = environ.get(variable, "").strip()
        if not value:
            continue
        for written in value.split(":"):
            if written.split(".")[0].upper() in ("C", "POSIX"):
                return None
            if (language := parse_language(written)) is not None:
                return language
        return None
    if sys.platform == "win32" and environ is os.environ:
        return _windows_display_language()
    return None


def _windows_display_language() -> str | None:  # pragma: no cover - Windows only
    """Return Windows' display language (nl_NL, en_US) if brief speaks it."""
    import ctypes
    import locale

    name = locale.windows_locale.get(ctypes.windll.kernel32.GetUserDefaultUILanguage(), "")
    return parse_language(name) if name else None


def choose_language(
    asked: str | None = None,
    project_language: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Return the language to speak, from the first source that names one (see above).

    ``asked`` is what the command line says, ``project_language`` what brief.yaml says;
    both are already checked. A BRIEF_LANG naming a language brief does not speak is
    passed over, like a locale it does not speak.
    """
    environ = os.environ if environ is None else environ
    from_variable = parse_language(environ.get(LANGUAGE_VARIABLE, "") or "")
    return (
        asked
        or from_variable
        or project_language
        or environment_language(environ)
        or DEFAULT_LANGUAGE
    )


def current_language() -> str:
    """Return the language brief speaks now in this process."""
    return _active or choose_language()


def activate(language: str) -> None:
    """Speak ``language`` from now on, here and in the kernels and workers started from here."""
    global _active
    if language not in LANGUAGES:
        raise ValueError(f"brief speaks {', '.join(LANGUAGES)}, not {language!r}")
    _active = language
    os.environ[LANGUAGE_VARIABLE] = language


def deactivate() -> None:
    """Let the environment decide the language again (between tests)."""
    global _active
    _active = None


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block, then what was spoken before."""
    global _active
    before, variable = _active, os.environ.get(LANGUAGE_VARIABLE)
    activate(language)
    try:
        yield
    finally:
        _active = before
        if variable is None:
            os.environ.pop(LANGUAGE_VARIABLE, None)
        else:
            os.environ[LANGUAGE_VARIABLE] = variable


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """Return the catalog of ``language``; English is the code's own and needs none."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    # No fallback: a missing catalog is a broken installation, and silence would hide it.
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def _(message: str) -> str:
    """Return ``message`` in the language brief speaks now."""
    if not message:  # gettext would return the catalog's header for ""
        return message
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Return the form of a message with a number in it that ``count`` takes."""
    return translations(current_language()).ngettext(singular, plural, count)


def decimal(number: float, digits: int = 1) -> str:
    """Return ``number`` with ``digits`` decimals as the language writes it: 5.1 or 5,1.

    For what brief says (seconds, counts), not for the letter, which has its own locale.
    """
    from babel.numbers import format_decimal  # Babel is slow to import; messages need it late

    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(number, pattern, locale=current_language())


def local_time(moment: str) -> str:
    """Return a moment written in ISO 8601 (as run records keep it) in this computer's time
    zone, the way the language writes a date and time: "22 nov 2026 17:49:51"."""
    import datetime as dt

    from babel.dates import format_datetime

    try:
        when = dt.datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return str(moment)  # not a moment brief wrote: shown as it is
    return format_datetime(when.astimezone(), format="medium", locale=current_language())


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Mark ``message`` for the catalog without translating it yet (module constants)."""
    return message


def not_spoken(written: str) -> str:
    """Return why ``written`` cannot be the language: brief speaks only its LANGUAGES."""
    return _("brief speaks {languages}; write one of them, not {value!r}").format(
        languages=", ".join(f"{code} ({name})" for code, name in LANGUAGES.items()),
        value=written,
    )
