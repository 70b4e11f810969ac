from tests.rules.helpers import findings, lines

RULE = "CSD025"
ONE = 'HEALTHCHECK CMD true'
TWO = 'HEALTHCHECK NONE'


def test_second_in_a_stage_flagged() -> None:
    found = findings(RULE, f"FROM alpine:3.19\n{ONE}\nRUN true\n{TWO}\n{TWO}\n")
    assert [f.line for f in found] == [4, 5]
    assert "line 2" in found[0].message


def test_one_per_stage_passes() -> None:
    assert lines(RULE, f"FROM alpine:3.19 AS a\n{ONE}\nFROM a\n{TWO}\n") == []


def test_onbuild_not_counted() -> None:
    assert lines(RULE, f"FROM alpine:3.19\n{ONE}\nONBUILD {TWO}\n") == []
