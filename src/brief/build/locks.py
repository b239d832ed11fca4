"""The lock that keeps two builds of one letter apart, and the message when it is taken.

Every coordinator that writes into a letter's outputs (a build, `brief diff`, marking a
letter as sent) holds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator

from brief.exceptions import BriefError
from brief.files import replace_file
from brief.i18n import _
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths


def year_lock(project: ProjectPaths, year: int) -> contextlib.AbstractContextManager[None]:
    """Hold the lock of the year's (city) letter; see :func:`letter_lock`."""
    return letter_lock(project, Letter(year))


@contextlib.contextmanager
def letter_lock(project: ProjectPaths, letter: Letter) -> Iterator[None]:
    """Hold the letter's lock file for the whole build; stop at once if another build has it.

    filelock takes the operating system's lock (flock on Linux and macOS, msvcrt on
    Windows), which is released when a build ends, even when it is killed, so a stale lock
    file never blocks the next build. Who holds the lock is written in a file of its own
    beside it: taking the lock may empty the lock file on some platforms.
    """
    from filelock import FileLock, Timeout

    # Neither file may be a link: the lock would empty, the holder overwrite, its target.
    lock = FileLock(project.writable(letter.lock_file(project)), timeout=0)  # one try, no wait
    holder = project.writable(letter.lock_holder_file(project))
    try:
        lock.acquire()
    except Timeout:
        try:
            who = holder.read_text(encoding="utf-8").strip()
        except OSError:  # the holder has not written it yet, or has just removed it
            who = ""
        raise BriefError(lock_held_message(letter, who)) from None
    try:
        # Read by the build that waits, which says it in its own language: written the
        # same in every language, and read back by _HOLDER.
        replace_file(holder, f"process {os.getpid()}, since {dt.datetime.now():%H:%M:%S}")
        yield
    finally:
        # Before the release, so the next holder's text is never the one removed. A stale
        # text left by a killed build is overwritten by the next one that takes the lock.
        with contextlib.suppress(OSError):
            holder.unlink(missing_ok=True)
        lock.release()


# What the lock's holder writes in its file (see letter_lock), whatever language it speaks.
_HOLDER = re.compile(r"process (?P<process>\d+), since (?P<since>\d\d:\d\d:\d\d)")


def lock_held_message(letter: Letter, holder_text: str) -> str:
    """Say that another build holds ``letter``'s lock, naming it from its holder file's text."""
    held = _HOLDER.fullmatch(holder_text)
    if held is None:  # not written yet, or just removed
        return _(
            "{letter} is already being built (another process). Wait until that build has "
            "finished, then run this one again."
        ).format(letter=letter.label)
    # TRANSLATORS: {process} is a process number (4711), {since} a time of day (10:02:13).
    return _(
        "{letter} is already being built (process {process}, since {since}). Wait until that "
        "build has finished, then run this one again."
    ).format(letter=letter.label, process=held["process"], since=held["since"])
