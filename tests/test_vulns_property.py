"""Random report-shaped JSON: reading, policy and every reporter never raise; a bad document is an input error."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from containersec.config import Config
from containersec.findings import Report
from containersec.report import FORMATS, render
from containersec.test.vulns import check_reports

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from(["CRITICAL", "high", "", "fixed", "sha256:ab", "pkg:npm/x"]))
ANY = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                       max_size=3), max_leaves=8)


def shaped(keys: dict[str, st.SearchStrategy[object]]) -> st.SearchStrategy[dict[str, object]]:
    """Objects with some of `keys` (each either its usual shape or anything at all) and maybe a stray key."""
    return st.fixed_dictionaries({}, optional={k: st.one_of(v, ANY) for k, v in keys.items()} | {"x": ANY})


TRIVY_VULN = shaped({"VulnerabilityID": st.text(max_size=8), "PkgName": st.text(max_size=5),
                     "InstalledVersion": st.text(max_size=5), "FixedVersion": st.text(max_size=5),
                     "Severity": SCALARS, "Layer": shaped({"DiffID": SCALARS}), "PublishedDate": SCALARS,
                     "CVSS": st.dictionaries(st.text(max_size=4), shaped({"V3Score": SCALARS}), max_size=2),
                     "PkgIdentifier": shaped({"PURL": SCALARS}), "VendorIDs": st.lists(SCALARS, max_size=2)})
TRIVY = shaped({"SchemaVersion": st.just(2), "ArtifactName": SCALARS,
                "Metadata": shaped({"ImageConfig": shaped({"rootfs": shaped({"diff_ids": st.lists(SCALARS)}),
                                                           "history": st.lists(ANY, max_size=3)})}),
                "Results": st.lists(shaped({"Target": SCALARS, "Class": SCALARS, "Type": SCALARS,
                                            "Vulnerabilities": st.lists(TRIVY_VULN, max_size=4),
                                            "Secrets": st.lists(ANY, max_size=2)}), max_size=3)})
GRYPE_MATCH = shaped({"vulnerability": shaped({"id": SCALARS, "severity": SCALARS, "fixedInVersion": SCALARS,
                                               "fix": shaped({"versions": st.lists(SCALARS), "state": SCALARS}),
                                               "cvss": st.lists(shaped({"metrics": shaped({"baseScore": SCALARS})}))}),
                      "artifact": shaped({"name": SCALARS, "version": SCALARS, "purl": SCALARS,
                                          "locations": st.lists(shaped({"path": SCALARS, "layerID": SCALARS}))}),
                      "matchDetails": ANY, "relatedVulnerabilities": st.lists(shaped({"id": SCALARS}))})
GRYPE = shaped({"matches": st.lists(GRYPE_MATCH, max_size=4), "descriptor": shaped({"version": SCALARS}),
                "source": shaped({"type": SCALARS, "target": st.one_of(SCALARS, shaped({"userInput": SCALARS,
                                                                                        "config": SCALARS}))})})
MESSAGE = st.builds(lambda p, v, s: f"Package: {p}\nInstalled Version: {v}\nSeverity: {s}\nFixed Version: ",
                    st.text(max_size=4), st.text(max_size=4), st.text(max_size=6))
SARIF = shaped({"version": st.just("2.1.0"), "runs": st.lists(shaped({
    "tool": shaped({"driver": shaped({"name": st.sampled_from(["Trivy", "Grype", "other"]),
                                      "rules": st.lists(shaped({"id": SCALARS, "help": shaped({"text": SCALARS})}),
                                                        max_size=3)})}),
    "results": st.lists(shaped({"ruleId": SCALARS, "ruleIndex": SCALARS, "message": shaped({"text": MESSAGE}),
                                "locations": st.lists(ANY, max_size=2)}), max_size=3)}), max_size=2)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.one_of(TRIVY, GRYPE, SARIF, ANY), truncate=st.integers(0, 40))
def test_random_report_shaped_json_never_raises(document: object, truncate: int) -> None:
    text = json.dumps(document)
    if truncate and len(text) > truncate:
        text = text[:-truncate]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        path.write_text(text, encoding="utf-8")
        report = check_reports([str(path)], Config())
        assert isinstance(report, Report)
        assert len(report.errors) + len(report.extra["reports"]) == 1
        for fmt in FORMATS:
            text = render(report, fmt)
            # The compact format prints one line per finding or input error and nothing for a clean run.
            assert text or (fmt == "compact" and not report.findings and not report.errors)
