"""The retention plan: which digests of a repository may be deleted, decided on a graph, without I/O.

Rules it never breaks (README, "prune safety rules"):
- a digest that any kept tag names is kept, with every child manifest of a kept index and every signature,
  SBOM and attestation (artifact) of a kept digest, transitively;
- an artifact whose subject is deleted is deleted with it; an artifact whose subject is already gone is deleted;
- deleting a digest removes all its tags, so a digest that still carries a kept tag is never deleted;
- a digest whose build time is unknown is never deleted by age;
- a digest in use (`--in-use`) is kept, with its closure, whatever the other rules say;
- `--delete-vulnerable` expires a tagged digest that `--keep-last`/`--keep-days` would keep only when its scan
  lists a fixable vulnerability at that severity or above and a tagged digest built later, which the rules keep,
  has a scan that lists none of them; never a digest a `--keep-tags` tag names, an unscanned one, or one whose
  build time is unknown;
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
from containersec.untrusted.patterns import LinearPattern


@dataclass(frozen=True)
class Node:
    digest: str
    tags: tuple[str, ...] = ()
    created: datetime | None = None
    children: tuple[str, ...] = ()  # manifests an index lists (or a referrers fallback index lists)
    subject: str | None = None  # the digest an artifact is attached to
    kind: str = "image"  # image, index, artifact
    scan: Scan | None = None  # None: never scanned (an index: some platform never scanned)


@dataclass(frozen=True)
class Scan:
    """What a digest's newest scan lists, after the vulnerability policy's suppressions."""

    fixable: frozenset[tuple[str, str, str]] = frozenset()  # (ID, package, scanner severity) with a fixed version
    listed: frozenset[tuple[str, str]] = frozenset()  # (ID or alias, package) of every vulnerability listed

    def __or__(self, other: Scan) -> Scan:
        return Scan(self.fixable | other.fixable, self.listed | other.listed)


@dataclass(frozen=True)
class RetentionRule:
    """One `registry.retention` rule, in the vocabulary of ECR lifecycle policies and Harbor tag retention.

    It selects tagged digests by tag (any tag matching `tags`; None: every tag). A keep rule keeps the
    `keep_last` newest selected, or those built within `days`, or (neither given) every selected one; a delete
    rule deletes the selected beyond the `keep_last` newest, or those built more than `days` ago, or every
    selected one. Keep beats delete; only the first delete rule (by priority) that selects a digest decides it
    (ECR); a digest no rule deletes is kept.
    """

    name: str  # where it is in the config (or its description)
    action: str  # keep | delete
    priority: int = 0  # lower first; the first rule (by priority) that decides names the reason
    tags: LinearPattern | None = None
    keep_last: int | None = None
    days: int | None = None

    def decides(self, selected: list[Node], node: Node, now: datetime) -> bool:
        """Whether the rule keeps (keep) or deletes (delete) `node`, one of the digests it selects."""
        if self.keep_last is None and self.days is None:
            return True
        if node.created is None:
            return self.action == "keep"  # an unknown age is never a reason to delete, by age or by count
        if self.keep_last is not None:
            newest = {n.digest for n in newest_first(selected)[:self.keep_last]}
            return (node.digest in newest) == (self.action == "keep")
        recent = node.created >= now - timedelta(days=self.days or 0)
        return recent == (self.action == "keep")

    def selects(self, node: Node) -> bool:
        return self.tags is None or any(self.tags.fullmatch(tag) for tag in release_tags(node))


@dataclass(frozen=True)
class Policy:
    keep_last: int | None = None
    keep_days: int | None = None
    keep_tags: LinearPattern | None = None
    # Scanner severities (CRITICAL ...) at or above --delete-vulnerable's; empty: vulnerabilities expire nothing.
    delete_vulnerable: frozenset[str] = frozenset()
    in_use: frozenset[str] = frozenset()  # digests deployed: always kept
    rules: tuple[RetentionRule, ...] = ()  # registry.retention, instead of the three keep options

    @property
    def keeps_nothing_by_rule(self) -> bool:
        return self.keep_last is None and self.keep_days is None and self.keep_tags is None and not self.rules

    @property
    def empty(self) -> bool:
        return self.keeps_nothing_by_rule and not self.delete_vulnerable


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


def _root_reasons(nodes: Mapping[str, Node], policy: Policy, now: datetime) -> tuple[dict[str, str], dict[str, str]]:
    """Why each tagged image or index the policy keeps is kept; and why each vulnerable one expires."""
    roots = [node for node in nodes.values() if release_tags(node)]
    reasons: dict[str, str] = {}
    deleted_by_rule: dict[str, str] = {}
    pinned: set[str] = set()
    for node in roots:
        if policy.keep_tags is not None:
            matching = [tag for tag in release_tags(node) if policy.keep_tags.fullmatch(tag)]
            if matching:
                reasons[node.digest] = f"tag {matching[0]} matches --keep-tags"
                pinned.add(node.digest)
                continue
        if policy.rules:
            keep, delete = _rule_reason(node, roots, policy.rules, now)
            if keep is not None:
                reasons[node.digest] = keep
                pinned.update([node.digest] if keep.endswith("(every selected tag)") else [])
            else:
                deleted_by_rule[node.digest] = delete or ""
        elif policy.keeps_nothing_by_rule:
            reasons[node.digest] = "no keep rule given: only --delete-vulnerable expires digests"
        elif node.created is None:
            reasons[node.digest] = "build time unknown: never deleted by age"
        elif policy.keep_days is not None and node.created >= now - timedelta(days=policy.keep_days):
            reasons[node.digest] = f"built within {policy.keep_days} days ({node.created:%Y-%m-%d})"
    if policy.keep_last:
        tied = _tied_build_times(roots)
        for rank, node in enumerate(newest_first(roots)[:policy.keep_last], 1):
            reasons.setdefault(node.digest, f"newest {rank} of --keep-last {policy.keep_last}" + tied.get(
                node.digest, ""))
    # Only a digest the rules keep, and that stays, can stand in for an expired one. A stand-in is built later,
    # so deciding the newest first settles every possible stand-in before the digests it could replace.
    kept_by_rule = [node for node in roots if node.digest in reasons]
    expired = dict(deleted_by_rule)
    staying = {node.digest for node in kept_by_rule}
    for node in sorted(roots, key=lambda n: (n.created is not None, n.created or now), reverse=True):
        if node.digest in pinned or node.digest in policy.in_use:
            continue
        if (why := _superseded(node, [n for n in kept_by_rule if n.digest in staying], policy)) is not None:
            expired[node.digest] = why
            reasons.pop(node.digest, None)
            staying.discard(node.digest)
    return reasons, expired


def _rule_reason(node: Node, roots: list[Node], rules: tuple[RetentionRule, ...],
                 now: datetime) -> tuple[str | None, str | None]:
    """(why the retention rules keep `node`, None) or (None, why they delete it); keep beats delete."""
    deciding = [rule for rule in sorted(rules, key=lambda r: r.priority) if rule.selects(node)]
    for rule in deciding:
        if rule.action == "keep" and rule.decides([n for n in roots if rule.selects(n)], node, now):
            what = (f"newest {rule.keep_last}" if rule.keep_last is not None else
                    f"built within {rule.days} days" if rule.days is not None else "every selected tag")
            return f"{rule.name}: keep ({what})", None
    # As in ECR lifecycle policies: the first delete rule (by priority) whose tags select a digest decides it;
    # one of lower priority cannot delete what it spared.
    deleted_by = next((rule for rule in deciding if rule.action == "delete"), None)
    if deleted_by is None or not deleted_by.decides([n for n in roots if deleted_by.selects(n)], node, now):
        return "no retention rule deletes it", None
    what = (f"beyond the newest {deleted_by.keep_last}" if deleted_by.keep_last is not None else
            f"built more than {deleted_by.days} days ago" if deleted_by.days is not None else "every selected tag")
    return None, f"{deleted_by.name}: delete ({what})"


def _superseded(node: Node, roots: list[Node], policy: Policy) -> str | None:
    """Why `node` expires for its vulnerabilities: a later kept digest's scan no longer lists them."""
    if not policy.delete_vulnerable or node.scan is None or node.created is None:
        return None
    found = sorted(v for v in node.scan.fixable if v[2] in policy.delete_vulnerable)
    if not found:
        return None
    fixed_by = [other for other in newest_first(roots)
                if other.created is not None and other.created > node.created and other.scan is not None
                and not any((vuln_id, package) in other.scan.listed for vuln_id, package, _ in found)]
    if not fixed_by:
        return None
    shown = ", ".join(f"{vuln_id} ({severity}) in {package}" for vuln_id, package, severity in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return (f"--delete-vulnerable: fixable {shown}{more}; {release_tags(fixed_by[0])[0]}, built later, no longer "
            "has them")


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
    reasons, expired = _root_reasons(nodes, policy, now)
    stack = list(reasons.items())
    # Artifacts of a subject that is neither here nor gone (an untagged manifest) are kept: it may be in use.
    stack += [(node.digest, f"its subject {node.subject} exists but has no tag") for node in nodes.values()
              if node.subject is not None and node.subject not in nodes and node.subject not in set(gone)]
    # Last in, first out: what is deployed is kept for that reason, whatever else would keep it.
    stack += [(digest, "in use (--in-use)") for digest in sorted(policy.in_use) if digest in nodes]
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
        reason = expired.get(digest) or _delete_reason(nodes[digest], nodes, policy) + tied.get(digest, "")
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
