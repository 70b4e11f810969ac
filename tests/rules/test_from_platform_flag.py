from tests.rules.helpers import lines

RULE = "CSD007"


def test_fixed_platform_flagged() -> None:
    assert lines(RULE, "FROM --platform=linux/amd64 golang:1.22\n") == [1]


def test_variables_accepted() -> None:
    text = "ARG P=linux/arm64\nFROM --platform=$BUILDPLATFORM golang:1.22 AS b\nFROM --platform=${P} alpine:3.19\n"
    assert lines(RULE, text) == []


def test_no_flag() -> None:
    assert lines(RULE, "FROM alpine:3.19\n") == []
