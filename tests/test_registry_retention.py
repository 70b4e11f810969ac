"""The retention plan over random repositories: it never deletes what it must keep, in any graph."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from containersec.release.registry.retention import (
    Node,
    Policy,
    RetentionRule,
    Scan,
    plan_retention,
    release_tags,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@st.composite
def repositories(draw) -> dict[str, Node]:
    count = draw(st.integers(1, 25))
    digests = [f"sha256:{n:064x}" for n in range(count)]
    nodes: dict[str, Node] = {}
    for position, digest in enumerate(digests):
        earlier = digests[:position]
        kind = draw(st.sampled_from(["image", "index", "artifact"] if earlier else ["image"]))
        tags = tuple(draw(st.lists(st.sampled_from(["latest", "1.0.0", "1.0.1", "2.0.0", "dev", "stable"]),
                                   max_size=2, unique=True)))
        children = tuple(draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True))) if kind == "index" else ()
        subject = draw(st.sampled_from([*earlier, "sha256:" + "f" * 64])) if kind == "artifact" else None
        if subject is not None:
            tags = (*tags, subject.replace(":", "-") + draw(st.sampled_from([".sig", ".att", ".sbom", ""])))
        created = draw(st.one_of(st.none(), st.integers(0, 800).map(lambda days: NOW - timedelta(days=days))))
        nodes[digest] = Node(digest, tags, created if kind == "image" else None, children, subject, kind)
    # a tag names one digest
    seen: set[str] = set()
    for digest, node in list(nodes.items()):
        unique = tuple(tag for tag in node.tags if tag not in seen)
        seen.update(unique)
        nodes[digest] = Node(digest, unique, node.created, node.children, node.subject, node.kind)
    return nodes


policies = st.builds(Policy, keep_last=st.one_of(st.none(), st.integers(0, 5)),
                     keep_days=st.one_of(st.none(), st.integers(0, 400)),
                     keep_tags=st.one_of(st.none(), st.sampled_from(["latest", r"\d+\.\d+\.\d+", "stable|dev"]).map(
                         re.compile)))


@settings(max_examples=300, deadline=None)
@given(repositories(), policies, st.booleans())
def test_the_plan_never_deletes_a_kept_digest(nodes, policy, subject_gone):
    gone = {"sha256:" + "f" * 64} if subject_gone else set()
    plan = plan_retention(nodes, policy, NOW, gone)
    kept = {d.digest for d in plan.keep}
    deleted = [d.digest for d in plan.delete]
    assert kept.isdisjoint(deleted) and kept | set(deleted) == set(nodes) and len(deleted) == len(set(deleted))
    for node in nodes.values():
        if node.digest in kept:
            # the closure: children of a kept index and artifacts of a kept digest are kept
            assert set(node.children) <= kept
            assert all(other.digest in kept for other in nodes.values() if other.subject == node.digest)
        if policy.keep_tags is not None and any(policy.keep_tags.fullmatch(t) for t in release_tags(node)):
            assert node.digest in kept  # a digest carrying a kept tag is never deleted
        if release_tags(node) and node.created is None:
            assert node.digest in kept  # unknown age is never a reason to delete
        if node.subject is not None and node.subject not in nodes and node.subject not in gone:
            assert node.digest in kept  # attached to something untagged that may be in use
    position = {digest: n for n, digest in enumerate(deleted)}
    for node in nodes.values():
        listed_by_kept = any(node.digest in nodes[k].children for k in kept)
        if node.subject in position and not release_tags(node) and not listed_by_kept:
            assert node.digest in position  # deleted with its subject
    for node in nodes.values():
        if node.digest in position:
            if node.subject in position:
                assert position[node.digest] < position[node.subject]  # artifacts before their subject
            for child in node.children:
                if child in position:
                    assert position[node.digest] < position[child]  # an index before its children


def test_keep_last_keeps_the_newest_dated_roots():
    nodes = {f"sha256:{n:064x}": Node(f"sha256:{n:064x}", (f"1.0.{n}",), NOW - timedelta(days=10 * n))
             for n in range(5)}
    plan = plan_retention(nodes, Policy(keep_last=2), NOW)
    assert sorted(d.tags[0] for d in plan.keep) == ["1.0.0", "1.0.1"]
    assert [d.reason for d in plan.delete] == ["not among the newest 2"] * 3


vulnerability = st.tuples(st.sampled_from(["CVE-1", "CVE-2", "CVE-3"]), st.sampled_from(["openssl", "zlib"]),
                          st.sampled_from(["CRITICAL", "HIGH", "LOW"]), st.booleans())
scans = st.one_of(st.none(), st.frozensets(vulnerability, max_size=4).map(lambda found: Scan(
    fixable=frozenset((i, p, s) for i, p, s, fixable in found if fixable),
    listed=frozenset((i, p) for i, p, _, _ in found))))
SEVERITIES = ("CRITICAL", "HIGH", "LOW")


@settings(max_examples=100, deadline=None)
@given(st.data(), repositories(), policies, st.integers(0, 3))
def test_delete_vulnerable_never_takes_a_kept_in_use_or_unscanned_digest(data, nodes, policy, threshold):
    nodes = {digest: replace(node, scan=data.draw(scans)) for digest, node in nodes.items()}
    in_use = frozenset(data.draw(st.lists(st.sampled_from(sorted(nodes)), max_size=3)))
    severities = frozenset(SEVERITIES[:threshold])
    baseline = plan_retention(nodes, replace(policy, in_use=in_use), NOW)
    plan = plan_retention(nodes, replace(policy, in_use=in_use, delete_vulnerable=severities), NOW)
    kept = plan.kept_digests
    assert in_use <= kept  # deployed digests stay, whatever the rules say
    for node in nodes.values():
        if node.digest in kept:
            assert set(node.children) <= kept
            assert all(other.digest in kept for other in nodes.values() if other.subject == node.digest)
    for decision in plan.delete:
        if decision.digest in baseline.kept_digests:  # deleted only because of its vulnerabilities
            node = nodes[decision.digest]
            assert decision.reason.startswith("--delete-vulnerable: fixable ")
            assert node.scan is not None and node.created is not None and severities
            assert any(v[2] in severities for v in node.scan.fixable)
            assert policy.keep_tags is None or not any(policy.keep_tags.fullmatch(t) for t in release_tags(node))
            # a tagged digest built later, which the plan keeps, lists none of the vulnerabilities it expires for
            expiring = {(i, p) for i, p, s in node.scan.fixable if s in severities}
            assert any(other.digest in kept and release_tags(other) and other.scan is not None
                       and other.created is not None and other.created > node.created
                       and not expiring & set(other.scan.listed) for other in nodes.values())
    assert not severities or len(plan.keep) <= len(baseline.keep)


def test_delete_vulnerable_never_leans_on_a_digest_it_expires_too():
    """1.0.0 has CVE-1, 1.1.0 not (but CVE-2), 1.2.0 has CVE-1 again and not CVE-2: 1.1.0 expires (1.2.0 fixed
    CVE-2), so it cannot stand in for 1.0.0, whose CVE-1 no digest that stays is free of."""
    def node(n: int, tag: str, days: int, found: set[tuple[str, str]]) -> Node:
        scan = Scan(fixable=frozenset((i, p, "CRITICAL") for i, p in found), listed=frozenset(found))
        return Node(f"sha256:{n:064x}", (tag,), NOW - timedelta(days=days), scan=scan)

    nodes = {n.digest: n for n in (node(1, "1.0.0", 30, {("CVE-1", "openssl")}),
                                   node(2, "1.1.0", 20, {("CVE-2", "zlib")}),
                                   node(3, "1.2.0", 10, {("CVE-1", "openssl")}))}
    plan = plan_retention(nodes, Policy(delete_vulnerable=frozenset({"CRITICAL"})), NOW)
    assert [(d.tags, d.reason) for d in plan.delete] == [(("1.1.0",), "--delete-vulnerable: fixable CVE-2 (CRITICAL) "
                                                          "in zlib; 1.2.0, built later, no longer has them")]
    assert {d.tags for d in plan.keep} == {("1.0.0",), ("1.2.0",)}


def test_delete_vulnerable_expires_what_a_later_kept_tag_fixed():
    def node(n: int, tag: str, days: int, scan: Scan | None) -> Node:
        return Node(f"sha256:{n:064x}", (tag,), NOW - timedelta(days=days), scan=scan)

    critical = Scan(fixable=frozenset({("CVE-1", "openssl", "CRITICAL")}), listed=frozenset({("CVE-1", "openssl")}))
    clean = Scan()
    nodes = {n.digest: n for n in (node(1, "1.0.0", 30, critical), node(2, "1.1.0", 10, clean),
                                   node(3, "0.9.0", 40, None), node(4, "0.8.0", 50, critical))}
    policy = Policy(keep_days=60, delete_vulnerable=frozenset({"CRITICAL", "HIGH"}),
                    in_use=frozenset({f"sha256:{4:064x}"}))
    plan = plan_retention(nodes, policy, NOW)
    assert [(d.tags, d.reason) for d in plan.delete] == [(("1.0.0",), "--delete-vulnerable: fixable CVE-1 (CRITICAL) "
                                                          "in openssl; 1.1.0, built later, no longer has them")]
    reasons = {d.tags[0]: d.reason for d in plan.keep}
    assert reasons["0.9.0"].startswith("built within 60 days")  # unscanned: never deleted for vulnerabilities
    assert reasons["0.8.0"] == "in use (--in-use)"


rules = st.lists(st.builds(
    RetentionRule, name=st.sampled_from(["a", "b"]), action=st.sampled_from(["keep", "delete"]),
    priority=st.integers(0, 2), tags=st.one_of(st.none(), st.sampled_from([r"\d+\.\d+\.\d+", "latest|dev"]).map(
        re.compile)),
    keep_last=st.one_of(st.none(), st.integers(0, 3)), days=st.one_of(st.none(), st.integers(0, 400))),
    min_size=1, max_size=4)


@settings(max_examples=100, deadline=None)
@given(repositories(), rules)
def test_retention_rules_keep_beats_delete_and_only_the_first_delete_rule_decides(nodes, configured):
    plan = plan_retention(nodes, Policy(rules=tuple(configured)), NOW)
    kept = plan.kept_digests
    roots = [node for node in nodes.values() if release_tags(node)]
    for node in roots:
        selected_by = [rule for rule in configured if rule.selects(node)]
        keeps = [rule for rule in selected_by if rule.action == "keep"
                 and rule.decides([n for n in roots if rule.selects(n)], node, NOW)]
        first_delete = sorted((rule for rule in selected_by if rule.action == "delete"), key=lambda r: r.priority)[:1]
        deletes = [rule for rule in first_delete if rule.decides([n for n in roots if rule.selects(n)], node, NOW)]
        if keeps or not deletes:
            assert node.digest in kept  # a keep rule wins; a digest no rule deletes stays
        if node.created is None:
            assert all(rule.keep_last is None and rule.days is None for rule in deletes)  # never by age or count


def test_retention_rules_in_the_vocabulary_of_ecr_and_harbor():
    nodes = {f"sha256:{n:064x}": Node(f"sha256:{n:064x}", (tag,), NOW - timedelta(days=days))
             for n, (tag, days) in enumerate([("v1.0.0", 400), ("v1.1.0", 200), ("v2.0.0", 10), ("ci-77", 40),
                                              ("ci-78", 5)])}
    configured = (RetentionRule("registry.retention[0] (releases)", "keep", 0, re.compile(r"v\d+\..*"),
                                keep_last=2),
                  RetentionRule("registry.retention[1] (ci)", "delete", 1, re.compile("ci-.*"), days=30),
                  RetentionRule("registry.retention[2] (the rest)", "delete", 2))
    plan = plan_retention(nodes, Policy(rules=configured), NOW)
    assert {d.tags[0]: d.reason for d in plan.keep} == {
        "v2.0.0": "registry.retention[0] (releases): keep (newest 2)",
        "v1.1.0": "registry.retention[0] (releases): keep (newest 2)",
        "ci-78": "no retention rule deletes it"}
    assert {d.tags[0]: d.reason for d in plan.delete} == {
        "v1.0.0": "registry.retention[2] (the rest): delete (every selected tag)",
        "ci-77": "registry.retention[1] (ci): delete (built more than 30 days ago)"}
