from tests.rules.helpers import lines

RULE = "CSD012"


def test_reserved_names_flagged() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS scratch\nFROM alpine:3.19 AS Context\n") == [1, 2]


def test_other_names_pass() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS scratchpad\nFROM scratch\n") == []
