from tests.rules.helpers import findings, lines

RULE = "CSD032"


def test_reference_to_earlier_pair_flagged() -> None:
    found = findings(RULE, "FROM alpine:3.19\nENV A=/app B=$A/bin C=${A}\n")
    assert [f.line for f in found] == [2, 2]
    assert "$A" in found[0].message


def test_reference_on_continuation_line() -> None:
    assert lines(RULE, "FROM alpine:3.19\nENV A=/app \\\n    B=$A/bin\n") == [3]


def test_separate_env_and_self_extension_pass() -> None:
    text = "FROM alpine:3.19\nENV A=/app\nENV B=$A/bin PATH=/x:$PATH\nENV C=1 D=$B\nENV E $E:x\n"
    assert lines(RULE, text) == []


def test_later_pair_not_a_reference() -> None:
    assert lines(RULE, "FROM alpine:3.19\nENV B=$A A=1\n") == []


def test_text_docker_does_not_expand_is_no_reference() -> None:
    text = "FROM alpine:3.19\nENV A=1 B='$A' C=\\$A D=\"x\\${A}\"\n"
    assert lines(RULE, text) == []
    assert lines(RULE, "FROM alpine:3.19\nENV A=1 B=\"$A\" C=${A:-0}\n") == [2, 2]


def test_backtick_escape() -> None:
    assert lines(RULE, "# escape=`\nFROM alpine:3.19\nENV A=C:\\app B=`$A\n") == []
    assert lines(RULE, "# escape=`\nFROM alpine:3.19\nENV A=C:\\app `\n    B=$A\\bin\n") == [4]
