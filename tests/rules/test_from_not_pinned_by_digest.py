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


def test_images_pulled_by_copy_and_run_mount_are_checked_as_pin_rewrites_them() -> None:
    text = ("FROM alpine:3.20 AS build\n"
            "COPY --from=build /a /b\n"
            "COPY --from=busybox:1.36 /bin/busybox /bin/\n"
            f"COPY --from=busybox:1.36@{DIGEST} /bin/sh /bin/\n"
            "RUN --mount=type=bind,from=golang:1.22,target=/go true\n"
            "RUN --mount=type=cache,target=/root/.cache true\n")
    found = findings(RULE, text)
    assert [f.line for f in found] == [1, 3, 5]
    assert "'busybox:1.36' (COPY --from)" in found[1].message and "(RUN --mount=from)" in found[2].message


def test_a_base_image_set_by_an_arg_default_is_judged_by_the_default() -> None:
    assert lines(RULE, "ARG BASE=python:3.12\nFROM ${BASE}\n") == [2]
    assert lines(RULE, f"ARG BASE=python:3.12@{DIGEST}\nFROM ${{BASE}}\n") == []
