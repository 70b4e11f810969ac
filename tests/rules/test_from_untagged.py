import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD003"


@pytest.mark.parametrize("image", ["ubuntu", "library/ubuntu", "host:5000/img", "ghcr.io/org/app",
                                   "localhost:5000/team/app"])
def test_untagged_flagged(image: str) -> None:
    found = findings(RULE, f"FROM {image}\n")
    assert [f.line for f in found] == [1]
    assert f"{image!r}" in found[0].message


@pytest.mark.parametrize("image", ["ubuntu:24.04", "ubuntu@sha256:" + "b" * 64, "scratch", "SCRATCH",
                                   "host:5000/img:1.0", "ubuntu:latest"])
def test_not_flagged(image: str) -> None:
    assert lines(RULE, f"FROM {image}\n") == []


def test_arg_default_substituted() -> None:
    assert lines(RULE, "ARG BASE=ubuntu\nFROM ${BASE}\n") == [2]
    assert lines(RULE, "ARG BASE=ubuntu:24.04\nFROM $BASE\n") == []
    assert lines(RULE, "ARG BASE\nFROM $BASE\n") == []


def test_earlier_stage_case_insensitive() -> None:
    assert lines(RULE, "FROM ubuntu:24.04 AS Build\nFROM build\n") == []


def test_later_stage_name_is_an_image() -> None:
    # `FROM app` before a stage named app pulls the image `app`.
    assert lines(RULE, "FROM app AS x\nFROM alpine:3.19 AS app\n") == [1]


def test_a_variable_registry_does_not_hide_the_tag():
    assert lines(RULE, "ARG REGISTRY\nFROM ${REGISTRY}/ubuntu\n") == [2]
    assert lines(RULE, "ARG REGISTRY=ghcr.io\nFROM $REGISTRY/org/app\n") == [2]
    assert lines(RULE, "ARG REGISTRY\nFROM ${REGISTRY}/ubuntu:24.04\n") == []
    # A variable in the repository or tag part can be the tag itself.
    assert lines(RULE, "ARG IMAGE\nFROM registry.example.com/${IMAGE}\n") == []
    assert lines(RULE, "ARG REGISTRY\nARG TAG\nFROM ${REGISTRY}/ubuntu$TAG\n") == []


def test_an_undeclared_variable_is_empty():
    # BuildKit expands a name no global ARG declares to nothing: this pulls `alpine`.
    assert lines(RULE, "FROM alpine$TAG\n") == [1]
    assert lines(RULE, "FROM alpine:${TAG:-3.20}\n") == []
    assert lines(RULE, "ARG TAG\nFROM alpine$TAG\n") == []
