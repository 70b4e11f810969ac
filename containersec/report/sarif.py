"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one run per stage."""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from urllib.parse import quote

from containersec import __version__
from containersec.catalogue import Rule, all_rules
from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import line_fingerprints

INFORMATION_URI = "https://github.com/containersec/containersec"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}
# GitHub ranks alerts of rules tagged "security" by this score (critical >= 9, high >= 7, medium >= 4).
_SECURITY_SEVERITY = {
    Severity.ERROR: "8.0",
    Severity.WARNING: "5.0",
    Severity.INFO: "2.0",
    Severity.STYLE: "0.5",
}


def render(report: Report, *, color: bool = False) -> str:
    """One run per stage of the report, each with the findings and input errors of that stage."""
    known = {r.id: r for r in all_rules()}
    fingerprinted = list(zip(report.findings, line_fingerprints(report), strict=True))
    runs = [_run(stage, [pair for pair in fingerprinted if pair[0].stage is stage],
                 [error for error in report.errors if error.stage is stage], known,
                 report.notices if index == 0 else [])  # notes belong to the run as a whole: said once
            for index, stage in enumerate(report.stages)]
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}
    return json.dumps(document, indent=2) + "\n"


def _run(stage: Stage, fingerprinted: list[tuple[Finding, tuple[str, int]]], errors: list[InputError],
         known: dict[str, Rule], notes: list[str]) -> dict[str, object]:
    findings = [finding for finding, _ in fingerprinted]
    rule_ids = sorted({f.rule for f in findings})
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    descriptors = [_descriptor(rule_id, known.get(rule_id), findings) for rule_id in rule_ids]
    results = [_result(finding, rule_index[finding.rule], fingerprint, occurrence)
               for finding, (fingerprint, occurrence) in fingerprinted]
    return {
        "tool": {
            "driver": {
                "name": "containersec",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        # One id per stage, so code scanning keeps each stage's alerts apart.
        "automationDetails": {"id": f"containersec/{stage.value}"},
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [*(_notification(error) for error in errors),
                                               *({"level": "note", "message": {"text": note}} for note in notes)],
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }


def artifact_uri(path: str) -> str:
    """`path` as a URI reference: relative paths stay relative, with `/` separators, percent-encoded."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/", errors="surrogateescape")


def _descriptor(rule_id: str, rule: Rule | None, findings: list[Finding]) -> dict[str, object]:
    own = [f for f in findings if f.rule == rule_id]
    # The run's policy may have raised or lowered the rule's severity; alerts should rank as reported.
    reported = max(f.severity for f in own)
    scores = [f.security_severity for f in own if f.security_severity is not None]
    score = f"{max(scores):.1f}" if scores else _SECURITY_SEVERITY[reported]
    if rule is None:
        aliases = list(dict.fromkeys(alias for f in own for alias in f.aliases))
        return {
            "id": rule_id,
            "name": own[0].name,
            "shortDescription": {"text": f"{rule_id} {own[0].name}"},
            "defaultConfiguration": {"level": _LEVELS[reported]},
            "properties": _properties(aliases, score),
        }
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": _properties(list(rule.aliases), score),
    }


def _properties(aliases: list[str], score: str) -> dict[str, object]:
    return {
        "tags": list(dict.fromkeys(["security", *aliases])),
        "security-severity": score,
    }


def _help_text(rule: Rule) -> str:
    return f"{rule.why}\n\nBad:\n{rule.bad}\n\nGood:\n{rule.good}"


def _help_markdown(rule: Rule) -> str:
    language = "dockerfile" if rule.stage is Stage.BUILD else ""
    bad, good = _fenced(rule.bad, language), _fenced(rule.good, language)
    return f"{rule.why}\n\n**Bad**\n\n{bad}\n\n**Good**\n\n{good}"


def _fenced(code: str, language: str) -> str:
    # A fence longer than any backtick run inside the example cannot be closed by it.
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def _result(finding: Finding, rule_index: int, fingerprint: str, occurrence: int) -> dict[str, object]:
    start_line = max(finding.line, 1)
    region = {
        "startLine": start_line,
        "endLine": max(finding.end_line or start_line, start_line),
        "startColumn": max(finding.column, 1),
    }
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding.path)}, "region": region}}
        ],
        "partialFingerprints": {"primaryLocationLineHash": f"{fingerprint}:{occurrence}"},
    }
    properties: dict[str, str] = {}
    if finding.suppression is not None:
        # Code scanning closes an alert whose result carries an accepted suppression.
        result["suppressions"] = [{"kind": finding.suppression.kind, "state": "accepted",
                                   "justification": finding.suppression.justification}]
    if finding.security_severity is not None:
        # Each result ranks by its own score; the rule carries the highest of them.
        properties["security-severity"] = f"{finding.security_severity:.1f}"
    if finding.secret_kind:
        properties["secret-kind"] = finding.secret_kind
    if properties:
        result["properties"] = properties
    return result


def _notification(error: InputError) -> dict[str, object]:
    return {
        "level": "error",
        "message": {"text": f"{error.path}: {error.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(error.path)}}}],
    }
