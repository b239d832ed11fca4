"""The ``brief`` command (and ``python -m brief``): the command line of :mod:`brief.cli`.

A build on this machine starts the warm process its kernels fork from first, so that its
imports overlap the command's own (see :func:`brief.build.kernels.start_early`).
"""

import os
import sys


def main() -> None:
    if _builds_here(sys.argv[1:]):
        from pathlib import Path

        from brief.build.kernels import start_early

        named = _project_option(sys.argv[2:])
        start_early(Path(named).absolute() if named else None)
    from brief.cli import main as command_line

    try:
        command_line()
    except SystemExit as exit:  # how the command line always ends (click's sys.exit)
        _end(exit.code)
    _end(0)


def _end(code: int | str | None) -> None:
    """End the process as the interpreter ends a program, except for unloading the modules.

    That last step frees every object of jupyter_client, lxml, python-docx and the rest one
    by one: 0.15 s at the end of every command, a build's included, for nothing. What is
    left is done as at any exit: other threads are waited for, the exit handlers run (a
    zygote that was not needed is stopped), the output streams are flushed.
    """
    import atexit
    import threading

    if isinstance(code, str):  # sys.exit("message"): printed, and a failure
        print(code, file=sys.stderr)
        code = 1
    threading._shutdown()  # what the interpreter calls first on exit: joins the threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`brief build | head`), or stream
            code = code or 1
    os._exit(code or 0)


def _builds_here(arguments: list[str]) -> bool:
    """Return whether these arguments ask for `brief build` with notebooks run here: not
    on a cluster, not for help. A wrong guess costs only time: the build starts the
    process when it needs it, and an unused one is stopped at exit."""
    if not arguments or arguments[0] != "build" or os.environ.get("BRIEF_CLUSTER"):
        return False
    return not any(
        argument in ("--help", "-h") or argument.split("=")[0] == "--cluster"
        for argument in arguments[1:]
    )


def _project_option(arguments: list[str]) -> str | None:
    """Return the folder given with --project among a command's ``arguments``, if any."""
    for at, argument in enumerate(arguments):
        if argument == "--":
            return None
        if argument.startswith("--project="):
            return argument.partition("=")[2] or None
        if argument == "--project" and at + 1 < len(arguments):
            return arguments[at + 1]
    return None


if __name__ == "__main__":
    main()
