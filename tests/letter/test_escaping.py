"""Awkward text in data and parameters lands in the letter literally, and the file stays valid.

Each value goes through the same path as in a build: a notebook's published text value and
a params file's `teksten`, into the body, a table cell, a header and a text box. The result
is opened with python-docx and, where LibreOffice is installed, converted by it to text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from brief.exceptions import TemplateError
from brief.letter import parts
from brief.letter.fill import render_letter
from brief.notebook.collect import Collection, Published
from brief.project.params import Params
from brief.records import Origin, PublishedValue

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NEEDS_SOFFICE = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("BRIEF_REQUIRE_SOFFICE"),
    reason="LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)",
)

AWKWARD = {
    "ampersand": "Stichting Zorg & Welzijn",
    "angles": "minder dan <5 of meer dan >10",
    "markup": "<w:t>geen XML</w:t>",
    "quotes": "\"dubbel\" en 'enkel' en ‘krul’",
    "expression": "{{ jaar }} blijft letterlijk",
    "statement": "{% if True %}ook letterlijk{% endif %}",
    "injection": '"); import os #',
}
MULTILINE = "eerste regel\ntweede regel"


def text_box(text: str):
    """Return a paragraph holding a VML text box with ``text`` inside, as Word writes one."""
    return parse_xml(
        f"<w:p {nsdecls('w', 'v')}><w:r><w:pict><v:shape style='width:200pt;height:40pt'>"
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )


def make_template(path, names) -> None:
    """Write a template that shows each name in the body, a table, the header and a text box."""
    document = docx.Document()
    table = document.add_table(rows=len(names), cols=1)
    for name, row in zip(names, table.rows, strict=True):
        document.add_paragraph(f"[{name}] {{{{ {name} }}}} [/{name}]")
        row.cells[0].text = f"[cel {name}] {{{{ {name} }}}}"
    document.add_paragraph("[param] {{ teksten.regels }} [/param]")
    document.sections[0].header.paragraphs[0].text = "[kop] {{ ampersand }} [/kop]"
    document.element.body.insert(0, text_box("[kader] {{ angles }} [/kader]"))
    document.save(path)


def text_values(values: dict[str, str]) -> Collection:
    """Return a collection as notebooks publish text values."""
    origin = Origin(notebook="01-test.ipynb", cell=1)
    items = {
        name: Published(PublishedValue(name=name, value=text, unit="text"), origin)
        for name, text in values.items()
    }
    return Collection(items=items)


def params(**teksten) -> Params:
    return Params(
        jaar=2023,
        datum="2024-07-12",
        kenmerk="M1",
        commissie="commissie ZWS",
        onderwerp="Onderwerp",
        ondertekening={"naam": "A", "functie": "B"},
        teksten=teksten,
    )


@pytest.fixture
def awkward_letter(tmp_path):
    template = tmp_path / "test.docx"
    make_template(template, list(AWKWARD))
    letter = tmp_path / "out" / "test-2023.docx"
    render_letter(
        template,
        params(regels=MULTILINE),
        text_values(AWKWARD),
        letter,
    )
    return letter


def test_awkward_values_appear_literally_in_body_table_header_and_text_box(awkward_letter):
    document = docx.Document(awkward_letter)
    body = [p.text for p in document.paragraphs]
    cells = [row.cells[0].text for row in document.tables[0].rows]

    for name, value in AWKWARD.items():
        assert f"[{name}] {value} [/{name}]" in body
        assert f"[cel {name}] {value}" in cells
    assert document.sections[0].header.paragraphs[0].text == f"[kop] {AWKWARD['ampersand']} [/kop]"
    boxes = [text for _, text in parts.paragraph_texts(document) if text.startswith("[kader]")]
    assert set(boxes) == {f"[kader] {AWKWARD['angles']} [/kader]"}  # box and its anchor


def test_newline_in_a_parameter_becomes_a_line_break(awkward_letter):
    document = docx.Document(awkward_letter)
    paragraph = next(p for p in document.paragraphs if p.text.startswith("[param]"))

    assert paragraph.text == "[param] eerste regel\ntweede regel [/param]"
    assert paragraph._p.xpath(".//w:br")  # a real <w:br/>, not a raw newline in the text


def test_filled_letter_is_well_formed_xml(awkward_letter):
    with zipfile.ZipFile(awkward_letter) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                parse_xml(package.read(name))  # raises on any unescaped & or <


@NEEDS_SOFFICE
def test_libreoffice_reads_the_awkward_values_literally(awkward_letter, tmp_path):
    assert SOFFICE, "BRIEF_REQUIRE_SOFFICE is set but soffice is not on PATH"
    completed = subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(tmp_path / "txt"),
            str(awkward_letter),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    text = (tmp_path / "txt" / "test-2023.txt").read_text(encoding="utf-8-sig")

    for name, value in AWKWARD.items():
        assert f"[{name}] {value} [/{name}]" in text, name
    assert "[param] eerste regel\ntweede regel [/param]" in text.replace("\r\n", "\n")


def test_template_code_inside_a_value_is_never_run(tmp_path):
    template = tmp_path / "test.docx"
    make_template(template, ["statement"])
    letter = tmp_path / "test-2023.docx"
    value = "{{ ''.__class__.__mro__ }}{% for x in range(3) %}x{% endfor %}"

    values = {"statement": value, "ampersand": "&", "angles": "<"}

    render_letter(template, params(regels="-"), text_values(values), letter)

    body = [p.text for p in docx.Document(letter).paragraphs]
    assert f"[statement] {value} [/statement]" in body


def test_unknown_name_in_a_text_box_is_refused(tmp_path):
    template = tmp_path / "test.docx"
    make_template(template, ["ampersand"])  # the text box asks for 'angles', never given

    with pytest.raises(TemplateError, match="angles"):
        render_letter(
            template,
            params(regels="-"),
            text_values({"ampersand": "&"}),
            tmp_path / "letter.docx",
        )
    assert not (tmp_path / "letter.docx").exists()
