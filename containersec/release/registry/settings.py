"""The `registry:` config section, validated with errors that name the file and the key."""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import shlex
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from containersec.config import Config
from containersec.release.registry.client import ClientOptions, RegistryPool
from containersec.release.registry.credentials import Credential, find_credential
from containersec.release.registry.retention import RetentionRule
from containersec.untrusted import DocumentError
from containersec.untrusted.patterns import LinearPattern, any_glob, regex

# Semantic versions, with an optional `v` and an optional pre-release/build part.
DEFAULT_RELEASE_TAGS = r"v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?"
DEFAULT_PATCH_WINDOW_DAYS = 90
DEFAULT_REQUIRED_LABELS = {
    "org.opencontainers.image.source": "url",
    "org.opencontainers.image.revision": "hash",
    "org.opencontainers.image.created": "rfc3339",
    "org.opencontainers.image.version": "text",
    "org.opencontainers.image.licenses": "spdx",
}
KEYS = ("release-tags", "patch-window-days", "required-labels", "cosign-public-key", "insecure-hosts",
        "ca-bundle", "timeout", "retries", "max-scan-age-days", "scanner", "scanner-jobs", "scanner-timeout",
        "scan-cache", "retention", "deadline")
RULE_KEYS = ("description", "repositories", "tags", "tag-regex", "tag-status", "action", "priority", "keep-last",
             "keep-days", "older-than-days")
SCANNER_KEYS = ("command", "db-version-command")
# The scanners named on the command line: how to scan one image, and what says which database it used.
SCANNERS = {
    "trivy": ("trivy image --quiet --format json {image}", "trivy version --format json"),
    "grype": ("grype --quiet -o json {image}", "grype db status -o json"),
}
DEFAULT_MAX_SCAN_AGE_DAYS = 7


@dataclass(frozen=True)
class ScannerSettings:
    """A scanner run once per digest: `command` with `{image}` (also `{registry}`, `{repository}`, `{digest}`)."""

    name: str
    command: str
    db_version_command: str | None  # its output keys the cache: a new database means a new scan
    jobs: int = 4
    timeout: float = 600.0


@dataclass(frozen=True)
class ConfiguredRule:
    """A `registry.retention` rule and the repositories it applies to (globs; empty: every repository)."""

    rule: RetentionRule
    repositories: tuple[str, ...] = ()

    def applies_to(self, name: str) -> bool:
        """`name` is host/repository; a glob may name either that or the repository alone."""
        repository = name.split("/", 1)[1] if "/" in name else name
        return not self.repositories or any(fnmatch.fnmatchcase(candidate, glob) for glob in self.repositories
                                            for candidate in (name, repository))


@dataclass(frozen=True)
class RegistrySettings:
    release_tags: LinearPattern
    patch_window_days: int
    required_labels: Mapping[str, str]  # label -> type (text, url, hash, rfc3339, spdx, semver, email)
    cosign_public_key: Path | None
    client: ClientOptions
    max_scan_age_days: int = DEFAULT_MAX_SCAN_AGE_DAYS
    scanner: ScannerSettings | None = None
    scan_cache: Path | None = None  # None: the user's cache folder
    retention: tuple[ConfiguredRule, ...] = ()

    def with_scanner(self, name: str | None) -> RegistrySettings:
        """These settings with the scanner named on the command line (trivy, grype) instead of the config's."""
        if name is None:
            return self
        command, version = SCANNERS[name]
        jobs, timeout = (self.scanner.jobs, self.scanner.timeout) if self.scanner else (4, 600.0)
        return dataclasses.replace(self, scanner=ScannerSettings(name, command, version, jobs, timeout))

    def pool(self, named_hosts: Collection[str], environ: Mapping[str, str] | None = None) -> RegistryPool:
        environ = os.environ if environ is None else environ

        def lookup(host: str) -> Credential | None:
            return find_credential(host, environ, named_hosts)

        return RegistryPool(self.client, lookup)


def registry_settings(config: Config) -> RegistrySettings:
    section: dict[str, Any] = config.section("registry")
    for key in section:
        if key not in KEYS:
            raise config.section_error(f"registry.{key}", f"unknown key (expected one of: {', '.join(KEYS)})")
    pattern = section.get("release-tags", DEFAULT_RELEASE_TAGS)
    if not isinstance(pattern, str):
        raise config.section_error("registry.release-tags", "expected a regular expression string")
    try:
        release_tags = regex(pattern)
    except DocumentError as exc:
        raise config.section_error("registry.release-tags", str(exc)) from None
    window = section.get("patch-window-days", DEFAULT_PATCH_WINDOW_DAYS)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise config.section_error("registry.patch-window-days", f"expected a whole number of days >= 1, got "
                                   f"{window!r}")
    labels = dict(DEFAULT_REQUIRED_LABELS)
    extra = section.get("required-labels", [])
    if not isinstance(extra, list) or not all(isinstance(item, str) and item for item in extra):
        raise config.section_error("registry.required-labels", "expected a list of label names")
    labels.update({name: "text" for name in extra if name not in labels})
    insecure = section.get("insecure-hosts", [])
    if not isinstance(insecure, list) or not all(isinstance(item, str) and item for item in insecure):
        raise config.section_error("registry.insecure-hosts", "expected a list of host[:port] names")
    timeout = section.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise config.section_error("registry.timeout", f"expected a number of seconds > 0, got {timeout!r}")
    deadline = section.get("deadline", ClientOptions.deadline)
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or deadline <= 0:
        raise config.section_error("registry.deadline", f"expected a number of seconds > 0, got {deadline!r}")
    retries = section.get("retries", 4)
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
        raise config.section_error("registry.retries", f"expected a whole number from 0 to 10, got {retries!r}")
    return RegistrySettings(
        max_scan_age_days=_whole(config, section, "max-scan-age-days", DEFAULT_MAX_SCAN_AGE_DAYS, 1),
        scanner=_scanner(config, section),
        scan_cache=config.directory / section["scan-cache"] if isinstance(section.get("scan-cache"), str) else None,
        retention=_retention(config, section.get("retention", [])),
        release_tags=release_tags,
        patch_window_days=window,
        required_labels=labels,
        cosign_public_key=_file(config, section, "cosign-public-key"),
        client=ClientOptions(ca_bundle=str(ca) if (ca := _file(config, section, "ca-bundle")) else None,
                             insecure_hosts=tuple(host.lower() for host in insecure), timeout=float(timeout),
                             retries=retries, deadline=float(deadline)),
    )


def _file(config: Config, section: Mapping[str, Any], key: str) -> Path | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise config.section_error(f"registry.{key}", "expected a file path")
    path = config.directory / value
    if not path.is_file():
        raise config.section_error(f"registry.{key}", f"no such file: {value}")
    return path


def _whole(config: Config, section: Mapping[str, Any], key: str, default: int, least: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise config.section_error(f"registry.{key}", f"expected a whole number >= {least}, got {value!r}")
    return value


def _scanner(config: Config, section: Mapping[str, Any]) -> ScannerSettings | None:
    if "scan-cache" in section and (not isinstance(section["scan-cache"], str) or not section["scan-cache"]):
        raise config.section_error("registry.scan-cache", "expected a folder path")
    jobs = _whole(config, section, "scanner-jobs", 4, 1)
    timeout = section.get("scanner-timeout", 600)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise config.section_error("registry.scanner-timeout", f"expected a number of seconds > 0, got {timeout!r}")
    value = section.get("scanner")
    if value is None:
        return None
    if isinstance(value, str) and value in SCANNERS:
        return ScannerSettings(value, *SCANNERS[value], jobs, float(timeout))
    if not isinstance(value, dict):
        raise config.section_error("registry.scanner", f"expected {' or '.join(SCANNERS)}, or a mapping with "
                                   "command (and db-version-command)")
    for key in value:
        if key not in SCANNER_KEYS:
            raise config.section_error(f"registry.scanner.{key}", f"unknown key (expected one of: "
                                       f"{', '.join(SCANNER_KEYS)})")
    command, version = value.get("command"), value.get("db-version-command")
    for key, text in (("command", command), ("db-version-command", version)):
        if text is None and key == "db-version-command":
            continue
        try:
            words = shlex.split(text) if isinstance(text, str) else []
        except ValueError as exc:
            raise config.section_error(f"registry.scanner.{key}", f"cannot split into words: {exc}") from None
        if not words:
            raise config.section_error(f"registry.scanner.{key}", "expected a command line")
    if "{image}" not in command and "{digest}" not in command:
        raise config.section_error("registry.scanner.command", "name the image to scan with {image} (or {digest})")
    return ScannerSettings(Path(shlex.split(command)[0]).name, command, version, jobs, float(timeout))


def _retention(config: Config, rules: Any) -> tuple[ConfiguredRule, ...]:
    if not isinstance(rules, list):
        raise config.section_error("registry.retention", "expected a list of rules")
    return tuple(_retention_rule(config, f"registry.retention[{i}]", entry) for i, entry in enumerate(rules))


def _retention_rule(config: Config, key: str, entry: Any) -> ConfiguredRule:
    if not isinstance(entry, dict):
        raise config.section_error(key, "expected a mapping (action, tags or tag-regex, keep-last, keep-days ...)")
    for name in entry:
        if name not in RULE_KEYS:
            raise config.section_error(f"{key}.{name}", f"unknown key (expected one of: {', '.join(RULE_KEYS)})")
    action = entry.get("action", "keep")
    if action not in ("keep", "delete"):
        raise config.section_error(f"{key}.action", f"expected keep or delete, got {action!r}")
    status = entry.get("tag-status", "tagged")
    if status == "untagged":
        raise config.section_error(f"{key}.tag-status", "untagged manifests are invisible to the registry API; "
                                   "containersec never deletes them (the registry's garbage collection does)")
    if status not in ("tagged", "any"):
        raise config.section_error(f"{key}.tag-status", f"expected tagged or any, got {status!r}")
    counts = [name for name in ("keep-last", "keep-days", "older-than-days") if name in entry]
    if len(counts) > 1:
        raise config.section_error(key, f"give one of keep-last, keep-days, older-than-days, not "
                                   f"{' and '.join(counts)}")
    if ("keep-days" in entry and action == "delete") or ("older-than-days" in entry and action == "keep"):
        raise config.section_error(key, "a keep rule takes keep-days, a delete rule older-than-days")
    numbers = {name: entry[name] for name in counts}
    for name, number in numbers.items():
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise config.section_error(f"{key}.{name}", f"expected a whole number >= 0, got {number!r}")
    priority = entry.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise config.section_error(f"{key}.priority", f"expected a whole number, got {priority!r}")
    if "tags" in entry and "tag-regex" in entry:
        raise config.section_error(key, "give tags (globs) or tag-regex, not both")
    globs = entry.get("tags")
    if isinstance(globs, str):
        globs = [globs]
    if globs is not None and (not isinstance(globs, list) or not all(isinstance(g, str) and g for g in globs)):
        raise config.section_error(f"{key}.tags", "expected a glob or a list of globs (* and ?)")
    try:
        tags = any_glob(globs) if globs else regex(entry["tag-regex"]) if isinstance(entry.get("tag-regex"),
                                                                                     str) else None
    except DocumentError as exc:
        raise config.section_error(f"{key}.tag-regex", str(exc)) from None
    if "tag-regex" in entry and tags is None:
        raise config.section_error(f"{key}.tag-regex", "expected a regular expression string")
    repositories = entry.get("repositories", [])
    if isinstance(repositories, str):
        repositories = [repositories]
    if not isinstance(repositories, list) or not all(isinstance(r, str) and r for r in repositories):
        raise config.section_error(f"{key}.repositories", "expected a glob or a list of globs")
    description = entry.get("description")
    name = f"{key} ({description})" if isinstance(description, str) and description else key
    days = numbers.get("keep-days", numbers.get("older-than-days"))
    return ConfiguredRule(RetentionRule(name, action, priority, tags, numbers.get("keep-last"), days),
                          tuple(repositories))
