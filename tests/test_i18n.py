"""The language brief speaks: which one is chosen, and the Dutch catalog that serves it."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from brief import i18n
from brief.i18n import _, ngettext, speaking

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "brief"


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog", REPO / "tools" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalog = _catalog_tool()


# --- which language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "language"),
    [
        ("nl", "nl"),
        ("NL", "nl"),
        ("nl_NL", "nl"),
        ("nl_BE.UTF-8", "nl"),
        ("nl-BE", "nl"),
        ("Nederlands", "nl"),
        ("en", "en"),
        ("en_GB.UTF-8", "en"),
        ("English", "en"),
        ("engels", "en"),
        ("de_DE.UTF-8", None),
        ("fr", None),
        ("", None),
        ("C", None),
    ],
)
def test_a_language_is_read_as_people_and_locales_write_it(written, language):
    assert i18n.parse_language(written) == language


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, None),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "de_DE.UTF-8"}, None),
        # gettext's order: LANGUAGE, LC_ALL, LC_MESSAGES, LANG; the first that is set decides
        ({"LANG": "nl_NL.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "nl_NL.UTF-8"}, "nl"),
        ({"LANGUAGE": "fr:en", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANGUAGE": "nl:en", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LANGUAGE": "", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_the_locale_names_a_language_only_when_brief_speaks_it(environ, language):
    assert i18n.environment_language(environ) == language


@pytest.mark.parametrize(
    ("asked", "project", "environ", "language"),
    [
        (None, None, {}, "nl"),  # Dutch unless something says otherwise
        (None, None, {"LANG": "C.UTF-8"}, "nl"),
        (None, None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, "nl", {"LANG": "en_US.UTF-8"}, "nl"),  # the project's taal over the locale
        (None, "en", {"BRIEF_LANG": "nl"}, "nl"),  # BRIEF_LANG over the project's taal
        ("en", "nl", {"BRIEF_LANG": "nl"}, "en"),  # --lang over everything
        (None, None, {"BRIEF_LANG": "klingon", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_the_first_source_that_names_a_language_decides(asked, project, environ, language):
    assert i18n.choose_language(asked, project, environ) == language


def test_activating_a_language_passes_it_to_the_processes_started_from_here(monkeypatch):
    monkeypatch.delenv(i18n.LANGUAGE_VARIABLE)

    with speaking("nl"):
        inside = (i18n.current_language(), i18n.os.environ.get(i18n.LANGUAGE_VARIABLE))

    assert inside == ("nl", "nl")
    assert i18n.LANGUAGE_VARIABLE not in i18n.os.environ
    assert i18n.current_language() == "nl"  # nothing set: the default


def test_only_languages_brief_speaks_can_be_activated():
    with pytest.raises(ValueError, match="not 'fr'"):
        i18n.activate("fr")


def test_messages_are_english_in_the_code_and_dutch_from_the_catalog():
    message = "Error: {message}"

    with speaking("en"):
        english = (_(message), ngettext("{count} x", "{count} xs", 2))
    with speaking("nl"):
        dutch = _(message)

    assert english == ("Error: {message}", "{count} xs")
    assert dutch == "Fout: {message}"
    assert _("") == ""  # never the catalog's header


def test_numbers_in_messages_are_written_as_the_language_writes_them():
    with speaking("nl"):
        dutch = (i18n.decimal(5.14), i18n.decimal(1234.5), i18n.decimal(7.6, digits=0))
    with speaking("en"):
        english = (i18n.decimal(5.14), i18n.decimal(1234.5), i18n.decimal(7.6, digits=0))

    assert dutch == ("5,1", "1234,5", "8")
    assert english == ("5.1", "1234.5", "8")


# --- the catalog ---------------------------------------------------------------------


def test_every_message_in_the_code_has_its_dutch_translation():
    expected = catalog.extract_messages()
    dutch = catalog.read_catalog(catalog.po_path("nl"))

    assert catalog.problems(dutch, expected) == []
    assert len(expected) > 300


def test_the_compiled_catalog_is_the_one_the_po_file_gives():
    dutch = catalog.read_catalog(catalog.po_path("nl"))

    assert catalog.mo_path("nl").read_bytes() == catalog.compiled(dutch)


def test_the_compiled_catalog_is_installed_with_the_package():
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]["brief"]

    assert "locale/*/LC_MESSAGES/*.mo" in package_data
    assert (i18n.LOCALE_DIR / "nl" / "LC_MESSAGES" / "brief.mo").is_file()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("{file} has {count} problem(s)", ["count", "file"]),
        ("{value!r} and {seconds:.1f}", ["seconds", "value"]),
        ("a {{ jaar }} tag, {{ {name} }}", ["name"]),
        ("{% for x in y %}", []),
        ("%(count)s letters", ["count"]),
    ],
)
def test_placeholders_are_found_as_format_and_jinja_see_them(text, names):
    assert catalog.placeholders(text) == names


def test_the_check_finds_a_translation_with_other_placeholders():
    broken = catalog._new_catalog("nl")
    broken.add("{file} is empty.", "{bestand} is leeg.")
    broken.add("{count} row(s)", None)

    found = catalog.problems(broken)

    assert any("other placeholders" in line for line in found)
    assert any("untranslated" in line for line in found)


def _modules_that_translate() -> list[Path]:
    def imports_translator(path: Path) -> bool:
        return any(
            isinstance(node, ast.ImportFrom)
            and node.module == "brief.i18n"
            and any(alias.name == "_" for alias in node.names)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )

    return [path for path in sorted(PACKAGE.rglob("*.py")) if imports_translator(path)]


def test_no_function_that_may_translate_assigns_the_name_of_the_translator():
    # Python makes a name local to the whole function that assigns it anywhere, so a
    # function with `for _ in ...` or `a, _, b = ...` fails when it calls _().
    offenders = []
    for path in _modules_that_translate():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            arguments = [a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)]
            stored = [
                node.id
                for node in ast.walk(function)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            ]
            if "_" in arguments + stored:
                offenders.append(f"{path.name}:{function.lineno}")

    assert offenders == []
    assert len(_modules_that_translate()) > 20
