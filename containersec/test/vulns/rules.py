"""The vulnerability policy's rules (CSV...): each turns the assessed reports into findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from containersec.catalogue import Rule, rule
from containersec.findings import Finding, Severity, Stage, Suppression
from containersec.vulnerabilities.policy import LEVELS
from containersec.vulnerabilities.settings import EXPIRY_WINDOW_DAYS, expiry_instant, line_of

if TYPE_CHECKING:  # `containersec lint` loads every rule package: this one must stay cheap to import
    from containersec.test.vulns.checked import Checked
    from containersec.vulnerabilities.group import Vulnerability
    from containersec.vulnerabilities.ignores import IgnoreRule
    from containersec.vulnerabilities.policy import Assessed
    from containersec.vulnerabilities.settings import AcceptedRisk

# Code scanning's ranking when the report gives no CVSS score (Trivy's own SARIF defaults).
DEFAULT_SCORES = {"CRITICAL": 9.5, "HIGH": 8.0, "MEDIUM": 5.5, "LOW": 2.0}
SHOWN_PLACES = 3  # where in the scanned artifact a package was found, at most this many named


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
          "stops applying, so the vulnerability gets its own verdict again (it fails if it reaches the threshold); "
          "review it: upgrade, or renew it with a new reason.",
      bad="# .containersec.yaml\n# vulns:\n#   exceptions:\n#     - {id: CVE-2023-4911, reason: not reachable, "
          "expires: 2024-01-01}",
      good="# vulns:\n#   exceptions:\n#     - {id: CVE-2023-4911, reason: glibc tunables unused, "
           "expires: 2027-01-01}",
      notes="The expiry is reported without failing the run by itself: the vulnerability it covered fails or "
            "passes as if there had been no exception. `vulns.fail-on-expired: true` makes the expiry fail too; "
            "`containersec policy-check` (and its pre-commit hook) fails on expired and soon-expiring exceptions.")
def expired_exception(checked: Checked, rule: Rule) -> Iterator[Finding]:
    source = checked.settings.source or "config"
    fails = None if checked.settings.fail_on_expired else False
    for exception in checked.evaluation.expired_exceptions:
        yield _finding(rule, source, line_of(checked.config_text, exception.id),
                       f"the exception for {exception.id} ({exception.key}) expired on {exception.expires}: "
                       f"it no longer suppresses the vulnerability (reason was: {exception.reason})", fails)
    for ignore in checked.evaluation.expired_ignores:
        yield _finding(rule, ignore.source, ignore.line,
                       f"the entry for {ignore.id} expired on {ignore.expires}: it no longer suppresses "
                       "the vulnerability", fails)


@rule(id="CSV004", slug="exception-expiring", severity=Severity.WARNING, stage=Stage.TEST, enabled=False,
      summary="An accepted vulnerability's exception expires soon",
      why="An exception that is about to expire will let its vulnerability fail the build on a day nobody "
          "chose. Review it before then: upgrade the package, or renew the exception with a new reason and date.",
      bad="# vulns:\n#   exceptions:\n#     - {id: CVE-2023-4911, reason: not reachable, expires: <in 5 days>}",
      good="# vulns:\n#   exceptions:\n#     - {id: CVE-2023-4911, reason: glibc tunables unused, "
           "expires: <in 3 months>}",
      notes="Off in `containersec vulns` unless selected (it then looks 14 days ahead); `containersec policy-check` "
            "(and its pre-commit hook) reports it with a window of `--days` (default 14).")
def exception_expiring(checked: Checked, rule: Rule) -> Iterator[Finding]:
    yield from expiry_findings(rule, checked.settings.source or "config", checked.config_text,
                               checked.evaluation.expiring_exceptions, checked.evaluation.expiring_ignores,
                               checked.now)


def expiry_findings(rule: Rule, source: str, config_text: str, exceptions: list[AcceptedRisk],
                    ignores: list[IgnoreRule], now: dt.datetime, days: int = EXPIRY_WINDOW_DAYS,
                    fails: bool | None = None) -> Iterator[Finding]:
    """One finding per exception or ignore-file entry in `exceptions` and `ignores`, said as expired or expiring."""
    def when(expires: dt.date) -> str:
        if now >= expiry_instant(expires):
            return f"expired on {expires}"
        return f"expires on {expires} ({(expiry_instant(expires) - now).days} days left, within {days})"

    for exception in exceptions:
        yield _finding(rule, source, line_of(config_text, exception.id),
                       f"{exception.key} {exception.id}: {when(exception.expires)} (reason: {exception.reason})",
                       fails)
    for ignore in ignores:
        if ignore.expires is not None:
            yield _finding(rule, ignore.source, ignore.line, f"{ignore.id}: {when(ignore.expires)}", fails)


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
        yield _finding(rule, source, line_of(checked.config_text, exception.id),
                       f"the exception for {exception.id}{scope} ({exception.key}) matches no vulnerability in "
                       "the reports")


@rule(id="CSV005", slug="scanner-secret", severity=Severity.ERROR, stage=Stage.TEST,
      summary="A scanner found a secret",
      why="A scanner report lists a credential in the scanned files or image (Trivy's secret scanner). Treat it "
          "as leaked: revoke it, then take it out of the source and pass it at run time or as a build secret.",
      bad="# trivy fs --scanners vuln,secret . lists github-pat (CRITICAL) in Dockerfile line 24",
      good="RUN --mount=type=secret,id=github_token make fetch",
      notes="Each of the report's secret results is a finding with the scanner's rule ID as its credential kind "
            "(`secret_kind`, and the SARIF property `secret-kind`), the file and line; the value is never "
            "shown (Trivy stars it out and it is not read). The severity follows the scanner's as for "
            "vulnerabilities (CRITICAL and HIGH error), and `vulns.fail-on` applies: a CRITICAL secret fails "
            "the gate. The same secret in two reports is one finding. Misconfigurations and licenses are not "
            "evaluated: they are counted in the summary and in each report's entry.")
def scanner_secret(checked: Checked, rule: Rule) -> Iterator[Finding]:
    from containersec.vulnerabilities.records import SEVERITY_RANK

    fail_on = checked.settings.fail_on
    seen: set[tuple[str, int, str]] = set()
    for report in checked.reports:
        for secret in report.secrets:
            key = (secret.target, secret.line, secret.rule)
            if key in seen:
                continue
            seen.add(key)
            where = f"{secret.target or report.path}" + (f" line {secret.line}" if secret.line else "")
            yield Finding(
                rule=rule.id, name=rule.slug, severity=LEVELS.get(secret.severity, Severity.INFO), stage=Stage.TEST,
                path=secret.target or report.path, line=secret.line or 1,
                message=f"{secret.title} ({secret.severity}, {report.tool} rule {secret.rule}) in {where}: revoke "
                        "it and remove it from the source",
                aliases=rule.aliases, secret=True, secret_kind=secret.rule or None,
                extra={"secret": {"rule": secret.rule, "category": secret.category, "severity": secret.severity,
                                  "target": secret.target, "line": secret.line, "report": report.path}},
                fails=None if fail_on is None else SEVERITY_RANK[secret.severity] >= SEVERITY_RANK[fail_on],
                security_severity=DEFAULT_SCORES.get(secret.severity, 0.0))


def _scanned(vulnerability: Vulnerability) -> str:
    """`in alpine:3.10 (alpine 3.10.9)`, `in busybox:1.32.1 (/bin/[)`: what the scanner scanned, and where in it.

    The report's own path is already the finding's location, so it is named only when the report names nothing.
    """
    artifacts = list(dict.fromkeys(report.artifact for report, _ in vulnerability.records if report.artifact))
    named = [t for t in vulnerability.targets if any(t.startswith(a) for a in artifacts)]
    places = [t for t in vulnerability.targets if t not in named]
    shown = ", ".join(named or artifacts or vulnerability.reports)
    if places:
        more = f" and {len(places) - SHOWN_PLACES} more" if len(places) > SHOWN_PLACES else ""
        shown += f" ({', '.join(places[:SHOWN_PLACES])}{more})"
    return f"in {shown}"


def _finding(rule: Rule, path: str, line: int, message: str, fails: bool | None = None) -> Finding:
    return Finding(rule=rule.id, name=rule.slug, severity=rule.severity, stage=Stage.TEST, path=path, line=line,
                   message=message, aliases=rule.aliases, fails=fails)


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
        parts.append(_scanned(vulnerability))
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
        suppression=None if suppression is None else Suppression(
            "external", f"{suppression.reason} ({suppression.by}: {suppression.source})"),
    )
