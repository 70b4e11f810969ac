"""`containersec registry prune REPO`: read the repository's graph, plan retention, optionally apply it.

The graph is what the tags reach: tagged manifests, the children of indexes, cosign `.sig`/`.att`/`.sbom`
tags and OCI 1.1 referrers (the API, else the referrers tag schema). Untagged manifests that nothing tagged
reaches are invisible to the distribution API and are never touched.

`--apply` refuses a plan that would empty the repository (every tagged digest deleted) or delete more than
`--max-delete`, checks that deletes are enabled before changing anything, and deletes in the plan's order.
After each delete it proves that the digest is gone and that every tag of a digest not yet deleted is still
listed, and stops at the first surprise; at the end it proves that every tag that existed before on a digest
that was not deleted names the same digest, and that every kept digest exists.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from containersec.config import Config
from containersec.findings import InputError, Report, Stage, StageSummary
from containersec.release.registry.audit import Repository, config_platform, parse_created, read_referrers
from containersec.release.registry.client import RegistryError, is_digest
from containersec.release.registry.credentials import CredentialError
from containersec.release.registry.facts import Locator
from containersec.release.registry.reference import Reference, ReferenceError, parse_reference
from containersec.release.registry.retention import (
    Node,
    Plan,
    Policy,
    RetentionRule,
    Scan,
    plan_retention,
    release_tags,
)
from containersec.release.registry.settings import registry_settings
from containersec.release.registry.shapes import mapping
from containersec.untrusted import DocumentError
from containersec.untrusted.patterns import regex

if TYPE_CHECKING:
    from containersec.release.registry.scans.watch import VulnerabilityWatch

_COSIGN_TAG = re.compile(r"sha256-([0-9a-f]{64})\.(?:sig|att|sbom)")
_FALLBACK_TAG = re.compile(r"sha256-([0-9a-f]{64})")


# Real images nest an index in an index at most once or twice (attestation manifests, multi-platform
# bundles); a chain deeper than this is hostile or broken, and planning on it is refused.
MAX_INDEX_DEPTH = 16


class _Graph:
    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.nodes: dict[str, Node] = {}
        self.gone: set[str] = set()
        self.referrers_api = True
        self.tags_of: dict[str, tuple[str, ...]] = {}
        self.configs: dict[str, tuple[str, str]] = {}  # image digest -> (config digest, platform)

    def read(self) -> dict[str, Node]:
        tags_of: dict[str, list[str]] = {}
        for tag in sorted(self.repository.tags):
            tags_of.setdefault(self.repository.manifest(tag).digest, []).append(tag)
        # Every node takes its tags from here, however it is reached first: a tagged child of an index met
        # through the index still carries its own tag.
        self.tags_of = {digest: tuple(tags) for digest, tags in tags_of.items()}
        for digest in self.tags_of:
            self.add(digest)
        # Referrers of every digest seen so far (the API; the tag schema was covered by the tags above).
        for digest in list(self.nodes):
            for descriptor in self.referrers(digest):
                if is_digest(descriptor.get("digest")):
                    self.add(descriptor["digest"], subject=digest)
        self._date_indexes()
        subjects = {node.subject for node in self.nodes.values() if node.subject is not None}
        self.gone = {subject for subject in subjects - self.nodes.keys() if not self.repository.exists(subject)}
        return self.nodes

    @property
    def tag_digests(self) -> dict[str, str]:
        """Every tag the repository had when read, with the digest it named."""
        return {tag: digest for digest, tags in self.tags_of.items() for tag in tags}

    def subject_of_tags(self, tags: tuple[str, ...]) -> str | None:
        for tag in tags:
            match = _COSIGN_TAG.fullmatch(tag) or _FALLBACK_TAG.fullmatch(tag)
            if match:
                return f"sha256:{match[1]}"
        return None

    def add(self, root: str, subject: str | None = None) -> None:
        """Read `root` and every manifest it lists, iteratively, at most MAX_INDEX_DEPTH indexes deep."""
        pending: list[tuple[str, str | None, int]] = [(root, subject, 0)]
        while pending:
            digest, given_subject, depth = pending.pop()
            if digest in self.nodes:
                known = self.nodes[digest]
                if given_subject is not None and known.subject is None:
                    # Also a referrer: keep both links, so it is kept with its subject or its index.
                    self.nodes[digest] = replace(known, subject=given_subject, kind="artifact")
                continue
            if depth > MAX_INDEX_DEPTH:
                raise RegistryError(f"{self.repository.name}@{root}: indexes nested more than {MAX_INDEX_DEPTH} "
                                    "levels deep; no plan is made for this repository")
            manifest = self.repository.manifest(digest)
            tags = self.tags_of.get(digest, ())
            declared = manifest.data.get("subject")
            subject = given_subject or self.subject_of_tags(tags)
            if subject is None and isinstance(declared, dict) and isinstance(declared.get("digest"), str):
                subject = declared["digest"]
            children = tuple(child["digest"] for child in manifest.children)
            kind = "artifact" if subject is not None else "index" if manifest.is_index else "image"
            created = self.created(digest, manifest.data) if kind == "image" else None
            self.nodes[digest] = Node(digest, tags, created, children, subject, kind)
            pending += [(child, None, depth + 1) for child in reversed(children)]

    def _date_indexes(self) -> None:
        """An index is as new as its newest child; nested indexes settle within the depth bound."""
        indexes = [node for node in self.nodes.values() if node.kind == "index"]
        for _ in range(MAX_INDEX_DEPTH + 1):
            changed = False
            for node in indexes:
                node = self.nodes[node.digest]
                dates = [self.nodes[c].created for c in node.children
                         if c in self.nodes and self.nodes[c].created is not None]
                created = max(dates, default=None)
                if created != node.created:
                    self.nodes[node.digest] = replace(node, created=created)
                    changed = True
            if not changed:
                return

    def created(self, digest: str, data: Mapping[str, object]) -> datetime | None:
        config = data.get("config")
        if not isinstance(config, dict) or not isinstance(config.get("digest"), str):
            return None
        blob = self.repository.registry.blob_json(self.repository.name, config["digest"])
        self.configs[digest] = (config["digest"], config_platform(blob))
        return parse_created(blob.get("created")) or parse_created(
            mapping(data.get("annotations")).get("org.opencontainers.image.created"))

    def referrers(self, digest: str) -> list[dict[str, object]]:
        if not self.referrers_api:
            return []
        found = self.repository.registry.referrers_api(self.repository.name, digest)
        if found is None:
            self.referrers_api = False
            return []
        return found


def _policy(config: Config, keep_last: int | None, keep_days: int | None, keep_tags: str | None,
            delete_vulnerable: str | None = None, rules: tuple[RetentionRule, ...] = ()) -> Policy:
    severities: frozenset[str] = frozenset()
    if delete_vulnerable is not None:
        from containersec.release.registry.scans.policy import at_or_above

        try:
            severities = at_or_above(delete_vulnerable)
        except ValueError as exc:
            raise config.section_error("--delete-vulnerable", str(exc)) from None
    if keep_last is not None and keep_last < 0:
        raise config.section_error("--keep-last", "must be 0 or more")
    if keep_days is not None and keep_days < 0:
        raise config.section_error("--keep-days", "must be 0 or more")
    try:
        pattern = regex(keep_tags) if keep_tags is not None else None
    except DocumentError as exc:
        raise config.section_error("--keep-tags", str(exc)) from None
    if rules and (keep_last is not None or keep_days is not None or keep_tags is not None):
        raise config.section_error("registry.retention", "the config's retention rules apply to this repository: "
                                   "give --keep-last, --keep-days and --keep-tags there or on the command line, "
                                   "not both")
    policy = Policy(keep_last, keep_days, pattern, severities, rules=rules)
    if policy.empty:
        raise config.section_error("prune", "give at least one of --keep-last, --keep-days, --keep-tags, "
                                   "--delete-vulnerable, or registry.retention rules for this repository (a plan "
                                   "that keeps nothing is never the default)")
    return policy


def _refusal(nodes: Mapping[str, Node], plan: Plan, max_delete: int | None, allow_empty: bool) -> str | None:
    """Why `--apply` must not run this plan, if it must not."""
    tagged = [node for node in nodes.values() if release_tags(node)]
    kept = plan.kept_digests
    if tagged and not allow_empty and not any(node.digest in kept for node in tagged):
        return (f"the plan deletes every tagged digest ({len(tagged)}) and would empty the repository; "
                "nothing was deleted (check the keep options, or give --allow-empty)")
    if max_delete is not None and len(plan.delete) > max_delete:
        return (f"the plan deletes {len(plan.delete)} digests, more than --max-delete {max_delete}; nothing was "
                "deleted (raise --max-delete to go on)")
    return None


def _unmatched_keep_pattern(nodes: Mapping[str, Node], policy: Policy) -> str | None:
    if policy.keep_tags is None:
        return None
    if any(policy.keep_tags.fullmatch(tag) for node in nodes.values() for tag in release_tags(node)):
        return None
    return (f"--keep-tags {policy.keep_tags.pattern!r} matches no tag: a pattern must match the whole tag "
            "(for a prefix, end it with .*), so it keeps nothing")


def read_in_use(path: str, repository: str, tag_digests: Mapping[str, str]) -> tuple[frozenset[str], list[str]]:
    """The digests of `repository` a deployed-images list names (one digest or image reference a line, as
    `containersec k8s --list-images` prints); a tag names the digest it names now. Other repositories' images
    are skipped; a line that is neither a digest nor a reference is an error naming the file and the line.

    Also notes for the plan: an image of the same repository path on another host counts as in use (the same
    registry is often reached by two names, and keeping too much is the safe mistake), and a list that names
    nothing of this repository is said, since then it keeps nothing."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"--in-use {path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    wanted = parse_reference(repository)
    found: set[str] = set()
    notes: list[str] = []
    named_here = False
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if is_digest(entry):
            found.add(entry)
            named_here = True
            continue
        try:
            named = parse_reference(entry)
        except ReferenceError as exc:
            raise RegistryError(f"--in-use {path}: line {number}: not a digest or an image reference: {exc}") \
                from None
        if named.repository != wanted.repository:
            continue
        if named.host != wanted.host:
            notes.append(f"--in-use {path}: line {number}: {entry} names this repository's path on {named.host}: "
                         f"counted as in use (it may be another name of {wanted.host})")
        named_here = True
        if named.digest is not None:
            found.add(named.digest)
        elif (named.tag or "latest") in tag_digests:
            found.add(tag_digests[named.tag or "latest"])
    if not named_here:
        notes.append(f"--in-use {path} names no image of {repository}: nothing is kept for being in use")
    return frozenset(found), notes


def _scanned(graph: _Graph, nodes: dict[str, Node], watch: VulnerabilityWatch, reference: Reference,
             given: str) -> dict[str, Node]:
    """The nodes with each image's (and each index's) newest scan, as the audit finds them."""
    from containersec.release.registry.scans.attached import attached_reports
    from containersec.release.registry.scans.watch import AuditedImage

    repository, no_api = graph.repository, set() if graph.referrers_api else {graph.repository.registry.host}

    def attached(digest: str) -> list[Any]:
        return list(attached_reports(repository, digest, read_referrers(repository, digest, no_api)))

    inherited: dict[str, list[Any]] = {}
    for node in nodes.values():
        if node.kind == "index":
            found = attached(node.digest)
            for child in node.children:
                inherited.setdefault(child, []).extend(found)
    images = []
    for node in nodes.values():
        if node.kind == "image" and node.digest in graph.configs:
            config_digest, platform = graph.configs[node.digest]
            tag = next(iter(release_tags(node)), None)
            images.append(AuditedImage(Locator(given, reference.name, tag, node.digest), node.digest, config_digest,
                                       platform, node.created, attached(node.digest), inherited.get(node.digest, [])))
    _, judged = watch.status(reference.api_host, reference.repository, images)
    scans = {image.digest: Scan(judged[id(image)].fixable_found, judged[id(image)].listed)
             for image in images if id(image) in judged}
    result = {digest: replace(node, scan=scans.get(digest)) for digest, node in nodes.items()}
    for digest, node in nodes.items():
        if node.kind == "index" and node.children and all(child in scans for child in node.children):
            # An index is scanned when every platform is; it lists what any of them lists.
            result[digest] = replace(node, scan=functools.reduce(operator.or_, (scans[c] for c in node.children)))
    return result


class _Applier:
    """Deletes in the plan's order and proves, after each delete, that the registry did only that."""

    def __init__(self, repository: Repository, before: Mapping[str, str], report: Report, given: str) -> None:
        self.repository = repository
        self.registry = repository.registry
        self.before = before  # every tag the repository had, with its digest
        self.report = report
        self.given = given

    def fail(self, message: str) -> None:
        self.report.errors.append(InputError(self.given, f"{self.given}: {message}", Stage.RELEASE))

    def apply(self, plan: Plan) -> list[dict[str, object]]:
        if not self.registry.deletes_enabled(self.repository.name):
            self.fail("deletes are disabled on this registry (distribution: storage.delete.enabled); nothing was "
                      "changed")
            return []
        applied: list[dict[str, object]] = []
        deleted: set[str] = set()
        for decision in plan.delete:
            try:
                self.registry.delete_manifest(self.repository.name, decision.digest)
            except RegistryError as exc:
                self.fail(f"deleting {decision.digest} failed, stopped: {exc}")
                return applied
            applied.append({"digest": decision.digest, "deleted": True})
            deleted.add(decision.digest)
            if not self.only_deleted(decision.digest, deleted, len(plan.delete)):
                return applied
        self.verify(plan, deleted)
        return applied

    def only_deleted(self, digest: str, deleted: set[str], planned: int) -> bool:
        """After one delete: that digest is gone, and every tag of a digest not yet deleted is still listed."""
        problems = []
        if self.repository.exists(digest):
            problems.append(f"the registry still serves {digest} after deleting it")
        present = set(self.registry.tags(self.repository.name))
        missing = sorted(tag for tag, named in self.before.items() if named not in deleted and tag not in present)
        if missing:
            problems.append(f"deleting {digest} also removed tag{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing[:10])}")
        for problem in problems:
            self.fail(f"{problem}; stopped after {len(deleted)} of the {planned} planned deletes")
        return not problems

    def verify(self, plan: Plan, deleted: set[str]) -> None:
        """Re-read the registry: every tag that existed before on a digest not deleted names the same digest,
        and every kept digest exists."""
        present = set(self.registry.tags(self.repository.name))
        for tag, digest in sorted(self.before.items()):
            if digest in deleted:
                continue
            now = self.registry.head_digest(self.repository.name, tag) if tag in present else None
            if now != digest:
                self.fail(f"after pruning, tag {tag} names {now or 'nothing'}, not {digest}")
        for decision in plan.keep:
            if not self.repository.exists(decision.digest):
                self.fail(f"after pruning, kept {decision.digest} is gone")


def prune_repository(given: str, config: Config, *, keep_last: int | None = None, keep_days: int | None = None,
                     keep_tags: str | None = None, apply: bool = False, max_delete: int | None = None,
                     allow_empty: bool = False, environ: Mapping[str, str] | None = None,
                     now: datetime | None = None, delete_vulnerable: str | None = None, in_use: str | None = None,
                     scan_reports: str | None = None, scanner: str | None = None) -> Report:
    settings = registry_settings(config).with_scanner(scanner)
    try:
        name = parse_reference(given).name
    except ReferenceError:
        name = given  # reported below, with the other reference errors
    rules = tuple(configured.rule for configured in settings.retention if configured.applies_to(name))
    policy = _policy(config, keep_last, keep_days, keep_tags, delete_vulnerable, rules)
    now = now or datetime.now(UTC)
    watch = None
    if policy.delete_vulnerable:
        from containersec.release.registry.scans.watch import VulnerabilityWatch

        watch = VulnerabilityWatch(config, settings, now, scan_reports=scan_reports)
    if max_delete is not None and max_delete < 0:
        raise config.section_error("--max-delete", "must be 0 or more")
    report = Report(stages=(Stage.RELEASE,))
    warnings: list[str] = []
    try:
        reference = parse_reference(given)
        if reference.target is not None:
            raise ReferenceError(f"{given!r}: prune takes a repository (host/name), not a tag or digest")
        registry = settings.pool({reference.api_host}, environ)[reference.api_host]
        repository = Repository(registry, reference.repository, registry.tags(reference.repository))
        graph = _Graph(repository)
        nodes = graph.read()
        if in_use is not None:
            deployed, in_use_notes = read_in_use(in_use, reference.name, graph.tag_digests)
            policy = replace(policy, in_use=deployed)
            warnings += in_use_notes
        if watch is not None:
            nodes = _scanned(graph, nodes, watch, reference, given)
            report.errors.extend(InputError(where, f"{where}: {problem}", Stage.RELEASE)
                                 for where, problem in watch.problems)
            report.notices.extend(watch.notices)
        plan = plan_retention(nodes, policy, now, graph.gone)
        warnings += filter(None, [_unmatched_keep_pattern(nodes, policy)])
        refusal = _refusal(nodes, plan, max_delete, allow_empty) if plan.delete else None
        if refusal is not None:
            if apply:
                report.errors.append(InputError(given, f"{given}: --apply refused: {refusal}", Stage.RELEASE))
            else:
                warnings.append(f"--apply would refuse this plan: {refusal}")
        applied: list[dict[str, object]] = []
        if apply and plan.delete and refusal is None:
            applied = _Applier(repository, graph.tag_digests, report, given).apply(plan)
    except (ReferenceError, RegistryError, CredentialError) as exc:
        report.errors.append(InputError(given, str(exc) if str(exc).startswith((given, "'")) else f"{given}: {exc}",
                                        Stage.RELEASE))
        return report
    report.files = 1
    report.extra["keep"] = [decision.to_json() for decision in plan.keep]
    report.extra["delete"] = [decision.to_json() for decision in plan.delete]
    report.extra["warnings"] = list(warnings)
    report.notices.extend(f"{given}: {warning}" for warning in warnings)
    if apply:
        report.extra["applied"] = applied
    if not apply:
        mode = "dry run: nothing deleted (--apply deletes)"
    else:
        mode = "refused: nothing deleted" if refusal is not None else "applied"
    rows = [(f"keep   {d.digest}", f"{', '.join(d.tags) or '-'}: {d.reason}") for d in plan.keep]
    rows += [(f"delete {d.digest}", f"{', '.join(d.tags) or '-'}: {d.reason}") for d in plan.delete]
    report.summaries.append(StageSummary(Stage.RELEASE, f"retention plan for {given}: keep {len(plan.keep)}, "
                                         f"delete {len(plan.delete)} ({mode}; {registry.requests_made} requests)",
                                         tuple(rows)))
    report.footer = f"keep {len(plan.keep)}, delete {len(plan.delete)} ({'applied' if apply else 'dry run'})"
    return report
