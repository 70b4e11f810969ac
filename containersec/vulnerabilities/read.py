"""Read one scanner report, whatever its format: Trivy JSON, Grype JSON (current and legacy), SARIF.

The format is detected from the content. Each streamed item becomes a Record at once (see stream.py);
the small rest of the document (metadata, the image config) is read after the pass.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from containersec.untrusted import DocumentError, json_data
from containersec.vulnerabilities.records import (
    ImageConfig,
    Misconfiguration,
    Record,
    ScannerSecret,
    ScanReport,
    scanner_severity,
)
from containersec.vulnerabilities.stream import walk

TRIVY_VULNS = "Results.item.Vulnerabilities.item"
GRYPE_MATCHES = "matches.item"
SARIF_RESULTS = "runs.item.results.item"
SARIF_RULES = "runs.item.tool.driver.rules.item"
# Grype SARIF names the layer only here: "<image>@<layer diff ID>:/<path>".
_GRYPE_LOGICAL = re.compile(r"@(sha256:[0-9a-f]{64}):(/.*)$")
_ALIAS = re.compile(r"^(CVE-\d{4}-\d+|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$", re.IGNORECASE)


class ReportError(Exception):
    """A report that cannot be read; the message names the problem (the caller names the file)."""


@dataclass
class _Collected:
    trivy: list[tuple[Record, int]] = field(default_factory=list)
    grype: list[Record] = field(default_factory=list)
    sarif_results: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    sarif_rules: list[tuple[dict[str, Any], int]] = field(default_factory=list)


def read_report(path: str) -> ScanReport:
    collected = _Collected()
    streamed = {
        TRIVY_VULNS: ("Results.item", lambda item, parent: _keep(collected.trivy, _trivy_record(item), parent)),
        GRYPE_MATCHES: ("", lambda item, _: _keep_record(collected.grype, _grype_record(item))),
        SARIF_RESULTS: ("runs.item", lambda item, run: _keep(collected.sarif_results, _sarif_result(item), run)),
        SARIF_RULES: ("runs.item", lambda item, run: _keep(collected.sarif_rules, _sarif_rule(item), run)),
    }
    try:
        with open(path, "rb") as handle:
            start = handle.read(3)
            if not start or (not start.strip() and not handle.read(1 << 16).strip()):
                raise ReportError("empty file: not a scanner report")
            if start.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ReportError("UTF-16 text: save the report as UTF-8 (PowerShell's `>` writes UTF-16)")
            handle.seek(3 if start == b"\xef\xbb\xbf" else 0)  # a UTF-8 byte order mark is skipped
            document = walk(handle, streamed)
    except OSError as exc:
        raise ReportError(f"cannot read: {exc.strerror}") from None
    except DocumentError as exc:
        raise ReportError(str(exc)) from None
    if not isinstance(document, dict):
        raise ReportError("not a scanner report: the document is not a JSON object")
    if "SchemaVersion" in document or ("Results" in document and "ArtifactName" in document):
        return _trivy_report(path, document, collected.trivy)
    if isinstance(document.get("matches"), list) and ("source" in document or "descriptor" in document):
        return _grype_report(path, document, collected.grype)
    if isinstance(document.get("runs"), list) and "version" in document:
        return _sarif_report(path, document, collected)
    raise ReportError("not a Trivy JSON, Grype JSON or SARIF report (no SchemaVersion, matches or runs)")


def _keep(into: list[Any], value: Any, parent: int) -> None:
    if value is not None:
        into.append((value, parent))


def _keep_record(into: list[Record], record: Record | None) -> None:
    if record is not None:
        into.append(record)


# --- small readers of untrusted values -----------------------------------------------------------


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    return str(value) if isinstance(value, int | float) else ""


def _score(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 0 <= value <= 10:
        return float(value)
    if isinstance(value, str):
        try:
            return _score(float(value))
        except ValueError:
            return None
    return None


def _aliases(ids: list[str], own: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in ids if i and i != own and _ALIAS.match(i)))


def _image_config(config: Any) -> ImageConfig | None:
    config = _map(config)
    diff_ids = [_text(d) for d in _list(_map(config.get("rootfs")).get("diff_ids"))]
    if not diff_ids:
        return None
    return ImageConfig(diff_ids=diff_ids, history=[h for h in _list(config.get("history")) if isinstance(h, dict)])


def _names(*values: Any) -> tuple[str, ...]:
    names: list[str] = []
    for value in values:
        names.extend(_text(v) for v in (value if isinstance(value, list) else [value]))
    return tuple(dict.fromkeys(n for n in names if n))


# --- Trivy JSON ----------------------------------------------------------------------------------


def _trivy_record(item: Any) -> Record | None:
    if not isinstance(item, dict):
        return None
    cvss = _map(item.get("CVSS"))
    preferred = _map(cvss.get(_text(item.get("SeveritySource"))))
    scores = [_score(preferred.get("V3Score")), _score(preferred.get("V40Score")),
              *(_score(_map(v).get(key)) for v in cvss.values() for key in ("V3Score", "V40Score"))]
    vuln_id = _text(item.get("VulnerabilityID"))
    fixed = _text(item.get("FixedVersion"))
    return Record(
        id=vuln_id,
        severity=scanner_severity(item.get("Severity")),
        package=_text(item.get("PkgName")),
        installed=_text(item.get("InstalledVersion")),
        fixed=fixed or None,
        aliases=_aliases([_text(v) for v in _list(item.get("VendorIDs"))], vuln_id),
        purl=_text(_map(item.get("PkgIdentifier")).get("PURL")) or None,
        package_path=_text(item.get("PkgPath")),
        layer=_text(_map(item.get("Layer")).get("DiffID")) or None,
        published=_text(item.get("PublishedDate")) or None,
        score=next((s for s in scores if s is not None), None),
        fix_state=_text(item.get("Status")),
    )


def _trivy_report(path: str, document: dict[str, Any], records: list[tuple[Record, int]]) -> ScanReport:
    version = document.get("SchemaVersion")
    if version is not None and version != 2:
        shown = _text(version) or repr(version)
        raise ReportError(f"Trivy JSON SchemaVersion {shown} is not supported (2 is)")
    results = _list(document.get("Results"))
    own: list[Record] = []
    for record, index in records:
        result = _map(results[index]) if 0 <= index < len(results) else {}
        record.target = _text(result.get("Target"))
        record.package_type = _text(result.get("Type"))
        own.append(record)
    others = sum(len(_list(_map(r).get(key))) for r in results for key in ("Misconfigurations", "Secrets", "Licenses"))
    metadata = _map(document.get("Metadata"))
    return ScanReport(
        path=path, format="trivy-json", tool="trivy",
        tool_version=_text(_map(document.get("Trivy")).get("Version")) or None,
        artifact=_text(document.get("ArtifactName")) or None,
        records=own,
        image=_image_config(metadata.get("ImageConfig")),
        artifact_names=_names(document.get("ArtifactName"), metadata.get("ImageID"), metadata.get("RepoTags"),
                              metadata.get("RepoDigests")),
        non_vulnerability_results=others,
        secrets=[_trivy_secret(item, _text(_map(r).get("Target"))) for r in results
                 for item in _list(_map(r).get("Secrets")) if isinstance(item, dict)],
        misconfigurations=[_trivy_misconfiguration(item, _text(_map(r).get("Target"))) for r in results
                           for item in _list(_map(r).get("Misconfigurations")) if isinstance(item, dict)],
        licenses=sum(len(_list(_map(r).get("Licenses"))) for r in results),
        scanned_at=_text(document.get("CreatedAt")) or None,
    )


def _line(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _trivy_secret(item: dict[str, Any], target: str) -> ScannerSecret:
    # `Match` (the line with the secret starred out) is not kept: only the kind and the place are reported.
    return ScannerSecret(rule=_text(item.get("RuleID")), title=_text(item.get("Title")) or _text(item.get("RuleID")),
                         severity=scanner_severity(item.get("Severity")), target=target,
                         line=_line(item.get("StartLine")), category=_text(item.get("Category")))


def _trivy_misconfiguration(item: dict[str, Any], target: str) -> Misconfiguration:
    cause = _map(item.get("CauseMetadata"))
    return Misconfiguration(id=_text(item.get("ID")) or _text(item.get("AVDID")), title=_text(item.get("Title")),
                            severity=scanner_severity(item.get("Severity")), status=_text(item.get("Status")).upper(),
                            target=target, line=_line(cause.get("StartLine")))


# --- Grype JSON ----------------------------------------------------------------------------------


def _grype_record(item: Any) -> Record | None:
    if not isinstance(item, dict):
        return None
    vulnerability = _map(item.get("vulnerability"))
    artifact = _map(item.get("artifact"))
    fix = vulnerability.get("fix")
    if isinstance(fix, dict):  # grype >= 0.8; before it, a fixedInVersion string
        fixed = ", ".join(_text(v) for v in _list(fix.get("versions")) if _text(v))
        fix_state = _text(fix.get("state"))
    else:
        fixed, fix_state = _text(vulnerability.get("fixedInVersion")), ""
    locations = [_map(location) for location in _list(artifact.get("locations"))]
    details = item.get("matchDetails")
    details = details if isinstance(details, list) else [details]
    vuln_id = _text(vulnerability.get("id"))
    related = [_text(_map(r).get("id")) for r in _list(item.get("relatedVulnerabilities"))]
    return Record(
        id=vuln_id,
        severity=scanner_severity(vulnerability.get("severity")),
        package=_text(artifact.get("name")),
        installed=_text(artifact.get("version")),
        fixed=fixed or None,
        target=_text(locations[0].get("path")) if locations else "",
        aliases=_aliases(related, vuln_id),
        purl=_text(artifact.get("purl")) or None,
        package_type=_text(artifact.get("type")),
        layer=_text(locations[0].get("layerID")) or None if locations else None,
        score=_grype_score(vulnerability),
        fix_state=fix_state,
        namespace=_text(vulnerability.get("namespace")),
        match_types=tuple(_text(_map(d).get("type")) for d in details if _text(_map(d).get("type"))),
        language=_text(artifact.get("language")),
        upstreams=tuple(_text(_map(u).get("name")) for u in _list(artifact.get("upstreams"))),
        locations=tuple(_text(loc.get("path")) for loc in locations if _text(loc.get("path"))),
    )


def _grype_score(vulnerability: dict[str, Any]) -> float | None:
    entries = [_map(entry) for entry in _list(vulnerability.get("cvss"))]
    # Legacy (<= 0.7) documents carry cvssV3 / cvssV2 objects instead of a list.
    entries += [_map(vulnerability.get(key)) for key in ("cvssV3", "cvssV2")]
    scores = [_score(_map(entry.get("metrics")).get("baseScore", entry.get("baseScore"))) for entry in entries]
    scores = [s for s in scores if s is not None]
    return max(scores) if scores else None


def _grype_report(path: str, document: dict[str, Any], records: list[Record]) -> ScanReport:
    source = _map(document.get("source"))
    target = source.get("target")
    image: ImageConfig | None = None
    names: tuple[str, ...] = ()
    if isinstance(target, dict):
        artifact = _text(target.get("userInput")) or None
        image = _image_config(_decoded_json(target.get("config")))
        names = _names(target.get("userInput"), target.get("imageID"), target.get("manifestDigest"),
                       target.get("tags"), target.get("repoDigests"))
    else:
        artifact = _text(target) or None
        names = _names(target)
    return ScanReport(
        path=path, format="grype-json", tool="grype",
        tool_version=_text(_map(document.get("descriptor")).get("version")) or None,
        artifact=artifact, records=records, image=image, artifact_names=names,
        scanned_at=_text(_map(document.get("descriptor")).get("timestamp")) or None,
    )


def _decoded_json(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return None
    try:
        return json_data.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return None


# --- SARIF from Trivy or Grype -------------------------------------------------------------------


def _facts(text: str) -> dict[str, str]:
    """`Key: value` lines of a Trivy message or a Grype rule help; `Vulnerability X` as the key Vulnerability."""
    facts: dict[str, str] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            facts.setdefault(key.strip(), value.strip())
        elif line.startswith("Vulnerability "):
            facts.setdefault("Vulnerability", line.removeprefix("Vulnerability ").strip())
    return facts


def _sarif_result(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    location = _map(next(iter(_list(item.get("locations"))), None))
    physical = _map(location.get("physicalLocation"))
    logical = [_text(_map(entry).get("fullyQualifiedName")) for entry in _list(location.get("logicalLocations"))]
    return {
        "rule": _text(item.get("ruleId")),
        "index": item.get("ruleIndex") if isinstance(item.get("ruleIndex"), int) else None,
        "facts": _facts(_text(_map(item.get("message")).get("text"))),
        "uri": _text(_map(physical.get("artifactLocation")).get("uri")),
        "logical": next((name for name in logical if name), ""),
    }


def _sarif_rule(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    properties = _map(item.get("properties"))
    return {
        "id": _text(item.get("id")),
        "name": _text(item.get("name")),
        "facts": _facts(_text(_map(item.get("help")).get("text"))),
        "score": _score(properties.get("security-severity")),
    }


def _sarif_report(path: str, document: dict[str, Any], collected: _Collected) -> ScanReport:
    runs = [_map(run) for run in _list(document.get("runs"))]
    if not runs:
        raise ReportError("SARIF without runs: not a scanner report")
    driver = _map(_map(runs[0].get("tool")).get("driver"))
    tool = _text(driver.get("name"))
    if tool.lower() not in ("trivy", "grype"):
        raise ReportError(f"SARIF written by {tool or 'an unnamed tool'!r}: only Trivy and Grype SARIF are read")
    rules: dict[int, list[dict[str, Any]]] = {}
    by_id: dict[tuple[int, str], dict[str, Any]] = {}
    for rule, run in collected.sarif_rules:
        rules.setdefault(run, []).append(rule)
        by_id.setdefault((run, rule["id"]), rule)
    records: list[Record] = []
    others = 0
    for result, run in collected.sarif_results:
        run_rules = rules.get(run, [])
        index = result["index"]
        indexed = run_rules[index] if index is not None and 0 <= index < len(run_rules) else None
        if indexed is None or indexed["id"] != result["rule"]:
            indexed = by_id.get((run, result["rule"]))
        rule = indexed or {}
        record = _trivy_sarif_record(result, rule) if tool.lower() == "trivy" else _grype_sarif_record(result, rule)
        if record is None:
            others += 1
        else:
            records.append(record)
    properties = _map(runs[0].get("properties"))
    return ScanReport(
        path=path, format="sarif", tool=tool, tool_version=_text(driver.get("version")) or None,
        artifact=_text(properties.get("imageName")) or None, records=records,
        artifact_names=_names(properties.get("imageName"), properties.get("imageID"),
                              properties.get("repoTags"), properties.get("repoDigests")),
        non_vulnerability_results=others,
        scanned_at=_text(_map(next(iter(_list(runs[0].get("invocations"))), None)).get("endTimeUtc")) or None,
    )


def _trivy_sarif_record(result: dict[str, Any], rule: dict[str, Any]) -> Record | None:
    facts = result["facts"]
    if "Package" not in facts or "Installed Version" not in facts:
        return None  # a misconfiguration, secret or license result
    return Record(
        id=result["rule"], severity=scanner_severity(facts.get("Severity")), package=facts["Package"],
        installed=facts["Installed Version"], fixed=facts.get("Fixed Version") or None, target=result["uri"],
        score=rule.get("score"),
    )


def _grype_sarif_record(result: dict[str, Any], rule: dict[str, Any]) -> Record:
    facts = rule.get("facts", {})
    layer = _GRYPE_LOGICAL.search(result["logical"])
    return Record(
        id=facts.get("Vulnerability") or result["rule"], severity=scanner_severity(facts.get("Severity")),
        package=facts.get("Package", ""), installed=facts.get("Version", ""),
        fixed=facts.get("Fix Version") or None, target=facts.get("Location") or result["uri"],
        package_type=facts.get("Type", ""), layer=layer.group(1) if layer else None,
        score=rule.get("score"), namespace=facts.get("Data Namespace", ""),
    )
