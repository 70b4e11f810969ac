"""The policy over de-duplicated vulnerabilities: what is suppressed (and by what), what fails, what expired."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field

from containersec.findings import Severity
from containersec.vulnerabilities.group import Vulnerability
from containersec.vulnerabilities.ignores import IgnoreRule
from containersec.vulnerabilities.records import SEVERITY_RANK
from containersec.vulnerabilities.settings import EXPIRY_WINDOW_DAYS, AcceptedRisk, VulnsSettings, expiry_instant
from containersec.vulnerabilities.vex import Statement, applicable

# The scanner's severity decides the finding's: CRITICAL and HIGH error, MEDIUM warning, the rest info. Without
# `vulns.fail-on`, the run's threshold compares these.
LEVELS = {"CRITICAL": Severity.ERROR, "HIGH": Severity.ERROR, "MEDIUM": Severity.WARNING}

# How suppressions are named in the summary, in this order.
BY_EXCEPTION, BY_IGNORE_FILE, BY_VEX, BY_ONLY_FIXED = "exceptions", "ignore files", "VEX", "only-fixed"


@dataclass(frozen=True)
class Suppression:
    by: str  # one of the BY_* names
    source: str  # the file that says so
    reason: str


@dataclass
class Assessed:
    vulnerability: Vulnerability
    suppression: Suppression | None = None
    fails: bool | None = None  # None: the containersec threshold decides
    grace_until: dt.date | None = None  # inside its patch window until this date


@dataclass
class Evaluation:
    assessed: list[Assessed] = field(default_factory=list)
    expired_exceptions: list[AcceptedRisk] = field(default_factory=list)
    unused_exceptions: list[AcceptedRisk] = field(default_factory=list)
    expired_ignores: list[IgnoreRule] = field(default_factory=list)
    expiring_exceptions: list[AcceptedRisk] = field(default_factory=list)  # within EXPIRY_WINDOW_DAYS
    expiring_ignores: list[IgnoreRule] = field(default_factory=list)


def expiring(entries: list[AcceptedRisk] | list[IgnoreRule], now: dt.datetime, days: int) -> list:
    """The entries not expired yet that expire within `days` days of `now`."""
    horizon = now + dt.timedelta(days=days)
    return [e for e in entries if e.expires is not None and not e.expired(now) and expiry_instant(e.expires) <= horizon]


def evaluate(vulnerabilities: list[Vulnerability], settings: VulnsSettings, ignores: list[IgnoreRule],
             statements: list[Statement], now: dt.datetime) -> Evaluation:
    evaluation = Evaluation()
    live = [e for e in settings.exceptions if not e.expired(now)]
    evaluation.expired_exceptions = [e for e in settings.exceptions if e.expired(now)]
    evaluation.expired_ignores = [rule for rule in ignores if rule.expired(now)]
    live_ignores = [rule for rule in ignores if not rule.expired(now)]
    evaluation.expiring_exceptions = expiring(settings.exceptions, now, EXPIRY_WINDOW_DAYS)
    evaluation.expiring_ignores = expiring(ignores, now, EXPIRY_WINDOW_DAYS)
    used: set[int] = set()
    for vulnerability in vulnerabilities:
        assessed = Assessed(vulnerability)
        assessed.suppression = _suppression(vulnerability, settings, live, live_ignores, statements, used)
        if assessed.suppression is not None:
            assessed.fails = False
        else:
            _decide_failing(assessed, settings, now)
        evaluation.assessed.append(assessed)
    evaluation.unused_exceptions = [e for i, e in enumerate(live) if i not in used]
    return evaluation


def _suppression(vulnerability: Vulnerability, settings: VulnsSettings, exceptions: list[AcceptedRisk],
                 ignores: list[IgnoreRule], statements: list[Statement], used: set[int]) -> Suppression | None:
    for i, exception in enumerate(exceptions):
        if _exception_covers(exception, vulnerability):
            used.add(i)
            return Suppression(BY_EXCEPTION, settings.source or "config", exception.reason)
    for rule in ignores:
        if rule.matches(vulnerability):
            return Suppression(BY_IGNORE_FILE, rule.source, rule.reason or f"listed on line {rule.line}")
    statement = applicable(statements, vulnerability)
    if statement is not None:
        reason = f"{statement.status}: {statement.justification}" if statement.justification else statement.status
        return Suppression(BY_VEX, statement.source, reason)
    if settings.only_fixed and not vulnerability.fixed:
        return Suppression(BY_ONLY_FIXED, settings.source or "config", "no fixed version available")
    return None


def _exception_covers(exception: AcceptedRisk, vulnerability: Vulnerability) -> bool:
    if exception.id.upper() not in {i.upper() for i in vulnerability.ids}:
        return False
    if exception.package is not None and exception.package != vulnerability.package:
        return False
    places = [*vulnerability.reports, *vulnerability.targets,
              *(r.package_path for _, r in vulnerability.records if r.package_path)]
    return not exception.paths or any(fnmatch.fnmatchcase(p, g) for g in exception.paths for p in places)


def _decide_failing(assessed: Assessed, settings: VulnsSettings, now: dt.datetime) -> None:
    vulnerability = assessed.vulnerability
    if settings.fail_on is not None:
        assessed.fails = SEVERITY_RANK[vulnerability.severity] >= SEVERITY_RANK[settings.fail_on]
    days = settings.grace_days.get(vulnerability.severity)
    published = _published(vulnerability.published)
    if days is None or published is None:
        return  # a record without a published date gets no grace
    until = published + dt.timedelta(days=days)
    if now < until:
        assessed.fails = False
        assessed.grace_until = until.date()


def _published(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
