"""`containersec registry prune REPO`: read the repository's graph, plan retention, optionally apply it.

The graph is what the tags reach: tagged manifests, the children of indexes, cosign `.sig`/`.att`/`.sbom`
tags and OCI 1.1 referrers (the API, else the referrers tag schema). Untagged manifests that nothing tagged
reaches are invisible to the distribution API and are never touched. `--apply` checks that deletes are
enabled before changing anything, deletes in the plan's order, then re-reads the registry to prove that
every kept tag still names the same digest and every kept artifact still exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from containersec.config import Config
from containersec.findings import InputError, Report, Stage, StageSummary
from containersec.release.registry.audit import Repository, parse_created
from containersec.release.registry.client import NotFound, RegistryError, is_digest
from containersec.release.registry.credentials import CredentialError
from containersec.release.registry.reference import ReferenceError, parse_reference
from containersec.release.registry.retention import Node, Plan, Policy, plan_retention
from containersec.release.registry.settings import registry_settings
from containersec.release.registry.shapes import mapping

_COSIGN_TAG = re.compile(r"sha256-([0-9a-f]{64})\.(?:sig|att|sbom)")
_FALLBACK_TAG = re.compile(r"sha256-([0-9a-f]{64})")


class _Graph:
    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.nodes: dict[str, Node] = {}
        self.gone: set[str] = set()
        self.referrers_api = True

    def read(self) -> dict[str, Node]:
        tags_of: dict[str, list[str]] = {}
        for tag in sorted(self.repository.tags):
            tags_of.setdefault(self.repository.manifest(tag).digest, []).append(tag)
        for digest, tags in tags_of.items():
            self.add(digest, tuple(tags), subject=self.subject_of_tags(tags))
        # Referrers of every digest seen so far (the API; the tag schema was covered by the tags above).
        for digest in list(self.nodes):
            for descriptor in self.referrers(digest):
                if is_digest(descriptor.get("digest")):
                    self.add(descriptor["digest"], (), subject=digest)
        self.gone = {node.subject for node in self.nodes.values()
                     if node.subject is not None and node.subject not in self.nodes and not self.exists(node.subject)}
        return self.nodes

    def subject_of_tags(self, tags: list[str]) -> str | None:
        for tag in tags:
            match = _COSIGN_TAG.fullmatch(tag) or _FALLBACK_TAG.fullmatch(tag)
            if match:
                return f"sha256:{match[1]}"
        return None

    def add(self, digest: str, tags: tuple[str, ...], subject: str | None = None) -> None:
        if digest in self.nodes:
            return
        manifest = self.repository.manifest(digest)
        declared = manifest.data.get("subject")
        if subject is None and isinstance(declared, dict) and isinstance(declared.get("digest"), str):
            subject = declared["digest"]
        children = tuple(child["digest"] for child in manifest.children)
        kind = "artifact" if subject is not None else "index" if manifest.is_index else "image"
        # Placeholder first: an index listing itself, or artifacts of artifacts, cannot loop.
        self.nodes[digest] = Node(digest, tags, None, children, subject, kind)
        created = None
        if kind == "image":
            created = self.created(manifest.data)
        for child in children:
            self.add(child, ())
        if kind == "index":
            dates = [self.nodes[c].created for c in children if self.nodes[c].created is not None]
            created = max(dates) if dates else None
        self.nodes[digest] = Node(digest, tags, created, children, subject, kind)

    def created(self, data: Mapping[str, object]) -> datetime | None:
        config = data.get("config")
        if not isinstance(config, dict) or not isinstance(config.get("digest"), str):
            return None
        blob = self.repository.registry.blob_json(self.repository.name, config["digest"])
        return parse_created(blob.get("created")) or parse_created(
            mapping(data.get("annotations")).get("org.opencontainers.image.created"))

    def exists(self, digest: str) -> bool:
        try:
            self.repository.registry.head_digest(self.repository.name, digest)
        except NotFound:
            return False
        return True

    def referrers(self, digest: str) -> list[dict[str, object]]:
        if not self.referrers_api:
            return []
        found = self.repository.registry.referrers_api(self.repository.name, digest)
        if found is None:
            self.referrers_api = False
            return []
        return found


def _policy(config: Config, keep_last: int | None, keep_days: int | None, keep_tags: str | None) -> Policy:
    if keep_last is not None and keep_last < 0:
        raise config.section_error("--keep-last", "must be 0 or more")
    if keep_days is not None and keep_days < 0:
        raise config.section_error("--keep-days", "must be 0 or more")
    try:
        pattern = re.compile(keep_tags) if keep_tags is not None else None
    except re.error as exc:
        raise config.section_error("--keep-tags", f"not a valid regular expression: {exc}") from None
    policy = Policy(keep_last, keep_days, pattern)
    if policy.empty:
        raise config.section_error("prune", "give at least one of --keep-last, --keep-days, --keep-tags "
                                   "(a plan that keeps nothing is never the default)")
    return policy


def _apply(repository: Repository, plan: Plan, report: Report, given: str) -> list[dict[str, object]]:
    registry = repository.registry
    if not registry.deletes_enabled(repository.name):
        report.errors.append(InputError(given, f"{given}: deletes are disabled on this registry (distribution: "
                                        "storage.delete.enabled); nothing was changed", Stage.RELEASE))
        return []
    applied: list[dict[str, object]] = []
    for decision in plan.delete:
        try:
            registry.delete_manifest(repository.name, decision.digest)
        except RegistryError as exc:
            report.errors.append(InputError(given, f"{given}: deleting {decision.digest} failed, stopped: {exc}",
                                            Stage.RELEASE))
            return applied
        applied.append({"digest": decision.digest, "deleted": True})
    _verify(repository, plan, report, given)
    return applied


def _verify(repository: Repository, plan: Plan, report: Report, given: str) -> None:
    """Re-read the registry: every kept tag names the planned digest, every kept digest exists."""
    registry = repository.registry
    present = set(registry.tags(repository.name))
    for decision in plan.keep:
        for tag in decision.tags:
            digest = registry.head_digest(repository.name, tag) if tag in present else None
            if digest != decision.digest:
                report.errors.append(InputError(given, f"{given}: after pruning, kept tag {tag} names "
                                                f"{digest or 'nothing'}, not {decision.digest}", Stage.RELEASE))
        try:
            registry.head_digest(repository.name, decision.digest)
        except NotFound:
            report.errors.append(InputError(given, f"{given}: after pruning, kept {decision.digest} is gone",
                                            Stage.RELEASE))


def prune_repository(given: str, config: Config, *, keep_last: int | None = None, keep_days: int | None = None,
                     keep_tags: str | None = None, apply: bool = False, environ: Mapping[str, str] | None = None,
                     now: datetime | None = None) -> Report:
    settings = registry_settings(config)
    policy = _policy(config, keep_last, keep_days, keep_tags)
    report = Report(stages=(Stage.RELEASE,))
    try:
        reference = parse_reference(given)
        if reference.target is not None:
            raise ReferenceError(f"{given!r}: prune takes a repository (host/name), not a tag or digest")
        registry = settings.pool({reference.api_host}, environ)[reference.api_host]
        repository = Repository(registry, reference.repository, registry.tags(reference.repository))
        graph = _Graph(repository)
        plan = plan_retention(graph.read(), policy, now or datetime.now(UTC), graph.gone)
        applied = _apply(repository, plan, report, given) if apply and plan.delete else []
    except (ReferenceError, RegistryError, CredentialError) as exc:
        report.errors.append(InputError(given, str(exc) if str(exc).startswith((given, "'")) else f"{given}: {exc}",
                                        Stage.RELEASE))
        return report
    report.files = 1
    report.extra["keep"] = [decision.to_json() for decision in plan.keep]
    report.extra["delete"] = [decision.to_json() for decision in plan.delete]
    if apply:
        report.extra["applied"] = applied
    mode = "applied" if apply else "dry run: nothing deleted (--apply deletes)"
    rows = [(f"keep   {d.digest}", f"{', '.join(d.tags) or '-'}: {d.reason}") for d in plan.keep]
    rows += [(f"delete {d.digest}", f"{', '.join(d.tags) or '-'}: {d.reason}") for d in plan.delete]
    report.summaries.append(StageSummary(Stage.RELEASE, f"retention plan for {given}: keep {len(plan.keep)}, "
                                         f"delete {len(plan.delete)} ({mode}; {registry.requests_made} requests)",
                                         tuple(rows)))
    report.footer = f"keep {len(plan.keep)}, delete {len(plan.delete)} ({'applied' if apply else 'dry run'})"
    return report
