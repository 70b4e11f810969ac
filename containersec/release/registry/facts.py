"""What the audit learned about a tag, an image (one platform) and a digest's attachments: the rules' input.

Everything here came from the registry and is untrusted text: it reaches reports only through finding
messages and `extra`, which the reporters escape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from containersec.catalogue import Hit
from containersec.findings import Severity
from containersec.release.registry.signatures import Attached
from containersec.untrusted.patterns import LinearPattern
from containersec.vulnerabilities.policy import LEVELS

if TYPE_CHECKING:  # the rules load with every command; the scanner-report readers only when a scan is judged
    from containersec.release.registry.scans.policy import Judgement


@dataclass(frozen=True)
class Locator:
    """Where a finding is: the reference as given, and the repository, tag, digest and platform it is about."""

    reference: str
    repository: str
    tag: str | None
    digest: str | None
    platform: str | None = None

    def extra(self) -> dict[str, object]:
        return {"registry": {"reference": self.reference, "repository": self.repository, "tag": self.tag,
                             "digest": self.digest, "platform": self.platform}}

    @property
    def shown(self) -> str:
        text = self.repository + (f":{self.tag}" if self.tag else "")
        text += f"@{self.digest}" if self.digest else ""
        return text + (f" ({self.platform})" if self.platform else "")


def preferred_tag(tags: Iterable[str], release_tags: LinearPattern) -> str:
    """The most specific of the tags of one digest: a release tag (`registry.release-tags`), then any other tag
    but `latest`, then `latest`; ties by name."""
    return min(tags, key=lambda tag: (not release_tags.fullmatch(tag), tag == "latest", tag))


@dataclass(frozen=True)
class TagFacts:
    locator: Locator
    tag: str
    release_tags: LinearPattern
    previous_digest: str | None  # from the state file; None when the tag is new or no state is kept


@dataclass(frozen=True)
class ImageFacts:
    """One platform's image: its config blob and manifest annotations."""

    locator: Locator
    now: datetime
    patch_window_days: int
    created: datetime | None  # None: missing, unparsable or an epoch placeholder
    created_text: str | None
    labels: Mapping[str, str]  # config labels, then manifest annotations
    required_labels: Mapping[str, str]  # label -> type
    base_name: str | None = None
    base_digest: str | None = None
    base_current: str | None = None  # what base_name's tag names today, when it could be resolved


@dataclass(frozen=True)
class AttachedFacts:
    """A tagged digest (an image, or an index as a whole) and what is attached to it."""

    locator: Locator
    attached: Attached
    key_configured: bool
    signature_problems: tuple[str, ...] = ()
    verified_signatures: int = 0
    # platforms of an index whose manifest has no SBOM or provenance of its own or from BuildKit
    platforms_without: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def lacking(self, kind: str, label: str) -> str | None:
        """Why `kind` ("sbom" or "provenance") is missing, or None when the digest (and each platform) has one."""
        if not (self.attached.sboms if kind == "sbom" else self.attached.provenance):
            return f"{self.locator.shown} has no {label} attached"
        if self.platforms_without.get(kind):
            return f"{self.locator.shown}: no {label} for {', '.join(self.platforms_without[kind])}"
        return None


@dataclass(frozen=True)
class PolicyHit(Hit):
    """A hit the vulnerability policy decided: its severity is the worst failing vulnerability's, mapped as
    `containersec vulns` maps it for CSV001, and it fails the run as that policy's failing findings do."""

    level: Severity = Severity.ERROR


FAILING_SHOWN = 25  # the worst failing vulnerabilities listed in JSON; the scan itself holds them all


@dataclass(frozen=True)
class ScanFacts:
    """One platform image's vulnerability status: the scan that won (or none) and the policy's judgement."""

    locator: Locator
    now: datetime
    max_age_days: int
    source: str | None = None  # attestation, scan report, scanner; None: no scan result anywhere
    where: str | None = None  # the attestation's tag or referrer, the report file, the scanner
    scanned_at: datetime | None = None
    judgement: Judgement | None = None
    fixed_by: str | None = None  # a newer tag of the repository whose scan no longer lists the failing ones
    sources_tried: tuple[str, ...] = ()
    other_tags_audited: bool = True  # False when one reference alone was audited: no newer tag was looked at

    @property
    def level(self) -> Severity:
        """The severity of the worst failing vulnerability (CRITICAL and HIGH error, MEDIUM warning, else info)."""
        failing = self.judgement.failing if self.judgement is not None else ()
        return LEVELS.get(failing[0].severity, Severity.INFO) if failing else Severity.INFO

    @property
    def age_days(self) -> int | None:
        return None if self.scanned_at is None else (self.now - self.scanned_at).days

    def extra(self) -> dict[str, object]:
        scan: dict[str, object] = {"source": self.source, "where": self.where,
                                   "scanned_at": self.scanned_at.isoformat() if self.scanned_at else None}
        if self.judgement is not None:
            failing = self.judgement.failing
            scan.update(by_severity=self.judgement.by_severity, fixable=self.judgement.fixable,
                        suppressed=self.judgement.suppressed, failing_count=len(failing),
                        failing=[v.to_json() for v in failing[:FAILING_SHOWN]], fixed_by=self.fixed_by)
        return {**self.locator.extra(), "scan": scan}
