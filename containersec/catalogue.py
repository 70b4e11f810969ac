"""Rule metadata, the `@rule` decorator and look-up by ID, slug or peer alias."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from containersec.findings import Edit, Severity, Stage


@dataclass(frozen=True)
class Hit:
    """What a check reports; the engine adds the rule's metadata and the file path."""

    message: str
    line: int
    end_line: int | None = None
    column: int = 1
    edits: tuple[Edit, ...] = ()
    secret: bool = False  # the reported line holds a secret: reporters must not print it
    secret_kind: str | None = None  # the credential kind found (a secret catalogue ID)


@dataclass
class RuleOptions:
    """Config values that change what rules decide (not severities or selection)."""

    trusted_registries: list[str] = field(default_factory=list)
    allowed_images: list[str] = field(default_factory=list)
    label_schema: dict[str, str] = field(default_factory=dict)
    strict_labels: bool = False
    # Per ecosystem (PACKAGE_ECOSYSTEMS), globs of the package sources builds may use.
    trusted_package_sources: dict[str, list[str]] = field(default_factory=dict)


# The ecosystems `trusted-package-sources` names, as the package source rules classify sources.
PACKAGE_ECOSYSTEMS = ("pypi", "npm", "rubygems", "go", "apt", "apk", "rpm", "conda", "maven")


Check = Callable[[Any, RuleOptions], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule's metadata (the contract other tools rely on) and its check function."""

    id: str
    slug: str
    stage: Stage
    severity: Severity
    summary: str
    why: str
    bad: str
    good: str
    aliases: tuple[str, ...]
    check: Check
    fixable: bool = False
    enabled: bool = True
    notes: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.slug, *self.aliases)


_RULES: dict[str, Rule] = {}
_SLUGS: dict[str, str] = {}  # slug -> ID of the rule that registered it


def rule(
    *,
    id: str,
    slug: str,
    severity: Severity,
    summary: str,
    why: str,
    bad: str,
    good: str,
    aliases: tuple[str, ...] = (),
    stage: Stage = Stage.BUILD,
    fixable: bool = False,
    enabled: bool = True,
    notes: str = "",
) -> Callable[[Check], Check]:
    """Register a check function under its metadata; IDs and slugs must be unique."""

    if isinstance(aliases, str):
        raise TypeError(f"rule {id}: aliases must be a tuple of IDs, not the string {aliases!r}")

    def register(check: Check) -> Check:
        if id in _RULES or _SLUGS.get(slug) in _RULES:
            raise ValueError(f"rule {id} {slug} registered twice")
        _SLUGS[slug] = id
        _RULES[id] = Rule(id=id, slug=slug, stage=stage, severity=severity, summary=summary, why=why,
                          bad=bad, good=good, aliases=aliases, check=check, fixable=fixable,
                          enabled=enabled, notes=notes)
        return check

    return register


def all_rules(stage: Stage | None = None) -> list[Rule]:
    """Every rule, or one stage's: only that stage's rule packages are imported, so `lint` never pays for
    the test and release stages' modules."""
    _load_builtin_rules(stage)
    rules = sorted(_RULES.values(), key=lambda r: r.id)
    return [r for r in rules if stage is None or r.stage is stage]


def resolve(name: str) -> list[Rule]:
    """Rules known by `name`: an ID, a slug or a peer alias (case-insensitive).

    One alias may map to several rules (a peer check that covers two of our concepts).
    """
    wanted = _normalise(name)
    return [r for r in all_rules() if wanted in {_normalise(n) for n in r.names}]


def _normalise(name: str) -> str:
    # Trivy prints DS-0002, AVD-DS-0002 and DS002 for one check.
    text = name.strip().upper()
    if text.startswith("AVD-"):
        text = text[4:]
    for prefix in ("DS", "KSV"):  # Trivy's KSV-0001 is KSV001 in older releases
        if text.startswith(f"{prefix}-") and text[len(prefix) + 1:].isdigit():
            text = f"{prefix}{int(text[len(prefix) + 1:]):03d}"
    return text


# Each stage registers its rules when its rule package is imported; the catalogue names the packages
# only, so it never depends on a stage's code.
RULE_PACKAGES: dict[Stage, tuple[str, ...]] = {
    Stage.BUILD: ("containersec.build.rules",),
    Stage.TEST: ("containersec.test.vulns.rules", "containersec.test.image.rules"),
    Stage.RELEASE: ("containersec.release.registry.rules",),
    Stage.INFRASTRUCTURE: ("containersec.infra.rules",),
}

_loaded: set[Stage] = set()


def _load_builtin_rules(stage: Stage | None) -> None:
    import importlib

    for wanted in [stage] if stage else list(Stage):
        if wanted not in _loaded:
            _loaded.add(wanted)
            for package in RULE_PACKAGES[wanted]:
                importlib.import_module(package)
