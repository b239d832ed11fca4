"""The redline: every change between two builds as a Word tracked change.

Accepting all changes must give the new letter and rejecting all the old one. That is
checked twice: fast, by resolving the revisions the way Word defines them (``resolved``
below), and in LibreOffice headless, whose "accept all" and "reject all" are driven by a
Basic macro in a private profile (no Python-UNO needed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from brief.build.diff import diff_since
from brief.build.history import history_of
from brief.build.year import build_year
from brief.letter import marks, parts, tracked
from brief.letter.redline import make_redline
from brief.project.letters import Letter
from brief.records import (
    Origin,
    RunRecord,
    ShownFigure,
    ShownParameter,
    ShownValue,
    notebook_reason,
)

WHEN = dt.datetime(2024, 7, 12, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"),
    reason="needs LibreOffice (soffice) to accept and reject changes; .ci/run installs it",
)
mark = marks.mark


# --- helpers: letters, records, and resolving revisions ---------------------------------


def png(colour: str) -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (60, 30), colour).save(image, "PNG")
    return image.getvalue()


def letter(*blocks, header: str | None = None) -> bytes:
    """A small .docx: a str is a paragraph, a list of rows a table, bytes a picture."""
    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        elif isinstance(block, bytes):
            document.add_paragraph().add_run().add_picture(io.BytesIO(block))
        else:
            table = document.add_table(rows=0, cols=len(block[0]))
            for row in block:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    package = io.BytesIO()
    document.save(package)
    return package.getvalue()


def record(finished: str = "2024-06-03T10:00:00+02:00", **fields) -> RunRecord:
    """A run record of 2023 with what a test needs; ``shown`` as name -> text."""
    shown = {name: {"kind": "parameter", "text": text} for name, text in fields.pop("shown", {})}
    data = {
        "year": 2023,
        "started": finished,
        "finished": finished,
        "seconds": 1.0,
        "git": {"commit": None, "dirty": None},
        "packages": {},
        "toolkit": "toolkit",
        "parameters": {"year": 2023},
        "template": {"path": "templates/brief.docx", "sha256": "t"},
        "params": {"path": "params/2023.yaml", "sha256": "p"},
        "notebooks": {},
        "data": {},
        "outputs": {"letter": "brief-2023.docx", "review_copy": False, "pdf": False},
        "shown": shown,
    }
    return RunRecord.model_validate({**data, **fields})


def unmarked(package: bytes) -> bytes:
    """The letter a marked fill saves: the same, marks removed."""
    document = docx.Document(io.BytesIO(package))
    marks.remove_review_marks(document)
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


def resolved(package: bytes, accept: bool) -> bytes:
    """Return ``package`` with every revision accepted (or rejected), as Word defines it."""
    document = docx.Document(io.BytesIO(package))
    keep, drop = (qn("w:ins"), qn("w:del")) if accept else (qn("w:del"), qn("w:ins"))
    for _, root in parts.part_elements(document):
        for row in list(root.iter(qn("w:tr"))):
            properties = row.find(qn("w:trPr"))
            if properties is not None and properties.find(drop) is not None:
                row.getparent().remove(row)
        for change in list(root.iter(drop)):
            if change.getparent().tag != qn("w:rPr"):
                change.getparent().remove(change)
        for change in list(root.iter(keep)):
            if change.getparent().tag not in (qn("w:rPr"), qn("w:trPr")):
                for child in list(change):
                    change.addprevious(child)
                change.getparent().remove(change)
        for text in root.iter(qn("w:delText")):
            text.tag = qn("w:t")
        for paragraph in list(root.iter(qn("w:p"))):
            properties = paragraph.find(qn("w:pPr"))
            marks = properties.find(qn("w:rPr")) if properties is not None else None
            if marks is not None and marks.find(drop) is not None:
                following = paragraph.getnext()
                if following is not None and following.tag == qn("w:p"):
                    content = [c for c in paragraph if c.tag != qn("w:pPr")]
                    start = 1 if following.find(qn("w:pPr")) is not None else 0
                    for offset, child in enumerate(content):
                        following.insert(start + offset, child)
                paragraph.getparent().remove(paragraph)
        for change in list(root.iter(qn("w:ins"), qn("w:del"))):
            change.getparent().remove(change)  # the marks left on rows and paragraph marks
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()


def content(package: bytes | Path) -> dict:
    """What a reader sees: paragraphs, table cells, pictures in order, headers and footers."""
    if isinstance(package, Path):
        package = package.read_bytes()
    document = docx.Document(io.BytesIO(package))
    pictures = [
        hashlib.sha256(image).hexdigest()[:12]
        for paragraph in document.paragraphs
        for image in tracked.picture_images(paragraph)
    ]
    return {
        "paragraphs": [p.text for p in document.paragraphs],
        "cells": [[c.text for c in row.cells] for table in document.tables for row in table.rows],
        "pictures": pictures,
        "headers": [
            [p.text for p in story.paragraphs]
            + [c.text for t in story.tables for row in t.rows for c in row.cells]
            for section in document.sections
            for story in (section.header, section.footer)
        ],
    }


def in_word_order(package: bytes) -> list[tuple[str, str]]:
    return tracked.revisions(docx.Document(io.BytesIO(package)))


# --- LibreOffice: accept all, reject all, save as .docx ---------------------------------

# One document per LibreOffice process: 7.4 headless crashes (NoSuchElementException) when
# it loads another document after resolving the changes of a letter this size.
BASIC = """
Sub Resolve(source As String, target As String, command As String)
  On Error Goto Failed
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden" : load(0).Value = True
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = "FilterName" : save(0).Value = "MS Word 2007 XML"
  Dim doc As Object, frame As Object
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, load())
  If command <> "" Then
    frame = doc.getCurrentController().getFrame()
    createUnoService("com.sun.star.frame.DispatchHelper").executeDispatch( _
      frame, ".uno:" + command, "", 0, Array())
  End If
  doc.storeToURL(ConvertToURL(target), save())
  StarDesktop.terminate()
  Exit Sub
Failed:
  Dim n As Integer
  n = FreeFile
  Open target + ".error" For Output As #n
  Print #n, Err & " " & Error$ & " at line " & Erl
  Close #n
  StarDesktop.terminate()
End Sub
"""
MODULE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
    'script:language="StarBasic">{}</script:module>\n'
)
COMMANDS = {"accepted": "AcceptAllTrackedChanges", "rejected": "RejectAllTrackedChanges"}
COMMANDS["saved"] = ""


def libreoffice(folder: Path, documents: dict[str, bytes], modes=tuple(COMMANDS)) -> dict:
    """Open each document in LibreOffice and accept all changes, reject all, or just save.

    Return {name: {mode: the .docx LibreOffice saved}}, each in a process of its own.
    """
    assert SOFFICE, "BRIEF_REQUIRE_SOFFICE is set but soffice is not on PATH"

    def run(name: str, mode: str) -> Path:
        work = folder / f"{name}-{mode}"
        profile = work / "profile"
        environment = f"-env:UserInstallation={profile.as_uri()}"
        subprocess.run(
            [SOFFICE, environment, "--headless", "--terminate_after_init"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        assert module.parent.is_dir(), "LibreOffice made no user profile"
        module.write_text(MODULE.format(html.escape(BASIC, quote=False)), encoding="utf-8")
        source, target = work / "in.docx", work / "out.docx"
        source.write_bytes(documents[name])
        macro = f'macro:///Standard.Module1.Resolve("{source}","{target}","{COMMANDS[mode]}")'
        subprocess.run(
            [SOFFICE, environment, "--headless", macro],
            capture_output=True,
            timeout=300,
            check=False,
        )
        error = target.with_name(target.name + ".error")
        assert not error.exists(), error.read_text(encoding="utf-8", errors="replace")
        assert target.is_file(), f"LibreOffice wrote no {mode} copy of {name}"
        return target

    jobs = [(name, mode) for name in documents for mode in modes]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        made = dict(zip(jobs, pool.map(lambda job: run(*job), jobs), strict=True))
    return {name: {mode: made[name, mode] for mode in modes} for name in documents}


# --- the XML helpers ----------------------------------------------------------------------


def test_marks_give_each_values_name_and_the_sentence_as_it_read_before():
    text = f"In {mark('jaar', '2023')} deden {mark('deelnemers', '715')} ouderen mee."

    values = marks.marked_values(text)
    before = marks.unmarked_as(text, [None, "700"])
    match = marks.marked_pattern(text).fullmatch("In 2022 deden 700 ouderen mee.")

    assert values == [("jaar", "2023"), ("deelnemers", "715")]
    assert before == "In 2023 deden 700 ouderen mee."
    assert marks.unmarked_as(text, []) == "In 2023 deden 715 ouderen mee."
    assert match.groups() == ("2022", "700")
    assert marks.marked_pattern(text).fullmatch("In 2022 namen 700 ouderen deel.") is None


def test_a_changed_value_is_deleted_and_inserted_inside_its_sentence_formatted_as_it_was():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(f"In 2023 deden {mark('deelnemers', '715')} ouderen mee.").bold = True
    tracker = tracked.TrackedChanges(document, "brief", WHEN)

    changes = tracker.replace_marked(paragraph, ["700"])

    assert [change[:3] for change in changes] == [("deelnemers", "700", "715")]
    assert tracked.revisions(document) == [("del", "700"), ("ins", "715")]
    revisions = list(document.element.body.iter(qn("w:ins"), qn("w:del")))
    assert {r.get(qn("w:author")) for r in revisions} == {"brief"}
    assert {r.get(qn("w:date")) for r in revisions} == {"2024-07-12T10:30:00Z"}
    assert len({r.get(qn("w:id")) for r in revisions}) == 2
    runs = list(paragraph._p.iter(qn("w:r")))
    assert [run.find(qn("w:rPr")).find(qn("w:b")) is not None for run in runs] == [True] * 4
    package = io.BytesIO()
    document.save(package)
    accepted = content(resolved(package.getvalue(), accept=True))["paragraphs"]
    rejected = content(resolved(package.getvalue(), accept=False))["paragraphs"]
    assert accepted == ["In 2023 deden 715 ouderen mee."]
    assert rejected == ["In 2023 deden 700 ouderen mee."]


def test_an_unchanged_value_is_left_as_it_is_and_a_line_break_is_kept():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(mark("jaar", "2023") + ": " + mark("tekst", "een\ntwee"))
    tracker = tracked.TrackedChanges(document, "brief", WHEN)

    changes = tracker.replace_marked(paragraph, ["2023", "een\ndrie"])

    assert [change[:3] for change in changes] == [("tekst", "een\ndrie", "een\ntwee")]
    assert tracked.revisions(document) == [("del", "een\ndrie"), ("ins", "een\ntwee")]


def test_a_replaced_paragraph_keeps_one_paragraph_mark():
    old = docx.Document(io.BytesIO(letter("Oude tekst.")))
    new = docx.Document(io.BytesIO(letter("Nieuwe tekst.")))
    tracker = tracked.TrackedChanges(new, "brief", WHEN)

    tracker.replace_paragraph(old.paragraphs[0], new.paragraphs[0])

    assert tracked.revisions(new) == [("del", "Oude tekst."), ("ins", "Nieuwe tekst.")]
    assert len(new.paragraphs) == 1
    assert not new.element.body.xpath(".//w:pPr/w:rPr/w:ins | .//w:pPr/w:rPr/w:del")


def test_whole_paragraphs_and_rows_are_tracked_with_their_marks():
    old = docx.Document(io.BytesIO(letter("Weg.", [["a", "1"], ["b", "2"]], "Slot.")))
    new = docx.Document(io.BytesIO(letter("Nieuw.", [["a", "1"], ["c", "3"]], "Slot.")))
    tracker = tracked.TrackedChanges(new, "brief", WHEN)
    (old_table,), (new_table,) = old.tables, new.tables

    tracker.delete_paragraph(old.paragraphs[0], before=new.paragraphs[0])
    tracker.insert_paragraph(new.paragraphs[1])
    tracker.delete_row(old_table.rows[1], before=new_table.rows[1])
    tracker.insert_row(new_table.rows[2])

    body = new.element.body
    assert len(body.xpath("./w:p/w:pPr/w:rPr/w:del")) == 1
    assert len(body.xpath("./w:p/w:pPr/w:rPr/w:ins")) == 1
    assert [len(row.xpath("./w:trPr/w:del")) for row in body.iter(qn("w:tr"))] == [0, 1, 0]
    assert [len(row.xpath("./w:trPr/w:ins")) for row in body.iter(qn("w:tr"))] == [0, 0, 1]
    assert tracked.revisions(new) == [
        ("del", "Weg."),
        ("ins", "Nieuw."),
        ("del", "b"),
        ("del", "2"),
        ("ins", "c"),
        ("ins", "3"),
    ]


def test_a_deleted_picture_is_carried_into_the_new_letter_with_a_fresh_id():
    old = docx.Document(io.BytesIO(letter(png("red"))))
    new = docx.Document(io.BytesIO(letter(png("blue"))))
    tracker = tracked.TrackedChanges(new, "brief", WHEN)

    copy = tracker.delete_paragraph(old.paragraphs[0], before=new.paragraphs[0])

    assert tracked.picture_images(copy) == [png("red")]
    assert tracked.picture_images(new.paragraphs[1]) == [png("blue")]
    ids = [p.get("id") for p in new.element.body.iter(qn("wp:docPr"))]
    assert len(set(ids)) == 2


def test_a_comment_spans_the_change_and_its_reference_stands_outside_it():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(f"Er zijn {mark('hubs', '12')} hubs.")
    tracker = tracked.TrackedChanges(document, "brief", WHEN)
    ((*_, anchor),) = tracker.replace_marked(paragraph, ["10"])

    tracker.comment(anchor, "hubs: 10 → 12. 01-jeugd.ipynb reran: data/jeugd.csv changed.")

    tags = [child.tag.rsplit("}", 1)[1] for child in paragraph._p]
    assert tags == ["r", "commentRangeStart", "del", "ins", "commentRangeEnd", "r", "r"]
    (comment,) = document.comments
    assert comment.author == "brief"
    assert comment.text == "hubs: 10 → 12. 01-jeugd.ipynb reran: data/jeugd.csv changed."


def test_tracked_change_kind_must_be_ins_or_del():
    tracker = tracked.TrackedChanges(docx.Document(), "brief", WHEN)

    with pytest.raises(ValueError, match="kind must be 'ins' or 'del', got 'move'"):
        tracker.track_paragraph_mark(docx.Document().add_paragraph(), "move")


# --- the redline between two letters --------------------------------------------------

RED, BLUE = png("#d62728"), png("#1f77b4")
TABLE = [["Indicator", "Realisatie"], ["Valpreventie", "700"], ["Hubs", "12"]]

# name: (old letter, new letter with marks, what the old build showed, expected changes)
CASES = {
    "a value in a sentence": (
        letter("Inleiding.", "In 2023 deden 700 ouderen mee.", "Slot."),
        letter("Inleiding.", f"In 2023 deden {mark('deelnemers', '715')} ouderen mee.", "Slot."),
        {"deelnemers": "700"},
        [("value", "deelnemers", "700", "715")],
    ),
    "a value the old build did not show": (
        letter("Er zijn n.v.t. hubs.", "Slot."),
        letter(f"Er zijn {mark('hubs', '12')} hubs.", "Slot."),
        {},
        [("value", "hubs", "n.v.t.", "12")],
    ),
    "a sentence of the template": (
        letter("A.", "Het eerste halfjaar.", "C."),
        letter("A.", "Het hele jaar.", "C."),
        {},
        [("paragraph", None, "Het eerste halfjaar.", "Het hele jaar.")],
    ),
    "a paragraph added in between": (
        letter("A.", "C."),
        letter("A.", "B.", "C."),
        {},
        [("paragraph", None, "", "B.")],
    ),
    "a paragraph added at the end": (
        letter("A.", "B."),
        letter("A.", "B.", "C."),
        {},
        [("paragraph", None, "", "C.")],
    ),
    "a paragraph removed in between": (
        letter("A.", "B.", "C."),
        letter("A.", "C."),
        {},
        [("paragraph", None, "B.", "")],
    ),
    "a paragraph removed at the end": (
        letter("A.", "B.", "C."),
        letter("A.", "B."),
        {},
        [("paragraph", None, "C.", "")],
    ),
    "two paragraphs become one": (
        letter("A.", "B1.", "B2.", "C."),
        letter("A.", "B.", "C."),
        {},
        [("paragraph", None, "B1.", ""), ("paragraph", None, "B2.", "B.")],
    ),
    "a table cell": (
        letter("A.", TABLE, "Slot."),
        letter("A.", [*TABLE[:1], ["Valpreventie", "715"], TABLE[2]], "Slot."),
        {},
        [("cell", None, "700", "715")],
    ),
    "a table row added": (
        letter("A.", TABLE, "Slot."),
        letter("A.", [*TABLE, ["Pleinen", "88"]], "Slot."),
        {},
        [("row", None, "", "Pleinen | 88")],
    ),
    "a table row removed": (
        letter("A.", TABLE, "Slot."),
        letter("A.", TABLE[:2], "Slot."),
        {},
        [("row", None, "Hubs | 12", "")],
    ),
    "a table added": (
        letter("A.", "Slot."),
        letter("A.", TABLE, "Slot."),
        {},
        [("table", None, "", "")],
    ),
    "a chart": (
        letter("A.", RED, "Figuur 1: Valpreventie", "Slot."),
        letter("A.", BLUE, f"Figuur 1: {mark('valpreventie_trend', 'Valpreventie')}", "Slot."),
        {"valpreventie_trend": "Valpreventie"},
        [("picture", "valpreventie_trend", "", "")],
    ),
    "a header": (
        letter("A.", header="Ons kenmerk: M2312-1203"),
        letter("A.", header="Ons kenmerk: M2312-9999"),
        {},
        [("paragraph", None, "Ons kenmerk: M2312-1203", "Ons kenmerk: M2312-9999")],
    ),
}


def redline_of(case: str) -> tuple[bytes, bytes, bytes, list]:
    """Return (old letter, new letter, redline, changes) of a case."""
    old, marked, shown, _ = CASES[case]
    made = make_redline(marked, old, record(shown=shown.items()), None, WHEN)
    package = io.BytesIO()
    made.document.save(package)
    changes = [(c.kind, c.name, c.old, c.new) for c in made.changes]
    return old, unmarked(marked), package.getvalue(), changes


@pytest.mark.parametrize("case", list(CASES))
def test_accepting_all_gives_the_new_letter_and_rejecting_all_the_old_one(case):
    old, new, redline, changes = redline_of(case)

    accepted, rejected = resolved(redline, accept=True), resolved(redline, accept=False)

    assert changes == CASES[case][3]
    assert content(accepted) == content(new)
    assert content(rejected) == content(old)
    assert content(old) != content(new)
    assert "\ue000" not in docx.Document(io.BytesIO(redline)).element.xml


def test_letters_that_show_the_same_have_no_changes():
    same = letter("A.", f"Er zijn {mark('hubs', '12')} hubs.", TABLE)

    made = make_redline(same, unmarked(same), record(shown=[("hubs", "12")]), None, WHEN)

    assert made.changes == []
    assert in_word_order_of(made) == []


def in_word_order_of(made) -> list:
    package = io.BytesIO()
    made.document.save(package)
    return in_word_order(package.getvalue())


@pytest.mark.slow
@needs_soffice
def test_libreoffice_accepts_and_rejects_every_kind_of_change_as_word_defines_it(tmp_path):
    made = {case: redline_of(case) for case in CASES}

    resolved_by_libreoffice = libreoffice(
        tmp_path,
        {name.replace(" ", "-"): redline for name, (*_, redline, _) in made.items()},
        modes=("accepted", "rejected"),
    )

    for case, (old, new, _, _) in made.items():
        files = resolved_by_libreoffice[case.replace(" ", "-")]
        assert content(files["accepted"]) == content(new), case
        assert content(files["rejected"]) == content(old), case


# --- why a notebook reran, in the comments ------------------------------------------


def test_why_a_notebook_reran_between_two_builds():
    def notebook(sha: str, data: str) -> dict:
        reads = {"data/ouderen.csv": {"path": "data/ouderen.csv", "sha256": data}}
        return {"02-ouderen.ipynb": {"sha256": sha, "reason": None, "seconds": 1, "reads": reads}}

    before = record(notebooks=notebook("n1", "d1"))

    assert notebook_reason("02-ouderen.ipynb", before, record(notebooks=notebook("n1", "d2"))) == (
        "data/ouderen.csv changed"
    )
    assert notebook_reason("02-ouderen.ipynb", before, record(notebooks=notebook("n2", "d2"))) == (
        "the notebook changed"
    )
    assert (
        notebook_reason("02-ouderen.ipynb", before, record(notebooks=notebook("n1", "d1"))) is None
    )
    assert notebook_reason("02-ouderen.ipynb", None, record(notebooks=notebook("n1", "d1"))) == (
        "no earlier result"
    )


def test_comments_name_what_changed_and_why():
    def notebook(data: str) -> dict:
        reads = {"data/ouderen.csv": {"path": "data/ouderen.csv", "sha256": data}}
        return {"02-ouderen.ipynb": {"sha256": "n1", "reason": None, "seconds": 1, "reads": reads}}

    origin = Origin(notebook="02-ouderen.ipynb", cell=4)
    shown = {
        "deelnemers": ShownValue(text="715", origin=origin),
        "kenmerk": ShownParameter(text="M2"),
        "trend": ShownFigure(text="Trend", image="b", origin=origin),
    }
    before = record(notebooks=notebook("d1"), shown=[("deelnemers", "700"), ("kenmerk", "M1")])
    after = record(notebooks=notebook("d2")).model_copy(update={"shown": shown})
    old = letter("In 2023 deden 700 ouderen mee.", "Kenmerk M1.", RED, "Figuur 1: Trend", "Slot.")
    new = letter(
        f"In 2023 deden {mark('deelnemers', '715')} ouderen mee.",
        f"Kenmerk {mark('kenmerk', 'M2')}.",
        BLUE,
        f"Figuur 1: {mark('trend', 'Trend')}",
        "Slot.",
    )

    made = make_redline(new, old, before, after, WHEN)

    assert [comment.text for comment in made.document.comments] == [
        "deelnemers: 700 → 715. Published by 02-ouderen.ipynb, cell 5; 02-ouderen.ipynb "
        "reran: data/ouderen.csv changed.",
        "kenmerk: M1 → M2. params/2023.yaml changed.",
        "trend: the chart changed. Published by 02-ouderen.ipynb, cell 5; 02-ouderen.ipynb "
        "reran: data/ouderen.csv changed.",
    ]
    unexplained = make_redline(new, old, before, None, WHEN)  # no new record: no reason
    assert [comment.text for comment in unexplained.document.comments] == [
        "deelnemers: 700 → 715.",
        "kenmerk: M1 → M2.",
        "trend: the chart changed.",
    ]


# --- a real rebuild: data, a params text and a chart changed ----------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


INLEIDING = (
    "Het eerste halfjaar stond in het teken van de opstart; in 2023 kwam de bezetting "
    "grotendeels op orde en zijn de aanbieders geland in hun gebieden."
)
NIEUWE_INLEIDING = INLEIDING.replace("de aanbieders geland", "alle aanbieders goed geland")


@pytest.mark.slow
def test_a_corrected_rebuild_tracks_each_change_in_the_letter(project, tmp_path):
    first = build_year(project, 2023, jobs=2)
    old_letter = first.letter.read_bytes()
    edit(
        project.data_dir / "ouderen.csv",
        "valpreventie_deelnemers,2023,Rotterdam,700,",
        "valpreventie_deelnemers,2023,Rotterdam,715,",
    )
    edit(project.params_file(2023), "zijn de aanbieders geland", "zijn alle aanbieders goed geland")
    edit(
        project.data_dir / "lokale_initiatieven.csv",
        "couleur_locale_toekenningen,2016,Rotterdam,89,",
        "couleur_locale_toekenningen,2016,Rotterdam,95,",
    )

    result = build_year(project, 2023, jobs=2)

    outputs = result.outputs
    assert outputs.redline == outputs.folder / "brief-2023-wijzigingen.docx"
    redline = outputs.redline.read_bytes()
    document = docx.Document(outputs.redline)
    assert tracked.revisions(document) == [
        ("del", INLEIDING),
        ("ins", NIEUWE_INLEIDING),
        ("del", "700"),
        ("ins", "715"),
        ("del", ""),  # the chart valpreventie_doel_realisatie, old
        ("ins", ""),  # and new
        ("del", ""),  # the chart couleur_locale_trend
        ("ins", ""),
        ("del", "700"),  # the indicators table, cell "Realisatie 2023" of valpreventie
        ("ins", "715"),
    ]
    changes = result.changes
    report = outputs.changes.read_text(encoding="utf-8")
    assert [name for name, *_ in changes.values] == ["teksten", "valpreventie_deelnemers"]
    assert changes.figures == ["couleur_locale_trend", "valpreventie_doel_realisatie"]
    assert [len(cells) for cells in changes.tables.values()] == [1]
    # One deletion and one insertion per change changes.md lists: values, figures, cells.
    lines = report.splitlines()
    listed = (
        len([line for line in lines if line.startswith("| ")])
        - 2  # the header and its rule
        + len([line for line in lines if line.startswith("- Figure")])
        + len([line for line in lines if line.startswith("  - ")])
        - sum(len(rows) for rows in changes.rows.values())  # the data rows behind a value
    )
    assert changes.rows["valpreventie_deelnemers"] == ["data/ouderen.csv, row 3: 700 → 715"]
    assert listed == 5
    assert len(document.element.body.xpath(".//w:del[not(parent::w:rPr)]")) == listed
    assert len(document.element.body.xpath(".//w:ins[not(parent::w:rPr)]")) == listed
    comments = [comment.text for comment in document.comments]
    assert comments == [
        "valpreventie_deelnemers: 700 → 715. Published by 02-ouderen.ipynb, cell 5; "
        "02-ouderen.ipynb reran: data/ouderen.csv changed.",
        "valpreventie_doel_realisatie: the chart changed. Published by 02-ouderen.ipynb, "
        "cell 6; 02-ouderen.ipynb reran: data/ouderen.csv changed.",
        "couleur_locale_trend: the chart changed. Published by 04-lokale-initiatieven.ipynb, "
        "cell 7; 04-lokale-initiatieven.ipynb reran: data/lokale_initiatieven.csv changed.",
    ]
    assert all(c.author == "brief" for c in document.comments)
    dates = {e.get(qn("w:date")) for e in document.element.body.iter(qn("w:ins"), qn("w:del"))}
    started = dt.datetime.fromisoformat(RunRecord.read(outputs.run_record).started)
    assert dates == {started.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}

    # Accepting all gives the new letter, rejecting all the old one (resolved as Word does).
    new_letter = outputs.letter.read_bytes()
    assert content(resolved(redline, accept=True)) == content(new_letter)
    assert content(resolved(redline, accept=False)) == content(old_letter)

    # The review page links it; brief diff makes the same against the build before.
    page = outputs.review_page.read_text(encoding="utf-8")
    assert '<a href="brief-2023-wijzigingen.docx">' in page
    history = history_of(project, Letter(2023))
    kept = history.letters()
    assert len(kept) == 2 and history.marked_file(kept[-1]).is_file()
    again = diff_since(project, 2023)
    assert again.since == kept[0]
    assert in_word_order(again.path.read_bytes()) == tracked.revisions(document)

    if SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"):
        pytest.skip("LibreOffice is not installed: accepted and rejected in Python only")
    made = libreoffice(tmp_path, {"redline": redline}, modes=("accepted", "rejected"))
    made |= libreoffice(tmp_path, {"new": new_letter, "old": old_letter}, modes=("saved",))
    accepted, rejected = made["redline"]["accepted"], made["redline"]["rejected"]
    # Body and tables as python-docx reads the letters themselves...
    for part in ("paragraphs", "cells", "pictures"):
        assert content(accepted)[part] == content(new_letter)[part], part
        assert content(rejected)[part] == content(old_letter)[part], part
    # ... headers as LibreOffice saves the letters (it updates the page fields).
    assert content(accepted)["headers"] == content(made["new"]["saved"])["headers"]
    assert content(rejected)["headers"] == content(made["old"]["saved"])["headers"]
