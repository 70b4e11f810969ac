"""The `vulns:` policy of `containersec vulns`, applied to one digest's scan report.

This is the one module of the release stage that reaches the shared scanner-report readers and policy
(`containersec.vulnerabilities`): the same settings (fail-on, grace-days, only-fixed, exceptions, VEX, ignore
files) judge a report here and in a pipeline.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass

from containersec.config import Config
from containersec.findings import Severity
from containersec.vulnerabilities.group import Vulnerability, group
from containersec.vulnerabilities.ignores import read_ignore_file
from containersec.vulnerabilities.policy import LEVELS, evaluate
from containersec.vulnerabilities.read import ReportError, read_report
from containersec.vulnerabilities.records import SEVERITIES, SEVERITY_RANK, ScanReport
from containersec.vulnerabilities.settings import read_settings
from containersec.vulnerabilities.vex import read_vex

__all__ = ["SEVERITIES", "SEVERITY_RANK", "Judgement", "ReportError", "ScanReport", "VulnPolicy", "Vulnerable",
           "at_or_above", "read_report", "read_report_bytes"]


@dataclass(frozen=True)
class Vulnerable:
    """One vulnerability of a digest that fails the policy."""

    id: str
    severity: str  # the scanner's
    package: str
    installed: str
    fixed: str | None
    ids: frozenset[str]  # the ID and its aliases

    @property
    def shown(self) -> str:
        fix = f" -> {self.fixed}" if self.fixed else ", no fix yet"
        return f"{self.id} ({self.severity}) {self.package} {self.installed}{fix}"

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "severity": self.severity, "package": self.package, "installed": self.installed,
                "fixed": self.fixed}


@dataclass(frozen=True)
class Judgement:
    failing: tuple[Vulnerable, ...]  # worst first
    listed: frozenset[tuple[str, str]]  # (ID or alias, package) of every vulnerability the report lists
    by_severity: dict[str, int]  # of the vulnerabilities not suppressed
    fixable_found: frozenset[tuple[str, str, str]]  # (ID, package, severity) not suppressed, with a fixed version
    suppressed: int

    @property
    def fixable(self) -> int:
        return len(self.fixable_found)

    @property
    def worst(self) -> int:
        """The rank of the worst failing vulnerability's severity; -1 when none fails."""
        return SEVERITY_RANK[self.failing[0].severity] if self.failing else -1

    def lists(self, vulnerable: Vulnerable) -> bool:
        return any((name, vulnerable.package) in self.listed for name in vulnerable.ids)


class VulnPolicy:
    """The config's `vulns:` section, its ignore files and VEX documents, read once per run."""

    def __init__(self, config: Config) -> None:
        self.settings = read_settings(config)
        self.fail_on = config.fail_on
        self.ignores = [rule for path in self.settings.ignore_files for rule in read_ignore_file(path)]
        self.statements = [s for path in self.settings.vex for s in read_vex(path)]

    def judge(self, report: ScanReport, now: dt.datetime) -> Judgement:
        evaluation = evaluate(group([report]), self.settings, self.ignores, self.statements, now)
        failing: list[Vulnerable] = []
        by_severity = dict.fromkeys(SEVERITIES, 0)
        fixable: set[tuple[str, str, str]] = set()
        suppressed = 0
        for assessed in evaluation.assessed:
            vulnerability = assessed.vulnerability
            if assessed.suppression is not None:
                suppressed += 1
                continue
            by_severity[vulnerability.severity] += 1
            if vulnerability.fixed:
                fixable.add((vulnerability.id, vulnerability.package, vulnerability.severity))
            if self._fails(assessed.fails, vulnerability):
                failing.append(Vulnerable(vulnerability.id, vulnerability.severity, vulnerability.package,
                                          vulnerability.installed, vulnerability.fixed,
                                          frozenset(vulnerability.ids)))
        failing.sort(key=lambda v: (-SEVERITY_RANK[v.severity], v.fixed is None, v.id, v.package))
        listed = frozenset((name, a.vulnerability.package) for a in evaluation.assessed for name in a.vulnerability.ids)
        return Judgement(tuple(failing), listed, by_severity, frozenset(fixable), suppressed)

    def _fails(self, decided: bool | None, vulnerability: Vulnerability) -> bool:
        if decided is not None:
            return decided
        return self.fail_on is not None and LEVELS.get(vulnerability.severity, Severity.INFO) >= self.fail_on


def at_or_above(severity: str) -> frozenset[str]:
    """The scanner severities at or above `severity` (any case); ValueError when it is not one."""
    wanted = severity.strip().upper()
    if wanted not in SEVERITY_RANK:
        raise ValueError(f"expected a scanner severity ({', '.join(SEVERITIES)}), got {severity!r}")
    return frozenset(name for name, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[wanted])


def read_report_bytes(body: bytes, name: str) -> ScanReport:
    """A report held in memory (from an attestation or a referrer), read by the same reader as files."""
    handle, path = tempfile.mkstemp(prefix="containersec-scan-", suffix=".json")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        report = read_report(path)
    finally:
        os.unlink(path)
    report.path = name
    return report
