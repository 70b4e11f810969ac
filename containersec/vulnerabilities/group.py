"""De-duplication: one Vulnerability per ID, package and installed version, across targets and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from containersec.vulnerabilities.records import SEVERITY_RANK, Record, ScanReport


@dataclass
class Vulnerability:
    id: str
    package: str
    installed: str
    severity: str
    fixed: str | None
    records: list[tuple[ScanReport, Record]] = field(default_factory=list)

    @property
    def aliases(self) -> list[str]:
        names = (name for _, r in self.records for name in (r.id, *r.aliases))
        return list(dict.fromkeys(name for name in names if name != self.id))

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    @property
    def purl(self) -> str | None:
        return next((r.purl for _, r in self.records if r.purl), None)

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(r.target for _, r in self.records if r.target))

    @property
    def reports(self) -> list[str]:
        return list(dict.fromkeys(report.path for report, _ in self.records))

    @property
    def score(self) -> float | None:
        scores = [r.score for _, r in self.records if r.score is not None]
        return max(scores) if scores else None

    @property
    def published(self) -> str | None:
        return next((r.published for _, r in self.records if r.published), None)

    @property
    def package_type(self) -> str:
        return next((r.package_type for _, r in self.records if r.package_type), "")


def group(reports: list[ScanReport]) -> list[Vulnerability]:
    """In first-seen order; the worst severity any scanner gave wins, and any fixed version it named.

    Records of one package version are one vulnerability when they share an ID or an alias (Grype's GHSA
    with its related CVE, and Trivy's CVE).
    """
    found: list[Vulnerability] = []
    index: dict[tuple[str, str, str], Vulnerability] = {}
    for report in reports:
        for record in report.records:
            keys = [(name, record.package, record.installed) for name in (record.id, *record.aliases)]
            vulnerability = next((index[key] for key in keys if key in index), None)
            if vulnerability is None:
                vulnerability = Vulnerability(record.id, record.package, record.installed, record.severity,
                                              record.fixed)
                found.append(vulnerability)
            elif SEVERITY_RANK[record.severity] > SEVERITY_RANK[vulnerability.severity]:
                vulnerability.severity = record.severity
            vulnerability.fixed = vulnerability.fixed or record.fixed
            vulnerability.records.append((report, record))
            for key in keys:
                index.setdefault(key, vulnerability)
    return found
