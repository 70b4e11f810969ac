"""The GitHub workflow-command reporter, read back the way the Actions runner reads a log line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import render

COMMANDS = {"error", "warning", "notice"}


@dataclass
class Command:
    name: str
    properties: dict[str, str]
    message: str


def unescape(text: str, *, property_value: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if property_value else [])
    for escaped, raw in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, raw)
    return text


def parse(line: str) -> Command | None:
    """The runner's v2 parser: `::name k=v,k=v::message`; the first `::` after the name ends the header."""
    if not line.startswith("::"):
        return None
    end = line.index("::", 2)
    header, message = line[2:end], line[end + 2:]
    name, _, props = header.partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, _, value = pair.partition("=")
        properties[key] = unescape(value, property_value=True)
    return Command(name, properties, unescape(message, property_value=False))


def commands(report: Report) -> list[Command]:
    out = render(report, "github")
    assert out.endswith("\n")
    return [c for c in map(parse, out.splitlines()) if c is not None]


def finding(severity: Severity, line: int = 1, path: str = "app/Dockerfile", message: str = "msg",
            rule: str = "CSD008", name: str = "apt-unpinned") -> Finding:
    return Finding(rule=rule, name=name, severity=severity, stage=Stage.BUILD, path=path, line=line,
                   message=message)


@pytest.mark.parametrize(("severity", "level"), [
    (Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "notice"), (Severity.STYLE, "notice"),
])
def test_one_annotation_per_finding_with_location_and_title(severity: Severity, level: str) -> None:
    f = Finding(rule="CSD008", name="apt-unpinned", severity=severity, stage=Stage.BUILD, path="app/Dockerfile",
                line=7, end_line=9, column=3, message="pin a version for 'curl'")
    assert [(c.name, c.properties, c.message) for c in commands(Report(findings=[f], files=1))] == [(
        level,
        {"file": "app/Dockerfile", "line": "7", "endLine": "9", "col": "3", "title": "CSD008 apt-unpinned"},
        "pin a version for 'curl'",
    )]


def test_input_errors_are_error_commands_on_their_file() -> None:
    report = Report(errors=[InputError("bad/Dockerfile", "not valid UTF-8 at byte 12")], files=1)
    [command] = commands(report)
    assert command.name == "error"
    assert command.properties["file"] == "bad/Dockerfile"
    assert command.message == "not valid UTF-8 at byte 12"


def test_errors_come_first_then_warnings_then_notices() -> None:
    report = Report(
        findings=[finding(Severity.STYLE, 1), finding(Severity.WARNING, 2), finding(Severity.INFO, 3),
                  finding(Severity.ERROR, 4), finding(Severity.WARNING, 5), finding(Severity.ERROR, 6)],
        errors=[InputError("bad/Dockerfile", "unreadable")],
        files=2,
    )
    order = [(c.name, c.properties.get("line")) for c in commands(report)]
    assert order == [("error", None), ("error", "4"), ("error", "6"), ("warning", "2"), ("warning", "5"),
                     ("notice", "1"), ("notice", "3")]


def test_hostile_paths_and_messages_stay_inside_one_command() -> None:
    path = "we,ird:dir/100%25/file=x::y\r\nz/Dockerfile"
    message = "bad\n::add-mask::s3cret\n::stop-commands::tok3n\r\n::error::forged %0A done"
    name = "slug,with::colons"
    report = Report(findings=[finding(Severity.WARNING, path=path, message=message, name=name)],
                    errors=[InputError(path, message)], files=1)
    out = render(report, "github")
    lines = out.splitlines()
    assert len([line for line in lines if line.startswith("::")]) == 2
    assert not any(line.startswith(("::add-mask", "::stop-commands", "::error::")) for line in lines)
    error, warning = commands(report)
    for command in (error, warning):
        assert command.properties["file"] == path.replace("\r", "\\x0d").replace("\n", "\\x0a")
        assert command.message == message.replace("\r", "\\x0d").replace("\n", "\\x0a")
    assert warning.properties["title"] == f"CSD008 {name}"
    assert warning.properties["line"] == "1"


def test_terminal_control_characters_are_escaped() -> None:
    report = Report(findings=[finding(Severity.ERROR, message="x\x1b[2Jy\x00", path="p\x1b")], files=1)
    out = render(report, "github")
    assert "\x1b" not in out and "\x00" not in out
    [command] = commands(report)
    assert command.message == "x\\x1b[2Jy\\x00"


def test_summary_line_ends_the_output_even_without_findings() -> None:
    assert render(Report(files=2), "github") == "no findings in 2 files\n"
    out = render(Report(findings=[finding(Severity.ERROR)], files=1), "github")
    assert out.splitlines()[-1] == "1 finding (1 error) in 1 file"


def test_says_how_many_annotations_github_will_not_show() -> None:
    report = Report(findings=[finding(Severity.ERROR, n) for n in range(1, 13)]
                    + [finding(Severity.WARNING, n) for n in range(1, 15)]
                    + [finding(Severity.INFO, n) for n in range(1, 30)], files=1)
    lines = render(report, "github").splitlines()
    assert len(commands(report)) == 12 + 14 + 29
    assert "GitHub shows 10 error and 10 warning annotations per step; 6 more are only in the log above." in lines
    few = Report(findings=[finding(Severity.ERROR, n) for n in range(1, 11)], files=1)
    assert not any(line.startswith("GitHub shows") for line in render(few, "github").splitlines())
