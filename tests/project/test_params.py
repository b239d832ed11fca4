import datetime as dt

import pytest

from brief.exceptions import ParamsError
from brief.project.params import load_params, read_yaml

VALID = """\
jaar: 2023
datum: 2024-07-12
kenmerk: M2312-1203
commissie: commissie Zorg, Welzijn en Sport
onderwerp: Voortgangsbrief welzijn 2023
ondertekening:
  naam: A. Wethouder
  functie: Wethouder Welzijn
"""


def write(tmp_path, text, name="2023.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads(tmp_path):
    params = load_params(write(tmp_path, VALID), 2023)

    assert params.datum == dt.date(2024, 7, 12)
    assert params.ondertekening.naam == "A. Wethouder"


def test_dates_stay_as_written_when_read(tmp_path):
    document = read_yaml(write(tmp_path, VALID))

    assert document["datum"] == "2024-07-12"


def test_misspelt_key_is_named_with_suggestion(tmp_path):
    path = write(tmp_path, VALID.replace("kenmerk:", "kenmrek:"))

    with pytest.raises(ParamsError) as caught:
        load_params(path, 2023)

    message = str(caught.value)
    assert "unknown key 'kenmrek'" in message
    assert "Did you mean 'kenmerk'?" in message
    assert "'kenmerk' is missing" in message


def test_misspelt_nested_key_suggests_nested_name(tmp_path):
    path = write(tmp_path, VALID.replace("  naam:", "  name:"))

    with pytest.raises(ParamsError, match="Did you mean 'naam'"):
        load_params(path, 2023)


def test_year_must_match_file_name(tmp_path):
    path = write(tmp_path, VALID, name="2024.yaml")

    with pytest.raises(ParamsError, match="says 'jaar: 2023', but its name says 2024"):
        load_params(path, 2024)


def test_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(ParamsError, match="There is no params file for 2031"):
        load_params(tmp_path / "2031.yaml", 2031)


def test_bad_date_says_the_format(tmp_path):
    path = write(tmp_path, VALID.replace("2024-07-12", "12 juli 2024"))

    with pytest.raises(ParamsError, match="YYYY-MM-DD"):
        load_params(path, 2023)


def test_broken_yaml_gives_line(tmp_path):
    path = write(tmp_path, VALID + "teksten: [unclosed\n")

    with pytest.raises(ParamsError) as caught:
        load_params(path, 2023)

    message = str(caught.value)
    assert "cannot be read at line" in message
    assert "a [ or { opens a list here that is not closed" in message
    assert "| teksten: [unclosed\n" in message  # the line quoted, the column marked below
    assert message.splitlines()[-1].strip() == "^"


def test_pydantic_messages_are_pydantics_own_words_in_english():
    import datetime as dt
    from typing import Literal

    from pydantic import BaseModel, Field, ValidationError

    from brief.i18n import speaking
    from brief.project.params import PYDANTIC_MESSAGES, pydantic_message

    class Everything(BaseModel):
        whole: int = Field(ge=2000, le=2100)
        fraction: int = 0
        number: float = 0
        text: str = Field("x", min_length=2)
        choice: Literal["afgedaan", "loopt"] = "loopt"
        group: dict[str, str] = {}
        items: list[str] = []
        flag: bool = False
        day: dt.date = dt.date(2024, 1, 1)
        more: int = Field(1, gt=0, lt=10)

    attempts = [
        {"whole": "veel", "number": "x", "text": 3, "choice": "open", "group": [1], "items": "a"},
        {"whole": 1999, "fraction": 1.5, "text": "a", "flag": "misschien", "more": 0},
        {"whole": 2101, "more": 10, "day": [1]},
        {"whole": 3.0, "number": [1], "fraction": [1]},
    ]
    errors = []
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            Everything.model_validate(attempt)
        errors += caught.value.errors()
    kinds = {error["type"] for error in errors}

    with speaking("en"):
        for error in errors:
            assert pydantic_message(error) == error["msg"], error["type"]
    assert kinds >= set(PYDANTIC_MESSAGES) - {"model_type", "date_type"}
    assert "string_too_short" in kinds
