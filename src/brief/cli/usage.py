"""The command line in the user's language: help texts, and the words of typer's parser.

brief's own help texts are written as ``N_()`` messages in cli.py and translated when
help is shown. typer (0.29) parses the command line with a copy of click that writes its
words in English ("Usage:", "Missing argument 'year'.", "No such option: --pfd"), so a
mistake in the command is given anew in the user's language here, from what the error
knows (the option, the argument), and shown as typer shows errors. The language is
chosen from the command line before typer reads it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer
from typer._click import exceptions as parser_errors  # typer's own click: its error classes
from typer.core import TyperCommand, TyperGroup

from brief import i18n
from brief.exceptions import BriefError
from brief.i18n import N_, _, ngettext

# typer fixes these when it is imported; they are set anew in the language chosen.
TYPER_WORDS = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
HELP_OPTION = N_("Show this message and exit.")  # the --help option's help, as typer writes it
# Messages typer's parser writes whole, matched to put them into words of the language.
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument\(s\) \((?P<arguments>.*)\)", re.S)
_NO_COMMAND = re.compile(r"No such command (?P<name>'.*')\.", re.S)


def _typer_words():
    """Return typer's rich_utils with its words in the language spoken.

    Imported only to show help or an error, as typer itself does: it takes 0.15 s.
    """
    from typer import rich_utils

    for name, message in TYPER_WORDS.items():
        setattr(rich_utils, name, _(message))
    return rich_utils


def language_for(arguments: list[str], environ=None) -> str:
    """Return the language a command asks for: its --lang, else BRIEF_LANG, else its
    project's brief.yaml (--project, else the folder it runs in), else the locale.

    Read from the raw arguments, before typer parses them. A --lang brief does not speak,
    or a brief.yaml it cannot read, is passed over here: the command reports it itself.
    """
    asked = _option_value(arguments, "--lang")
    language = i18n.parse_language(asked) if asked else None
    return i18n.choose_language(language, _project_language(arguments), environ)


def _option_value(arguments: list[str], option: str) -> str | None:
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        if argument == option and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith(option + "="):
            return argument.partition("=")[2]
    return None


def _project_language(arguments: list[str]) -> str | None:
    from brief.project.paths import find_project, open_project

    folder = _option_value(arguments, "--project")
    try:
        project = open_project(Path(folder)) if folder else find_project()
        return project.settings().taal
    except (BriefError, OSError):  # the command itself says what is wrong with them
        return None


def checked_language(value: str | None) -> str | None:
    """The --lang option's check: a language brief speaks, or a message saying which."""
    if value is None:
        return None
    language = i18n.parse_language(value)
    if language is None:
        raise typer.BadParameter(i18n.not_spoken(value))
    return language


def parser_message(error: parser_errors.ClickException) -> str:
    """Return what typer's parser found wrong with a command, in the language spoken."""
    if isinstance(error, parser_errors.NoSuchOption) and error.message.startswith("No such"):
        message = _("No such option: {option}").format(option=error.option_name)
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            message += " " + _("(Possible options: {options})").format(options=options)
        return message
    if isinstance(error, parser_errors.MissingParameter) and not error.message:
        hint = parser_errors._join_param_hints(
            error.param_hint or (error.param.get_error_hint() if error.param else None)
        )
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        if hint and kind == "argument":
            return _("Missing argument {name}.").format(name=hint)
        if hint and kind == "option":
            return _("Missing option {name}.").format(name=hint)
    if isinstance(error, parser_errors.BadParameter):
        reason = _(error.message)  # brief's own, or pydantic's words that brief translates
        hint = parser_errors._join_param_hints(
            error.param_hint or (error.param.get_error_hint() if error.param else None)
        )
        if hint:
            return _("Invalid value for {option}: {reason}").format(option=hint, reason=reason)
        return _("Invalid value: {reason}").format(reason=reason)
    if match := _EXTRA_ARGUMENTS.fullmatch(error.message):
        words = match["arguments"]
        count = len(words.split())
        return ngettext(
            "Got unexpected extra argument(s) ({arguments})",
            "Got unexpected extra argument(s) ({arguments})",
            count,
        ).format(arguments=words)
    if match := _NO_COMMAND.fullmatch(error.message):
        return _("No such command {name}.").format(name=match["name"])
    if error.message == "Missing command.":
        return _("Missing command.")
    return error.format_message()  # a message typer's parser writes seldom: as it is


def _translate(command) -> None:
    """Put the help texts of ``command`` and its parameters into the language spoken."""
    command.help = _(command.help) if command.help else command.help
    command.short_help = _(command.short_help) if command.short_help else command.short_help
    for parameter in command.params:
        if getattr(parameter, "help", None):
            parameter.help = _(parameter.help)
        if isinstance(getattr(parameter, "show_default", None), str):
            parameter.show_default = _(parameter.show_default)
        _show_what_it_takes(parameter)


def _show_what_it_takes(parameter) -> None:
    """Show in the help what an option takes as a word of the language spoken (NAAM=WAARDE).

    typer shows a Python type there (``<bool>``, ``<list[str]>``); a flag and an argument,
    whose name says it, show nothing; an option shows its metavar, translated.
    """
    if not hasattr(parameter, "english_metavar"):  # help may be shown twice in one process
        parameter.english_metavar = parameter.metavar
    if getattr(parameter, "is_flag", False) or parameter.param_type_name == "argument":
        shown = None
    elif parameter.english_metavar:
        shown = _(parameter.english_metavar)
    else:
        shown = parameter.display_type(None)  # typer's own: an option brief gave no word
    parameter.display_type_rich = lambda ctx: shown


class _InTheLanguage:
    """What brief's group and commands share: usage line, help and help option translated."""

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage:") + " ")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None and option.help == HELP_OPTION:
            option.help = _(HELP_OPTION)
        if option is not None:
            _show_what_it_takes(option)
        return option

    def format_help(self, ctx, formatter) -> None:
        _typer_words()
        _translate(self)
        for command in getattr(self, "commands", {}).values():
            _translate(command)
        super().format_help(ctx, formatter)


class BriefCommand(_InTheLanguage, TyperCommand):
    """A command of brief's, in the user's language."""


class BriefGroup(_InTheLanguage, TyperGroup):
    """The `brief` command: speaks the user's language from the first word it reads, and
    says what is wrong with a command in that language."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        arguments = list(sys.argv[1:] if args is None else args)
        i18n.activate(language_for(arguments))  # here, and in the kernels and workers
        try:
            result = super().main(
                arguments, prog_name, complete_var, standalone_mode=False, **extra
            )
        except parser_errors.ClickException as error:
            if not standalone_mode:
                raise
            if isinstance(error, parser_errors.UsageError) and not isinstance(
                error,
                parser_errors.NoArgsIsHelpError,  # the help itself, shown already
            ):
                error = parser_errors.UsageError(parser_message(error), ctx=error.ctx)
            _typer_words().rich_format_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            _typer_words().rich_abort_error()
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
