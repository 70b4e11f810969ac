import pytest

from tests.rules.helpers import lines

RULE = "CSD019"


@pytest.mark.parametrize("path", ["app", "./app", '"app"', "../x"])
def test_relative_flagged(path: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nWORKDIR {path}\n") == [2]


@pytest.mark.parametrize("path", ["/app", '"/app"', "'/app'", "$HOME/app", "${APP_DIR}", "C:\\\\app", "c:/app"])
def test_absolute_passes(path: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nWORKDIR {path}\n") == []


def test_onbuild() -> None:
    assert lines(RULE, "FROM alpine:3.19\nONBUILD WORKDIR app\n") == [2]


def test_backslash_is_a_path_character_under_a_backtick_escape():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\nWORKDIR \\\\srv\\s\n"
    assert lines(RULE, text) == []
    assert lines(RULE, "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR app\\src\n") == [3]
