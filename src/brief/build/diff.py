"""`brief diff`: the letter with every change since a kept letter tracked, beside the letter.

The kept letters are :mod:`brief.build.history`'s; the comparison and the tracked changes
are :mod:`brief.letter.redline`'s. This module picks the two letters and writes the result
under the letter's lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from brief.build.history import KeptLetter, history_of, letter_key, not_built
from brief.build.locks import letter_lock
from brief.letter.redline import TrackedChange, make_redline
from brief.project.letters import Letter
from brief.project.paths import ProjectPaths
from brief.records import RunRecord


@dataclass(frozen=True)
class Diff:
    """What `brief diff` made: the redline (None when nothing changed) and against what."""

    path: Path | None
    since: KeptLetter
    changes: list[TrackedChange]
    reference: str  # how reports name the letter compared with


def diff_since(
    project: ProjectPaths, year: int, since: str | None = None, *, area: str | None = None
) -> Diff:
    """Write the redline between the current letter of ``year`` (of ``area``, else the
    city's) and a kept letter: the one ``since`` names, else its reference.

    The redline goes beside the letter as ``<letter>-wijzigingen-sinds-<identifier>.docx``;
    nothing is written when nothing changed.
    """
    letter = Letter(year, area)
    outputs = letter.outputs(project, "brief")
    current = RunRecord.read(outputs.run_record)
    if current is None:
        raise not_built(project, letter, outputs.run_record)
    outputs = dataclasses.replace(
        outputs, template_stem=current.outputs.letter.split(f"-{year}")[0]
    )
    history = history_of(project, letter)
    key = letter_key(outputs.folder / current.outputs.letter)
    chosen = history.select(since, key)
    this = history.index().find(key)
    marked = outputs.folder / current.outputs.letter
    if this is not None and history.marked_file(this).is_file():
        marked = history.marked_file(this)  # with marks: values tracked one by one
    redline = make_redline(
        marked.read_bytes(),
        history.letter_file(chosen).read_bytes(),
        history.record(chosen),
        current,
        dt.datetime.fromisoformat(current.started),
    )
    reference = history.describe(chosen, reference=since is None)
    if not redline.changes:
        return Diff(None, chosen, [], reference)
    with letter_lock(project, letter):  # never write into a build's swap
        path = redline.save(outputs.folder / outputs.redline_since(chosen.ident).name)
    return Diff(path, chosen, redline.changes, reference)
