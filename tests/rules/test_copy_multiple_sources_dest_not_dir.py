from tests.rules.helpers import lines

RULE = "CSD016"


def test_flagged() -> None:
    text = 'FROM alpine:3.19\nCOPY a b /app\nADD a b c /d\nCOPY ["a", "b", "/x"]\n'
    assert lines(RULE, text) == [2, 3, 4]


def test_passes() -> None:
    text = ("FROM alpine:3.19\nARG D\nCOPY a b /app/\nCOPY a /app\nCOPY a b $D\nCOPY --chown=1 a /x\n"
            "COPY a b C:\\\\dir\\\\\n")
    assert lines(RULE, text) == []


def test_env_resolved_destination() -> None:
    assert lines(RULE, "FROM alpine:3.19\nENV D=/app/\nCOPY a b $D\n") == []
    assert lines(RULE, "FROM alpine:3.19\nENV D=/app\nCOPY a b $D\n") == [3]
