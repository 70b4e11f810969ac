"""The text reporter, and the `render` dispatcher every front door uses."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import FORMATS, render
from containersec.report.text import safe

SOURCE = "FROM debian:12\r\nRUN apt-get update && \\\r\n\tapt-get install -y curl\r\nUSER root\r\n"
ANSI_SGR = re.compile(r"\x1b\[[0-9;]*m")


def finding(rule: str = "CSD008", severity: Severity = Severity.WARNING, path: str = "app/Dockerfile",
            line: int = 1, column: int = 1, message: str = "a problem", name: str = "apt-unpinned") -> Finding:
    return Finding(rule=rule, name=name, severity=severity, stage=Stage.BUILD, path=path, line=line,
                   column=column, message=message)


def sample_report() -> Report:
    return Report(
        findings=[
            finding(line=3, column=21, message="pin a version for 'curl'"),
            finding("CSD002", Severity.ERROR, line=4, column=6, message="last USER is root", name="root-user"),
            finding("CSD777", Severity.WARNING, path="web/Dockerfile", line=1, message="rule unknown here",
                    name="mystery"),
        ],
        errors=[InputError("broken/Dockerfile", "not valid UTF-8 at byte 12")],
        files=2,
        sources={"app/Dockerfile": SOURCE, "web/Dockerfile": "FROM nginx\n"},
    )


def caret_column(source_display: str, caret_display: str) -> int:
    """The 1-based column in `source_display` that the caret points at (tabs count as one column)."""
    assert caret_display.startswith("    ") and source_display.startswith("    ")
    return len(caret_display[4:].rstrip("^")) + 1


def test_finding_line_carries_location_rule_severity_and_message() -> None:
    out = render(sample_report(), "text")
    assert "app/Dockerfile:3:21 CSD008 apt-unpinned warning: pin a version for 'curl'" in out.splitlines()
    assert "app/Dockerfile:4:6 CSD002 root-user error: last USER is root" in out.splitlines()


def test_source_line_is_shown_without_carriage_return_and_caret_points_at_column() -> None:
    lines = render(sample_report(), "text").splitlines()
    i = lines.index("app/Dockerfile:3:21 CSD008 apt-unpinned warning: pin a version for 'curl'")
    source, caret = lines[i + 1], lines[i + 2]
    assert source == "    \tapt-get install -y curl"
    assert caret.endswith("^")
    # The tab is kept so the caret lines up however wide the terminal draws tabs.
    assert caret[4] == "\t"
    assert source[4:][caret_column(source, caret) - 1:].startswith("curl")


def test_caret_counts_wide_characters_twice_and_stops_after_line_end() -> None:
    report = Report(
        findings=[finding(line=1, column=8, message="label"), finding(line=2, column=99, message="far")],
        files=1,
        sources={"app/Dockerfile": "LABEL \u540d=x\nUSER root\n"},
    )
    lines = render(report, "text").splitlines()
    assert lines[1] == "    LABEL \u540d=x"
    assert lines[2] == "    " + " " * 8 + "^"  # 'LABEL ' (6) + a wide character (2)
    assert lines[5] == "    " + " " * len("USER root") + "^"


def test_findings_are_grouped_by_file_with_a_blank_line_between_groups() -> None:
    report = sample_report()
    report.findings.append(finding(line=1, message="second app finding"))
    lines = render(report, "text").splitlines()
    headers = [line for line in lines if re.match(r"^\S+:\d+:\d+ ", line)]
    paths = [h.split(":")[0] for h in headers]
    assert paths == ["app/Dockerfile"] * 3 + ["web/Dockerfile"]
    first_web = lines.index(headers[3])
    assert lines[first_web - 1] == ""


def test_unknown_source_or_line_prints_only_the_finding() -> None:
    report = Report(findings=[finding(line=40, message="beyond the end"), finding(path="x", message="no source")],
                    files=2, sources={"app/Dockerfile": "FROM a\n"})
    lines = render(report, "text").splitlines()
    assert lines[0] == "app/Dockerfile:40:1 CSD008 apt-unpinned warning: beyond the end"
    assert lines[1] == ""
    assert lines[2] == "x:1:1 CSD008 apt-unpinned warning: no source"


def test_input_errors_are_listed_with_path_and_message() -> None:
    assert "broken/Dockerfile: error: not valid UTF-8 at byte 12" in render(sample_report(), "text").splitlines()


@pytest.mark.parametrize(
    ("report", "summary"),
    [
        (sample_report(), "3 findings (1 error, 2 warnings) in 2 files, 1 input error"),
        (Report(files=2), "no findings in 2 files"),
        (Report(findings=[finding()], files=1), "1 finding (1 warning) in 1 file"),
        (Report(findings=[finding(severity=Severity.INFO), finding(severity=Severity.STYLE),
                          finding(severity=Severity.STYLE)], files=1),
         "3 findings (1 info, 2 style) in 1 file"),
        (Report(errors=[InputError("a", "x"), InputError("b", "y")], files=2),
         "no findings in 2 files, 2 input errors"),
    ],
)
def test_summary_is_the_last_line(report: Report, summary: str) -> None:
    out = render(report, "text")
    assert out.endswith("\n")
    assert out.splitlines()[-1] == summary


def test_no_colour_unless_asked_and_colour_changes_nothing_else() -> None:
    plain = render(sample_report(), "text")
    coloured = render(sample_report(), "text", color=True)
    assert "\x1b" not in plain
    assert "\x1b[" in coloured
    assert ANSI_SGR.sub("", coloured) == plain


def test_control_characters_from_untrusted_text_never_reach_the_terminal() -> None:
    hostile = "evil\x1b]0;pwned\x07\x1b[2J\r\x9b31m\u202eexe.txt\x00"
    report = Report(
        findings=[finding(path=f"dir/{hostile}", message=f"msg {hostile}\nsecond line", name=f"n{hostile}")],
        errors=[InputError(f"e{hostile}", f"bad {hostile}")],
        notices=[f"note {hostile}"],
        files=1,
        sources={f"dir/{hostile}": f"RUN echo {hostile}\n"},
    )
    for out in (render(report, "text"), ANSI_SGR.sub("", render(report, "text", color=True))):
        unsafe = [ch for ch in out if (ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F
                  or ch == "\u202e"]
        assert unsafe == []
        assert "\\x1b]0;pwned\\x07" in out
        assert "\\u202e" in out
        # One finding header, its source line and caret, one error, one note, one summary.
        assert len([line for line in out.splitlines() if line]) == 6


def test_safe_leaves_ordinary_text_and_tabs_alone() -> None:
    text = "RUN\tapt-get install -y caf\u00e9 \u540d"
    assert safe(text) == text
    assert safe("a\nb\x1bc") == "a\\x0ab\\x1bc"


# The dispatcher


def test_every_format_renders_unknown_rules_and_ends_with_a_newline() -> None:
    for fmt in FORMATS:
        out = render(sample_report(), fmt)
        assert out.endswith("\n"), fmt
        assert "CSD777" in out, fmt


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown output format 'yaml' \(expected one of: text, json, sarif"):
        render(sample_report(), "yaml")


def test_formats_are_imported_only_when_asked_for() -> None:
    script = (
        "import sys\n"
        "from containersec.findings import Report\n"
        "from containersec.report import render\n"
        "render(Report(), 'text')\n"
        "loaded = [m for m in ('containersec.report.sarif', 'containersec.report.junit', "
        "'containersec.report.checkstyle', 'xml.etree.ElementTree', 'jsonschema') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_line_holding_a_secret_is_never_printed() -> None:
    from containersec.findings import Finding, Report, Severity, Stage

    token = "ghp_" + "A1b2" * 9
    report = Report(
        findings=[
            Finding("CSD096", "secret-value", Severity.ERROR, Stage.BUILD, "Dockerfile", 2, "GitHub token 'ghp_****'",
                    secret=True),
            Finding("CSD067", "wget-no-progress", Severity.INFO, Stage.BUILD, "Dockerfile", 2, "wget without progress"),
        ],
        files=1,
        sources={"Dockerfile": f"FROM alpine:3.20\nRUN wget https://x:{token}@example.com/a\n"},
    )
    text = render(report, "text")
    assert token not in text
    assert text.count("source line not shown") == 2
