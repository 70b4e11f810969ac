"""What the readers make of a scanner report: one Record per listed vulnerability on one package occurrence."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN")
# Higher is worse; fail-on and grace-days compare scanner severities by this rank.
SEVERITY_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}


def scanner_severity(value: object) -> str:
    """The scanner's severity upper-cased; anything unknown, missing or empty is UNKNOWN."""
    text = value.strip().upper() if isinstance(value, str) else ""
    return text if text in SEVERITY_RANK else "UNKNOWN"


@dataclass(slots=True)
class Record:
    id: str
    severity: str  # one of SEVERITIES
    package: str
    installed: str
    fixed: str | None  # the fixed version(s) as the scanner wrote them; None when no fix is available
    target: str = ""  # where the scanner found the package (Trivy Target, Grype location, SARIF uri)
    aliases: tuple[str, ...] = ()
    purl: str | None = None
    package_type: str = ""  # deb, apk, npm, gemspec, ...
    package_path: str = ""  # a language package's file inside the image
    layer: str | None = None  # the diff ID of the layer that added the package
    published: str | None = None  # RFC 3339, when the report gives it
    score: float | None = None  # a CVSS base score, when the report gives one
    fix_state: str = ""  # Grype's fix.state
    namespace: str = ""  # Grype's vulnerability namespace
    match_types: tuple[str, ...] = ()  # Grype's matchDetails[].type
    language: str = ""
    upstreams: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()  # every path the scanner names for the package


@dataclass(slots=True)
class ScannerSecret:
    """A secret a scanner reports (Trivy's `Secrets`): its kind and where it is, never the value."""

    rule: str  # the scanner's rule ID ("github-pat")
    title: str
    severity: str  # one of SEVERITIES
    target: str  # the file it is in
    line: int  # 0 when the scanner gives none
    category: str = ""


@dataclass(slots=True)
class Misconfiguration:
    """A misconfiguration a scanner reports (Trivy's `Misconfigurations`)."""

    id: str  # "DS002"
    title: str
    severity: str  # one of SEVERITIES
    status: str  # FAIL, PASS, EXCEPTION
    target: str
    line: int  # 0 when the scanner gives none


@dataclass(slots=True)
class ImageConfig:
    """The parts of the image's OCI config that place a layer on a Dockerfile line."""

    diff_ids: list[str] = field(default_factory=list)
    history: list[dict[str, object]] = field(default_factory=list)


@dataclass(slots=True)
class ScanReport:
    path: str
    format: str  # trivy-json | grype-json | sarif
    tool: str
    tool_version: str | None
    artifact: str | None
    records: list[Record]
    image: ImageConfig | None = None
    # Digests and names the artifact is known by: VEX products and Grype ignore rules match them.
    artifact_names: tuple[str, ...] = ()
    non_vulnerability_results: int = 0  # Trivy misconfigurations, secrets and licenses
    secrets: list[ScannerSecret] = field(default_factory=list)
    misconfigurations: list[Misconfiguration] = field(default_factory=list)
    licenses: int = 0
    scanned_at: str | None = None  # when the scan ran (Trivy CreatedAt, Grype descriptor.timestamp, SARIF endTimeUtc)
