"""Findings on the Dockerfile line responsible, from the report's layer data (Trivy and Grype)."""

from __future__ import annotations

from pathlib import Path

from containersec.config import Config
from containersec.test.vulns import check_reports

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = SHARED / "fixtures" / "scan-reports"
FLUENTD = str(REPORTS / "trivy-fluentd-gems-image.json")
# The build that produced the fluentd image: one base layer (ADD in /), then COPY, COPY, RUN, COPY, COPY.
FLUENTD_DOCKERFILE = """\
FROM debian:10.2
ARG DEBIAN_FRONTEND=noninteractive
COPY install.sh /tmp/install.sh
COPY Gemfile /Gemfile
RUN chmod +x /tmp/install.sh && \\
    /bin/bash -l -c /tmp/install.sh && \\
    rm /tmp/*
COPY fluent.conf /etc/fluent/fluent.conf
COPY run.sh /run.sh
EXPOSE 80
ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
CMD ["/run.sh"]
"""


def _by_package(report, name):  # type: ignore[no-untyped-def]
    return next(f for f in report.findings if f.extra["vulnerability"]["package"] == name)


def test_base_image_packages_point_at_from_and_run_packages_at_the_run(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(FLUENTD_DOCKERFILE, encoding="utf-8")
    report = check_reports([FLUENTD], Config(), dockerfile=str(dockerfile))
    base = _by_package(report, "libidn2-0")
    assert (base.path, base.line) == (str(dockerfile), 1)
    assert "from the base image debian:10.2" in base.message
    gem = _by_package(report, "activesupport")
    assert (gem.path, gem.line, gem.end_line) == (str(dockerfile), 5, 7)
    assert "added by the RUN on line 5" in gem.message
    assert dict(report.summaries[0].rows)["base image"] == (
        "1 of 2 come from the base image debian:10.2; a newer base fixes 1 of 1")


def test_a_run_is_found_by_its_command_even_when_layer_counts_differ(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    # One COPY fewer than the build had: the position is off by one, the RUN's command text still matches.
    dockerfile.write_text(FLUENTD_DOCKERFILE.replace("COPY run.sh /run.sh\n", ""), encoding="utf-8")
    gem = _by_package(check_reports([FLUENTD], Config(), dockerfile=str(dockerfile)), "activesupport")
    assert gem.line == 5


def test_a_squashed_image_points_at_the_final_stage(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM golang:1.22 AS build\nRUN go build\nFROM debian:10.2\n" + "RUN true\n" * 8,
                          encoding="utf-8")
    gem = _by_package(check_reports([FLUENTD], Config(), dockerfile=str(dockerfile)), "activesupport")
    assert gem.line == 3 and "somewhere in the final stage" in gem.message


def test_without_layer_data_the_finding_points_at_the_report(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.10\n", encoding="utf-8")
    sarif = str(REPORTS / "trivy-alpine-3.10.sarif")
    report = check_reports([sarif], Config(), dockerfile=str(dockerfile))
    assert {(f.path, f.line) for f in report.findings} == {(sarif, 1)}


def test_an_unreadable_dockerfile_is_an_input_error_and_the_reports_still_count(tmp_path: Path) -> None:
    report = check_reports([FLUENTD], Config(), dockerfile=str(tmp_path / "missing"))
    assert [e.path for e in report.errors] == [str(tmp_path / "missing")]
    assert len(report.findings) == 2 and report.exit_code(None) == 2


def test_grype_layer_ids_are_placed_through_the_image_config(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# syntax=docker/dockerfile:1\nFROM busybox:1.32.1\nCMD [\"sh\"]\n", encoding="utf-8")
    report = check_reports([str(REPORTS / "grype-busybox-1.32.1.json")], Config(), dockerfile=str(dockerfile))
    assert len(report.findings) == 15
    assert {(f.path, f.line) for f in report.findings} == {(str(dockerfile), 2)}
    assert all("from the base image busybox:1.32.1" in f.message for f in report.findings)


def test_a_dockerfile_the_history_contradicts_leaves_findings_on_the_report_and_says_so(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    # The same number of layer-making instructions, but the image's RUN is not this file's RUN.
    dockerfile.write_text(FLUENTD_DOCKERFILE.replace("RUN chmod +x", "RUN make && chmod +x"), encoding="utf-8")
    report = check_reports([FLUENTD], Config(), dockerfile=str(dockerfile))
    gem = _by_package(report, "activesupport")
    assert (gem.path, gem.line) == (FLUENTD, 1) and "added by the RUN" not in gem.message
    assert any(f"{dockerfile} does not match the scanned image" in note and "made by a RUN" in note
               for note in report.notices)
    base = _by_package(report, "libidn2-0")
    assert (base.path, base.line) == (str(dockerfile), 1)  # the base image's layers still count


def test_a_finding_names_the_scanners_target_not_the_report_again() -> None:
    report = check_reports([str(REPORTS / "grype-busybox-1.32.1.json"), str(REPORTS / "trivy-alpine-3.10.json")],
                           Config())
    messages = [f.message for f in report.findings if f.rule == "CSV001"]
    assert all("seen in" not in m and "scan-reports" not in m for m in messages)
    assert any(m.endswith("in busybox:1.32.1 (/bin/[)") for m in messages)
    assert any("in testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)" in m for m in messages)
