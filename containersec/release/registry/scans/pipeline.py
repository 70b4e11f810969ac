"""`--scan-reports DIR`: reports a pipeline wrote, matched to digests by the digests the reports name.

A report names its image by Trivy's `Metadata.RepoDigests` and `ImageID` (the config digest), Grype's
`source.target` (`manifestDigest`, `repoDigests`, `imageID`), or SARIF run properties; the file name is never
used. A platform image matches a report that names its manifest digest or its config digest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from containersec.release.registry.scans.policy import ReportError, ScanReport, read_report

REPORT_SUFFIXES = (".json", ".sarif")
_DIGEST = re.compile(r"(?:^|@)(sha256:[0-9a-f]{64})$")


def named_digests(report: ScanReport) -> set[str]:
    return {match[1] for name in report.artifact_names if (match := _DIGEST.search(name))}


def report_files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() in REPORT_SUFFIXES and path.is_file():
            yield path


class PipelineReports:
    """The reports of a folder, read once, indexed by every digest they name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.by_digest: dict[str, list[ScanReport]] = {}
        self.problems: list[tuple[str, str]] = []  # (file, why it was not read)
        self.unmatched: list[str] = []  # reports naming no image digest
        if not directory.is_dir():
            self.problems.append((str(directory), "--scan-reports: not a folder"))
            return
        for path in report_files(directory):
            try:
                report = read_report(str(path))
            except ReportError as exc:
                self.problems.append((str(path), str(exc)))
                continue
            digests = named_digests(report)
            if not digests:
                self.unmatched.append(str(path))
            for digest in digests:
                self.by_digest.setdefault(digest, []).append(report)

    def matching(self, *digests: str | None) -> list[ScanReport]:
        found: dict[int, ScanReport] = {}
        for digest in digests:
            for report in self.by_digest.get(digest or "", []):
                found[id(report)] = report
        return list(found.values())
