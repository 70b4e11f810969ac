import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD001"


@pytest.mark.parametrize("user", ["root", "0", "root:root", "0:0", "root:staff", "'root'"])
def test_last_user_root_in_final_stage(user: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nUSER app\nUSER {user}\n") == [3]


def test_no_user_at_all_is_user_missing_not_root_user() -> None:
    # As hadolint's DL3002: only an explicit root user is this rule's concept.
    assert lines(RULE, "FROM alpine:3.19\nRUN true\n") == []
    assert lines("DL3002", "FROM alpine:3.19\nRUN true\n") == []
    assert lines("CSD029", "FROM alpine:3.19\nRUN true\n") == [1]


def test_message_names_the_user() -> None:
    (found,) = findings(RULE, "FROM alpine:3.19\nUSER root:root\n")
    assert "'root:root'" in found.message


def test_builder_root_final_non_root_is_fine() -> None:
    text = """
        FROM golang:1.22 AS build
        USER root
        FROM alpine:3.19
        USER 10001
        """
    assert lines(RULE, text) == []


def test_user_inherited_from_parent_stage() -> None:
    text = """
        FROM alpine:3.19 AS base
        USER app
        FROM base
        RUN true
        """
    assert lines(RULE, text) == []


def test_root_inherited_from_parent_stage_is_flagged_on_its_line() -> None:
    text = """
        FROM alpine:3.19 AS base
        USER 0
        FROM base
        RUN true
        """
    assert lines(RULE, text) == [2]


def test_final_stage_user_overrides_parent() -> None:
    text = """
        FROM alpine:3.19 AS base
        USER app
        FROM base
        USER root
        """
    assert lines(RULE, text) == [4]


def test_arg_substitution() -> None:
    assert lines(RULE, "FROM alpine:3.19\nARG U=root\nUSER $U\n") == [3]
    assert lines(RULE, "FROM alpine:3.19\nARG U=app\nUSER ${U}\n") == []
    assert lines(RULE, "ARG U=0\nFROM alpine:3.19\nUSER ${U}:0\n") == [3]


def test_unresolved_variable_not_judged() -> None:
    assert lines(RULE, "FROM alpine:3.19\nARG U\nUSER $U\n") == []


def test_rootless_names_are_not_root() -> None:
    assert lines(RULE, "FROM alpine:3.19\nUSER rootless\n") == []
    assert lines(RULE, "FROM alpine:3.19\nUSER 1000:0\n") == []



def test_a_parent_onbuild_root_user_fires_in_the_child() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS base\nUSER 10001\nONBUILD USER root\nFROM base\nRUN true\n") == [3]
