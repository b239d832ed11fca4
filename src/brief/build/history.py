"""The letters kept for comparison: each distinct letter once, keyed by what it shows.

Reviewers ask one question of a rebuilt letter: what changed since the version we sent,
or since the last one I looked at? So brief keeps, per letter (the city letter of a year,
or an area's), every distinct letter it built: ``outputs/.history/<year>/`` (an area's:
``outputs/.history/gebied/<slug>/<year>/``) holds one folder per letter, named after a
hash of what a reader sees in it (:func:`brief.letter.parts.content_fingerprint`), with the
letter, the letter with review marks and the run record (the values it published, as they
printed). ``index.json`` lists them: the times they were built, when one was marked as
sent, what changed against its reference.

A build that fills in the same letter again (another option, another language) adds a
time to that letter's entry and nothing else. Every letter marked as sent is kept; of the
others, the newest up to brief.yaml's ``geschiedenis`` limits (a count, an age).

The *reference* of a letter, which changes.md and the letter with tracked changes compare
it with: the letter marked as sent last, unless that is this very letter; otherwise the
last letter built that differed from it. Light imports: python-docx only to fingerprint.

Written only while the letter's lock is held (a build, `brief verzonden`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from brief.exceptions import BriefError
from brief.i18n import _, ngettext
from brief.project.letters import AREAS_FOLDER, Letter
from brief.project.paths import ProjectPaths
from brief.records import RunRecord

HISTORY_VERSION = 1
ID_LENGTH = 10  # of the identifier `brief geschiedenis` lists and --since accepts
LETTER_FILE = "brief.docx"
MARKED_FILE = "brief-gemarkeerd.docx"  # with review marks: values are tracked one by one
RECORD_FILE = "run.json"
INDEX_FILE = "index.json"
SENT_WORDS = ("verzonden", "sent")  # --since verzonden: the letter marked as sent
_PARTIAL = ".partial-"  # a letter being kept; renamed into place when complete


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeptLetter(_Model):
    """One distinct letter in the history."""

    key: str  # the hash of what it shows; its folder's name
    builds: list[str]  # when each build that made this letter finished, oldest first
    sent: str | None = None  # when it was marked as sent
    summary: str = ""  # what changed against its reference, as its last build said
    reference: str | None = None  # the key of the letter its last build compared it with

    @property
    def ident(self) -> str:
        """The identifier `brief geschiedenis` lists and --since accepts."""
        return self.key[:ID_LENGTH]

    @property
    def last_built(self) -> str:
        return self.builds[-1]

    def listed(self, current: bool = False) -> str:
        """Return its line in a list of letters: identifier, time, sent or not, and
        (``current``) that it is the letter in the outputs now."""
        line = f"  - {self.ident}  {self.last_built}"
        if self.sent is not None:
            # TRANSLATORS: after a kept letter in a list; {time} is when it was marked sent.
            line += "  " + _("(sent, marked {time})").format(time=self.sent)
        if current:
            # TRANSLATORS: after a kept letter in a list: it is the letter in outputs/ now.
            line += "  " + _("(the current letter)")
        return line


class HistoryIndex(_Model):
    """``index.json``: the letters kept, in the order they were first built."""

    history_version: Literal[1] = HISTORY_VERSION
    letters: list[KeptLetter] = []
    sent: str | None = None  # the key of the letter marked as sent last

    def find(self, key: str | None) -> KeptLetter | None:
        return next((entry for entry in self.letters if entry.key == key), None)


@dataclass(frozen=True)
class LetterHistory:
    """The kept letters of one letter of a grid (a year's city letter, or an area's)."""

    folder: Path
    year: int
    label: str  # how messages name the letter: "2023", "2023 Oud Zuid"

    # -- reading ---------------------------------------------------------------------------

    def index(self) -> HistoryIndex:
        """Return the index; builds kept before there was one are taken in first."""
        path = self.folder / INDEX_FILE
        try:
            return HistoryIndex.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return self._adopt_old_builds(HistoryIndex())
        except (OSError, ValidationError, ValueError):
            # Damaged: what the folders hold is kept, the times they were sent are lost.
            return self._adopt_old_builds(HistoryIndex(), every_folder=True)

    def letters(self) -> list[KeptLetter]:
        """Return the kept letters, the one built last at the end; a letter whose folder
        was removed by hand is passed over."""
        kept = [entry for entry in self.index().letters if self.letter_file(entry).is_file()]
        return sorted(kept, key=lambda entry: _moment(entry.last_built))

    def letter_file(self, entry: KeptLetter) -> Path:
        return self.folder / entry.key / LETTER_FILE

    def marked_file(self, entry: KeptLetter) -> Path:
        return self.folder / entry.key / MARKED_FILE

    def record(self, entry: KeptLetter) -> RunRecord | None:
        return RunRecord.read(self.folder / entry.key / RECORD_FILE)

    def reference_for(self, key: str) -> KeptLetter | None:
        """Return the letter the letter ``key`` is compared with: the one marked as sent
        last, unless it is that one; else the last built that differed from it."""
        index = self.index()
        sent = index.find(index.sent)
        if sent is not None and sent.key != key and self.letter_file(sent).is_file():
            return sent
        others = [entry for entry in self.letters() if entry.key != key]
        return others[-1] if others else None

    def describe(self, entry: KeptLetter, *, reference: bool = False) -> str:
        """Return how reports name ``entry``, in the language spoken; ``reference``: as the
        letter a build compared with because it was the last that differed."""
        if entry.sent is not None and self.index().sent == entry.key:
            # TRANSLATORS: a letter compared with, in "changes since ...": {ident}
            # identifies it, {time} is when it was marked as sent.
            return _("the letter marked as sent on {time} ({ident})").format(
                time=entry.sent, ident=entry.ident
            )
        if reference:
            # TRANSLATORS: a letter compared with, in "changes since ...": the last letter
            # that read otherwise, built at {time}; {ident} identifies it.
            return _("the last letter that differed, built {time} ({ident})").format(
                time=entry.last_built, ident=entry.ident
            )
        # TRANSLATORS: a letter compared with, in "changes since ...": built at {time};
        # {ident} identifies it.
        return _("the letter built {time} ({ident})").format(
            time=entry.last_built, ident=entry.ident
        )

    # -- writing (holding the letter's lock) ------------------------------------------------

    def keep(
        self,
        letter: Path,
        record: Path,
        finished: str,
        *,
        key: str | None = None,
        marked: bytes | None = None,
        summary: str | None = None,
        reference: str | None = None,
    ) -> KeptLetter:
        """Keep the letter in ``letter`` (with its run record and, given, the letter with
        marks) as built at ``finished``; return its entry. Call it once per build.

        A letter kept already gets the time added; its files are written only when it is
        new, under a temporary name renamed when complete, so a kept letter is never half
        there.
        """
        key = key or letter_key(letter)
        index = self.index()
        self.folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.folder.glob(_PARTIAL + "*"):  # from a build killed while keeping
            shutil.rmtree(leftover, ignore_errors=True)
        target = self.folder / key
        if not (target / LETTER_FILE).is_file():
            partial = self.folder / f"{_PARTIAL}{os.urandom(4).hex()}"
            partial.mkdir()
            try:
                shutil.copy2(letter, partial / LETTER_FILE)
                shutil.copy2(record, partial / RECORD_FILE)
                if marked is not None:
                    (partial / MARKED_FILE).write_bytes(marked)
                shutil.rmtree(target, ignore_errors=True)
                os.replace(partial, target)
            finally:
                shutil.rmtree(partial, ignore_errors=True)
        elif marked is not None and not (target / MARKED_FILE).is_file():
            (target / MARKED_FILE).write_bytes(marked)
        entry = index.find(key)
        if entry is None:
            entry = KeptLetter(key=key, builds=[])
            index.letters.append(entry)
        entry.builds.append(finished)  # two builds may finish within one second: both count
        entry.builds.sort(key=_moment)
        if summary is not None:
            entry.summary = summary
            entry.reference = reference
        self._write(index)
        return entry

    def mark_sent(self, key: str, when: dt.datetime) -> KeptLetter:
        """Mark the kept letter ``key`` as sent at ``when``; it is the reference from now."""
        index = self.index()
        entry = index.find(key)
        if entry is None:
            raise ValueError(f"no kept letter {key}")
        entry.sent = when.isoformat(timespec="seconds")
        index.sent = key
        self._write(index)
        return entry

    def prune(
        self, keep: int, days: int | None, now: dt.datetime, protect: set[str] = frozenset()
    ) -> list[str]:
        """Remove the oldest letters not marked as sent (nor in ``protect``) until at most
        ``keep`` are kept, and those last built more than ``days`` ago; return their
        identifiers."""
        if keep < 1:
            raise ValueError(f"keep must be at least 1, got {keep}")
        index = self.index()
        letters = sorted(index.letters, key=lambda entry: _moment(entry.last_built))
        removable = [e for e in letters if e.sent is None and e.key not in protect]
        excess = max(0, len(letters) - keep)
        gone = removable[:excess]
        if days is not None:
            limit = now - dt.timedelta(days=days)
            gone += [e for e in removable[excess:] if _moment(e.last_built) < limit]
        if not gone:
            return []
        keys = {entry.key for entry in gone}
        index.letters = [entry for entry in index.letters if entry.key not in keys]
        self._write(index)
        for key in keys:
            shutil.rmtree(self.folder / key, ignore_errors=True)
        return [entry.ident for entry in gone]

    def _write(self, index: HistoryIndex) -> None:
        path = self.folder / INDEX_FILE
        partial = path.with_name(f".{INDEX_FILE}.{os.getpid()}.partial")
        data = index.model_dump(mode="json")
        partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(partial, path)

    def _adopt_old_builds(self, index: HistoryIndex, every_folder: bool = False) -> HistoryIndex:
        """Take in the folders of builds kept before the index (one per build, named by its
        time), or, ``every_folder``, the letters' folders of a damaged index."""
        if not self.folder.is_dir():
            return index
        for folder in sorted(self.folder.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            record = RunRecord.read(folder / RECORD_FILE)
            if record is None:
                continue
            if (folder / LETTER_FILE).is_file():  # a letter's folder already
                if every_folder and index.find(folder.name) is None:
                    index.letters.append(KeptLetter(key=folder.name, builds=[record.finished]))
                continue
            stem = record.outputs.letter.removesuffix(".docx")
            letter, marked = folder / record.outputs.letter, folder / f"{stem}-gemarkeerd.docx"
            if not letter.is_file():
                continue
            with contextlib.suppress(OSError):
                key = letter_key(letter)
                target = self.folder / key
                if not target.exists():
                    target.mkdir()
                    os.replace(letter, target / LETTER_FILE)
                    os.replace(folder / RECORD_FILE, target / RECORD_FILE)
                    if marked.is_file():
                        os.replace(marked, target / MARKED_FILE)
                entry = index.find(key)
                if entry is None:
                    entry = KeptLetter(key=key, builds=[])
                    index.letters.append(entry)
                entry.builds = sorted({*entry.builds, record.finished}, key=_moment)
                shutil.rmtree(folder, ignore_errors=True)
        if index.letters:
            self._write(index)
        return index

    # -- choosing a letter: --since -----------------------------------------------------

    def select(self, since: str | None, current: str) -> KeptLetter:
        """Return the kept letter ``since`` names, else the reference of the letter
        ``current``. Raise BriefError, listing the letters kept, if there is none."""
        letters = self.letters()
        if since is None:
            reference = self.reference_for(current)
            if reference is None:
                raise BriefError(
                    _(
                        "No other letter of {letter} is kept, so there is nothing to compare "
                        "the letter with. Build {letter} again after a correction, then compare."
                    ).format(letter=self.label)
                )
            return reference
        wanted = since.strip()
        if wanted.lower() in SENT_WORDS:
            index = self.index()
            sent = next((e for e in letters if e.key == index.sent), None)
            if sent is None:
                raise BriefError(
                    _(
                        "No letter of {letter} is marked as sent. After sending it, mark it "
                        "with `brief verzonden {year}` (or build with --markeer-verzonden)."
                    ).format(letter=self.label, year=self.year)
                )
            return sent
        if re.fullmatch(r"[0-9a-f]{4,64}", wanted.lower()):
            by_key = [e for e in letters if e.key.startswith(wanted.lower())]
            if len(by_key) == 1:
                return by_key[0]
            if by_key:
                raise self._ambiguous(wanted, by_key)
        moment = parse_moment(wanted)
        if moment is None:
            raise self._no_match(wanted, letters)
        start, end = moment
        within = [e for e in letters if any(start <= _moment(b) < end for b in e.builds)]
        if len(within) == 1:
            return within[0]
        if within:
            raise self._ambiguous(wanted, within)
        # No build in that period: the letter as it stood then, built last before it.
        before = [
            (max((_moment(b) for b in e.builds if _moment(b) < start), default=None), e)
            for e in letters
        ]
        before = [(when, e) for when, e in before if when is not None]
        if not before:
            raise self._no_match(wanted, letters)
        return max(before, key=lambda pair: pair[0])[1]

    def _no_match(self, since: str, letters: list[KeptLetter]) -> BriefError:
        example = letters[-1].ident if letters else "verzonden"
        return BriefError(
            # TRANSLATORS: {since} is what was given after --since; {letters} a list, one
            # "  - 3f2a9c41d0  2024-06-03T10:15:00+02:00" a line.
            _(
                "No kept letter of {letter} matches --since {since}. Letters kept:\n{letters}\n"
                "Give one of these identifiers, a date or a time (2024-06-03, 2024-06-03 "
                "10:15), or verzonden for the letter marked as sent; e.g. --since {example}."
            ).format(
                letter=self.label,
                since=since,
                letters="\n".join(e.listed() for e in letters) or "  -",
                example=example,
            )
        )

    def _ambiguous(self, since: str, matches: list[KeptLetter]) -> BriefError:
        return BriefError(
            # TRANSLATORS: {letters} is a list, one "  - 3f2a9c41d0  2024-06-10T09:00:00+02:00"
            # a line; {ident} one of their identifiers.
            ngettext(
                "--since {since} matches {count} kept letters of {letter}:\n{letters}\n"
                "Give one of their identifiers, e.g. --since {ident}.",
                "--since {since} matches {count} kept letters of {letter}:\n{letters}\n"
                "Give one of their identifiers, e.g. --since {ident}.",
                len(matches),
            ).format(
                since=since,
                count=len(matches),
                letter=self.label,
                letters="\n".join(e.listed() for e in matches),
                ident=matches[-1].ident,
            )
        )


def history_of(project: ProjectPaths, letter: Letter) -> LetterHistory:
    """Return the history of ``letter``: a year's city letter, or an area's."""
    if letter.is_city:
        return LetterHistory(project.history_dir(letter.year), letter.year, letter.label)
    folder = project.outputs_dir / ".history" / AREAS_FOLDER / letter.slug / str(letter.year)
    return LetterHistory(folder, letter.year, letter.label)


def not_built(project: ProjectPaths, letter: Letter, record: Path) -> BriefError:
    """Return the error for a letter asked about before it was ever built."""
    command = f"brief build {letter.year}" + (f" --only area={letter.area}" if letter.area else "")
    return BriefError(
        _("{letter} has not been built yet: there is no {record}. Run `{command}` first.").format(
            letter=letter.label, record=project.relative(record), command=command
        )
    )


def current_key(project: ProjectPaths, letter: Letter) -> str | None:
    """Return the key of the letter in ``letter``'s outputs now; None if there is none."""
    outputs = letter.outputs(project, "brief")
    record = RunRecord.read(outputs.run_record)
    path = outputs.folder / record.outputs.letter if record is not None else None
    if path is None or not path.is_file():
        return None
    try:
        return letter_key(path)
    except Exception:  # a letter that cannot be read is no current letter to point out
        return None


def letter_key(letter: Path | bytes) -> str:
    """Return the key of a letter: the hash of what a reader sees in it."""
    from brief.letter.parts import fingerprint_of

    return fingerprint_of(letter)


# --- times: what --since accepts ----------------------------------------------------------

_ISO = re.compile(
    r"(?P<date>\d{4}-?\d{2}-?\d{2})(?:[T ](?P<hour>\d{2})(?::?(?P<minute>\d{2})"
    r"(?::?(?P<second>\d{2})(?:[.,]\d+)?)?)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?"
)
# A date as Dutch advisors write it: 3-6-2024, 03/06/2024, 3.6.2024 10:15
_DUTCH = re.compile(
    r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})"
    r"(?:[ T](?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)


def parse_moment(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    """Return the period ``text`` names (start, end): a day, an hour, a minute, a second;
    None if it is no date or time. Without a zone, in this computer's."""
    iso = _ISO.fullmatch(text)
    try:
        if iso is not None:
            start = dt.datetime.fromisoformat(text)
            parts = iso
        else:
            dutch = _DUTCH.fullmatch(text)
            if dutch is None:
                return None
            start = dt.datetime(
                int(dutch["year"]),
                int(dutch["month"]),
                int(dutch["day"]),
                int(dutch["hour"] or 0),
                int(dutch["minute"] or 0),
                int(dutch["second"] or 0),
            )
            parts = dutch
    except ValueError:
        return None
    if start.tzinfo is None:
        start = start.astimezone()  # the computer's zone, as the advisor reads times
    if parts["second"]:
        length = dt.timedelta(seconds=1)
    elif parts["minute"]:
        length = dt.timedelta(minutes=1)
    elif parts["hour"]:
        length = dt.timedelta(hours=1)
    else:
        length = dt.timedelta(days=1)
    return start, start + length


def _moment(timestamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(timestamp)
