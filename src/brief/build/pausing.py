"""Named moments of a build at which a test can hold it, to kill it exactly there.

A test that must kill a build "while the letter is being written" cannot rely on timing:
a faster machine finishes first. Instead it starts the build with ``BRIEF_PAUSE_AT`` set
to one of :data:`MOMENTS` and ``BRIEF_PAUSE_SIGNAL`` set to a file path. When the build
reaches that moment it writes its process id to the file and waits until it is killed.
Without those variables (every real build) :func:`reached` returns at once.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PAUSE_AT = "BRIEF_PAUSE_AT"
PAUSE_SIGNAL = "BRIEF_PAUSE_SIGNAL"

# In the order a build passes them; "notebook N done" and "HTML N written" count up to
# the number of notebooks that run.
MOMENTS = (
    "lock taken",
    "planned",
    "libraries imported",
    "staging folder made",
    *(f"notebook {n} done" for n in range(1, 6)),
    *(f"HTML {n} written" for n in range(1, 6)),
    "notebooks collected",
    "letter written",
    "review copy written",
    "PDF written",
    "run record written",
    "changes written",
    "review page written",
    "outputs swapped",
)


def reached(moment: str) -> None:
    """Hold the build here for good if a test asked to pause at ``moment``."""
    if os.environ.get(PAUSE_AT) != moment:
        return
    Path(os.environ[PAUSE_SIGNAL]).write_text(str(os.getpid()), encoding="utf-8")
    threading.Event().wait()  # until the test kills the process
