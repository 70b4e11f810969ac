"""The `containersec-policy-check` hook: exceptions that have expired or will soon, offline."""

from __future__ import annotations

import datetime as dt
import sys

from containersec.config import Config, ConfigError
from containersec.vulnerabilities.ignores import read_ignore_file
from containersec.vulnerabilities.settings import expiry_instant, read_settings


def check_exceptions(config: Config, days: int, now: dt.datetime | None = None) -> int:
    """0 when every exception holds for more than `days` days, 1 when one does not, 2 for a config error."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        settings = read_settings(config)
        ignores = [rule for path in settings.ignore_files for rule in read_ignore_file(path)]
    except ConfigError as exc:
        print(f"containersec: config error: {exc}", file=sys.stderr)
        return 2
    horizon = now + dt.timedelta(days=days)
    entries = [(settings.source or "config", f"{e.key} {e.id}", e.expires) for e in settings.exceptions]
    entries += [(rule.source, f"line {rule.line} {rule.id}", rule.expires) for rule in ignores if rule.expires]
    failing = 0
    for source, what, expires in sorted(entries, key=lambda entry: entry[2]):
        instant = expiry_instant(expires)
        if instant <= now:
            print(f"{source}: {what}: expired on {expires}")
        elif instant <= horizon:
            left = (instant - now).days
            print(f"{source}: {what}: expires on {expires} ({left} days left, within {days})")
        else:
            continue
        failing += 1
    print(f"{len(entries)} exceptions checked, {failing} expired or expiring within {days} days")
    return 1 if failing else 0
