"""The ``brief`` command (and ``python -m brief``): the command line of :mod:`brief.cli`.

A build on this machine starts the warm process its kernels fork from first, so that its
imports overlap the command's own (see :func:`brief.build.kernels.start_early`).
"""

import os
import sys


def main() -> None:
    if _builds_here(sys.argv[1:]):
        from brief.build.kernels import start_early

        start_early()
    from brief.cli import main as command_line

    command_line()


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


if __name__ == "__main__":
    main()
