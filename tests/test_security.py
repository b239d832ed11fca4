"""Untrusted input: templates, data, params and brief.yaml, tried as an attacker would.

Each case uses real files, the real command line and real Jinja. What every case must
show: a clear message naming the file and place (exit code 1, never 70), or inert
printing; nothing written outside outputs/; the last good letter unchanged, byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import docx
import jinja2
import pytest
from typer.testing import CliRunner

from brief.build.grid import build_grid, expand
from brief.build.shipping import pack
from brief.cli import app
from brief.cli.base import EXIT_USER_ERROR
from brief.exceptions import BriefError, ProjectError
from brief.files import replace_file
from brief.letter import sandbox
from brief.letter.fill import Block, Value, build_context
from brief.letter.sandbox import GLOBALS, LimitError, limits
from brief.letter.templating import jinja_environment, open_template
from brief.notebook.collect import collect
from brief.project.params import load_params
from brief.project.paths import ProjectPaths
from brief.records import Gap
from brief.review.pages import excel_csv
from tests.conftest import copy_example

runner = CliRunner()
slow = pytest.mark.slow


def cli(project: ProjectPaths, *args: str):
    return runner.invoke(app, [*args, "--project", str(project.root)])


def tree_state(folder: Path, skip: str | None = "outputs") -> dict[str, str]:
    """Return every file under ``folder`` (but ``skip``) with the hash of its bytes."""
    state = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if skip and relative.parts[0] == skip or path.is_dir():
            continue
        data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
        state[relative.as_posix()] = hashlib.sha256(data).hexdigest()
    return state


@pytest.fixture
def built_copy(built, tmp_path) -> ProjectPaths:
    """A copy of the built example, outputs included: a template change refills the letter
    without running a notebook."""
    target = tmp_path / "project"
    shutil.copytree(built["paths"].root, target, symlinks=True)
    return ProjectPaths(target)


def with_paragraph(project: ProjectPaths, text: str) -> None:
    """Add a paragraph holding ``text`` to the end of the project's template."""
    document = docx.Document(project.default_template)
    document.add_paragraph(text)
    document.save(project.default_template)


# --- 1. The template sees only inert data -------------------------------------------------


def walk(value, where: str, found: list[str], depth: int = 0) -> None:
    """Follow every non-underscore attribute and item of ``value``; add to ``found`` every
    place that holds anything callable or of a type that is not plain data."""
    if depth > 20:
        found.append(f"{where}: nested deeper than any letter's data")
        return
    if type(value) in sandbox.INERT_LEAVES:
        return
    if callable(value):
        found.append(f"{where}: callable {type(value).__name__}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            walk(item, f"{where}[{index}]", found, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            walk(item, f"{where}[{key!r}]", found, depth + 1)
        return
    if not isinstance(value, Value | Block | Gap):
        found.append(f"{where}: {type(value).__module__}.{type(value).__name__}")
    for name in dir(value):
        if not name.startswith("_"):
            walk(getattr(value, name), f"{where}.{name}", found, depth + 1)


def contexts_of(project: ProjectPaths, folder: Path, year: int, area: str | None):
    params = load_params(project.params_file(year), year)
    if area:
        params = params.model_copy(update={"onderwerp": f"{params.onderwerp}: {area}"})
    collection = collect(sorted((folder / "notebooks").glob("*.ipynb")))
    for marked in (False, True):
        template = open_template(project.default_template)
        yield build_context(template, params, collection, marked=marked)


@slow
def test_every_name_of_every_example_letter_is_inert_data(built, tmp_path):
    paths = built["paths"]
    letters = [(paths.year_dir(year), year, None) for year in (2022, 2023, 2024)]
    grid_project = copy_example(tmp_path / "grid")
    build_grid(grid_project, expand(grid_project, [2024], only=["area=Charlois"]), jobs=2)
    charlois = grid_project.outputs_dir / "gebied" / "charlois" / "2024"
    found: list[str] = []

    for folder, year, area in letters:
        for context in contexts_of(paths, folder, year, area):
            walk(context, str(year), found)
    for context in contexts_of(grid_project, charlois, 2024, "Charlois"):
        walk(context, "2024 Charlois", found)
        assert any(isinstance(v, Block) for v in context.values())  # figures were walked

    assert found == []


def test_a_template_can_call_only_its_documented_globals_filters_and_tests():
    env = jinja_environment()

    assert sorted(env.globals) == sorted(GLOBALS)
    assert {"getal", "euro_mln", "datum", "default", "upper"} <= set(env.filters)
    for name in ("lipsum", "cycler", "joiner"):
        with pytest.raises(jinja2.UndefinedError):
            env.from_string(f"{{{{ {name}() }}}}").render()


def test_what_brief_hands_the_template_refuses_anything_that_is_not_data():
    class Handle:
        def save(self, path):  # what python-docx's objects offer
            raise AssertionError("called")

    with pytest.raises(TypeError, match="not inert"):
        sandbox.inert({"figuur": Handle()})
    with pytest.raises(TypeError, match="not inert"):
        sandbox.inert({"lijst": [1, {"diep": Handle()}]})
    assert sandbox.inert({"d": dt.date(2024, 7, 12), "t": (1, "a")}) == {
        "d": dt.date(2024, 7, 12),
        "t": [1, "a"],
    }


FIGURE_ATTACKS = {
    "write through the template object": "{{ FIG.tpl.write_xml('TARGET') }}",
    "save the subdocument": "{{ FIG.subdocx.save('TARGET') }}",
    "read a file into the letter": "{{ FIG.tpl.replace_zipname('customXml/item1.xml', 'TARGET') }}",
    "a table's template": "{{ TAB.tpl.save('TARGET') }}",
    "the block's own XML": "{{ FIG._word_xml }}",
    "a value's print method": "{{ kinderwerk_pleinen._printed() }}",
    "a block printed through a filter": "{{ FIG|upper }}",
    "a block placed through a filter": "{{p FIG|upper }}",
    "a block joined to text": "{{p FIG ~ 'x' }}",
}


def _names(project: ProjectPaths) -> tuple[str, str]:
    collection = collect(sorted((project.year_dir(2023) / "notebooks").glob("*.ipynb")))
    figure = next(n for n, e in collection.items.items() if e.item.type == "figure")
    table = next(n for n, e in collection.items.items() if e.item.type == "table")
    return figure, table


@slow
@pytest.mark.parametrize("attack", list(FIGURE_ATTACKS))
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_template_cannot_reach_the_machine_through_figures_and_tables(
    built_copy, tmp_path, attack, command
):
    figure, table = _names(built_copy)
    target = tmp_path / "elsewhere" / "written.xml"
    target.parent.mkdir()
    letter = built_copy.year_dir(2023) / "brief-2023.docx"
    good = letter.read_bytes()
    text = FIGURE_ATTACKS[attack].replace("FIG", figure).replace("TAB", table)
    with_paragraph(built_copy, "Aanval: " + text.replace("TARGET", str(target)))
    before = tree_state(built_copy.root)

    result = cli(built_copy, command, "2023")

    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert "Traceback" not in result.output and "internal fault" not in result.output
    shown = " ".join(result.output.split())
    if "{{p" in text:  # docxtpl takes a {{p }} tag out of its paragraph: the tag is named
        assert f"'{figure}' is a figure or table: it can only be placed" in shown
        assert f"{figure} ~ 'x'" in shown or f"{figure}|upper" in shown
    else:
        assert 'In the body, at: "Aanval: ' in shown or 'Found in: "Aanval: ' in shown
    assert not target.exists() and list(target.parent.iterdir()) == []
    assert letter.read_bytes() == good
    assert tree_state(built_copy.root) == before  # nothing written outside outputs/


# --- 2. A template cannot hang a build or a check -----------------------------------------

HANGS = {
    "a power folded while compiling": ("{{ 9**(9**9) }}", "would make a number"),
    "loops inside loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "runs more than",
    ),
    "a 300 MB text": ("{{ 'x' * 300000000 }}", "would make a text or list"),
    "a doubling text": (
        "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s|length }}",
        "would make a text",
    ),
    "a filter asked for a huge width": ("{{ 'x'|center(10000000000) }}", "would make a width"),
    "a method asked for a huge width": ("{{ 'x'.ljust(10000000000) }}", "would make a width"),
    "a format asked for a huge width": ("{{ '%0999999999d' % 1 }}", "would make a width"),
    "a str.format asked for a huge width": ("{{ '{:>999999999}'.format(1) }}", "would make a"),
    "a number turned into a huge byte string": (
        "{{ (5).to_bytes(10000000000, 'big') }}",
        "would make a width",
    ),
    "everything printed adds up": (
        "{% for i in range(100000) %}{{ 'x'|center(999) }}{% endfor %}",
        "print more than",
    ),
}


@slow
@pytest.mark.parametrize("case", list(HANGS))
def test_a_template_that_would_run_away_is_stopped_naming_its_tag(built_copy, case):
    tag, reason = HANGS[case]
    letter = built_copy.year_dir(2023) / "brief-2023.docx"
    good = letter.read_bytes()
    with_paragraph(built_copy, f"Zwaar: {tag}")

    for command in ("check", "build"):
        result = cli(built_copy, command, "2023")

        shown = " ".join(result.output.split())
        assert result.exit_code == EXIT_USER_ERROR, result.output
        assert "would do more work than any letter needs" in shown
        assert reason in shown
        assert 'In the body, at: "Zwaar: ' in shown
    assert letter.read_bytes() == good


def test_filling_stops_at_its_time_limit(monkeypatch):
    # The clock is driven by the test: every reading is a second later than the last.
    clock = iter(range(10**9))
    monkeypatch.setattr(sandbox.time, "monotonic", lambda: float(next(clock)))
    env = jinja_environment()

    with pytest.raises(LimitError, match="took longer than 30 seconds"), limits(30):
        env.from_string("{% for i in range(100000) %}{{ i }}{% endfor %}").render()


def test_the_time_limit_comes_from_brief_yaml(project):
    settings = project.settings_file
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("bouwen:\n", "bouwen:\n  vul_timeout: 5\n"),
        encoding="utf-8",
    )

    assert project.settings().bouwen.vul_timeout == 5


# --- 3. Files for reviewers are safe to open ---------------------------------------------


def test_chart_data_for_excel_cannot_start_a_formula():
    data = (
        'area,value,note\n=HYPERLINK("http://x.example/?"&A1;"Charlois"),-12.5,@SUM(A1)\n'
        "+31 10,1e3,\tx\n-inf,-0,-cmd|' /C calc'!A0\n"
    )

    rows = list(csv.reader(io.StringIO(excel_csv(data)), delimiter=";"))

    assert rows[1][0] == '\'=HYPERLINK("http://x.example/?"&A1;"Charlois")'
    assert rows[1][1:] == ["-12,5", "'@SUM(A1)"]  # a negative number stays a number
    assert rows[2] == ["'+31 10", "1e3", "'\tx"]
    assert rows[3][0:2] == ["'-inf", "-0"]
    assert rows[3][2].startswith("'-cmd")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


@slow
def test_no_link_on_the_review_page_can_run_script(built_copy):
    name = 'javascript:alert(document.domain)<!--" onmouseover="x.docx'
    shutil.copy(built_copy.default_template, built_copy.templates_dir / name)

    result = cli(
        built_copy, "build", "2023", "--review", "--template", str(built_copy.templates_dir / name)
    )

    assert result.exit_code == 0, result.output
    parser = Links()
    parser.feed((built_copy.year_dir(2023) / "index.html").read_text(encoding="utf-8"))
    assert parser.found
    for link in parser.found:  # every link is a relative path: it has no scheme to run
        assert urlsplit(link).scheme == "" or link.startswith("data:image/png;base64,"), link
        assert '"' not in link and "<" not in link, link
    assert any(link.startswith("javascript%3Aalert") for link in parser.found)


@slow
def test_changes_md_shows_data_text_without_running_it(built_copy):
    areas = built_copy.data_dir / "gebieden.csv"
    text = areas.read_text(encoding="utf-8")
    attack = "<img src=x onerror=alert(1)> [klik](javascript:alert(2))"
    areas.write_text(text.replace("DIA Rozenburg", attack, 1), encoding="utf-8")

    result = cli(built_copy, "build", "2023")

    assert result.exit_code == 0, result.output
    report = (built_copy.year_dir(2023) / "changes.md").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; \\[klik\\](javascript:alert(2))" in report
    assert "<img" not in report and "[klik](" not in report  # no tag, no link


# --- 4. Paths and links --------------------------------------------------------------------


def test_a_file_brief_replaces_is_never_written_through_a_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    link = tmp_path / "outputs" / ".2023.lock-holder"
    link.parent.mkdir()
    link.symlink_to(victim)

    replace_file(link, "process 1, since 10:00:00")

    assert victim.read_text(encoding="utf-8") == "keep"
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("process 1")


@pytest.mark.parametrize(
    "link", ["outputs/.2023.lock-holder", "outputs/.2023.lock", "outputs/.history", "outputs"]
)
def test_a_link_where_brief_writes_is_named_as_the_projects_problem(project, tmp_path, link):
    victim = tmp_path / "victim"
    victim.mkdir() if link in ("outputs", "outputs/.history") else victim.write_text("keep")
    path = project.root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(victim)
    before = tree_state(tmp_path, skip="project")

    result = cli(project, "build", "2023")

    shown = " ".join(result.output.split())
    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert f"{link} is a link (to {victim})" in shown
    assert "remove the link" in shown
    assert tree_state(tmp_path, skip="project") == before


def test_a_data_file_linked_outside_the_project_is_refused_locally_and_for_a_cluster(
    project, tmp_path
):
    outside = tmp_path / "elders.csv"
    shutil.copy(project.data_dir / "jeugd.csv", outside)
    (project.data_dir / "jeugd.csv").unlink()
    (project.data_dir / "jeugd.csv").symlink_to(outside)

    result = cli(project, "build", "2023")
    with pytest.raises(ProjectError) as shipped:
        pack(project, project.areas_file)

    message = "data/jeugd.csv lies outside the project folder"
    assert result.exit_code == EXIT_USER_ERROR and message in " ".join(result.output.split())
    assert message in str(shipped.value)
    assert not project.outputs_dir.joinpath("2023").exists()


def test_an_areas_file_outside_the_project_is_refused_locally_and_for_a_cluster(project, tmp_path):
    shutil.copy(project.data_dir / "gebieden.csv", tmp_path / "gebieden.csv")
    settings = project.settings_file
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("gebieden: data/", "gebieden: ../"), encoding="utf-8")

    local = cli(project, "build", "2024", "--per", "area")
    with pytest.raises(BriefError) as shipped:
        pack(project, project.root / "../gebieden.csv")

    assert local.exit_code == EXIT_USER_ERROR, local.output
    assert "../gebieden.csv lies outside the project folder" in " ".join(local.output.split())
    assert "gebieden.csv lies outside the project folder" in str(shipped.value)


# --- 5. Parsing limits: the user's input named as the user's to fix -------------------------

BOMB = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_a_yaml_bomb_in_brief_yaml_stops_no_command_and_is_named(project):
    project.settings_file.write_text(BOMB, encoding="utf-8")

    helped = cli(project, "build", "--help")
    built = cli(project, "build", "2023")

    assert helped.exit_code == 0
    assert built.exit_code == EXIT_USER_ERROR, built.output
    assert "brief.yaml cannot be read at line 2" in " ".join(built.output.split())
    assert "a YAML alias" in built.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, "2023.yaml cannot be read at line 2"),
        ("a: &a [*a]\n", "2023.yaml cannot be read at line 1"),
        ("jaar: " + "[" * 50_000 + "]" * 50_000 + "\n", "2023.yaml is nested too deeply"),
        ("onderwerp: 'x'\n" * 1 + "#" * 1_100_000 + "\n", "2023.yaml is 1,100 kB"),
    ],
)
def test_a_params_file_that_would_run_away_is_named(project, text, expected):
    project.params_file(2023).write_text(text, encoding="utf-8")

    result = cli(project, "build", "2023")

    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert expected in " ".join(result.output.split())


def test_control_characters_in_params_are_named_not_a_fault(project):
    path = project.params_file(2023)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kenmerk: M2312-1203", 'kenmerk: "M2312\\x011203"'), "utf-8")

    result = cli(project, "build", "2023")

    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert "2023.yaml, 'kenmerk': the text holds an invisible control character (U+0001)" in (
        " ".join(result.output.split())
    )


def _rewritten(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    with (
        zipfile.ZipFile(source) as package,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in package.infolist():
            data = change.get(info.filename, package.read(info.filename))
            out.writestr(info.filename, data)


def test_a_damaged_template_is_named_by_check_and_build(project):
    template = project.default_template
    with zipfile.ZipFile(template) as package:
        half = package.read("word/document.xml")[:5000]
    _rewritten(template, project.templates_dir / "kapot.docx", {"word/document.xml": half})
    shutil.move(project.templates_dir / "kapot.docx", template)

    for command in ("check", "build"):
        result = cli(project, command, "2023")

        assert result.exit_code == EXIT_USER_ERROR, result.output
        assert "The template brief.docx is damaged" in " ".join(result.output.split())


def test_a_template_zip_bomb_is_refused_before_it_is_unpacked(project):
    bomb = project.templates_dir / "bom.docx"
    with (
        zipfile.ZipFile(project.default_template) as package,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in package.infolist():
            out.writestr(info.filename, package.read(info.filename))
        with out.open("word/document2.xml", "w") as member:
            for _ in range(100):
                member.write(b" " * 1_000_000)

    assert bomb.stat().st_size < 1_000_000
    result = cli(project, "check", "2023", "--template", str(bomb))

    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert "The template bom.docx unpacks to 100 MB" in " ".join(result.output.split())


def test_a_workbook_zip_bomb_is_refused_naming_the_file(project, monkeypatch):
    from brief.notebook import data
    from brief.notebook.data import load_data

    monkeypatch.setattr(data, "MAX_XLSX_UNPACKED", 25_000_000)  # the rule, at a tenth the size
    workbook = project.data_dir / "jeugd.xlsx"
    (project.data_dir / "jeugd.csv").unlink()
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        with out.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(26):
                member.write(b" " * 1_000_000)

    with pytest.raises(BriefError, match="jeugd.xlsx unpacks to 26 MB"):
        load_data("jeugd", project)


def test_an_empty_cell_at_the_end_of_an_areas_row_is_no_fault(project):
    from brief.notebook.data import area_names

    areas = project.data_dir / "gebieden.csv"
    areas.write_text(areas.read_text(encoding="utf-8") + "Nieuwegein,Iemand\n", encoding="utf-8")

    assert "Nieuwegein" in area_names(project).names


def _template_taking_from_outside(project: ProjectPaths, how: str) -> Path:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document(project.default_template)
    if how == "linked picture":
        document.part.relate_to(
            "file:///etc/passwd",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
            is_external=True,
        )
    else:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f'{how} "/etc/passwd"')
        document.add_paragraph("Bijlage: ")._p.append(field)
    path = project.templates_dir / "buiten.docx"
    document.save(path)
    return path


@pytest.mark.parametrize("how", ["linked picture", "INCLUDETEXT", "INCLUDEPICTURE", "DDEAUTO"])
def test_a_template_that_takes_content_from_outside_itself_is_refused(project, how):
    template = _template_taking_from_outside(project, how)

    result = cli(project, "check", "2023", "--template", str(template))

    shown = " ".join(result.output.split())
    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert "The template buiten.docx takes content from outside itself:" in shown
    assert "/etc/passwd" in shown
