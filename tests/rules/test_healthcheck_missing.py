from containersec.findings import Severity
from tests.rules.helpers import findings, lines

RULE = "CSD024"


def test_missing_flagged_on_final_from_as_info() -> None:
    found = findings(RULE, "FROM nginx:1.25\nCOPY site /usr/share/nginx/html\n")
    assert [f.line for f in found] == [1]
    assert found[0].severity is Severity.INFO


def test_present_or_none_passes() -> None:
    assert lines(RULE, "FROM nginx:1.25\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n") == []
    assert lines(RULE, "FROM nginx:1.25\nHEALTHCHECK NONE\n") == []


def test_builder_stage_healthcheck_does_not_count() -> None:
    text = "FROM nginx:1.25 AS b\nHEALTHCHECK CMD true\nFROM nginx:1.25\n"
    assert lines(RULE, text) == [3]


def test_inherited_from_parent_stage() -> None:
    text = "FROM nginx:1.25 AS base\nHEALTHCHECK CMD true\nFROM base\nRUN true\n"
    assert lines(RULE, text) == []


def test_onbuild_healthcheck_does_not_count() -> None:
    assert lines(RULE, "FROM nginx:1.25\nONBUILD HEALTHCHECK CMD true\n") == [1]
