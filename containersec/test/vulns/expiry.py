"""`containersec policy-check` and its hook: exceptions that have expired or will soon, offline."""

from __future__ import annotations

import datetime as dt

from containersec.catalogue import resolve
from containersec.config import Config
from containersec.findings import Report, Stage
from containersec.test.vulns.rules import expiry_findings
from containersec.vulnerabilities.ignores import read_ignore_file
from containersec.vulnerabilities.policy import expiring
from containersec.vulnerabilities.settings import read_config_text, read_settings


def check_exceptions(config: Config, days: int, now: dt.datetime | None = None) -> Report:
    """A finding per exception (or ignore-file entry with a date) that has expired or expires within `days` days.

    Both are warnings, which fail the run at the default threshold; a ConfigError propagates (the caller exits 2).
    """
    now = now or dt.datetime.now(dt.UTC)
    settings = read_settings(config)
    ignores = [rule for path in settings.ignore_files for rule in read_ignore_file(path)]
    source = settings.source or "config"
    config_text = read_config_text(settings.source)
    (expired_rule,), (expiring_rule,) = resolve("CSV002"), resolve("CSV004")
    findings = [
        *expiry_findings(expired_rule, source, config_text, [e for e in settings.exceptions if e.expired(now)],
                         [rule for rule in ignores if rule.expired(now)], now, days),
        *expiry_findings(expiring_rule, source, config_text, expiring(settings.exceptions, now, days),
                         expiring(ignores, now, days), now, days),
    ]
    dated = len(settings.exceptions) + sum(1 for rule in ignores if rule.expires)
    report = Report(stages=(Stage.TEST,), findings=findings, files=len({source, *settings.ignore_files}))
    report.sort()
    report.footer = f"{dated} exceptions checked, {len(findings)} expired or expiring within {days} days"
    return report

