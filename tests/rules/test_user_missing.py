from tests.rules.helpers import findings, lines

RULE = "CSD029"


def test_no_user_at_all() -> None:
    found = findings(RULE, "FROM alpine:3.19\nRUN true\n")
    assert [f.line for f in found] == [1]
    assert "no USER" in found[0].message


def test_any_user_satisfies_it_even_root() -> None:
    # An explicit root user is CSD001's finding; this rule is about the missing USER.
    assert lines(RULE, "FROM alpine:3.19\nUSER root\n") == []
    assert lines(RULE, "FROM alpine:3.19\nUSER 10001\n") == []
    assert lines(RULE, "FROM alpine:3.19\nARG U\nUSER $U\n") == []


def test_user_only_in_builder_stage_does_not_count() -> None:
    text = """
        FROM golang:1.22 AS build
        USER app
        FROM alpine:3.19
        COPY --from=build /app /app
        """
    assert lines(RULE, text) == [3]


def test_user_inherited_from_parent_stage() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS base\nUSER app\nFROM base\nRUN true\n") == []


def test_scratch_final_stage_without_user_is_flagged() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS b\nFROM scratch\nCOPY --from=b /x /x\n") == [2]


def test_peer_aliases_select_it() -> None:
    for alias in ("CKV_DOCKER_3", "CIS-DI-0001", "DS002"):
        assert lines(alias, "FROM alpine:3.19\nRUN true\n") == [1], alias


def test_onbuild_user_does_not_count() -> None:
    # It only runs in the images built FROM this one.
    assert lines(RULE, "FROM alpine:3.19\nONBUILD USER app\n") == [1]


def test_a_parent_onbuild_user_fires_in_the_child():
    assert lines(RULE, "FROM alpine:3.19 AS base\nONBUILD USER 10001\nFROM base\nRUN true\n") == []
