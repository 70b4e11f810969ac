import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD002"


@pytest.mark.parametrize("image", ["node:latest", "docker.io/library/node:latest", "host:5000/img:latest"])
def test_latest_flagged(image: str) -> None:
    found = findings(RULE, f"FROM {image}\n")
    assert [f.line for f in found] == [1]
    assert image in found[0].message


@pytest.mark.parametrize("image", ["node:20", "node", "node:latest@sha256:" + "a" * 64, "scratch", "host:5000/img"])
def test_not_flagged(image: str) -> None:
    assert lines(RULE, f"FROM {image}\n") == []


def test_arg_default_substituted() -> None:
    assert lines(RULE, "ARG TAG=latest\nFROM node:${TAG}\n") == [2]
    assert lines(RULE, "ARG TAG=20\nFROM node:${TAG}\n") == []


def test_unresolved_variable_skipped() -> None:
    assert lines(RULE, "ARG TAG\nFROM node:${TAG}\n") == []


def test_stage_alias_skipped_and_each_stage_checked() -> None:
    text = "FROM node:latest AS build\nFROM build\nFROM --platform=linux/amd64 alpine:latest AS x\n"
    assert lines(RULE, text) == [1, 3]


def test_lowercase_from() -> None:
    assert lines(RULE, "from node:latest\n") == [1]


def test_a_variable_registry_does_not_hide_latest():
    assert lines(RULE, "ARG REGISTRY\nFROM ${REGISTRY}/node:latest\n") == [2]
    assert lines(RULE, "ARG REGISTRY\nFROM ${REGISTRY}/node:20\n") == []
