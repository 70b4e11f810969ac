from tests.rules.helpers import lines

RULE = "CSD034"


def test_flagged_once() -> None:
    assert lines(RULE, "# comment\nRUN apk add curl\nENV A=1\nFROM alpine:3.19\n") == [2]


def test_from_or_arg_first_passes() -> None:
    assert lines(RULE, "# syntax=docker/dockerfile:1\n# c\nFROM alpine:3.19\nRUN true\n") == []
    assert lines(RULE, "ARG V=3.19\nARG X\nFROM alpine:${V}\n") == []


def test_arg_then_other() -> None:
    assert lines(RULE, "ARG V=3.19\nLABEL a=b\nFROM alpine:${V}\n") == [2]
