"""A file that does not begin with FROM (a fragment, a template) is checked by every rule, as hadolint does.

The instructions before the first FROM form a stage of their own, so the rules that look at stages (the
final image's user, its package caches, labels, ...) judge them as they would under a FROM.
"""

from __future__ import annotations

from collections import Counter

import pytest

from containersec.catalogue import all_rules
from containersec.findings import Stage
from tests.rules.helpers import lines
from tests.test_global_args import found

FIRST_NOT_FROM = "CSD034"
# What only a FROM line gives a rule to judge: the base image's digest and registry.
BASE_IMAGE_RULES = {"CSD004", "CSD005"}
FRAGMENTS = [rule for rule in all_rules(Stage.BUILD) if "FROM" not in rule.bad]


def test_most_examples_are_fragments() -> None:
    assert len(FRAGMENTS) > 50


@pytest.mark.parametrize("rule", FRAGMENTS, ids=lambda rule: rule.id)
def test_a_fragment_finds_what_it_finds_under_a_from(rule: object) -> None:
    bad = rule.bad + "\n"  # type: ignore[attr-defined]
    alone = Counter(r for r, _ in found(bad) if r != FIRST_NOT_FROM)
    under_from = Counter(r for r, line in found("FROM alpine:3.20\n" + bad)
                         if not (r in BASE_IMAGE_RULES and line == 1))
    assert alone == under_from
    assert rule.id in alone  # type: ignore[attr-defined]


def test_a_file_starting_with_run_gets_the_run_rules_and_the_order_finding() -> None:
    text = "RUN apt-get update && apt-get install -y curl\nFROM debian:12\n"
    assert lines(FIRST_NOT_FROM, text) == [1]
    assert lines("DL3008", text) == [1]
    # The fragment alone is the final image, so the apt lists it leaves behind ship.
    assert lines("DL3009", text.split("\n")[0]) == [1]


def test_onbuild_first_is_checked_like_its_trigger() -> None:
    assert lines("DL3004", "ONBUILD RUN sudo make install\n") == [1]


def test_global_args_do_not_start_a_stage() -> None:
    # Only ARGs before the first FROM: an ordinary file, whose final stage has the USER.
    text = "ARG BASE=alpine:3.20\nARG UID=10001\nFROM $BASE\nUSER $UID\n"
    assert lines("CSD029", text) == []
    assert lines(FIRST_NOT_FROM, text) == []


def test_the_stage_before_from_is_not_the_final_one() -> None:
    # The final image is the last FROM's stage: root in the fragment part does not make it root.
    assert lines("CSD001", "USER root\nFROM alpine:3.20\nUSER 10001\n") == []
    assert lines("CSD001", "USER 10001\nFROM alpine:3.20\nUSER root\n") == [3]


def test_messages_name_stages_as_buildkit_numbers_them() -> None:
    from tests.rules.helpers import findings

    text = "ENV API_TOKEN=x\nFROM alpine:3.20\nENV DB_PASSWORD=y\nFROM alpine:3.20\nUSER 10001\n"
    messages = [f.message for f in findings("CSD095", text)]
    assert "build stage before the first FROM's image" in messages[0]
    assert "build stage 0's image" in messages[1]
