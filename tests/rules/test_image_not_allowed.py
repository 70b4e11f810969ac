from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD006"


def allowed(*patterns: str) -> RuleOptions:
    return RuleOptions(allowed_images=list(patterns))


def test_off_without_configuration() -> None:
    assert lines(RULE, "FROM debian:12\n") == []


def test_normalised_reference_glob() -> None:
    options = allowed("docker.io/library/alpine:3.*")
    assert lines(RULE, "FROM alpine:3.19\nFROM docker.io/alpine:3.20\n", options=options) == []
    found = findings(RULE, "FROM debian:12\n", options=options)
    assert [f.line for f in found] == [1]
    assert "docker.io/library/debian:12" in found[0].message


def test_untagged_is_latest() -> None:
    assert lines(RULE, "FROM alpine\n", options=allowed("docker.io/library/alpine:3.*")) == [1]
    assert lines(RULE, "FROM alpine\n", options=allowed("docker.io/library/alpine:latest")) == []


def test_pattern_as_written() -> None:
    assert lines(RULE, "FROM ghcr.io/org/app:1\n", options=allowed("ghcr.io/org/*")) == []


def test_copy_from_image() -> None:
    text = "FROM alpine:3.19\nCOPY --from=busybox:1.36 /bin/busybox /bin/\n"
    assert lines(RULE, text, options=allowed("docker.io/library/alpine:*")) == [2]
