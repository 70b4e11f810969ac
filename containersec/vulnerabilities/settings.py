"""The `vulns:` section of the config file, validated; every error names the file and the key."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from containersec.config import Config
from containersec.vulnerabilities.records import SEVERITY_RANK

KEYS = ("fail-on", "fail-on-expired", "only-fixed", "severities", "grace-days", "exceptions", "vex", "ignore-files",
        "dockerfile")
EXCEPTION_KEYS = ("id", "package", "paths", "reason", "expires")
# Files of the peers' ignore rules that apply without being named, looked for beside the config file.
FOUND_IGNORE_FILES = (".trivyignore", ".trivyignore.yaml", ".grype.yaml", ".grype/config.yaml")
# How many days ahead an exception counts as expiring soon (`policy-check --days` changes it there).
EXPIRY_WINDOW_DAYS = 14


@dataclass(frozen=True)
class AcceptedRisk:
    """An accepted vulnerability: until `expires` (00:00 UTC of that date, like `.trivyignore`'s exp:)."""

    id: str
    reason: str
    expires: dt.date
    package: str | None = None
    paths: tuple[str, ...] = ()
    key: str = ""  # where it is in the config, e.g. vulns.exceptions[2]

    def expired(self, now: dt.datetime) -> bool:
        return now >= expiry_instant(self.expires)


@dataclass
class VulnsSettings:
    source: str | None  # the config file, for findings about its exceptions
    fail_on: str | None = None  # a scanner severity; None leaves failing to the containersec threshold
    only_fixed: bool = False
    severities: tuple[str, ...] = ()  # report only these scanner severities (Trivy's --severity); empty: all
    fail_on_expired: bool = False  # an expired exception fails the run by itself, not only its vulnerability
    grace_days: dict[str, int] = field(default_factory=dict)
    exceptions: list[AcceptedRisk] = field(default_factory=list)
    vex: list[str] = field(default_factory=list)
    ignore_files: list[str] = field(default_factory=list)
    dockerfile: str | None = None


def expiry_instant(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def read_config_text(path: str | None) -> str:
    """The config file's text, to point findings at an exception's line; empty when there is none to read."""
    if path is None:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def line_of(config_text: str, needle: str) -> int:
    """The first line of the config file that mentions `needle` (an exception's ID), else 1."""
    for number, line in enumerate(config_text.splitlines(), 1):
        if needle in line:
            return number
    return 1


def _flag(config: Config, section: dict[str, Any], key: str) -> bool:
    value = section.get(key, False)
    if not isinstance(value, bool):
        raise config.section_error(f"vulns.{key}", "expected true or false")
    return value


def read_settings(config: Config) -> VulnsSettings:
    section = config.section("vulns")
    for key in section:
        if key not in KEYS:
            raise config.section_error(f"vulns.{key}", f"unknown key (expected one of: {', '.join(KEYS)})")
    directory = config.directory
    settings = VulnsSettings(source=config.source)
    if "fail-on" in section:
        settings.fail_on = _scanner_severity(config, "vulns.fail-on", section["fail-on"])
    settings.only_fixed = _flag(config, section, "only-fixed")
    settings.fail_on_expired = _flag(config, section, "fail-on-expired")
    severities = section.get("severities", [])
    if isinstance(severities, str):
        severities = severities.split(",")
    if not isinstance(severities, list):
        raise config.section_error("vulns.severities", "expected a list of scanner severities")
    settings.severities = tuple(_scanner_severity(config, "vulns.severities", name) for name in severities)
    grace = section.get("grace-days", {})
    if not isinstance(grace, dict):
        raise config.section_error("vulns.grace-days", "expected a mapping of scanner severity to days")
    for name, days in grace.items():
        key = f"vulns.grace-days.{name}"
        severity = _scanner_severity(config, key, name)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise config.section_error(key, "expected a whole number of days, 0 or more")
        settings.grace_days[severity] = days
    exceptions = section.get("exceptions", [])
    if not isinstance(exceptions, list):
        raise config.section_error("vulns.exceptions", "expected a list")
    settings.exceptions = [_exception(config, f"vulns.exceptions[{i}]", entry) for i, entry in enumerate(exceptions)]
    settings.vex = [_relative(directory, p) for p in _paths(config, "vulns.vex", section.get("vex", []))]
    named = _paths(config, "vulns.ignore-files", section.get("ignore-files", []))
    if "ignore-files" in section:
        settings.ignore_files = [_relative(directory, p) for p in named]
    else:
        found = [name for name in FOUND_IGNORE_FILES if (directory / name).is_file()]
        settings.ignore_files = [_relative(directory, name) for name in found]
    if "dockerfile" in section:
        if not isinstance(section["dockerfile"], str) or not section["dockerfile"].strip():
            raise config.section_error("vulns.dockerfile", "expected a path")
        settings.dockerfile = _relative(directory, section["dockerfile"])
    return settings


def _scanner_severity(config: Config, key: str, value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if text not in SEVERITY_RANK:
        raise config.section_error(key, f"expected a scanner severity ({', '.join(SEVERITY_RANK)})")
    return text


def _paths(config: Config, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise config.section_error(key, "expected a path or a list of paths")
    return value


def _relative(directory: Path, path: str) -> str:
    return os.path.normpath(directory / path) if directory != Path.cwd() else path


def _exception(config: Config, key: str, entry: Any) -> AcceptedRisk:
    if not isinstance(entry, dict):
        raise config.section_error(key, "expected a mapping with id, reason and expires")
    for name in entry:
        if name not in EXCEPTION_KEYS:
            raise config.section_error(f"{key}.{name}", f"unknown key (expected one of: {', '.join(EXCEPTION_KEYS)})")
    for required in ("id", "reason", "expires"):
        value = entry.get(required)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise config.section_error(f"{key}.{required}", "required")
    if not isinstance(entry["id"], str):
        raise config.section_error(f"{key}.id", "expected a vulnerability ID such as CVE-2024-1234")
    if not isinstance(entry["reason"], str):
        raise config.section_error(f"{key}.reason", "expected text saying why the risk is accepted")
    package = entry.get("package")
    if package is not None and (not isinstance(package, str) or not package.strip()):
        raise config.section_error(f"{key}.package", "expected a package name")
    paths = _paths(config, f"{key}.paths", entry.get("paths", []))
    return AcceptedRisk(id=entry["id"].strip(), reason=entry["reason"].strip(), expires=_date(config, key, entry),
                      package=package.strip() if package else None, paths=tuple(paths), key=key)


def _date(config: Config, key: str, entry: dict[str, Any]) -> dt.date:
    value = entry["expires"]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):  # YAML reads a bare 2026-03-01 as a date
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise config.section_error(f"{key}.expires", f"expected a date YYYY-MM-DD, not {str(value)!r}") from None
