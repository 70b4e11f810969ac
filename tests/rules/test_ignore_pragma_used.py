from containersec.catalogue import resolve
from tests.rules.helpers import lines

RULE = "CSD039"


def test_off_by_default() -> None:
    assert [r.enabled for r in resolve(RULE)] == [False]


def test_pragmas_flagged_when_selected() -> None:
    text = """
        # hadolint ignore=DL3008
        FROM alpine:3.19
        # containersec: ignore=CSD013 -- reason
        ADD a /b
        #checkov:skip=CKV_DOCKER_3
        # trivy:ignore:DS002
        # hadolint global ignore=DL3003
        RUN true
        """
    assert lines(RULE, text) == [1, 3, 5, 6, 7]


def test_exactly_the_comments_read_as_pragmas_are_flagged() -> None:
    text = """
        FROM alpine:3.19
        # containersec ignore=CSD013
        ADD a /b
        # hadolint ignore=DL3008 because the mirror pins it
        RUN true
        # containersec ignores nothing here
        RUN true
        """
    assert lines(RULE, text) == [2]


def test_malformed_own_and_expired_trivy_pragmas_are_still_flagged() -> None:
    text = "FROM alpine:3.19\n# containersec: ignore\nRUN true\n# trivy:ignore:DS002:exp:2000-01-01\nRUN true\n"
    assert lines(RULE, text) == [2, 4]


def test_ordinary_comments_pass() -> None:
    assert lines(RULE, "# ignore this image\nFROM alpine:3.19\n# hadolint is nice\n") == []
