"""Which scan each audited image has, what the policy makes of it, and which newer tag fixes it.

Sources, in this order: reports attached in the registry (the newest wins), then `--scan-reports` (the
newest wins), then the scanner, which also runs when the scan found is older than the maximum scan age.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from containersec.config import Config
from containersec.release.registry.facts import Locator, ScanFacts, preferred_tag
from containersec.release.registry.scans.attached import Attached
from containersec.release.registry.scans.pipeline import PipelineReports, named_digests
from containersec.release.registry.scans.policy import (
    Judgement,
    ReportError,
    ScanReport,
    VulnPolicy,
    read_report,
    read_report_bytes,
)
from containersec.release.registry.scans.scanner import Scanner, ScannerError, Target, default_cache
from containersec.release.registry.settings import RegistrySettings

ATTESTATION, SCAN_REPORT, SCANNER = "attestation", "scan report", "scanner"


@dataclass
class AuditedImage:
    """One platform image of a tagged digest, as the audit saw it."""

    locator: Locator
    top: str  # the tagged digest (the index, or the image itself)
    config_digest: str | None
    platform: str
    created: datetime | None
    attached: list[Attached] = field(default_factory=list)  # on this digest
    # on the index that lists it: they count when they name this platform's digest or config digest
    inherited: list[Attached] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return self.locator.digest or self.top


@dataclass
class _Found:
    source: str
    where: str
    scanned_at: datetime | None
    report: ScanReport


def parse_time(value: object) -> datetime | None:
    """A scan's time (RFC 3339, Go's nanoseconds included), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class VulnerabilityWatch:
    def __init__(self, config: Config, settings: RegistrySettings, now: datetime, *,
                 scan_reports: str | None = None) -> None:
        self.policy = VulnPolicy(config)
        self.settings = settings
        self.now = now
        self.pipeline = PipelineReports(Path(scan_reports)) if scan_reports else None
        self.scanner = (Scanner(settings.scanner, settings.scan_cache or default_cache(), settings.max_scan_age_days,
                                now) if settings.scanner else None)
        self.notices: list[str] = []
        self.problems: list[tuple[str, str]] = list(self.pipeline.problems) if self.pipeline else []
        self.scanner_runs = 0
        self.cached_scans = 0
        self.reports_attached = 0
        self.seconds_reading_attached = 0.0  # fetching attached reports and reading them
        # With --state: {digest: {"ID package": first day seen}}; None: no state kept, no first sightings.
        self.first_seen: dict[str, dict[str, str]] | None = None

    @property
    def sources_tried(self) -> tuple[str, ...]:
        tried = ["no vulnerability attestation or report attached"]
        tried.append("no report in --scan-reports names its digest" if self.pipeline else "no --scan-reports")
        tried.append(f"{self.scanner.settings.name} failed" if self.scanner else "no --scanner")
        return tuple(tried)

    def judge(self, host: str, repository: str, images: list[AuditedImage],
              tags_of: Mapping[str, list[str]], release_tag: re.Pattern[str], *,
              other_tags_audited: bool = True) -> list[ScanFacts]:
        """The facts of each image of one repository, the newer tag that fixes it included."""
        found, judged = self.status(host, repository, images)
        facts = []
        for image, locator in self._one_per_digest(images, tags_of, release_tag):
            scan, judgement = found[id(image)], judged.get(id(image))
            fixed_by = self._fixed_by(image, judgement, images, judged, tags_of, release_tag) if judgement else None
            facts.append(ScanFacts(locator, self.now, self.settings.max_scan_age_days,
                                   scan.source if scan else None, scan.where if scan else None,
                                   scan.scanned_at if scan else None, judgement, fixed_by, self.sources_tried,
                                   other_tags_audited))
        return facts

    @staticmethod
    def _one_per_digest(images: list[AuditedImage], tags_of: Mapping[str, list[str]],
                        release_tag: re.Pattern[str]) -> Iterator[tuple[AuditedImage, Locator]]:
        """Each platform image once, however many ways led to it (an index's child that is also tagged itself),
        named by the most specific tag that reaches it and by the platform an index gave it."""
        by_digest: dict[str, list[AuditedImage]] = {}
        for image in images:
            by_digest.setdefault(image.digest, []).append(image)
        for same in by_digest.values():
            tags = [tag for image in same for tag in tags_of.get(image.top, ())]
            tag = preferred_tag(tags, release_tag) if tags else same[0].locator.tag
            named = next((image for image in same if tag in tags_of.get(image.top, ())), same[0])
            platform = next((image.locator.platform for image in same if image.locator.platform), None)
            yield named, dataclasses.replace(named.locator, tag=tag, platform=platform)

    def status(self, host: str, repository: str,
               images: list[AuditedImage]) -> tuple[dict[int, _Found | None], dict[int, Judgement]]:
        """By id() of each image: the scan that won (or None), and the policy's judgement of it."""
        found = {id(image): self._newest(self._attached(image) or self._from_pipeline(image)) for image in images}
        self._scan(host, repository, [i for i in images if self._needs_scan(found[id(i)])], found)
        if self.first_seen is not None:
            for image in images:
                scan = found[id(image)]
                if scan is not None:
                    self._date_first_sightings(image.digest, scan.report)
        judged = {key: self.policy.judge(scan.report, self.now) for key, scan in found.items() if scan is not None}
        return found, judged

    def _date_first_sightings(self, digest: str, report: ScanReport) -> None:
        """Grace periods run from the first sighting on this digest when the report gives no publication date."""
        assert self.first_seen is not None
        seen = self.first_seen.setdefault(digest, {})
        today = self.now.date().isoformat()
        for record in report.records:
            key = f"{record.id} {record.package}"
            seen.setdefault(key, today)
            if not record.published:
                record.published = f"{seen[key]}T00:00:00Z"

    # --- the three sources ---------------------------------------------------------------------------

    def _attached(self, image: AuditedImage) -> list[_Found]:
        found = []
        for inherited, attached in [*((False, a) for a in image.attached), *((True, a) for a in image.inherited)]:
            if attached.problem is not None:
                self.notices.append(f"{image.locator.shown}: {attached.where} not read: {attached.problem}")
                continue
            started = time.perf_counter()
            try:
                report = read_report_bytes(attached.body, f"{image.locator.repository} {attached.where}")
            except ReportError as exc:
                self.notices.append(f"{image.locator.shown}: {attached.where} is not a readable report: {exc}")
                continue
            finally:
                self.seconds_reading_attached += time.perf_counter() - started
            if inherited and not named_digests(report) & {image.digest, image.config_digest}:
                continue  # the index's scan of another platform, or of no platform it can name
            self.reports_attached += 1
            found.append(_Found(ATTESTATION, attached.where,
                                parse_time(attached.finished) or parse_time(report.scanned_at), report))
        return found

    def _from_pipeline(self, image: AuditedImage) -> list[_Found]:
        if self.pipeline is None:
            return []
        return [_Found(SCAN_REPORT, report.path, parse_time(report.scanned_at), report)
                for report in self.pipeline.matching(image.digest, image.config_digest)]

    def _needs_scan(self, scan: _Found | None) -> bool:
        if self.scanner is None:
            return False
        return scan is None or scan.scanned_at is None or (self.now - scan.scanned_at).days > \
            self.settings.max_scan_age_days

    def _scan(self, host: str, repository: str, images: list[AuditedImage], found: dict[int, _Found | None]) -> None:
        if self.scanner is None or not images:
            return
        try:
            results = self.scanner.scan(Target(host, repository, image.digest) for image in images)
        except ScannerError as exc:
            self.problems.append((f"{host}/{repository}", f"scanner: {exc}"))
            return
        for image in images:
            scanned = results[image.digest]
            if scanned.path is None:
                self.problems.append((image.locator.shown, f"scanner: {scanned.problem}"))
                continue
            try:
                report = read_report(str(scanned.path))
            except ReportError as exc:
                self.problems.append((image.locator.shown, f"the {self.scanner.settings.name} output is not a "
                                      f"report: {exc}"))
                continue
            report.path = f"{self.scanner.settings.name} {'(cached) ' if scanned.cached else ''}of {image.digest}"
            found[id(image)] = _Found(SCANNER, report.path, scanned.finished, report)
        ran = {scanned.target.digest: scanned.cached for scanned in results.values() if scanned.path is not None}
        self.scanner_runs += sum(1 for cached in ran.values() if not cached)
        self.cached_scans += sum(1 for cached in ran.values() if cached)

    @staticmethod
    def _newest(found: Iterable[_Found]) -> _Found | None:
        ordered = sorted(found, key=lambda f: f.scanned_at or datetime.min.replace(tzinfo=UTC))
        return ordered[-1] if ordered else None

    # --- the patch -----------------------------------------------------------------------------------

    @staticmethod
    def _fixed_by(image: AuditedImage, judgement: Judgement, images: list[AuditedImage],
                  judged: Mapping[int, Judgement], tags_of: Mapping[str, list[str]],
                  release_tag: re.Pattern[str]) -> str | None:
        """The tag of a later image (same platform) whose scan lists none of the failing ones and fails on nothing
        more severe, if any: never advice to move from a MEDIUM to a CRITICAL."""
        if not judgement.failing:
            return None
        candidates = []
        for other in images:
            later = other.created is not None and (image.created is None or other.created > image.created)
            scan = judged.get(id(other))
            if (other.top == image.top or other.platform != image.platform or not later or scan is None
                    or scan.worst > judgement.worst or any(scan.lists(v) for v in judgement.failing)
                    or not tags_of.get(other.top)):
                continue
            candidates.append(other)
        if not candidates:
            return None

        def preference(other: AuditedImage) -> tuple[bool, bool, datetime | None]:
            # A tag that passes the policy, then a release tag, then the newest.
            return (not judged[id(other)].failing, any(release_tag.fullmatch(t) for t in tags_of[other.top]),
                    other.created)

        best = max(candidates, key=preference)
        tags = tags_of[best.top]
        return next((t for t in tags if release_tag.fullmatch(t)), tags[0])
