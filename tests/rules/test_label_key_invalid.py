import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD120"


@pytest.mark.parametrize(
    "key",
    [
        "Version",
        "com.docker.tool",
        "io.docker.x",
        "org.dockerproject.y",
        "a..b",
        "a--b",
        "1abc",
        "abc-",
        "abc_",
        "my key",
        "a@b",
    ],
)
def test_invalid_keys_are_reported(key):
    assert lines(RULE, f'FROM alpine:3.20\nLABEL "{key}"="1"\n') == [2]


@pytest.mark.parametrize(
    "key",
    [
        "maintainer",
        "org.opencontainers.image.source",
        "com.example.tool-name",
        "a1",
        "vcs_ref",
        "com.example/tool",
        "x",
    ],
)
def test_valid_keys_pass(key):
    assert lines(RULE, f"FROM alpine:3.20\nLABEL {key}=1\n") == []


def test_reported_on_the_line_of_the_key_in_a_continued_label():
    text = """\
        FROM alpine:3.20
        LABEL org.opencontainers.image.title=app \\
              Description="an app" \\
              org.opencontainers.image.version=1.0
        """
    found = findings(RULE, text)
    assert [f.line for f in found] == [3]
    assert "'Description'" in found[0].message and "lower-case" in found[0].message


def test_onbuild_label_and_legacy_form_are_checked():
    assert lines(RULE, "FROM alpine:3.20\nONBUILD LABEL Team=core\nLABEL Owner core team\n") == [2, 3]


def test_key_from_a_variable_is_checked_after_substitution_and_skipped_when_unknown():
    text = "FROM alpine:3.20\nARG PREFIX=Com.Example\nARG OTHER\nLABEL ${PREFIX}.x=1 ${OTHER}.y=2\n"
    found = findings(RULE, text)
    assert [f.line for f in found] == [4]
    assert "Com.Example.x" in found[0].message


def test_runs_without_a_label_schema_and_message_names_the_reason():
    found = findings(RULE, "FROM alpine:3.20\nLABEL com.docker.extension=1\n")
    assert "reserved" in found[0].message and "com.docker." in found[0].message
