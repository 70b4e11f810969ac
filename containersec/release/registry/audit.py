"""`containersec registry audit REF...`: check what a registry holds, tag by tag and digest by digest.

REF is `host/name` (every tag), `host/name:tag`, `host/name@digest`, or `host/` (every repository in the
catalogue). Requests grow linearly with tags: one tag list per repository (which also answers which cosign
and referrer tags exist), one manifest per tag, one config blob per platform, one referrers call per
digest until the registry shows it has no referrers API; manifests and base-image look-ups are cached.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from containersec.config import Config, active_rules
from containersec.findings import Finding, InputError, Report, Stage, StageSummary
from containersec.release.registry.client import (
    Manifest,
    NotFound,
    Registry,
    RegistryError,
    RegistryPool,
    is_digest,
)
from containersec.release.registry.credentials import CredentialError
from containersec.release.registry.facts import AttachedFacts, ImageFacts, Locator, TagFacts
from containersec.release.registry.reference import Reference, ReferenceError, parse_reference
from containersec.release.registry.settings import RegistrySettings, registry_settings
from containersec.release.registry.shapes import mapping, sequence
from containersec.release.registry.signatures import (
    SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING,
    Attached,
    PublicKeyError,
    buildkit_attestations,
    classify,
    cosign_tag,
    is_artifact_tag,
    is_attestation_entry,
    load_public_key,
    verify_simple_signing,
)


class ConfigChecks(Protocol):
    """The image checks that need only an image's config blob: the test stage's `config_findings`, which the
    front doors pass in (a stage never imports another)."""

    def __call__(self, image_config: Mapping[str, Any], config: Config, *, path: str,
                 extra: Mapping[str, object] | None = None) -> list[Finding]: ...


STATE_VERSION = 1
BASE_NAME = "org.opencontainers.image.base.name"
BASE_DIGEST = "org.opencontainers.image.base.digest"
CREATED = "org.opencontainers.image.created"


def parse_created(value: object) -> datetime | None:
    """A build time, or None when missing, unparsable or an epoch placeholder (1970-01-01, 0001-01-01)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return None if moment.year <= 1970 else moment


@dataclass
class Repository:
    """One repository's tag list, read once, and the manifests read so far."""

    registry: Registry
    name: str
    tags: list[str]
    manifests: dict[str, Manifest] = field(default_factory=dict)

    @property
    def tag_set(self) -> frozenset[str]:
        return frozenset(self.tags)

    def manifest(self, reference: str) -> Manifest:
        if reference not in self.manifests:
            manifest = self.registry.manifest(self.name, reference)
            self.manifests[reference] = self.manifests[manifest.digest] = manifest
        return self.manifests[reference]


@dataclass
class Auditor:
    config: Config
    settings: RegistrySettings
    pool: RegistryPool
    now: datetime
    state: dict[str, str]
    config_checks: ConfigChecks
    public_key: Any = None
    report: Report = field(default_factory=lambda: Report(stages=(Stage.RELEASE,)))
    no_referrers_api: set[str] = field(default_factory=set)
    base_digests: dict[str, str | None] = field(default_factory=dict)
    audited: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rules = active_rules(self.config, Stage.RELEASE)

    # --- findings --------------------------------------------------------------------------------------

    def apply(self, subject: TagFacts | ImageFacts | AttachedFacts) -> None:
        for rule in self.rules:
            for hit in rule.check(subject, self.config.options):
                self.report.findings.append(Finding(
                    rule.id, rule.slug, rule.severity, Stage.RELEASE, subject.locator.reference, hit.line,
                    hit.message, aliases=rule.aliases, extra=subject.locator.extra()))

    # --- references ------------------------------------------------------------------------------------

    def audit(self, given: str) -> None:
        before, audited = self.pool.requests_made, len(self.audited)
        self._audit(given)
        for entry in self.audited[audited:]:
            entry["requests"] = self.pool.requests_made - before

    def _audit(self, given: str) -> None:
        try:
            if given.endswith("/") and "/" not in given.rstrip("/"):
                registry = self.pool[given.rstrip("/").lower()]
                for name in registry.repositories():
                    self.audit_repository(f"{given}{name}", parse_reference(f"{given}{name}"))
                return
            self.audit_repository(given, parse_reference(given))
        except (ReferenceError, RegistryError, CredentialError) as exc:
            message = str(exc) if str(exc).startswith((given, "'")) else f"{given}: {exc}"
            self.report.errors.append(InputError(given, message, Stage.RELEASE))

    def audit_repository(self, given: str, reference: Reference) -> None:
        registry = self.pool[reference.api_host]
        repository = Repository(registry, reference.repository, registry.tags(reference.repository))
        if reference.target is not None:
            wanted = [(reference.tag, reference.target)]
        else:
            wanted = [(tag, tag) for tag in sorted(repository.tags) if not is_artifact_tag(tag)]
        digests: set[str] = set()
        for tag, target in wanted:
            try:
                manifest = repository.manifest(target)
            except RegistryError as exc:
                self.report.errors.append(InputError(given, f"{given}: {exc}", Stage.RELEASE))
                continue
            locator = Locator(given, reference.name, tag, manifest.digest)
            if tag is not None:
                key = f"{reference.name}:{tag}"
                self.apply(TagFacts(locator, tag, self.settings.release_tags, self.state.get(key)))
                self.state[key] = manifest.digest
            if manifest.digest not in digests:
                digests.add(manifest.digest)
                try:
                    self.audit_digest(repository, locator, manifest)
                except RegistryError as exc:
                    self.report.errors.append(InputError(given, f"{locator.shown}: {exc}", Stage.RELEASE))
        self.audited.append({"reference": given, "repository": reference.name, "tags": len(wanted),
                             "digests": len(digests)})

    # --- digests ---------------------------------------------------------------------------------------

    def audit_digest(self, repository: Repository, locator: Locator, manifest: Manifest) -> None:
        attached, problems, verified = self.attachments(repository, manifest.digest)
        platforms_without: dict[str, tuple[str, ...]] = {}
        if manifest.is_index:
            attested = self.buildkit_kinds(repository, manifest)
            lacking: dict[str, list[str]] = {"sbom": [], "provenance": []}
            for entry in manifest.children:
                if is_attestation_entry(entry):
                    continue
                platform = _platform(entry)
                child_locator = Locator(locator.reference, locator.repository, locator.tag, entry["digest"], platform)
                try:
                    self.audit_image(repository, child_locator, repository.manifest(entry["digest"]))
                except RegistryError as exc:
                    self.report.errors.append(InputError(locator.reference, f"{child_locator.shown}: {exc}",
                                                         Stage.RELEASE))
                for kind in lacking:
                    if kind not in attested.get(entry["digest"], set()):
                        lacking[kind].append(platform)
            kinds = set().union(*attested.values()) if attested else set()
            # BuildKit attests each platform: without an SBOM of the index itself, each platform needs its own.
            if "sbom" in kinds and not attached.sboms:
                attached = dataclasses.replace(attached, sboms=("BuildKit attestation",))
                platforms_without["sbom"] = tuple(lacking["sbom"])
            if "provenance" in kinds and not attached.provenance:
                attached = dataclasses.replace(attached, provenance=("BuildKit attestation",))
                platforms_without["provenance"] = tuple(lacking["provenance"])
        else:
            self.audit_image(repository, locator, manifest)
        self.apply(AttachedFacts(locator, attached, self.public_key is not None, tuple(problems), verified,
                                 platforms_without))

    def buildkit_kinds(self, repository: Repository, index: Manifest) -> dict[str, set[str]]:
        """{platform manifest digest: {"sbom", "provenance"}} from BuildKit's attestation manifests in the index."""
        kinds: dict[str, set[str]] = {}
        for subject, attestations in buildkit_attestations(index.data).items():
            for digest in attestations:
                if not is_digest(digest):
                    continue
                for layer in sequence(repository.manifest(digest).data.get("layers")):
                    kind = classify(mapping(layer)) if isinstance(layer, dict) else None
                    if kind in ("sbom", "provenance"):
                        kinds.setdefault(subject, set()).add(kind)
        return kinds

    def audit_image(self, repository: Repository, locator: Locator, manifest: Manifest) -> None:
        config_descriptor = mapping(manifest.data.get("config"))
        digest = config_descriptor.get("digest")
        config = repository.registry.blob_json(repository.name, digest) if is_digest(digest) else {}
        annotations = {str(k): str(v) for k, v in mapping(manifest.data.get("annotations")).items()}
        labels = {str(k): str(v) for k, v in mapping(mapping(config.get("config")).get("Labels")).items()}
        labels.update(annotations)
        created_text = config.get("created") if isinstance(config.get("created"), str) else annotations.get(CREATED)
        created = parse_created(created_text) or parse_created(annotations.get(CREATED))
        base_name, base_digest = labels.get(BASE_NAME), labels.get(BASE_DIGEST)
        self.check_config(locator, config)
        self.apply(ImageFacts(
            locator, self.now, self.settings.patch_window_days, created, created_text, labels,
            self.settings.required_labels, base_name, base_digest,
            self.base_digest(locator, base_name) if base_name and base_digest else None))

    def check_config(self, locator: Locator, config: dict[str, Any]) -> None:
        """The image stage's config-only checks (root user, secrets in Env, ...) on the config blob, no layers."""
        for finding in self.config_checks(config, self.config, path=locator.reference, extra=locator.extra()):
            # Found in the registry: reported with the release stage's findings, in its SARIF run.
            self.report.findings.append(dataclasses.replace(finding, stage=Stage.RELEASE))

    def base_digest(self, locator: Locator, base_name: str) -> str | None:
        if base_name not in self.base_digests:
            try:
                base = parse_reference(base_name)
                registry = self.pool[base.api_host]
                target = base.tag or "latest"
                self.base_digests[base_name] = (registry.head_digest(base.repository, target)
                                                or registry.manifest(base.repository, target).digest)
            except (ReferenceError, RegistryError, CredentialError) as exc:
                self.base_digests[base_name] = None
                self.report.notices.append(f"{locator.shown}: base image {base_name} not checked: {exc}")
        return self.base_digests[base_name]

    # --- attachments -----------------------------------------------------------------------------------

    def attachments(self, repository: Repository, digest: str) -> tuple[Attached, list[str], int]:
        signatures: list[str] = []
        sboms: list[str] = []
        provenance: list[str] = []
        problems: list[str] = []
        verified = 0
        tags = repository.tag_set
        if cosign_tag(digest, ".sig") in tags:
            signatures.append("cosign .sig tag")
            if self.public_key is not None:
                good, bad = self.verify(repository, cosign_tag(digest, ".sig"), digest)
                verified, problems = verified + good, problems + bad
        if cosign_tag(digest, ".sbom") in tags:
            sboms.append("cosign .sbom tag")
        if cosign_tag(digest, ".att") in tags:
            sboms.append("cosign .att tag")
            provenance.append("cosign .att tag")
        for descriptor in self.referrers(repository, digest):
            kind, where = classify(descriptor), f"referrer {descriptor.get('digest')}"
            if kind == "signature":
                signatures.append(where)
                if self.public_key is not None and is_digest(descriptor.get("digest")):
                    good, bad = self.verify(repository, descriptor["digest"], digest)
                    verified, problems = verified + good, problems + bad
            elif kind == "sbom":
                sboms.append(where)
            elif kind == "provenance":
                provenance.append(where)
        return Attached(tuple(signatures), tuple(sboms), tuple(provenance)), problems, verified

    def referrers(self, repository: Repository, digest: str) -> list[dict[str, Any]]:
        """The referrers API while the registry has it; else the referrers tag schema (`sha256-<hex>`)."""
        registry = repository.registry
        if registry.host not in self.no_referrers_api:
            found = registry.referrers_api(repository.name, digest)
            if found is not None:
                return found
            self.no_referrers_api.add(registry.host)
        fallback = cosign_tag(digest, "")
        if fallback not in repository.tag_set:
            return []
        try:
            return repository.manifest(fallback).children
        except NotFound:
            return []

    def verify(self, repository: Repository, reference: str, digest: str) -> tuple[int, list[str]]:
        """How many simple-signing layers of the signature manifest verify, and what is wrong with the others."""
        manifest = repository.manifest(reference)
        good, bad = 0, []
        for layer in sequence(manifest.data.get("layers")):
            if not isinstance(layer, dict) or layer.get("mediaType") != SIMPLE_SIGNING:
                continue
            signature = mapping(layer.get("annotations")).get(SIGNATURE_ANNOTATION)
            if not isinstance(signature, str) or not isinstance(layer.get("digest"), str):
                bad.append(f"{reference}: a signature layer without the {SIGNATURE_ANNOTATION} annotation")
                continue
            payload = repository.registry.blob(repository.name, layer["digest"])
            problem = verify_simple_signing(self.public_key, payload, signature, digest)
            if problem is None:
                good += 1
            else:
                bad.append(f"{reference}: {problem}")
        return good, bad


def _platform(entry: Mapping[str, Any]) -> str:
    platform = mapping(entry.get("platform"))
    text = f"{platform.get('os', '?')}/{platform.get('architecture', '?')}"
    return f"{text}/{platform['variant']}" if platform.get("variant") else text


def read_state(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tags = data["tags"]
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise TypeError
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise RegistryError(f"{path}: not a state file written by `containersec registry audit --state`") from None
    return {str(k): v for k, v in tags.items()}


def write_state(path: Path, state: Mapping[str, str]) -> None:
    path.write_text(json.dumps({"version": STATE_VERSION, "tags": dict(sorted(state.items()))}, indent=2) + "\n",
                    encoding="utf-8")


def audit_references(references: list[str], config: Config, *, config_checks: ConfigChecks,
                     state: str | None = None, environ: Mapping[str, str] | None = None,
                     now: datetime | None = None) -> Report:
    settings = registry_settings(config)
    named = set()
    for given in references:
        with contextlib.suppress(ReferenceError):
            named.add(parse_reference(given).api_host if not given.endswith("/") else given.rstrip("/").lower())
    auditor = Auditor(config, settings, settings.pool(named, environ), now or datetime.now(UTC), {}, config_checks)
    report = auditor.report
    state_path = Path(state) if state else None
    try:
        if settings.cosign_public_key is not None:
            auditor.public_key = load_public_key(settings.cosign_public_key)
        if state_path is not None:
            auditor.state = read_state(state_path)
    except (PublicKeyError, RegistryError) as exc:
        report.errors.append(InputError(str(state_path or settings.cosign_public_key), str(exc), Stage.RELEASE))
        return report
    if state_path is None:
        report.notices.append("registries keep no tag history: pass --state FILE to detect tags that moved "
                              "since the last audit")
    elif not state_path.exists():
        report.notices.append(f"{state_path}: no earlier audit recorded; moved tags are detected from the next run")
    for given in references:
        auditor.audit(given)
    if state_path is not None:
        try:
            write_state(state_path, auditor.state)
        except OSError as exc:
            report.errors.append(InputError(str(state_path), f"cannot write: {exc.strerror}", Stage.RELEASE))
    report.files = len(auditor.audited)
    report.extra["registry"] = auditor.audited
    rows = tuple((str(item["reference"]), f"{item['tags']} tags, {item['digests']} digests")
                 for item in auditor.audited)
    report.summaries.append(StageSummary(Stage.RELEASE, f"registry audit ({auditor.pool.requests_made} requests)",
                                         rows))
    report.sort()
    return report
