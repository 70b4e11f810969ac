"""The `k8s:` section of the config file: profile, custom workload kinds, strict mode and exceptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from containersec.catalogue import RuleOptions, resolve
from containersec.config import Config
from containersec.infra.model import FieldPath

SECTION = "k8s"
PROFILES = ("all", "baseline", "restricted")
_KEYS = ("profile", "workload-kinds", "strict", "exceptions")
_EXCEPTION_KEYS = ("rules", "kind", "namespace", "name", "container", "reason", "expires")


@dataclass(frozen=True)
class ConfigWaiver:
    """A config entry that waives rules for matching objects (globs), with its reason and expiry."""

    index: int
    rules: frozenset[str]
    kind: str = "*"
    namespace: str = "*"
    name: str = "*"
    container: str = "*"
    reason: str = ""
    expires: dt.date | None = None


@dataclass(frozen=True)
class K8sOptions:
    profile: str = "all"
    workload_kinds: dict[str, FieldPath] = field(default_factory=dict)
    # Annotations waive nothing when True; else they waive every rule except those listed here.
    strict: bool = False
    strict_rules: frozenset[str] = frozenset()
    exceptions: tuple[ConfigWaiver, ...] = ()
    # The settings every stage shares: trusted-registries and allowed-images judge `image:` as they judge FROM.
    shared: RuleOptions = field(default_factory=RuleOptions)


def k8s_options(config: Config, profile: str | None = None) -> K8sOptions:
    """The section, validated: errors name the file and the key (ConfigError)."""
    section = config.section(SECTION)
    for key in section:
        if key not in _KEYS:
            raise config.section_error(f"{SECTION}.{key}", f"unknown key (expected one of: {', '.join(_KEYS)})")
    chosen = profile or section.get("profile", "all")
    if chosen not in PROFILES:
        raise config.section_error(f"{SECTION}.profile", f"unknown profile {chosen!r} (expected one of: "
                                                         f"{', '.join(PROFILES)})")
    strict = section.get("strict", False)
    strict_rules: frozenset[str] = frozenset()
    if isinstance(strict, list):
        strict_rules = _rule_ids(config, strict, f"{SECTION}.strict")
        strict = False
    elif not isinstance(strict, bool):
        raise config.section_error(f"{SECTION}.strict", "expected true, false or a list of rules")
    return K8sOptions(profile=chosen, workload_kinds=_workload_kinds(config, section.get("workload-kinds", {})),
                      strict=strict or config.disable_ignore_pragmas, strict_rules=strict_rules,
                      exceptions=tuple(_exceptions(config, section.get("exceptions", []))), shared=config.options)


def _workload_kinds(config: Config, value: Any) -> dict[str, FieldPath]:
    key = f"{SECTION}.workload-kinds"
    if not isinstance(value, dict):
        raise config.section_error(key, "expected a mapping of kind to the path of its pod spec "
                                        "(e.g. Rollout: spec.template.spec)")
    kinds: dict[str, FieldPath] = {}
    for kind, path in value.items():
        if not isinstance(path, str) or not path.strip() or any(not part for part in path.split(".")):
            raise config.section_error(f"{key}.{kind}", "expected a dotted path such as spec.template.spec")
        kinds[str(kind)] = tuple(int(part) if part.isdigit() else part for part in path.strip().split("."))
    return kinds


def _rule_ids(config: Config, names: Any, key: str) -> frozenset[str]:
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise config.section_error(key, "expected a list of rule IDs, slugs or aliases")
    ids = set()
    for name in names:
        found = resolve(name)
        if not found:
            raise config.section_error(key, f"unknown rule {name!r}")
        ids.update(rule.id for rule in found)
    return frozenset(ids)


def _exceptions(config: Config, value: Any) -> list[ConfigWaiver]:
    key = f"{SECTION}.exceptions"
    if not isinstance(value, list):
        raise config.section_error(key, "expected a list of entries")
    entries = []
    for index, entry in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise config.section_error(where, "expected a mapping with rules, reason and what it applies to")
        for name in entry:
            if name not in _EXCEPTION_KEYS:
                raise config.section_error(f"{where}.{name}", f"unknown key (expected one of: "
                                                              f"{', '.join(_EXCEPTION_KEYS)})")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise config.section_error(f"{where}.reason", "required: say why the rule does not apply")
        expires = entry.get("expires")
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise config.section_error(f"{where}.expires", "expected a date, YYYY-MM-DD") from None
        if expires is not None and not isinstance(expires, dt.date):
            raise config.section_error(f"{where}.expires", "expected a date, YYYY-MM-DD")
        globs = {}
        for name in ("kind", "namespace", "name", "container"):
            glob = entry.get(name, "*")
            if not isinstance(glob, str):
                raise config.section_error(f"{where}.{name}", "expected a name or a glob")
            globs[name] = glob
        entries.append(ConfigWaiver(index, _rule_ids(config, entry.get("rules"), f"{where}.rules"),
                                  reason=reason.strip(), expires=expires, **globs))
    return entries
