from tests.rules.helpers import lines

RULE = "CSD008"


def test_target_platform_flagged() -> None:
    text = "FROM --platform=$TARGETPLATFORM alpine:3.19\nFROM --platform=${TARGETPLATFORM} alpine:3.19\n"
    assert lines(RULE, text) == [1, 2]


def test_other_platforms_pass() -> None:
    text = "FROM --platform=$BUILDPLATFORM golang:1.22\nFROM --platform=linux/amd64 alpine:3.19\nFROM alpine\n"
    assert lines(RULE, text) == []
