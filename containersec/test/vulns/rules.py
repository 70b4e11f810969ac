"""The vulnerability policy's rules (CSV...): each turns the assessed reports into findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from containersec.catalogue import Rule, rule
from containersec.findings import Finding, Severity, Stage
from containersec.vulnerabilities.policy import LEVELS

if TYPE_CHECKING:  # `containersec lint` loads every rule package: this one must stay cheap to import
    from containersec.test.vulns.checked import Checked
    from containersec.vulnerabilities.policy import Assessed

# Code scanning's ranking when the report gives no CVSS score (Trivy's own SARIF defaults).
DEFAULT_SCORES = {"CRITICAL": 9.5, "HIGH": 8.0, "MEDIUM": 5.5, "LOW": 2.0}


@rule(id="CSV001", slug="vulnerable-package", severity=Severity.ERROR, stage=Stage.TEST,
      summary="A package in the image has a known vulnerability",
      why="A scanner found a known vulnerability in a package the image ships. Upgrade the package or the base "
          "image, or record why the risk is accepted (an exception with a reason and an expiry date, or a VEX "
          "statement).",
      bad="FROM debian:10.2\n# the scan reports libssl1.1 1.1.1d-0+deb10u2: CVE-2021-3711 (CRITICAL)",
      good="FROM debian:10.13",
      notes="The finding's severity follows the scanner's: CRITICAL and HIGH are errors, MEDIUM warnings, LOW, "
            "NEGLIGIBLE and UNKNOWN info. `vulns.fail-on` may name a scanner severity instead of the "
            "containersec threshold; `vulns.grace-days` lets a new vulnerability be reported without failing.")
def vulnerable_package(checked: Checked, rule: Rule) -> Iterator[Finding]:
    for assessed in checked.evaluation.assessed:
        if assessed.suppression is None or checked.show_suppressed:
            yield _vulnerability_finding(checked, rule, assessed)


@rule(id="CSV002", slug="expired-exception", severity=Severity.WARNING, stage=Stage.TEST,
      summary="An accepted vulnerability's exception has expired",
      why="An exception (or a .trivyignore entry) accepts a risk for a limited time. Once its date has passed it "
          "stops applying, so the vulnerability fails again; review it: upgrade, or renew it with a new reason.",
      bad="# .containersec.yaml\n# vulns:\n#   exceptions:\n#     - {id: CVE-2023-4911, reason: not reachable, "
          "expires: 2024-01-01}",
      good="# vulns:\n#   exceptions:\n#     - {id: CVE-2023-4911, reason: glibc tunables unused, "
           "expires: 2027-01-01}")
def expired_exception(checked: Checked, rule: Rule) -> Iterator[Finding]:
    source = checked.settings.source or "config"
    for exception in checked.evaluation.expired_exceptions:
        yield _finding(rule, source, checked.config_line(exception.id),
                       f"the exception for {exception.id} ({exception.key}) expired on {exception.expires}: "
                       f"it no longer suppresses the vulnerability (reason was: {exception.reason})")
    for ignore in checked.evaluation.expired_ignores:
        yield _finding(rule, ignore.source, ignore.line,
                       f"the entry for {ignore.id} expired on {ignore.expires}: it no longer suppresses "
                       "the vulnerability")


@rule(id="CSV003", slug="unused-exception", severity=Severity.INFO, stage=Stage.TEST,
      summary="An exception matches no vulnerability in the reports",
      why="An exception that matches nothing is either left over from a fixed vulnerability or mistyped (a wrong "
          "ID or package); either way it should be removed or corrected before it hides something else.",
      bad="# vulns:\n#   exceptions:\n#     - {id: CVE-2021-3711, package: libssl1.1, reason: ..., expires: ...}\n"
          "# and no report lists CVE-2021-3711 in libssl1.1",
      good="# the exception removed once the package was upgraded")
def unused_exception(checked: Checked, rule: Rule) -> Iterator[Finding]:
    source = checked.settings.source or "config"
    for exception in checked.evaluation.unused_exceptions:
        scope = f" in {exception.package}" if exception.package else ""
        yield _finding(rule, source, checked.config_line(exception.id),
                       f"the exception for {exception.id}{scope} ({exception.key}) matches no vulnerability in "
                       "the reports")


def _finding(rule: Rule, path: str, line: int, message: str) -> Finding:
    return Finding(rule=rule.id, name=rule.slug, severity=rule.severity, stage=Stage.TEST, path=path, line=line,
                   message=message, aliases=rule.aliases)


def _vulnerability_finding(checked: Checked, rule: Rule, assessed: Assessed) -> Finding:
    vulnerability = assessed.vulnerability
    place = checked.place(assessed)
    parts = [f"{vulnerability.id} ({vulnerability.severity}) in {vulnerability.package} {vulnerability.installed}"]
    parts.append(f"fixed in {vulnerability.fixed}" if vulnerability.fixed else "no fixed version yet")
    if place is not None and place.base is not None:
        parts.append(f"from the base image {place.base}")
    elif place is not None and place.instruction:
        parts.append(f"added by the {place.instruction} on line {place.line}")
    elif place is not None:
        parts.append("added somewhere in the final stage (the image has fewer layers than instructions)")
    else:
        parts.append(f"seen in {', '.join(vulnerability.reports)}")
    if assessed.grace_until is not None:
        parts.append(f"inside its patch window until {assessed.grace_until}: reported, does not fail yet")
    suppression = assessed.suppression
    if suppression is not None:
        parts.append(f"suppressed by {suppression.by} ({suppression.source}): {suppression.reason}")
    details: dict[str, object] = {
        "id": vulnerability.id,
        "aliases": vulnerability.aliases,
        "severity": vulnerability.severity,
        "package": vulnerability.package,
        "installed": vulnerability.installed,
        "fixed": vulnerability.fixed,
        "purl": vulnerability.purl,
        "targets": vulnerability.targets,
        "reports": vulnerability.reports,
    }
    extra: dict[str, object] = {"vulnerability": details}
    if suppression is not None:
        extra["suppressed"] = {"by": suppression.by, "source": suppression.source, "reason": suppression.reason}
    in_dockerfile = place is not None and checked.dockerfile is not None
    score = vulnerability.score
    return Finding(
        rule=rule.id, name=rule.slug, severity=LEVELS.get(vulnerability.severity, Severity.INFO), stage=Stage.TEST,
        path=checked.dockerfile if in_dockerfile and checked.dockerfile else vulnerability.reports[0],
        line=place.line if in_dockerfile and place else 1,
        end_line=place.end_line if in_dockerfile and place else None,
        message="; ".join(parts), aliases=rule.aliases, fixable=False, extra=extra, fails=assessed.fails,
        security_severity=score if score is not None else DEFAULT_SCORES.get(vulnerability.severity, 0.0),
    )
