from tests.rules.helpers import lines

RULE = "CSD010"


def test_own_name_flagged_case_insensitive() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS App\nCOPY --from=app /x /x\n") == [2]


def test_own_index_flagged() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS a\nFROM alpine:3.19\nCOPY --from=1 /x /x\n") == [3]


def test_other_stage_passes() -> None:
    text = "FROM alpine:3.19 AS build\nFROM alpine:3.19 AS app\nCOPY --from=build /x /x\nCOPY --from=0 /y /y\n"
    assert lines(RULE, text) == []
