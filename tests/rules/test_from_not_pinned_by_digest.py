from containersec.findings import Severity
from tests.rules.helpers import findings, lines

RULE = "CSD004"
DIGEST = "sha256:" + "c" * 64


def test_tag_without_digest_flagged_as_info() -> None:
    found = findings(RULE, "FROM python:3.12-slim\n")
    assert [f.line for f in found] == [1]
    assert found[0].severity is Severity.INFO
    assert "python:3.12-slim@sha256:" in found[0].message


def test_digest_pinned_passes() -> None:
    assert lines(RULE, f"FROM python:3.12-slim@{DIGEST}\nFROM python@{DIGEST}\n") == []


def test_skips_scratch_stages_and_variables() -> None:
    text = f"ARG V\nFROM python@{DIGEST} AS b\nFROM b\nFROM scratch\nFROM python:${{V}}\n"
    assert lines(RULE, text) == []


def test_every_external_stage_checked() -> None:
    assert lines(RULE, f"FROM golang:1.22 AS b\nFROM alpine@{DIGEST}\n") == [1]
