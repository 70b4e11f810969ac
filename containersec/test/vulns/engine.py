"""`containersec vulns`: read the reports, de-duplicate, apply the policy, place findings, report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from containersec.config import Config, active_rules
from containersec.findings import Finding, InputError, Report, Stage
from containersec.test.vulns.checked import Checked
from containersec.test.vulns.inventory import inventory
from containersec.test.vulns.locate import Dockerfile
from containersec.test.vulns.summary import summarize
from containersec.vulnerabilities.group import group
from containersec.vulnerabilities.ignores import IgnoreRule, read_ignore_file
from containersec.vulnerabilities.policy import evaluate
from containersec.vulnerabilities.read import ReportError, read_report
from containersec.vulnerabilities.records import SEVERITY_RANK, ScanReport
from containersec.vulnerabilities.settings import read_config_text, read_settings
from containersec.vulnerabilities.vex import Statement, read_vex


def check_reports(paths: list[str], config: Config, *, dockerfile: str | None = None, show_suppressed: bool = False,
                  now: dt.datetime | None = None) -> Report:
    """One report of the test stage over scanner reports; a ConfigError propagates (the caller exits 2)."""
    now = now or dt.datetime.now(dt.UTC)
    settings = read_settings(config)
    ignores: list[IgnoreRule] = [rule for path in settings.ignore_files for rule in read_ignore_file(path)]
    statements: list[Statement] = [s for path in settings.vex for s in read_vex(path)]
    reports: list[ScanReport] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            reports.append(read_report(path))
        except ReportError as exc:
            errors.append(InputError(path, str(exc), Stage.TEST))
        except Exception as exc:  # a reader bug stays this report's error: the others are still reported
            errors.append(InputError.unexpected(path, exc, Stage.TEST))
    vulnerabilities = [v for v in group(reports) if not settings.severities or v.severity in settings.severities]
    evaluation = evaluate(vulnerabilities, settings, ignores, statements, now)
    checked = Checked(evaluation, settings, now, show_suppressed=show_suppressed,
                      config_text=read_config_text(settings.source), reports=reports)
    sources: dict[str, str] = {}
    notices: list[str] = []
    dockerfile = dockerfile or settings.dockerfile
    if dockerfile is not None:
        try:
            text = Path(dockerfile).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(InputError(dockerfile, f"cannot read the Dockerfile: {_reason(exc)}", Stage.TEST))
        else:
            sources[dockerfile] = text
            checked.dockerfile = dockerfile
            located = Dockerfile(dockerfile, text)
            _place(checked, located)
            notices.extend(f"{dockerfile} does not match the scanned image, so those findings stay on the report: "
                           f"{mismatch}" for mismatch in located.mismatches)
    findings: list[Finding] = []
    for rule in active_rules(config, Stage.TEST, "CSV"):
        findings.extend(rule.check(checked, rule))
    findings.sort(key=_worst_first)
    report = Report(stages=(Stage.TEST,), findings=findings, errors=errors, files=len(paths), sources=sources,
                    notices=notices, extra={"reports": [inventory(report) for report in reports]},
                    summaries=[summarize(reports, checked)])
    if settings.fail_on is not None:
        report.threshold = (f"vulnerabilities fail at {settings.fail_on} and above (the scanner's severity), "
                            f"from {settings.source} vulns.fail-on")
    return report


def _place(checked: Checked, dockerfile: Dockerfile) -> None:
    for assessed in checked.evaluation.assessed:
        for report, record in assessed.vulnerability.records:
            place = dockerfile.place(report.image, record.layer)
            if place is not None:
                checked.places[id(assessed)] = place
                break


def _worst_first(finding: Finding) -> tuple[int, float, int, str]:
    vulnerability = finding.extra.get("vulnerability")
    rank = SEVERITY_RANK.get(vulnerability.get("severity", ""), 0) if isinstance(vulnerability, dict) else 0
    return (-finding.severity, -(finding.security_severity or 0.0), -rank, finding.message)


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not valid UTF-8 at byte {exc.start}"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
