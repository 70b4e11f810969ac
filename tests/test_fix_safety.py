"""A fix changes only what its rule is about: the other instructions, and what later steps rely on, stay.

For every fixable rule, its bad example is put between other RUNs (and stages) and fixed; every instruction
the rule did not flag must come out byte for byte as it was. The fixes whose effect reaches later
instructions (the apt lists a later install reads, a CMD a later stage appends to an ENTRYPOINT) are held
back where that would change the build.
"""

from __future__ import annotations

import pytest

from containersec.build.engine import lint_text
from containersec.build.fix import fix_text
from containersec.catalogue import Rule, all_rules
from containersec.config import Config
from containersec.dockerfile.parse import parse_dockerfile
from containersec.findings import Stage

FIXABLE = [rule for rule in all_rules(Stage.BUILD) if rule.fixable]
# Other instructions around the example, so a fix has neighbours it must leave alone.
BEFORE = "FROM debian:12 AS base\nRUN apt-get update\nRUN echo before\n"
AFTER = "RUN apt-get install -y curl\nRUN echo after\nFROM base\nRUN apt-get install -y wget\nCMD [\"app\"]\n"


def fixed(text: str, rule: Rule) -> tuple[str, list[int]]:
    """The text after fixing `rule`'s findings, and the lines the rule reported before the fix."""
    config = Config(select=[rule.id])
    report = lint_text(text, "Dockerfile", config)
    new_text, _ = fix_text(text, "Dockerfile", config, report.findings, len(report.errors))
    return new_text, [f.line for f in report.findings]


def instructions(text: str) -> list[tuple[int, str]]:
    return [(i.line, text[i.start:i.end]) for i in parse_dockerfile(text).instructions]


def test_every_fixable_rule_is_exercised() -> None:
    assert len(FIXABLE) >= 10


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda rule: rule.id)
def test_a_fix_leaves_every_instruction_it_did_not_flag(rule: Rule) -> None:
    example = "\n".join(line for line in rule.bad.split("\n") if not line.startswith("FROM "))
    text = BEFORE + example + "\n" + AFTER
    new_text, flagged = fixed(text, rule)
    assert flagged, "the example must be found between other instructions"
    assert new_text != text, "the example's finding must be fixed"
    before, after = instructions(text), instructions(new_text)
    assert len(before) == len(after)
    shift = 0
    for (line, old), (_, new) in zip(before, after, strict=True):
        if line not in flagged and not any(line <= f <= line + old.count("\n") for f in flagged):
            assert old == new, (rule.id, line)
        shift += new.count("\n") - old.count("\n")
    assert shift == 0, "a fix must not add or remove lines"


def test_apt_lists_stay_when_a_later_run_installs_from_them() -> None:
    rule = next(r for r in FIXABLE if r.id == "CSD047")
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n"
    new_text, flagged = fixed(text, rule)
    # One finding, on the update that wrote the lists; the install reads them, so no fix may remove them (and
    # removing them in the install's RUN would not take them out of the update's layer): merge the RUNs.
    assert flagged == [2]
    assert new_text == text


def test_apt_lists_may_go_when_a_later_run_updates_them_again_first() -> None:
    rule = next(r for r in FIXABLE if r.id == "CSD047")
    text = ("FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl "
            "&& rm -rf /var/lib/apt/lists/*\n")
    new_text, flagged = fixed(text, rule)
    assert flagged == [2]
    assert new_text.split("\n")[1] == "RUN apt-get update && rm -rf /var/lib/apt/lists/*"


@pytest.mark.parametrize("later", [
    "FROM base\nRUN apt-get install -y wget\n",  # a stage built on this one
    "FROM base AS child\nFROM child\nRUN aptitude install -y wget\n",  # through another stage
    "ONBUILD RUN apt-get install -y wget\nFROM base\n",  # a trigger that runs in the child
])
def test_apt_lists_stay_for_stages_built_on_this_one(later: str) -> None:
    rule = next(r for r in FIXABLE if r.id == "CSD047")
    text = "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\n" + later
    new_text, flagged = fixed(text, rule)
    assert 2 in flagged
    assert new_text.split("\n")[1] == "RUN apt-get update && apt-get install -y curl"


def test_apt_lists_removed_when_later_runs_update_first_or_do_not_use_apt() -> None:
    rule = next(r for r in FIXABLE if r.id == "CSD047")
    text = ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
            "RUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*\nRUN echo done\n")
    new_text, _ = fixed(text, rule)
    assert new_text.split("\n")[1].endswith("&& rm -rf /var/lib/apt/lists/*")


def test_entrypoint_stays_shell_form_when_a_later_stage_sets_cmd() -> None:
    rule = next(r for r in FIXABLE if r.id == "CSD028")
    text = "FROM alpine:3.20 AS base\nENTRYPOINT /usr/bin/app serve\nFROM base\nCMD [\"--debug\"]\n"
    new_text, flagged = fixed(text, rule)
    # Exec form would append the child's CMD to the ENTRYPOINT; shell form ignores it.
    assert flagged == [2] and new_text == text
    alone = "FROM alpine:3.20\nENTRYPOINT /usr/bin/app serve\n"
    assert fixed(alone, rule)[0] == 'FROM alpine:3.20\nENTRYPOINT ["/usr/bin/app", "serve"]\n'
