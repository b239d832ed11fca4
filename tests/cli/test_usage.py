"""The command line in the user's language: which language a command speaks, its help,
and what it says about a mistake in the command itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import yaml
from typer import rich_utils
from typer.testing import CliRunner

from brief import i18n
from brief.cli import app
from brief.cli.usage import HELP_OPTION, TYPER_WORDS, parser_message
from brief.i18n import speaking

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def machine(monkeypatch):
    """A machine where nothing names a language, so brief's default decides."""
    monkeypatch.delenv(i18n.LANGUAGE_VARIABLE)
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def run(project, *arguments: str) -> str:
    result = CliRunner().invoke(app, [*arguments, "--project", str(project.root)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    return " ".join(re.sub("[╭╮╰╯─│]", " ", result.output).split())


def test_a_command_speaks_dutch_when_nothing_names_a_language(machine, project):
    shown = run(project, "build", "2031")

    assert shown.startswith("Fout: Er is geen params-bestand voor 2031:")
    assert "Voer `brief new 2031` uit" in shown


def test_the_machine_locale_of_c_names_no_language(machine, project):
    machine.setenv("LANG", "C.UTF-8")

    assert run(project, "build", "2031").startswith("Fout: ")


@pytest.mark.parametrize(
    ("environment", "arguments", "settings", "language"),
    [
        ({}, ["--lang", "en"], None, "en"),
        ({}, ["--lang=en"], None, "en"),
        ({}, ["--lang", "English"], None, "en"),
        ({"BRIEF_LANG": "en"}, [], None, "en"),
        ({"BRIEF_LANG": "en"}, ["--lang", "nl"], None, "nl"),
        ({}, [], "en", "en"),
        ({"BRIEF_LANG": "nl"}, [], "en", "nl"),
        ({"LANG": "en_US.UTF-8"}, [], None, "en"),
        ({"LANG": "en_US.UTF-8"}, [], "nl", "nl"),
        ({"LANGUAGE": "en", "LANG": "nl_NL.UTF-8"}, [], None, "en"),
        ({"LANG": "nl_NL.UTF-8"}, [], None, "nl"),
    ],
)
def test_the_first_of_option_variable_settings_and_locale_decides(
    machine, project, environment, arguments, settings, language
):
    for variable, value in environment.items():
        machine.setenv(variable, value)
    if settings:
        path = project.settings_file
        path.write_text(path.read_text(encoding="utf-8") + f"taal: {settings}\n", "utf-8")

    shown = run(project, "build", "2031", *arguments)

    expected = {"nl": "Fout: Er is geen params-bestand", "en": "Error: There is no params file"}
    assert shown.startswith(expected[language])


def test_the_language_may_also_be_asked_before_the_command(machine, project):
    shown = run(project, "--lang", "en", "build", "2031")

    assert shown.startswith("Error: There is no params file for 2031:")


def test_a_language_brief_does_not_speak_is_refused_in_the_language_it_would_speak(
    machine, project
):
    shown = run(project, "build", "2023", "--lang", "fr")

    assert "Ongeldige waarde voor '--lang': brief spreekt nl (Nederlands), en (English)" in shown
    assert "niet 'fr'" in shown


def test_a_project_that_asks_for_a_language_brief_does_not_speak_is_told_so(machine, project):
    path = project.settings_file
    path.write_text(path.read_text(encoding="utf-8") + "taal: frans\n", encoding="utf-8")

    shown = run(project, "build", "2023")

    assert shown == (
        "Fout: brief.yaml heeft 1 probleem: - 'taal': brief spreekt nl (Nederlands), "
        "en (English); schrijf een van deze, niet 'frans'."
    )


def shown_help(*arguments: str) -> str:
    result = CliRunner().invoke(app, [*arguments, "--help"])
    assert result.exit_code == 0, result.output
    return " ".join(re.sub("[╭╮╰╯─│]", " ", result.output).split())


def test_help_is_in_the_language_spoken(machine, project):
    dutch = shown_help("build")
    english = shown_help("build", "--lang", "en")

    assert "Gebruik: root build" in dutch  # CliRunner names the program "root"
    assert "Opties" in dutch and "Voer elk notebook opnieuw uit" in dutch
    assert "Toon deze hulp en stop." in dutch
    assert "Usage: root build" in english
    assert "Options" in english and "Rerun every notebook, even if nothing changed." in english
    assert "Show this message and exit." in english


def test_help_shows_what_an_option_takes_in_words_of_the_language(machine):
    dutch = shown_help("build")
    assert "--gebieden GEBIED,GEBIED,..." in shown_help("init")
    english = shown_help("build", "--lang", "en")  # --lang en stays for this process

    for typed in ("<bool>", "<str>", "<int>", "<path>", "<list[str]>"):
        assert typed not in dutch and typed not in english
    assert "--force Voer elk notebook opnieuw uit" in dutch  # a flag: nothing between
    assert "--only gebied=NAAM Alleen deze brief uit de reeks: --only gebied=NAAM" in dutch
    assert "--per gebied Ook een brief per gebied: --per gebied." in dutch
    assert "--project MAP" in dutch and "--jobs -j AANTAL" in dutch
    assert "--only area=NAME Only this letter of the grid: --only area=NAME" in english
    assert "--per area Also a letter per area" in english
    assert "--project FOLDER" in english and "--lang nl|en" in english


def test_the_dutch_and_english_area_words_both_build_a_grid(machine, project):
    for per in ("gebied", "area"):
        shown = run(project, "build", "2031", "--per", per, "--only", "gebied=Charlois")

        assert shown.startswith("Fout: 2031 Charlois: Er is geen params-bestand voor 2031"), shown
    assert "Een reeks bouw je met --per gebied." in run(project, "build", "--per", "wijk")


def test_the_command_list_is_in_the_language_spoken(machine):
    dutch = shown_help()

    assert "Opdrachten" in dutch
    assert "Begin een jaar" in dutch


MISTAKES = {
    "an option misspelt": (
        ["build", "--pfd"],
        "De optie --pfd bestaat niet (bedoel je een van deze: --pdf, --per?)",
        "No such option: --pfd (Possible options: --pdf, --per)",
    ),
    "a missing argument": (
        ["new"],
        "Het argument 'year' ontbreekt.",
        "Missing argument 'year'.",
    ),
    "no kernels at all": (
        ["build", "--jobs", "0"],
        "Ongeldige waarde voor '--jobs' / '-j': Geef 1 of meer",
        "Invalid value for '--jobs' / '-j': Input should be greater than or equal to 1",
    ),
    "a word for a number": (
        ["build", "--timeout", "lang"],
        "Ongeldige waarde voor '--timeout': Schrijf een geheel getal; dit is geen getal",
        "Invalid value for '--timeout': Input should be a valid integer, unable to parse "
        "string as an integer",
    ),
    "a command that does not exist": (
        ["bouw"],
        "De opdracht 'bouw' bestaat niet.",
        "No such command 'bouw'.",
    ),
    "too many arguments": (
        ["diff", "2023", "2024"],
        "Onverwacht extra argument (2024)",
        "Got unexpected extra argument(s) (2024)",
    ),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_a_mistake_in_the_command_is_told_in_the_language_spoken(machine, project, case):
    arguments, dutch, english = MISTAKES[case]

    in_dutch = run(project, *arguments)
    in_english = run(project, *arguments, "--lang", "en")

    assert in_dutch.startswith("Gebruik: ")
    assert "voor hulp. Fout " + dutch in in_dutch
    assert in_english.startswith("Usage: ")
    assert "for help. Error " + english in in_english


@pytest.mark.parametrize("case", list(MISTAKES))
def test_in_english_a_mistake_reads_as_typer_itself_writes_it(project, case):
    arguments = [*MISTAKES[case][0], "--project", str(project.root)]
    command = typer.main.get_command(app)

    with pytest.raises(typer._click.exceptions.UsageError) as caught:
        command.main(arguments, standalone_mode=False)

    with speaking("en"):
        assert parser_message(caught.value) == caught.value.format_message()


def test_the_words_taken_from_typer_are_still_typers():
    typer_folder = Path(typer.__file__).parent
    rich_source = (typer_folder / "rich_utils.py").read_text(encoding="utf-8")
    decorators = (typer_folder / "_click" / "decorators.py").read_text(encoding="utf-8")

    for name, message in TYPER_WORDS.items():
        assert f'{name} = _("{message}")' in rich_source
        assert hasattr(rich_utils, name)
    assert f'help="{HELP_OPTION}"' in decorators


def test_init_writes_the_settings_that_name_the_language_option(tmp_path):
    result = CliRunner().invoke(
        app,
        ["init", str(tmp_path / "u"), "--organisatie", "Gemeente U", "--stad", "U"]
        + ["--gebieden", "A,B", "--lang", "en"],
    )

    settings = (tmp_path / "u" / "brief.yaml").read_text(encoding="utf-8")
    assert result.exit_code == 0, result.output
    assert "# taal: the language of brief's messages, nl or en" in settings
    assert "taal" not in yaml.safe_load(settings)  # Dutch, unless someone asks otherwise
