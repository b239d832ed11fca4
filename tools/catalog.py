"""Keep the message catalogs in step with the code (`make catalog`).

    python tools/catalog.py              extract every message of src/brief into brief.pot,
                                         bring locale/nl/LC_MESSAGES/brief.po up to date
                                         (new messages empty, changed ones marked fuzzy),
                                         compile brief.mo from it, and list what is left
                                         to translate
    python tools/catalog.py check        only list what is untranslated, fuzzy or has
                                         other {placeholders} than its English; exit 1 if any

The extraction and the checks are functions of this module, which tests/test_i18n.py runs
too, so a message added to the code without its Dutch fails the tests.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "brief"
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE = LOCALE_DIR / "brief.pot"
TRANSLATED = ("nl",)
METHODS = [("**.py", "python"), ("review/templates/**.j2", "jinja2")]
OPTIONS = {"review/templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
COMMENT_TAGS = ("TRANSLATORS:",)
KEYWORDS = DEFAULT_KEYWORDS  # _, ngettext, N_ and the other gettext names
# {name}, {name!r}, {0:.1f} in Python; %(name)s in the HTML templates (Jinja's gettext).
_PLACEHOLDER = re.compile(
    r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}(?!\})|%\(([A-Za-z_][A-Za-z0-9_]*)\)[sd]"
)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "brief.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def _new_catalog(language: str | None = None) -> Catalog:
    return Catalog(
        locale=language,
        domain="brief",
        project="brief",
        version=None,
        copyright_holder="the makers of brief",
        msgid_bugs_address="the maintainers of brief",
        last_translator="the makers of brief",
        language_team="Nederlands",
        charset="utf-8",
        fuzzy=False,
    )


def extract_messages() -> Catalog:
    """Return every message of the package's code and HTML templates."""
    catalog = _new_catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE,
        METHODS,
        OPTIONS,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        where = (PACKAGE / filename).relative_to(ROOT).as_posix()
        catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, include_lineno=False, sort_output=True, omit_header=False)
    # The header's dates change on every write; keep the file as it was if nothing else did.
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(buffer.getvalue()):
        return
    path.write_bytes(buffer.getvalue())


def _without_dates(text: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation|PO-Revision)-Date: [^"]*"\n', b"", text)


def compiled(catalog: Catalog) -> bytes:
    """Return the .mo file of ``catalog`` (fuzzy translations left out, as gettext does)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def placeholders(text: str) -> list[str]:
    """Return the {names} of a message, sorted; ``{{`` and ``}}`` are literal braces."""
    return sorted(m.group(1) or m.group(2) or "" for m in _PLACEHOLDER.finditer(text))


def problems(catalog: Catalog, expected: Catalog | None = None) -> list[str]:
    """Return what keeps ``catalog`` from serving the code: one line per message."""
    found = []
    if expected is not None:
        missing = [m.id for m in expected if m.id and m.id not in catalog]
        found += [f"not in the catalog (run make catalog): {_short(m)}" for m in missing]
        stale = [m.id for m in catalog if m.id and m.id not in expected]
        found += [f"no longer in the code (run make catalog): {_short(m)}" for m in stale]
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"fuzzy (check the translation, then remove the flag): {_short(ids)}")
        elif not all(strings):
            found.append(f"untranslated: {_short(ids)}")
        else:
            wanted = placeholders(ids[-1])
            for form, string in enumerate(strings):
                got = placeholders(string)
                # A singular may leave out the number ("het gebied" for "the 1 area").
                if got != wanted and not (len(ids) > 1 and form == 0 and set(got) <= set(wanted)):
                    found.append(f"other placeholders ({got} for {wanted}): {_short(ids)}")
    return found


def _short(message_id) -> str:
    text = message_id[0] if isinstance(message_id, tuple) else message_id
    text = " ".join(text.split())
    return text if len(text) < 90 else text[:87] + "..."


def update() -> list[str]:
    """Extract, update every translated catalog, compile it; return what is left to do."""
    template = extract_messages()
    write_catalog(template, TEMPLATE)
    left = []
    for language in TRANSLATED:
        path = po_path(language)
        catalog = read_catalog(path) if path.exists() else _new_catalog(language)
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()  # the code's history is in git, not in the catalog
        write_catalog(catalog, path)
        mo_path(language).write_bytes(compiled(read_catalog(path)))
        left += [f"{language}: {line}" for line in problems(catalog)]
    return left


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        left = update()
    elif command == "check":
        expected = extract_messages()
        left = [
            f"{language}: {problem}"
            for language in TRANSLATED
            for problem in problems(read_catalog(po_path(language)), expected)
        ]
    else:
        print(__doc__)
        return 2
    for line in left:
        print(line)
    print(f"{len(left)} message(s) to see to." if left else "The catalogs are complete.")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
