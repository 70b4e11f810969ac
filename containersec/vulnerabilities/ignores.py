"""The peers' ignore files, honoured as they define them: `.trivyignore`, `.trivyignore.yaml`, `.grype.yaml`."""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from containersec.config import ConfigError
from containersec.untrusted import DocumentError
from containersec.untrusted.patterns import doublestar, regex
from containersec.vulnerabilities.group import Vulnerability
from containersec.vulnerabilities.purls import parse_purl, purl_matches
from containersec.vulnerabilities.settings import expiry_instant

_EXP = re.compile(r"^exp:(.*)$")
_REGEX_CHARS = re.compile(r"[\\^$.|?*+()\[\]{}]")
GRYPE_PACKAGE_KEYS = ("name", "version", "type", "language", "location", "upstream-name")
GRYPE_KEYS = ("vulnerability", "include-aliases", "reason", "fix-state", "namespace", "match-type", "package",
              "vex-status", "vex-justification")


@dataclass(frozen=True)
class IgnoreRule:
    source: str  # the file, as named
    line: int  # 1-based line of the entry where known, else 1
    id: str  # what the entry names (for messages)
    reason: str
    expires: dt.date | None
    matches: Callable[[Vulnerability], bool]

    def expired(self, now: dt.datetime) -> bool:
        return self.expires is not None and now >= expiry_instant(self.expires)


def read_ignore_file(path: str) -> list[IgnoreRule]:
    """The rules of one file, chosen by its name: `*.yaml`/`*.yml` of Grype or Trivy, else a plain `.trivyignore`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, "no such file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, f"not valid UTF-8 at byte {exc.start}") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror}") from None
    if not path.endswith((".yaml", ".yml")):
        return _trivyignore(path, text)
    from containersec.untrusted import yaml_data

    try:
        data = yaml_data.load(text)
    except DocumentError as exc:
        raise ConfigError(path, None, str(exc)) from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ConfigError(path, None, "expected a mapping")
    if "ignore" in data or "grype" in os.path.basename(path):
        return _grype(path, text, data.get("ignore") or [])
    return _trivy_yaml(path, text, data)


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle and needle in line:
            return number
    return 1


# --- .trivyignore --------------------------------------------------------------------------------


def _trivyignore(path: str, text: str) -> list[IgnoreRule]:
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        expires: dt.date | None = None
        bad_date = False
        for word in fields[1:]:
            match = _EXP.match(word)
            if match:
                try:
                    expires = dt.date.fromisoformat(match.group(1))
                except ValueError:
                    bad_date = True
        if bad_date:
            continue  # Trivy drops a line whose exp: it cannot read (the vulnerability is then not ignored)
        wanted = fields[0]
        # Exact and case-sensitive on the scanner's own ID, never an alias (pkg/result/ignore.go).
        rules.append(IgnoreRule(path, number, wanted, "", expires, lambda v, wanted=wanted: v.id == wanted))
    return rules


# --- .trivyignore.yaml ---------------------------------------------------------------------------


def _trivy_yaml(path: str, text: str, data: dict[str, Any]) -> list[IgnoreRule]:
    entries = data.get("vulnerabilities") or []
    if not isinstance(entries, list):
        raise ConfigError(path, "vulnerabilities", "expected a list")
    rules = []
    for i, entry in enumerate(entries):
        key = f"vulnerabilities[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
            raise ConfigError(path, f"{key}.id", "required")
        paths = _strings(path, f"{key}.paths", entry.get("paths"))
        purls = []
        for j, text_purl in enumerate(_strings(path, f"{key}.purls", entry.get("purls"))):
            parsed = parse_purl(text_purl)
            if parsed is None:
                raise ConfigError(path, f"{key}.purls[{j}]", f"not a package URL: {text_purl!r}")
            purls.append(parsed)
        expires = _yaml_date(path, f"{key}.expired_at", entry.get("expired_at"))
        wanted = entry["id"].strip()

        def matches(v: Vulnerability, wanted: str = wanted, paths: list[str] = paths, purls: list = purls) -> bool:
            if v.id != wanted:
                return False
            if paths and not any(_doublestar(p, where) for p in paths for where in _places(v)):
                return False
            return not purls or any(v.purl and purl_matches(rule, v.purl) for rule in purls)

        rules.append(IgnoreRule(path, _line_of(text, wanted), wanted, _text(entry.get("statement")), expires,
                                matches))
    return rules


def _places(v: Vulnerability) -> list[str]:
    return [*v.targets, *(r.package_path for _, r in v.records if r.package_path)]


def _doublestar(pattern: str, path: str) -> bool:
    return doublestar(pattern).fullmatch(path) is not None


def _strings(path: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, key, "expected a list of strings")
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _yaml_date(path: str, key: str, value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(path, key, f"expected a date YYYY-MM-DD, not {str(value)!r}") from None


# --- .grype.yaml ---------------------------------------------------------------------------------


def _grype(path: str, text: str, entries: Any) -> list[IgnoreRule]:
    if not isinstance(entries, list):
        raise ConfigError(path, "ignore", "expected a list of rules")
    rules = []
    for i, entry in enumerate(entries):
        key = f"ignore[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(path, key, "expected a mapping")
        for name in entry:
            if name not in GRYPE_KEYS:
                raise ConfigError(path, f"{key}.{name}", f"unknown key (expected one of: {', '.join(GRYPE_KEYS)})")
        package = entry.get("package") or {}
        if not isinstance(package, dict) or any(name not in GRYPE_PACKAGE_KEYS for name in package):
            raise ConfigError(path, f"{key}.package", f"expected a mapping of {', '.join(GRYPE_PACKAGE_KEYS)}")
        if "vex-status" in entry or "vex-justification" in entry:
            continue  # these rules act on VEX statements only (grype/match/ignore.go)
        try:
            conditions = _grype_conditions(entry, package)
        except DocumentError as exc:  # package.name is the only pattern a rule holds
            raise ConfigError(path, f"{key}.package.name", str(exc)) from None
        if not conditions:
            continue  # Grype: a rule with no condition never matches
        wanted = _text(entry.get("vulnerability")) or f"rule {i + 1}"
        rules.append(IgnoreRule(path, _line_of(text, _text(entry.get("vulnerability"))), wanted,
                                _text(entry.get("reason")), None,
                                lambda v, conditions=conditions: all(condition(v) for condition in conditions)))
    return rules


def _grype_conditions(entry: dict[str, Any], package: dict[str, Any]) -> list[Callable[[Vulnerability], bool]]:
    """Every field given must match (AND), as grype/match/ignore.go does."""
    conditions: list[Callable[[Vulnerability], bool]] = []
    vulnerability = _text(entry.get("vulnerability"))
    if vulnerability:
        aliases = entry.get("include-aliases") is True
        conditions.append(lambda v: v.id == vulnerability or (aliases and vulnerability in v.aliases))
    fix_state = _text(entry.get("fix-state"))
    if fix_state:
        conditions.append(lambda v: any((r.fix_state or "unknown") == fix_state or
                                        (fix_state == "unknown" and not r.fix_state) for _, r in v.records))
    for field_name, read in (("namespace", lambda r: [r.namespace]), ("match-type", lambda r: list(r.match_types))):
        wanted = _text(entry.get(field_name))
        if wanted:
            conditions.append(lambda v, wanted=wanted, read=read: any(wanted in read(r) for _, r in v.records))
    name = _text(package.get("name"))
    if name:
        pattern = regex(name) if _REGEX_CHARS.search(name) else None
        conditions.append(lambda v: v.package == name or (pattern is not None and pattern.fullmatch(v.package)
                          is not None))
    for field_name, read in (("version", lambda v: [v.installed]),
                             ("type", lambda v: [r.package_type for _, r in v.records]),
                             ("language", lambda v: [r.language for _, r in v.records]),
                             ("upstream-name", lambda v: [u for _, r in v.records for u in r.upstreams])):
        if field_name in package and package[field_name] is not None and _text(package[field_name]) != "":
            wanted = _text(package[field_name])
            conditions.append(lambda v, wanted=wanted, read=read: wanted in read(v))
    location = _text(package.get("location"))
    if location:
        conditions.append(lambda v: any(_doublestar(location, where) or fnmatch.fnmatchcase(where, location)
                                        for _, r in v.records for where in (r.locations or (r.target,))))
    return conditions
