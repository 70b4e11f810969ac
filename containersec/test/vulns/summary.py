"""The stage's summary: counts by scanner severity, fixable, suppressed and why, the upgrades that fix most."""

from __future__ import annotations

from collections import Counter

from containersec.findings import Stage, StageSummary
from containersec.test.vulns.checked import Checked
from containersec.test.vulns.versions import upgrade
from containersec.vulnerabilities.policy import BY_EXCEPTION, BY_IGNORE_FILE, BY_ONLY_FIXED, BY_VEX, Assessed
from containersec.vulnerabilities.records import SEVERITIES, SEVERITY_RANK, ScanReport

TOP_UPGRADES = 3
SHOWN_REASONS = 5


def summarize(reports: list[ScanReport], checked: Checked) -> StageSummary:
    assessed = checked.evaluation.assessed
    reported = [a for a in assessed if a.suppression is None]
    records = sum(len(r.records) for r in reports)
    by_severity = Counter(a.vulnerability.severity for a in reported)
    fixable = sum(1 for a in reported if a.vulnerability.fixed)
    rows = [
        ("reports", f"{len(reports)} read, {records} records, {len(assessed)} vulnerabilities after de-duplication"),
        ("by scanner severity", ", ".join(f"{s} {by_severity[s]}" for s in SEVERITIES)),
        ("fixable", f"{fixable} of {len(reported)} have a fixed version"),
        ("suppressed", _suppressed(assessed)),
    ]
    reasons = Counter(f"{a.suppression.reason} ({a.suppression.by})" for a in assessed if a.suppression)
    if reasons:
        rows.append(("suppressed because", "; ".join(f"{r}: {n}" for r, n in reasons.most_common(SHOWN_REASONS))))
    waiting = sum(1 for a in reported if a.grace_until is not None)
    if waiting:
        rows.append(("patch window", f"{waiting} reported but not failing yet (grace-days)"))
    rows.extend(_other_results(reports))
    upgrades = top_upgrades(reported)
    if upgrades:
        rows.append(("top upgrades", "; ".join(upgrades)))
    base = _base_image(reported, checked)
    if base:
        rows.append(("base image", base))
    return StageSummary(Stage.TEST, "vulnerability reports", tuple(rows))


def _other_results(reports: list[ScanReport]) -> list[tuple[str, str]]:
    """What the reports list besides vulnerabilities, so that nothing in them goes unmentioned."""
    rows = []
    secrets = Counter(s.severity for r in reports for s in r.secrets)
    if secrets:
        rows.append(("secrets", f"{sum(secrets.values())} found by the scanners ({_counts(secrets)}): "
                                "reported as CSV005 findings"))
    failed = [m for r in reports for m in r.misconfigurations if m.status in ("FAIL", "")]
    misconfigurations = sum(len(r.misconfigurations) for r in reports)
    if misconfigurations:
        ids = Counter(m.id for m in failed)
        listed = ", ".join(f"{i} x{n}" if n > 1 else i for i, n in ids.most_common(SHOWN_REASONS))
        rows.append(("misconfigurations", f"{misconfigurations} listed by the scanners, {len(failed)} failed "
                                          f"({_counts(Counter(m.severity for m in failed))})"
                                          + (f": {listed}" if listed else "")
                                          + "; not evaluated here"))
    licenses = sum(r.licenses for r in reports)
    if licenses:
        rows.append(("licenses", f"{licenses} listed by the scanners, not evaluated"))
    return rows


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{s} {counter[s]}" for s in SEVERITIES if counter[s]) or "none"


def _suppressed(assessed: list[Assessed]) -> str:
    counts = Counter(a.suppression.by for a in assessed if a.suppression)
    total = sum(counts.values())
    if not total:
        return "0 suppressed"
    parts = [f"{counts[by]} by {by}" for by in (BY_EXCEPTION, BY_IGNORE_FILE, BY_VEX, BY_ONLY_FIXED) if counts[by]]
    return f"{total} suppressed: {', '.join(parts)}"


def top_upgrades(reported: list[Assessed], limit: int = TOP_UPGRADES) -> list[str]:
    """`openssl 3.0.2 -> 3.0.7 fixes 12, 4 of them HIGH`, for the packages whose upgrade fixes the most."""
    by_package: dict[tuple[str, str], list[Assessed]] = {}
    for item in reported:
        if item.vulnerability.fixed:
            by_package.setdefault((item.vulnerability.package, item.vulnerability.installed), []).append(item)

    def weight(items: list[Assessed]) -> tuple[int, int]:
        return (len(items), max(SEVERITY_RANK[i.vulnerability.severity] for i in items))

    lines = []
    for (package, installed), items in sorted(by_package.items(), key=lambda kv: weight(kv[1]), reverse=True)[:limit]:
        kind = items[0].vulnerability.package_type or _purl_type(items[0].vulnerability.purl)
        target = upgrade(kind, installed, [i.vulnerability.fixed or "" for i in items])
        worst = max((i.vulnerability.severity for i in items), key=SEVERITY_RANK.__getitem__)
        of_worst = sum(1 for i in items if i.vulnerability.severity == worst)
        line = f"{package} {installed} -> {target or 'a fixed version'} fixes {len(items)}"
        if len(items) > 1:
            line += f", {of_worst} of them {worst}"
        else:
            line += f" ({worst})"
        lines.append(line)
    return lines


def _purl_type(purl: str | None) -> str:
    return purl[4:].split("/", 1)[0] if purl and purl.startswith("pkg:") else ""


def _base_image(reported: list[Assessed], checked: Checked) -> str:
    from_base = [a for a in reported if (p := checked.place(a)) is not None and p.base is not None]
    if not from_base:
        return ""
    base = checked.place(from_base[0])
    fixable = sum(1 for a in from_base if a.vulnerability.fixed)
    name = base.base if base is not None else ""
    return (f"{len(from_base)} of {len(reported)} come from the base image {name}; "
            f"a newer base fixes {fixable} of {len(from_base)}")
