"""`containersec registry audit REF...`: check what a registry holds, tag by tag and digest by digest.

REF is `host/name` (every tag), `host/name:tag`, `host/name@digest`, or `host/` (every repository in the
catalogue). Requests grow linearly with tags: one tag list per repository (which also answers which cosign
and referrer tags exist), one manifest per tag, one config blob per platform, one referrers call per
digest until the registry shows it has no referrers API; manifests and base-image look-ups are cached.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

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
from containersec.release.registry.facts import (
    AttachedFacts,
    ImageFacts,
    Locator,
    PolicyHit,
    ScanFacts,
    TagFacts,
    preferred_tag,
)
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
from containersec.untrusted import json_data

if TYPE_CHECKING:
    from containersec.release.registry.scans.watch import AuditedImage, VulnerabilityWatch

class ConfigChecks(Protocol):
    """The image checks that need only an image's config blob: the test stage's `config_findings`, which the
    front doors pass in (a stage never imports another)."""

    def __call__(self, image_config: Mapping[str, Any], config: Config, *, path: str,
                 extra: Mapping[str, object] | None = None) -> list[Finding]: ...


STATE_VERSION = 1
BASE_NAME = "org.opencontainers.image.base.name"
BASE_DIGEST = "org.opencontainers.image.base.digest"
CREATED = "org.opencontainers.image.created"
# Findings that call for a new image of a tag: its patch-plan reasons.
SCAN_RULES = ("CSR040", "CSR041", "CSR042")
PATCH_REASONS = ("CSR040", "CSR041", "CSR042", "CSR010", "CSR012")


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

    def exists(self, digest: str) -> bool:
        """Whether the registry serves `digest` now (HEAD, never cached: prune asks before and after deletes)."""
        try:
            self.registry.head_digest(self.name, digest)
        except NotFound:
            return False
        return True


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
    watch: VulnerabilityWatch | None = None
    images: list[AuditedImage] = field(default_factory=list)  # of the repository being audited
    patch_plan: list[dict[str, object]] = field(default_factory=list)
    known_referrers: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    shard: Shard | None = None
    inventory: list[dict[str, object]] = field(default_factory=list)  # a row per tag, for the summary tables
    signed: dict[str, bool] = field(default_factory=dict)  # by digest: a signature (that verifies, with a key)

    def __post_init__(self) -> None:
        self.rules = active_rules(self.config, Stage.RELEASE)

    # --- findings --------------------------------------------------------------------------------------

    def apply(self, subject: TagFacts | ImageFacts | AttachedFacts | ScanFacts) -> None:
        extra = subject.extra() if isinstance(subject, ScanFacts) else subject.locator.extra()
        for rule in self.rules:
            for hit in rule.check(subject, self.config.options):
                severity, fails = rule.severity, None
                if isinstance(hit, PolicyHit) and rule.id not in self.config.severity:
                    severity, fails = hit.level, True  # as CSV001: the scanner's severity, the policy's verdict
                self.report.findings.append(Finding(
                    rule.id, rule.slug, severity, Stage.RELEASE, subject.locator.reference, hit.line,
                    hit.message, aliases=rule.aliases, extra=extra, fails=fails))

    # --- references ------------------------------------------------------------------------------------

    def audit(self, given: str) -> None:
        before, audited = self.pool.requests_made, len(self.audited)
        self._audit(given)
        for entry in self.audited[audited:]:
            entry["requests"] = self.pool.requests_made - before

    def _audit(self, given: str) -> None:
        if given.endswith("/") and "/" not in given.rstrip("/"):
            try:
                names = self.pool[given.rstrip("/").lower()].repositories()
            except (RegistryError, CredentialError) as exc:
                self.report.errors.append(InputError(given, _named(given, exc), Stage.RELEASE))
                return
            for name in names:  # one repository that fails does not stop the others
                self._audit(f"{given}{name}")
            return
        try:
            reference = parse_reference(given)
            if self.shard is None or self.shard.holds(reference.name):
                self.audit_repository(given, reference)
        except (ReferenceError, RegistryError, CredentialError) as exc:
            self.report.errors.append(InputError(given, _named(given, exc), Stage.RELEASE))
        except Exception as exc:  # a bug stays this reference's error: the others are still audited
            self.report.errors.append(InputError.unexpected(given, exc, Stage.RELEASE))

    def audit_repository(self, given: str, reference: Reference) -> None:
        registry = self.pool[reference.api_host]
        repository = Repository(registry, reference.repository, registry.tags(reference.repository))
        if reference.target is not None:
            wanted = [(reference.tag, reference.target)]
        else:
            wanted = [(tag, tag) for tag in sorted(repository.tags) if not is_artifact_tag(tag)]
        tags_of: dict[str, list[str]] = {}
        manifests: dict[str, Manifest] = {}
        findings_before = len(self.report.findings)
        self.images = []
        for tag, target in wanted:
            try:
                manifest = repository.manifest(target)
            except RegistryError as exc:
                self.report.errors.append(InputError(given, f"{given}: {exc}", Stage.RELEASE))
                continue
            manifests.setdefault(manifest.digest, manifest)
            if tag is not None:
                key = f"{reference.name}:{tag}"
                self.apply(TagFacts(Locator(given, reference.name, tag, manifest.digest), tag,
                                    self.settings.release_tags, self.state.get(key)))
                self.state[key] = manifest.digest
                tags_of.setdefault(manifest.digest, []).append(tag)
        digests = set(manifests)
        for digest, manifest in manifests.items():
            # A digest with several tags is audited once, under its most specific tag.
            tags = tags_of.get(digest)
            locator = Locator(given, reference.name, preferred_tag(tags, self.settings.release_tags) if tags
                              else None, digest)
            try:
                self.audit_digest(repository, locator, manifest)
            except RegistryError as exc:
                self.report.errors.append(InputError(given, f"{locator.shown}: {exc}", Stage.RELEASE))
        if self.watch is not None:
            judged = self.watch.judge(reference.api_host, reference.repository, self.images, tags_of,
                                      self.settings.release_tags, other_tags_audited=reference.target is None)
            for facts in judged:
                self.apply(facts)
            planned = len(self.patch_plan)
            self.plan_patches(reference.name, tags_of, self.report.findings[findings_before:])
            self.take_inventory(reference.name, tags_of, judged, self.patch_plan[planned:])
        self.audited.append({"reference": given, "repository": reference.name, "tags": len(wanted),
                             "digests": len(digests)})

    def take_inventory(self, repository: str, tags_of: Mapping[str, list[str]], judged: list[ScanFacts],
                       planned: list[dict[str, object]]) -> None:
        actions = {entry["tag"]: entry["action"] for entry in planned}
        for digest, tags in tags_of.items():
            images = [image for image in self.images if image.top == digest]
            platforms = {image.digest for image in images}
            scans = [facts.judgement for facts in judged if facts.locator.digest in platforms]
            dates = [image.created for image in images if image.created is not None]
            by_severity: dict[str, int] | None = None
            if scans and all(scan is not None for scan in scans):
                by_severity = {}
                for scan in scans:
                    for name, count in scan.by_severity.items():  # type: ignore[union-attr]
                        by_severity[name] = by_severity.get(name, 0) + count
            for tag in tags:
                self.inventory.append({
                    "repository": repository, "tag": tag, "digest": digest,
                    "age_days": (self.now - max(dates)).days if dates else None, "by_severity": by_severity,
                    "fixable": sum(scan.fixable for scan in scans if scan is not None),
                    "signed": self.signed.get(digest, False), "action": actions.get(tag, "none")})

    def plan_patches(self, repository: str, tags_of: Mapping[str, list[str]], findings: list[Finding]) -> None:
        """One patch-plan entry per tag whose digest (or a platform of it) has a finding that calls for a new image."""
        # A platform digest can be an index's child and tagged itself: its findings are reasons of both, once.
        tops_of: dict[str, set[str]] = {}
        for image in self.images:
            tops_of.setdefault(image.digest, set()).add(image.top)
        reasons: dict[str, list[Finding]] = {}
        counted: set[tuple[str, str, str]] = set()
        for finding in findings:
            digest = mapping(finding.extra.get("registry")).get("digest")
            if finding.rule not in PATCH_REASONS or not isinstance(digest, str):
                continue
            for top in tops_of.get(digest, {digest}):
                if (top, finding.rule, digest) not in counted:
                    counted.add((top, finding.rule, digest))
                    reasons.setdefault(top, []).append(finding)
        for digest, tags in tags_of.items():
            if digest not in reasons:
                continue
            fixes = {mapping(f.extra.get("scan")).get("fixed_by") for f in reasons[digest] if f.rule == "CSR040"}
            fixed_by = fixes.pop() if len(fixes) == 1 else None
            for tag in tags:
                self.patch_plan.append({
                    "repository": repository, "tag": tag, "digest": digest,
                    "reasons": [{"rule": f.rule, "name": f.name, "platform": mapping(f.extra.get("registry")).get(
                        "platform"), "message": f.message} for f in reasons[digest]],
                    "fixed_by": fixed_by,
                    "action": f"move to {fixed_by}" if fixed_by else "rebuild",
                })

    # --- digests ---------------------------------------------------------------------------------------

    def audit_digest(self, repository: Repository, locator: Locator, manifest: Manifest) -> None:
        attached, problems, verified = self.attachments(repository, manifest.digest)
        platforms_without: dict[str, tuple[str, ...]] = {}
        reports = self.attached_reports(repository, manifest.digest)
        if manifest.is_index:
            attested = self.buildkit_kinds(repository, manifest)
            lacking: dict[str, list[str]] = {"sbom": [], "provenance": []}
            for entry in manifest.children:
                if is_attestation_entry(entry):
                    continue
                platform = _platform(entry)
                child_locator = Locator(locator.reference, locator.repository, locator.tag, entry["digest"], platform)
                try:
                    self.audit_image(repository, child_locator, repository.manifest(entry["digest"]), locator.digest,
                                     inherited=reports)
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
            self.audit_image(repository, locator, manifest, manifest.digest, attached=reports)
        self.signed[manifest.digest] = bool(attached.signatures) and (self.public_key is None or verified > 0)
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

    def audit_image(self, repository: Repository, locator: Locator, manifest: Manifest, top: str, *,
                    attached: list[Any] | None = None, inherited: list[Any] | None = None) -> None:
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
        if self.watch is not None:
            from containersec.release.registry.scans.watch import AuditedImage

            own = attached if attached is not None else self.attached_reports(repository, manifest.digest)
            self.images.append(AuditedImage(locator, top, digest if is_digest(digest) else None,
                                            locator.platform or config_platform(config), created, own,
                                            inherited or []))
        self.apply(ImageFacts(
            locator, self.now, self.settings.patch_window_days, created, created_text, labels,
            self.settings.required_labels, base_name, base_digest,
            self.base_digest(locator, base_name) if base_name and base_digest else None))

    def check_config(self, locator: Locator, config: dict[str, Any]) -> None:
        """The image stage's config-only checks (root user, secrets in Env, ...) on the config blob, no layers."""
        for finding in self.config_checks(config, self.config, path=locator.reference, extra=locator.extra()):
            # Found in the registry: reported with the release stage's findings, in its SARIF run.
            self.report.findings.append(dataclasses.replace(finding, stage=Stage.RELEASE,
                                                            message=f"{locator.shown}: {finding.message}"))

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
            # Each attestation layer names its predicate; one that does not (None) may be an SBOM or provenance.
            kinds = {classify(mapping(layer)) for layer in sequence(
                repository.manifest(cosign_tag(digest, ".att")).data.get("layers"))}
            if kinds & {"sbom", None}:
                sboms.append("cosign .att tag")
            if kinds & {"provenance", None}:
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

    def attached_reports(self, repository: Repository, digest: str) -> list[Any]:
        """Scan reports attached to the digest (cosign vulnerability attestations, report referrers)."""
        if self.watch is None:
            return []
        from containersec.release.registry.scans.attached import attached_reports

        started = time.perf_counter()
        found = list(attached_reports(repository, digest, self.referrers(repository, digest)))
        self.watch.seconds_reading_attached += time.perf_counter() - started
        return found

    def referrers(self, repository: Repository, digest: str) -> list[dict[str, Any]]:
        """The referrers of a digest, asked once (the audit reads them for signatures and for scans)."""
        key = (repository.registry.host, repository.name, digest)
        if key not in self.known_referrers:
            self.known_referrers[key] = self.read_referrers(repository, digest)
        return self.known_referrers[key]

    def read_referrers(self, repository: Repository, digest: str) -> list[dict[str, Any]]:
        return read_referrers(repository, digest, self.no_referrers_api)

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


def _named(given: str, exc: Exception) -> str:
    return str(exc) if str(exc).startswith((given, "'")) else f"{given}: {exc}"


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`: the repositories whose name's sha256 falls on it, so each
    repository always lands on the same shard, whatever else the catalogue holds."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, slash, count = text.partition("/")
        if not (slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise ValueError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/8")
        return cls(int(index), int(count))

    def holds(self, repository: str) -> bool:
        digest = hashlib.sha256(repository.encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def read_referrers(repository: Repository, digest: str, no_referrers_api: set[str]) -> list[dict[str, Any]]:
    """The referrers API while the registry has it (hosts without it are added to `no_referrers_api`); else the
    referrers tag schema (`sha256-<hex>`)."""
    registry = repository.registry
    if registry.host not in no_referrers_api:
        found = registry.referrers_api(repository.name, digest)
        if found is not None:
            return found
        no_referrers_api.add(registry.host)
    fallback = cosign_tag(digest, "")
    if fallback not in repository.tag_set:
        return []
    try:
        return repository.manifest(fallback).children
    except NotFound:
        return []


def config_platform(config: Mapping[str, Any]) -> str:
    return _platform({"platform": {key: config[key] for key in ("os", "architecture", "variant") if key in config}})


def _platform(entry: Mapping[str, Any]) -> str:
    platform = mapping(entry.get("platform"))
    text = f"{platform.get('os', '?')}/{platform.get('architecture', '?')}"
    return f"{text}/{platform['variant']}" if platform.get("variant") else text


def read_state(path: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The tag digests of the last audit, and when each vulnerability was first seen on each digest."""
    if not path.exists():
        return {}, {}
    try:
        data = json_data.loads(path.read_bytes())
        tags, seen = data["tags"], data.get("first_seen", {})
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise TypeError
        if not isinstance(seen, dict) or not all(isinstance(v, dict) and all(isinstance(d, str) for d in v.values())
                                                 for v in seen.values()):
            raise TypeError
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise RegistryError(f"{path}: not a state file written by `containersec registry audit --state`") from None
    return {str(k): v for k, v in tags.items()}, {str(k): dict(v) for k, v in seen.items()}


def write_state(path: Path, state: Mapping[str, str], first_seen: Mapping[str, Mapping[str, str]]) -> None:
    document = {"version": STATE_VERSION, "tags": dict(sorted(state.items())),
                "first_seen": {digest: dict(sorted(seen.items())) for digest, seen in sorted(first_seen.items())}}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def audit_references(references: list[str], config: Config, *, config_checks: ConfigChecks,
                     state: str | None = None, environ: Mapping[str, str] | None = None,
                     now: datetime | None = None, scan_reports: str | None = None,
                     scanner: str | None = None, shard: str | None = None) -> Report:
    settings = registry_settings(config).with_scanner(scanner)
    try:
        chosen = Shard.parse(shard) if shard else None
    except ValueError as exc:
        raise config.section_error("--shard", str(exc)) from None
    named = set()
    for given in references:
        with contextlib.suppress(ReferenceError):
            named.add(parse_reference(given).api_host if not given.endswith("/") else given.rstrip("/").lower())
    auditor = Auditor(config, settings, settings.pool(named, environ), now or datetime.now(UTC), {}, config_checks,
                      shard=chosen)
    report = auditor.report
    if any(rule.id in SCAN_RULES for rule in auditor.rules):
        from containersec.release.registry.scans.watch import VulnerabilityWatch

        auditor.watch = VulnerabilityWatch(config, settings, auditor.now, scan_reports=scan_reports)
    state_path = Path(state) if state else None
    try:
        if settings.cosign_public_key is not None:
            auditor.public_key = load_public_key(settings.cosign_public_key)
        if state_path is not None:
            auditor.state, first_seen = read_state(state_path)
            if auditor.watch is not None:
                auditor.watch.first_seen = first_seen
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
            write_state(state_path, auditor.state, auditor.watch.first_seen if auditor.watch else {})
        except OSError as exc:
            report.errors.append(InputError(str(state_path), f"cannot write: {exc.strerror}", Stage.RELEASE))
    report.files = len(auditor.audited)
    report.extra["registry"] = auditor.audited
    if chosen is not None:
        report.extra["shard"] = [{"index": chosen.index, "count": chosen.count}]
    if auditor.watch is not None:
        _report_watch(report, auditor.watch, auditor.patch_plan, auditor.inventory)
    rows = tuple((str(item["reference"]), f"{item['tags']} tags, {item['digests']} digests")
                 for item in auditor.audited)
    report.summaries.append(StageSummary(Stage.RELEASE, f"registry audit ({auditor.pool.requests_made} requests)",
                                         rows))
    report.sort()
    return report


def _report_watch(report: Report, watch: VulnerabilityWatch, plan: list[dict[str, object]],
                  inventory: list[dict[str, object]]) -> None:
    from containersec.release.registry.patch_plan import plan_summary, repository_tables

    report.extra["patch_plan"] = list(plan)
    report.extra["inventory"] = list(inventory)
    report.notices.extend(watch.notices)
    for where, problem in watch.problems:
        report.errors.append(InputError(where, f"{where}: {problem}", Stage.RELEASE))
    if watch.pipeline is not None:
        report.notices.extend(f"{path}: names no image digest, so it matches no image (--scan-reports matches by "
                              "digest, never by file name)" for path in watch.pipeline.unmatched)
    report.extra["scanning"] = [{"scanner": watch.scanner.settings.name if watch.scanner else None,
                                 "scans_run": watch.scanner_runs, "from_cache": watch.cached_scans,
                                 "attached_reports": watch.reports_attached,
                                 "seconds_reading_attached": round(watch.seconds_reading_attached, 3)}]
    report.summaries.extend(repository_tables(inventory))
    report.summaries.append(plan_summary(plan, report.extra["scanning"]))  # type: ignore[arg-type]
