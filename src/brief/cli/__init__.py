"""The `brief` command, thin: each command parses its arguments, calls one function of the
package and prints what it returns; errors become one message and an exit code.

base (the command group, consoles, exit codes, errors), options (what commands share,
defined once: the project, the years, the grid's --per, --only and --cluster), usage (help
and mistakes in the user's language), gridview (a grid's progress and report), and the
commands: letters (build, check, fields, diff), project (init, new), history (geschiedenis,
verzonden).

May import every side. Nothing imports cli.
"""

from brief.cli import history, letters, project  # noqa: F401  (each adds its commands)
from brief.cli.base import app

# The order `brief --help` lists the commands in: a year's work first, kept letters last.
ORDER = ("build", "check", "fields", "new", "init", "diff", "geschiedenis", "history")
ORDER += ("verzonden", "sent")
app.registered_commands.sort(
    key=lambda command: ORDER.index(command.name or command.callback.__name__)
)


def main() -> None:
    app()


__all__ = ["app", "main"]
