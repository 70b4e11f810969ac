"""Package URL matching as Trivy and OpenVEX use it: a rule without version or qualifiers matches them all."""

from __future__ import annotations

from packageurl import PackageURL


def parse_purl(text: str) -> PackageURL | None:
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None


def purl_matches(rule: PackageURL, text: str) -> bool:
    """Type, namespace and name equal; version and subpath only when the rule gives them; the rule's
    qualifiers must all be present with the same values (Trivy `pkg/purl/purl.go` Match)."""
    target = parse_purl(text)
    if target is None:
        return False
    if (rule.type, rule.namespace or "", rule.name) != (target.type, target.namespace or "", target.name):
        return False
    if rule.version and rule.version != target.version:
        return False
    if rule.subpath and rule.subpath != target.subpath:
        return False
    qualifiers = target.qualifiers if isinstance(target.qualifiers, dict) else {}
    wanted = rule.qualifiers if isinstance(rule.qualifiers, dict) else {}
    return all(qualifiers.get(key) == value for key, value in wanted.items())
