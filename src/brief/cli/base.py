"""The `brief` command group: its consoles, exit codes, and how errors reach the user.

Library code raises BriefError subclasses; :func:`reports_errors` is the only place that
prints them and chooses an exit code, so a user mistake never ends in a traceback.
Everything printed is in the user's language (see brief.i18n); help texts are N_()
messages, translated when shown (brief.cli.usage).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import tempfile
import traceback
from pathlib import Path

import typer
from rich.console import Console

from brief import __version__
from brief.cli.options import LanguageOption, resolve_project
from brief.cli.usage import BriefCommand, BriefGroup
from brief.exceptions import BriefError
from brief.files import replace_file
from brief.i18n import N_, _

app = typer.Typer(
    cls=BriefGroup,
    help=N_("Build the yearly progress letter from data, notebooks and a Word template."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

subcommand = functools.partial(app.command, cls=BriefCommand)

out = Console(highlight=False, soft_wrap=True)

err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_USER_ERROR = 1

EXIT_INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE: a fault of brief's, not of the input

EXIT_INTERRUPTED = 130


@app.callback()
def _root(lang: LanguageOption = None) -> None:
    """--lang may also come first: `brief --lang en build 2023` (see brief.cli.usage)."""


def reports_errors(command):
    """Turn a BriefError into one clear message on stderr and exit code 1.

    Any other exception is a fault of brief's own: the advisor gets one line saying what
    failed and where the full traceback was written, never the traceback itself.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BriefError as exc:
            print_error(str(exc))
            raise typer.Exit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            err.print(_("Stopped. The previous outputs are unchanged."), markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort):
            raise  # the command's own way of ending
        except Exception as exc:
            log = _write_error_log(kwargs.get("project"))
            print_error(
                _(
                    "brief stopped on an internal fault ({fault}); your files are not the cause "
                    "and the previous outputs are unchanged. The full report is in {log}: send "
                    "it to whoever maintains brief for you."
                ).format(fault=f"{type(exc).__name__}: {exc}", log=log)
            )
            raise typer.Exit(EXIT_INTERNAL_ERROR) from None

    return wrapper


def print_error(message: str) -> None:
    err.print(_("Error: {message}").format(message=message), markup=False)


def print_warning(message: str) -> None:
    err.print(_("Warning: {message}").format(message=message), markup=False)


def _write_error_log(project: Path | None) -> Path:
    """Write the traceback being handled to the project's error log; return its path."""
    try:
        paths = resolve_project(project)
        log, shown = paths.writable(paths.error_log), paths.shown(paths.error_log)
    except BriefError:  # no project to write into: the system's temporary folder
        log = Path(tempfile.gettempdir()) / ".brief-error.log"
        shown = str(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    replace_file(  # never through a link placed at its name
        log,
        f"brief {__version__}, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}\n"
        f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}",
    )
    return Path(shown)
