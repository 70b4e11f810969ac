"""A JSON report written by `--format json`, read back into a Report: to join the reports of several jobs
(the shards of a registry audit in a matrix) into one summary, SARIF and patch plan.

The file is untrusted input: its size is bounded, its shape checked, and its text reaches the other formats
only as finding messages, which every reporter escapes.
"""

from __future__ import annotations

import json

from containersec.findings import Finding, InputError, Report, Severity, Stage, Suppression

MAX_BYTES = 256 * 1024 * 1024
FINDING_KEYS = ("rule", "name", "aliases", "severity", "stage", "path", "line", "end_line", "column", "message",
                "fixable", "suppression", "fails", "secret_kind")
ENVELOPE_KEYS = ("version", "tool", "findings", "errors", "summary")


class ReportFileError(Exception):
    """A file that is not a containersec JSON report; the message names the problem."""


def load_report(path: str) -> Report:
    try:
        with open(path, "rb") as handle:
            body = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReportFileError(f"cannot read: {exc.strerror}") from None
    if len(body) > MAX_BYTES:
        raise ReportFileError(f"larger than {MAX_BYTES} bytes")
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportFileError(f"not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("version") != "1" or not isinstance(
            document.get("findings"), list) or not isinstance(document.get("errors"), list):
        raise ReportFileError("not a containersec JSON report (version 1, findings, errors)")
    findings = [_finding(item, n) for n, item in enumerate(document["findings"])]
    # The JSON does not say which stage an input error belongs to: the report's first stage (one command's
    # report has one), so SARIF reports it in that stage's run.
    stage = next((s for s in Stage if any(f.stage is s for f in findings)), Stage.RELEASE)
    errors = [_error(item, n, stage) for n, item in enumerate(document["errors"])]
    stages = {finding.stage for finding in findings} | {error.stage for error in errors}
    summary = document.get("summary") if isinstance(document.get("summary"), dict) else {}
    files = summary.get("files") if isinstance(summary.get("files"), int) else 0
    extra = {key: value for key, value in document.items() if key not in ENVELOPE_KEYS and isinstance(value, list)}
    return Report(stages=tuple(stage for stage in Stage if stage in stages) or (Stage.RELEASE,), findings=findings,
                  errors=errors, files=files, extra=extra)


def _finding(item: object, n: int) -> Finding:
    where = f"findings[{n}]"
    if not isinstance(item, dict):
        raise ReportFileError(f"{where}: not an object")
    try:
        severity = Severity.parse(_text(item, "severity", where))
        stage = Stage(_text(item, "stage", where))
    except ValueError as exc:
        raise ReportFileError(f"{where}: {exc}") from None
    line = item.get("line")
    if isinstance(line, bool) or not isinstance(line, int):
        raise ReportFileError(f"{where}.line: expected a number")
    end_line, column = item.get("end_line"), item.get("column", 1)
    aliases = item.get("aliases", [])
    return Finding(
        _text(item, "rule", where), _text(item, "name", where), severity, stage, _text(item, "path", where), line,
        _text(item, "message", where), end_line=end_line if isinstance(end_line, int) else None,
        column=column if isinstance(column, int) else 1,
        aliases=tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else (),
        fixable=item.get("fixable") is True, suppression=_suppression(item.get("suppression")),
        fails=item.get("fails") if isinstance(item.get("fails"), bool) else None,
        secret_kind=item.get("secret_kind") if isinstance(item.get("secret_kind"), str) else None,
        extra={key: value for key, value in item.items() if key not in FINDING_KEYS})


def _suppression(value: object) -> Suppression | None:
    """A suppressed finding stays suppressed in the merged report (its kind as SARIF names them, else external)."""
    if not isinstance(value, dict):
        return None
    kind = value.get("kind") if value.get("kind") in ("inSource", "external") else "external"
    justification = value.get("justification")
    return Suppression(str(kind), justification if isinstance(justification, str) else "")


def _error(item: object, n: int, stage: Stage) -> InputError:
    where = f"errors[{n}]"
    if not isinstance(item, dict):
        raise ReportFileError(f"{where}: not an object")
    line = item.get("line")
    return InputError(_text(item, "path", where), _text(item, "message", where), stage,
                      line if isinstance(line, int) and not isinstance(line, bool) else None)


def _text(item: dict[str, object], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise ReportFileError(f"{where}.{key}: expected a string")
    return value


def load_reports(paths: list[str]) -> Report:
    """One report of several JSON reports; a file that cannot be read becomes an input error."""
    reports = []
    for path in paths:
        try:
            reports.append(load_report(path))
        except ReportFileError as exc:
            reports.append(Report(stages=(), errors=[InputError(path, f"{path}: {exc}", Stage.RELEASE)]))
    merged = Report.merged(reports)
    if not merged.stages:
        merged.stages = (Stage.RELEASE,)
    merged.sort()
    return merged
