from __future__ import annotations

from datetime import date

import pytest

from containersec import catalogue
from containersec.findings import Severity
from containersec.suppress import Suppressions, build_suppressions

TEST_RULES = (
    {"id": "CSDT11", "slug": "test-one", "aliases": ("DL9011", "CKV_DOCKER_911", "DS911")},
    {"id": "CSDT12", "slug": "test-two", "aliases": ("DL9012",)},
    {"id": "CSDT13", "slug": "test-three", "aliases": ("CKV_DOCKER_911",)},
)


@pytest.fixture(autouse=True)
def rules() -> dict[str, catalogue.Rule]:
    catalogue.all_rules()  # load the built-in catalogue first, so the throwaway rules come on top
    for spec in TEST_RULES:
        catalogue.rule(severity=Severity.WARNING, summary="s", why="w", bad="b", good="g", **spec)(
            lambda dockerfile, options: ())
    yield {spec["id"]: catalogue._RULES[spec["id"]] for spec in TEST_RULES}
    for spec in TEST_RULES:
        catalogue._RULES.pop(spec["id"], None)


def scan(text: str, today: date | None = None) -> Suppressions:
    """Comment lines and instruction spans of a small Dockerfile (continuations end with a backslash)."""
    comments, spans = [], []
    start = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if start is None:
            if not stripped:
                continue
            if stripped.startswith("#"):
                comments.append((number, stripped))
                continue
            start, keyword = number, stripped.split()[0].upper()
        if not stripped.endswith("\\"):
            spans.append((start, number, keyword))
            start = None
    return build_suppressions(comments, spans, today=today)


def suppressed_lines(suppressions: Suppressions, rule: catalogue.Rule | str, last: int = 20) -> list[int]:
    return [line for line in range(1, last + 1) if suppressions.is_suppressed(rule, line)]


DOCKERFILE_WITH_CONTINUATION = """\
FROM debian:12
# containersec: ignore=CSDT11 -- vendor mirror pins versions
RUN apt-get update && \\
    apt-get install -y curl && \\
    rm -rf /var/lib/apt/lists/*
RUN echo done
"""


def test_own_pragma_covers_every_line_of_the_next_instruction_only(rules):
    suppressions = scan(DOCKERFILE_WITH_CONTINUATION)
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3, 4, 5]
    assert suppressed_lines(suppressions, rules["CSDT12"]) == []
    assert suppressions.unknown == [] and suppressions.malformed == []


@pytest.mark.parametrize("name", ["CSDT11", "csdt11", "test-one", "DL9011", "ds911", "CKV_DOCKER_911"])
def test_own_pragma_accepts_id_slug_or_any_alias_in_any_case(rules, name):
    suppressions = scan(f"FROM a\n# containersec: ignore={name}\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]


def test_pragma_keywords_are_case_insensitive(rules):
    suppressions = scan("FROM a\n#ContainerSec:IGNORE = test-one\nRUN x\n# HADOLINT ignore=dl9012\nRUN y\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]
    assert suppressed_lines(suppressions, rules["CSDT12"]) == [5]


@pytest.mark.parametrize("comment", ["# containersec ignore=CSDT11", "#containersec  ignore = test-one"])
def test_own_pragma_may_leave_out_the_colon_like_hadolints(rules, comment):
    suppressions = scan(f"FROM a\n{comment}\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]
    assert suppressions.unknown == [] and suppressions.malformed == []


def test_colon_less_pragma_naming_an_unknown_rule_is_listed(rules):
    assert scan("FROM a\n# containersec ignore=CSD999\nRUN x\n").unknown == [(2, "CSD999")]


@pytest.mark.parametrize("comment", ["# containersec ignores nothing here", "# containersec is our linter",
                                     "# containersec ignore-everything=CSDT11"])
def test_prose_about_containersec_without_a_colon_is_an_ordinary_comment(rules, comment):
    suppressions = scan(f"FROM a\n{comment}\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []
    assert suppressions.unknown == [] and suppressions.malformed == []


def test_several_names_with_spaces_and_a_reason(rules):
    suppressions = scan("FROM a\n# containersec: ignore=CSDT11 , test-two -- both reviewed, see #12\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]
    assert suppressed_lines(suppressions, rules["CSDT12"]) == [3]
    assert suppressions.unknown == []


def test_reason_may_also_follow_a_hash(rules):
    suppressions = scan("FROM a\n# containersec: ignore=CSDT11 # mirror pins it\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]


def test_stacked_pragmas_of_every_kind_combine_over_one_instruction(rules):
    suppressions = scan(
        "FROM a\n"
        "# containersec: ignore=CSDT11\n"
        "# an ordinary comment between pragmas\n"
        "# hadolint ignore=DL9012\n"
        "\n"
        "RUN x\n"
        "RUN y\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [6]
    assert suppressed_lines(suppressions, rules["CSDT12"]) == [6]
    assert suppressed_lines(suppressions, rules["CSDT13"]) == []


def test_pragma_does_not_reach_back_or_past_its_instruction(rules):
    suppressions = scan("FROM a\nRUN w\n# containersec: ignore=CSDT11\nRUN x\nRUN y\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [4]


def test_ignore_file_applies_everywhere_wherever_it_is_written(rules):
    suppressions = scan("FROM a\nRUN x\nFROM b\nRUN y\n# containersec: ignore-file=test-one -- legacy\n")
    assert suppressions.is_suppressed(rules["CSDT11"], 1)
    assert suppressions.is_suppressed(rules["CSDT11"], 4)
    assert suppressions.is_suppressed(rules["CSDT11"], 10_000)
    assert not suppressions.is_suppressed(rules["CSDT12"], 2)


STAGES = """\
FROM a AS build
RUN one
# containersec: ignore-stage=CSDT11
# hadolint stage ignore=DL9012
FROM b AS test
RUN two

RUN three
FROM c
RUN four
"""


def test_ignore_stage_covers_its_stage_up_to_the_next_from(rules):
    suppressions = scan(STAGES)
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [5, 6, 7, 8]
    assert suppressed_lines(suppressions, rules["CSDT12"]) == [5, 6, 7, 8]


def test_ignore_stage_on_the_last_stage_runs_to_the_end_of_the_file(rules):
    suppressions = scan("FROM a\nRUN x\n# containersec: ignore-stage=CSDT11\nFROM b\nRUN y\nRUN z\n")
    assert suppressed_lines(suppressions, rules["CSDT11"], last=100) == list(range(4, 101))


def test_own_stage_pragma_not_above_a_from_is_reported_and_does_nothing(rules):
    suppressions = scan("FROM a\n# containersec: ignore-stage=CSDT11\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []
    assert suppressions.malformed == [(2, "must be directly above a FROM")]


def test_hadolint_stage_pragma_not_above_a_from_is_ignored_like_hadolint(rules):
    suppressions = scan("FROM a\n# hadolint stage ignore=DL9011\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []
    assert suppressions.malformed == []


def test_own_pragma_with_nothing_after_it_is_reported(rules):
    suppressions = scan("FROM a\nRUN x\n# containersec: ignore=CSDT11\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []
    assert suppressions.malformed == [(3, "must be directly above an instruction")]


@pytest.mark.parametrize("comment", [
    "# containersec: ignor=CSDT11",
    "# containersec: ignore=",
    "# containersec: ignore CSDT11",
    "# containersec: disable-all",
])
def test_unreadable_own_pragma_is_reported(rules, comment):
    suppressions = scan(f"FROM a\n{comment}\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []
    assert [line for line, _ in suppressions.malformed] == [2]


def test_unknown_names_in_own_pragma_are_listed_and_known_ones_still_apply(rules):
    suppressions = scan("FROM a\n# containersec: ignore=CSD99999,test-one,tset-two\nRUN x\n"
                        "# containersec: ignore-file=CSDT11 because\n")
    assert suppressions.unknown == [(2, "CSD99999"), (2, "tset-two"), (4, "CSDT11 because")]
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]


def test_unknown_codes_in_peer_pragmas_are_silent(rules):
    suppressions = scan("FROM a\n# hadolint ignore=DL8888,DL9011\nRUN x\n#checkov:skip=CKV_DOCKER_777\n"
                        "# trivy:ignore:DS-0777\nRUN y\n")
    assert suppressions.unknown == [] and suppressions.malformed == []
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]


def test_an_unknown_id_of_ours_in_a_peer_pragma_is_listed_except_in_hadolints(rules):
    suppressions = scan("FROM a\n# hadolint ignore=CSD999,DL9011\nRUN x\n# trivy:ignore:csd0\nRUN y\n")
    # hadolint's own pragma is read as hadolint reads it: a name it does not know is skipped without a note.
    assert suppressions.unknown == [(4, "csd0")]
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]


def test_hadolint_ignore_allows_a_trailing_hash_reason(rules):
    suppressions = scan("FROM a\n# hadolint ignore=DL9011, DL9012 # pinned upstream\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]
    assert suppressed_lines(suppressions, rules["CSDT12"]) == [3]


def test_hadolint_ignore_followed_by_free_text_is_not_a_pragma(rules):
    # hadolint 2.15 drops such a line entirely; honouring it would hide findings hadolint shows.
    suppressions = scan("FROM a\n# hadolint ignore=DL9011 because reasons\nRUN x\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []


def test_hadolint_global_ignore_applies_to_the_whole_file(rules):
    suppressions = scan("FROM a\nRUN x\nFROM b\nRUN y\n# hadolint global ignore=DL9012\n")
    assert suppressed_lines(suppressions, rules["CSDT12"]) == list(range(1, 21))
    assert suppressed_lines(suppressions, rules["CSDT11"]) == []


@pytest.mark.parametrize("comment", [
    "#checkov:skip=CKV_DOCKER_911:runs as root on purpose",
    "# checkov:skip=CKV_DOCKER_911",
    "# bridgecrew:skip=CKV_DOCKER_911:legacy prefix",
])
def test_checkov_skip_is_file_wide_for_every_rule_the_id_maps_to(rules, comment):
    suppressions = scan(f"FROM a\nRUN x\n{comment}\nFROM b\nRUN y\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == list(range(1, 21))
    assert suppressed_lines(suppressions, rules["CSDT13"]) == list(range(1, 21))
    assert suppressed_lines(suppressions, rules["CSDT12"]) == []


@pytest.mark.parametrize("code", ["DS911", "DS-0911", "AVD-DS-0911", "ds-0911"])
def test_trivy_ignore_applies_to_the_next_instruction(rules, code):
    suppressions = scan(f"FROM a\n# trivy:ignore:{code}\nRUN x\nRUN y\n")
    assert suppressed_lines(suppressions, rules["CSDT11"]) == [3]


def test_trivy_ignore_stops_applying_after_its_expiry_date(rules):
    text = "FROM a\n#trivy:ignore:DS911:exp:2025-06-30\nRUN x\n"
    assert suppressed_lines(scan(text, today=date(2025, 6, 30)), rules["CSDT11"]) == [3]
    assert suppressed_lines(scan(text, today=date(2025, 7, 1)), rules["CSDT11"]) == []


def test_shellcheck_codes_match_findings_reported_under_that_code(rules):
    suppressions = scan("FROM a\n# hadolint ignore=SC2086\nRUN echo $x\n"
                        "# containersec: ignore=sc2046,CSDT11\nRUN echo $(y)\n")
    assert suppressed_lines(suppressions, "SC2086") == [3]
    assert suppressed_lines(suppressions, "SC2046") == [5]
    assert suppressed_lines(suppressions, "SC2164") == []
    assert suppressions.unknown == []


def test_a_plain_rule_id_matches_like_the_rule(rules):
    suppressions = scan("FROM a\n# containersec: ignore=test-one\nRUN x\n")
    assert suppressed_lines(suppressions, "CSDT11") == [3]
    assert suppressed_lines(suppressions, "CSDT12") == []


def test_no_comments_suppress_nothing(rules):
    suppressions = scan("FROM a\nRUN x\n")
    assert suppressions.ranges == [] and not suppressions.is_suppressed(rules["CSDT11"], 2)
