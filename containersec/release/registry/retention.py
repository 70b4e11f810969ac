"""The retention plan: which digests of a repository may be deleted, decided on a graph, without I/O.

Rules it never breaks (README, "prune safety rules"):
- a digest that any kept tag names is kept, with every child manifest of a kept index and every signature,
  SBOM and attestation (artifact) of a kept digest, transitively;
- an artifact whose subject is deleted is deleted with it; an artifact whose subject is already gone is deleted;
- deleting a digest removes all its tags, so a digest that still carries a kept tag is never deleted;
- a digest whose build time is unknown is never deleted by age;
- `--keep-last` ranks by build time; equal build times are ordered by the highest tag in natural version
  order, then by digest, and the plan says so on each digest concerned;
- deletions run artifacts before their subject and an index before its children, so the registry never holds
  an index whose children are gone or a signature without its image while the plan is applied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from containersec.release.registry.signatures import is_artifact_tag


@dataclass(frozen=True)
class Node:
    digest: str
    tags: tuple[str, ...] = ()
    created: datetime | None = None
    children: tuple[str, ...] = ()  # manifests an index lists (or a referrers fallback index lists)
    subject: str | None = None  # the digest an artifact is attached to
    kind: str = "image"  # image, index, artifact


@dataclass(frozen=True)
class Policy:
    keep_last: int | None = None
    keep_days: int | None = None
    keep_tags: re.Pattern[str] | None = None

    @property
    def empty(self) -> bool:
        return self.keep_last is None and self.keep_days is None and self.keep_tags is None


@dataclass(frozen=True)
class Decision:
    digest: str
    tags: tuple[str, ...]
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"digest": self.digest, "tags": list(self.tags), "reason": self.reason}


@dataclass
class Plan:
    keep: list[Decision] = field(default_factory=list)
    delete: list[Decision] = field(default_factory=list)  # in the order deletions must run

    @property
    def kept_digests(self) -> set[str]:
        return {decision.digest for decision in self.keep}


def _root_reasons(nodes: Mapping[str, Node], policy: Policy, now: datetime) -> dict[str, str]:
    """Why each tagged image or index the policy keeps is kept."""
    roots = [node for node in nodes.values() if release_tags(node)]
    reasons: dict[str, str] = {}
    for node in roots:
        if policy.keep_tags is not None:
            matching = [tag for tag in release_tags(node) if policy.keep_tags.fullmatch(tag)]
            if matching:
                reasons[node.digest] = f"tag {matching[0]} matches --keep-tags"
                continue
        if node.created is None:
            reasons[node.digest] = "build time unknown: never deleted by age"
        elif policy.keep_days is not None and node.created >= now - timedelta(days=policy.keep_days):
            reasons[node.digest] = f"built within {policy.keep_days} days ({node.created:%Y-%m-%d})"
    if policy.keep_last:
        tied = _tied_build_times(roots)
        for rank, node in enumerate(newest_first(roots)[:policy.keep_last], 1):
            reasons.setdefault(node.digest, f"newest {rank} of --keep-last {policy.keep_last}" + tied.get(
                node.digest, ""))
    return reasons


def _version_key(tag: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: 1.10 after 1.9, numbers before words at the same place."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", tag))


def newest_first(roots: Iterable[Node]) -> list[Node]:
    """Dated roots, newest build first. Equal build times (reproducible builds share one `created`) are
    ordered by the highest tag in natural version order, then by digest, so the order is stable."""
    dated = [node for node in roots if node.created is not None]
    return sorted(dated, key=lambda node: (node.created, max(map(_version_key, release_tags(node)), default=()),
                                           node.digest), reverse=True)


def _tied_build_times(roots: Iterable[Node]) -> dict[str, str]:
    """A note for each dated root whose build time another root shares."""
    by_time: dict[datetime, list[Node]] = {}
    for node in roots:
        if node.created is not None:
            by_time.setdefault(node.created, []).append(node)
    notes: dict[str, str] = {}
    for group in by_time.values():
        if len(group) > 1:
            for node in group:
                notes[node.digest] = (f" (build time shared with {len(group) - 1} other digest"
                                      f"{'s' if len(group) > 2 else ''}: ordered by tag, then digest)")
    return notes


def release_tags(node: Node) -> list[str]:
    """The node's tags other than cosign and referrers-schema tags: the ones retention decides on."""
    return [tag for tag in node.tags if not is_artifact_tag(tag)]


def _artifacts_of(nodes: Mapping[str, Node]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in nodes.values():
        if node.subject is not None:
            found.setdefault(node.subject, []).append(node.digest)
    return found


def plan_retention(nodes: Mapping[str, Node], policy: Policy, now: datetime,
                   gone: Iterable[str] = ()) -> Plan:
    """The plan for a repository's graph; `gone` are subjects known to be deleted already."""
    artifacts = _artifacts_of(nodes)
    kept: dict[str, str] = {}
    stack = list(_root_reasons(nodes, policy, now).items())
    # Artifacts of a subject that is neither here nor gone (an untagged manifest) are kept: it may be in use.
    stack += [(node.digest, f"its subject {node.subject} exists but has no tag") for node in nodes.values()
              if node.subject is not None and node.subject not in nodes and node.subject not in set(gone)]
    while stack:
        digest, reason = stack.pop()
        if digest in kept or digest not in nodes:
            continue
        kept[digest] = reason
        node = nodes[digest]
        stack += [(child, f"child of kept {digest}") for child in node.children]
        label = "artifact" if node.kind != "artifact" else "artifact of artifact"
        stack += [(artifact, f"{label} of kept {digest}") for artifact in artifacts.get(digest, ())]
    result = Plan()
    for digest in sorted(kept):
        result.keep.append(Decision(digest, nodes[digest].tags, kept[digest]))
    deleted = {digest for digest in nodes if digest not in kept}
    tied = _tied_build_times(node for node in nodes.values() if release_tags(node)) if policy.keep_last else {}
    for digest in _safe_order(nodes, deleted):
        reason = _delete_reason(nodes[digest], nodes, policy) + tied.get(digest, "")
        result.delete.append(Decision(digest, nodes[digest].tags, reason))
    return result


def _delete_reason(node: Node, nodes: Mapping[str, Node], policy: Policy) -> str:
    if node.subject is not None:
        return f"artifact of {node.subject}, which is deleted" if node.subject in nodes else (
            f"artifact of {node.subject}, which is gone")
    if not release_tags(node):
        return "untagged child of deleted indexes only"
    rules = [f"not among the newest {policy.keep_last}" if policy.keep_last else "",
             f"older than {policy.keep_days} days" if policy.keep_days is not None else "",
             "no tag matches --keep-tags" if policy.keep_tags is not None else ""]
    return "; ".join(rule for rule in rules if rule)


def _safe_order(nodes: Mapping[str, Node], deleted: set[str]) -> list[str]:
    """Artifacts before their subject, an index before its children (a depth-first topological order)."""
    before: dict[str, set[str]] = {digest: set() for digest in deleted}  # digest -> what must go first
    for node in nodes.values():
        if node.digest not in deleted:
            continue
        if node.subject in deleted:
            before[node.subject].add(node.digest)
        for child in node.children:
            if child in deleted:
                before[child].add(node.digest)
    order: list[str] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(digest: str) -> None:
        if digest in placed or digest in visiting:
            return
        visiting.add(digest)
        for first in sorted(before[digest]):
            place(first)
        visiting.discard(digest)
        placed.add(digest)
        order.append(digest)

    for digest in sorted(deleted):
        place(digest)
    return order
