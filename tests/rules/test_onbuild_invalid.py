from tests.rules.helpers import lines

RULE = "CSD031"


def test_invalid_triggers_flagged() -> None:
    text = "FROM alpine:3.19\nONBUILD ONBUILD RUN x\nONBUILD FROM alpine\nonbuild maintainer me\n"
    assert lines(RULE, text) == [2, 3, 4]


def test_valid_triggers_pass() -> None:
    assert lines(RULE, "FROM alpine:3.19\nONBUILD RUN make\nONBUILD COPY . /app\n") == []
