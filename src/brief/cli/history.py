"""The commands about kept letters: geschiedenis (history) and verzonden (sent)."""

from __future__ import annotations

from typing import Annotated

import typer

from brief.cli.base import app, out, reports_errors, subcommand
from brief.cli.options import (
    LanguageOption,
    OnlyOption,
    PerOption,
    ProjectOption,
    project_and_letters,
)
from brief.cli.usage import BriefCommand
from brief.i18n import N_, _, ngettext

HISTORY_HELP = N_("List the letters of a year kept for comparison, sent or not, and what changed.")

SENT_HELP = N_("Mark the letter as sent: later changes are reported against it, and it is kept.")


@subcommand("geschiedenis", help=HISTORY_HELP)
@reports_errors
def history(
    year: Annotated[str, typer.Argument(help=N_("The year whose letters to list, e.g. 2023."))],
    per: PerOption = None,
    only: OnlyOption = None,
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.build.history import current_key, history_of

    paths, letters = project_and_letters(project, [year], per, only)
    for letter in letters:
        kept = history_of(paths, letter).letters()
        current = current_key(paths, letter)
        if not kept:
            out.print(
                _("{letter}: no letter is kept yet; one is kept with every build.").format(
                    letter=letter.label
                ),
                markup=False,
            )
            continue
        out.print(
            ngettext(
                "{letter}: {count} letter(s) kept, the last built last. Compare with one by "
                "its identifier: brief diff {year} --since IDENTIFIER",
                "{letter}: {count} letter(s) kept, the last built last. Compare with one by "
                "its identifier: brief diff {year} --since IDENTIFIER",
                len(kept),
            ).format(letter=letter.label, count=len(kept), year=letter.year),
            markup=False,
        )
        for entry in kept:
            out.print(entry.listed(current=entry.key == current), markup=False)
            if entry.summary:
                out.print(f"      {entry.summary}", markup=False)


# The English name too: `brief history 2023`.
app.command("history", cls=BriefCommand, hidden=True, help=HISTORY_HELP)(history)


@subcommand("verzonden", help=SENT_HELP)
@reports_errors
def sent(
    year: Annotated[str, typer.Argument(help=N_("The year whose letter was sent, e.g. 2023."))],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=N_("Mark a kept letter instead: its identifier, date or time."),
            show_default=N_("the current letter"),
        ),
    ] = None,
    per: PerOption = None,
    only: OnlyOption = None,
    project: ProjectOption = None,
    lang: LanguageOption = None,
) -> None:
    from brief.build.year import mark_letter_sent

    paths, letters = project_and_letters(project, [year], per, only)
    for letter in letters:
        out.print(sent_line(letter.label, mark_letter_sent(paths, letter, since)), markup=False)


app.command("sent", cls=BriefCommand, hidden=True, help=SENT_HELP)(sent)


def sent_line(label, entry) -> str:
    # TRANSLATORS: {ident} identifies the kept letter; {time} is when it was built.
    return _(
        "{letter}: the letter {ident} (built {time}) is marked as sent; later changes are "
        "reported against it."
    ).format(letter=label, ident=entry.ident, time=entry.last_built)
