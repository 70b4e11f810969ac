"""Each digest's vulnerability status in `registry audit`, on the real registry: cosign vulnerability
attestations (as `.att` tags and as OCI 1.1 referrers) carrying the recorded real reports, `--scan-reports`
matched by digest, and a scanner command that replays recorded reports, run once per digest and cached."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from registry_server import (  # noqa: F401  (fixtures)
    EMPTY_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    api_image,
    descriptor,
    push_image,
    put_blob,
    put_manifest,
    registry_fixture,
)
from scan_fixtures import DSSE, VULN_PREDICATE, envelope, naming, statement

from containersec.cli import main

NOW = datetime.datetime.now(datetime.UTC)
REPLAY = Path(__file__).resolve().parent / "replay_scanner.py"
EXCEPTION = "vulns:\n  exceptions:\n    - {id: CVE-2019-1559, reason: openssl-libs not loaded, expires: 2099-01-01}\n"


def days_ago(days: int) -> str:
    return (NOW - datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def audit(capsys, *args: str) -> tuple[int, dict]:
    code = main(["registry", "audit", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def findings(document: dict, rule: str) -> dict[str, dict]:
    """{tag: finding} of one rule (the tag each finding names)."""
    return {f["registry"]["tag"]: f for f in document["findings"] if f["rule"] == rule}


def retag(server, repository: str, tag: str, new_tag: str) -> None:
    """Tag the manifest `tag` names as `new_tag` too (the same bytes, so the same digest)."""
    session = server.session()
    answer = session.get(f"{server.url}/v2/{repository}/manifests/{tag}", headers={"Accept": OCI_MANIFEST},
                         timeout=30)
    pushed = session.put(f"{server.url}/v2/{repository}/manifests/{new_tag}", data=answer.content,
                         headers={"Content-Type": answer.headers["Content-Type"]}, timeout=30)
    assert pushed.status_code == 201, pushed.text


def config_digest(server, repository: str, digest: str) -> str:
    answer = server.session().get(f"{server.url}/v2/{repository}/manifests/{digest}",
                                  headers={"Accept": OCI_MANIFEST}, timeout=30)
    return answer.json()["config"]["digest"]


def attestation_manifest(server, repository: str, envelopes: list[bytes]) -> dict[str, object]:
    """An OCI manifest with one DSSE layer per attestation, as `cosign attest` appends them."""
    config = put_blob(server, repository, b"{}")
    layers = [{"mediaType": DSSE, **put_blob(server, repository, body),
               "annotations": {"predicateType": VULN_PREDICATE}} for body in envelopes]
    return {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": {"mediaType": EMPTY_CONFIG, **config},
            "layers": layers}


def attest(server, repository: str, digest: str, reports: list[tuple[str, str]], key, *, referrer: bool = False,
           config: str | None = None) -> None:
    """Attach vulnerability attestations of recorded reports [(fixture, finished)] to `digest`.

    As cosign's `.att` tag, or (referrer=True) as an OCI 1.1 referrer: a manifest whose subject is the digest,
    listed in the referrers tag schema's index (the Debian registry has no referrers API).
    """
    image = f"{server.host}/{repository}"
    bodies = [envelope(statement(naming(name, image, digest, config, finished), image, digest, finished), key)
              for name, finished in reports]
    manifest = attestation_manifest(server, repository, bodies)
    hexdigest = digest.partition(":")[2]
    if not referrer:
        put_manifest(server, repository, f"sha256-{hexdigest}.att", manifest)
        return
    manifest.update(artifactType=DSSE, subject=descriptor(server, repository, digest))
    pushed = put_manifest(server, repository, None, manifest)
    put_manifest(server, repository, f"sha256-{hexdigest}", {
        "schemaVersion": 2, "mediaType": OCI_INDEX,
        "manifests": [{**descriptor(server, repository, pushed), "artifactType": DSSE,
                       "annotations": {"predicateType": VULN_PREDICATE}}]}, OCI_INDEX)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def key():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def watched(registry, tmp_path_factory, key):
    """scans/app: 0.9.0 never scanned; 1.0.0 with two .att attestations (alpine 3.10, newer; debian, older);
    1.1.0 with a referrer attestation (centos 7) 40 days old; 1.2.0 = latest, its Grype report in a folder."""
    tmp = tmp_path_factory.mktemp("watched")
    repo, image = "scans/app", f"{registry.host}/scans/app"
    digests = {}
    for tag, age in (("0.9.0", 60), ("1.0.0", 30), ("1.1.0", 20), ("1.2.0", 5)):
        digests[tag] = push_image(tmp, registry, repo, tag, created=days_ago(age))
    retag(registry, repo, "1.2.0", "latest")
    attest(registry, repo, digests["1.0.0"], [("trivy-debian-buster.json", days_ago(3)),
                                               ("trivy-alpine-3.10.json", days_ago(1))], key)
    attest(registry, repo, digests["1.1.0"], [("trivy-centos-7.json", days_ago(40))], key, referrer=True)
    reports = tmp / "reports"
    reports.mkdir()
    grype = naming("grype-busybox-1.32.1.json", image, digests["1.2.0"], finished=days_ago(0))
    (reports / "nightly.json").write_text(json.dumps(grype), encoding="utf-8")
    # Named after a tag, but the report names another digest: never matched by its file name.
    decoy = naming("trivy-debian-buster.json", image, "sha256:" + "0" * 64, finished=days_ago(0))
    (reports / "0.9.0.json").write_text(json.dumps(decoy), encoding="utf-8")
    return {"digests": digests, "reports": reports, "image": image}


def test_each_digest_gets_its_status_from_attestations_and_reports(registry, watched, workdir, capsys):
    (workdir / ".containersec.yaml").write_text(EXCEPTION, encoding="utf-8")
    code, document = audit(capsys, watched["image"], "--scan-reports", str(watched["reports"]))
    assert code == 1
    digests = watched["digests"]
    vulnerable = findings(document, "CSR040")
    # 1.0.0: the newest of its two attestations (alpine 3.10, not the older debian scan) decides
    old = vulnerable["1.0.0"]
    assert old["message"].startswith(
        f"{registry.host}/scans/app:1.0.0@{digests['1.0.0']}: 4 vulnerabilities fail the policy (4 fixable): "
        "CVE-2019-1549 (MEDIUM) libcrypto1.1 1.1.1c-r0 -> 1.1.1d-r0")
    # 1.1.0's scan lists none of them, and passes the policy (its one MEDIUM has an exception): move to it
    assert "fixed in 1.1.0: move to it" in old["message"]
    assert old["scan"]["source"] == "attestation" and old["scan"]["where"].endswith(".att")
    assert old["scan"]["fixed_by"] == "1.1.0"
    assert "CVE-2019-18224" not in json.dumps(old)
    assert "1.1.0" not in vulnerable
    # the Grype report of the folder, matched by the digest it names, for both tags of that digest
    newest = vulnerable["1.2.0"]
    assert newest["scan"]["source"] == "scan report" and newest["scan"]["where"].endswith("nightly.json")
    assert "CVE-" in newest["message"] and "fixed in" not in newest["message"]
    assert newest["scan"]["by_severity"]["CRITICAL"] == 1
    assert set(findings(document, "CSR041")) == {"0.9.0"}  # the decoy named after it does not count
    outdated = findings(document, "CSR042")
    assert set(outdated) == {"1.1.0"} and "finished 40 days ago" in outdated["1.1.0"]["message"]
    assert outdated["1.1.0"]["scan"]["where"].startswith("referrer sha256:")
    plan = {entry["tag"]: entry for entry in document["patch_plan"]}
    assert set(plan) == {"0.9.0", "1.0.0", "1.1.0", "1.2.0", "latest"}
    assert plan["1.0.0"] == {**plan["1.0.0"], "repository": f"{registry.host}/scans/app",
                             "digest": digests["1.0.0"], "fixed_by": "1.1.0", "action": "move to 1.1.0"}
    assert [r["name"] for r in plan["1.0.0"]["reasons"]] == ["image-vulnerable"]
    # a vulnerability attestation is neither an SBOM nor provenance
    assert {"1.0.0", "1.1.0"} <= set(findings(document, "CSR022")) & set(findings(document, "CSR023"))
    assert [r["name"] for r in plan["0.9.0"]["reasons"]] == ["image-not-scanned"]
    assert [r["name"] for r in plan["1.1.0"]["reasons"]] == ["scan-outdated"]
    assert plan["latest"]["reasons"] == plan["1.2.0"]["reasons"] and plan["latest"]["action"] == "rebuild"


def test_the_same_policy_as_vulns_decides(registry, watched, workdir, capsys):
    (workdir / ".containersec.yaml").write_text("vulns:\n  fail-on: HIGH\n", encoding="utf-8")
    _, document = audit(capsys, watched["image"], "--scan-reports", str(watched["reports"]))
    assert set(findings(document, "CSR040")) == {"1.2.0"}  # MEDIUMs pass; busybox's CRITICAL and HIGHs fail
    # the same report judged by `containersec vulns` with the same config fails on the same vulnerabilities
    report = watched["reports"] / "nightly.json"
    assert main(["vulns", "--format", "json", str(report)]) == 1
    failing = {f["vulnerability"]["id"] for f in json.loads(capsys.readouterr().out)["findings"]
               if f["vulnerability"]["severity"] in ("CRITICAL", "HIGH")}
    shown = findings(document, "CSR040")["1.2.0"]["scan"]["failing"]
    assert {v["id"] for v in shown} == failing


def test_a_scan_of_an_index_names_its_platform(registry, workdir, capsys, key):
    from registry_server import api_image, api_index

    repo = "scans/multi"
    amd = api_image(registry, repo, None, {"created": days_ago(2), "architecture": "amd64"})
    arm = api_image(registry, repo, None, {"created": days_ago(2), "architecture": "arm64"})
    index = api_index(registry, repo, "2.0.0", {"linux/amd64": amd, "linux/arm64": arm})
    # `trivy image` of the index scans one platform: its ImageID is that platform's config digest
    attest(registry, repo, index, [("trivy-alpine-3.10.json", days_ago(0))], key,
           config=config_digest(registry, repo, amd))
    _, document = audit(capsys, f"{registry.host}/{repo}")
    vulnerable = [f for f in document["findings"] if f["rule"] == "CSR040"]
    assert [(f["registry"]["digest"], f["registry"]["platform"]) for f in vulnerable] == [(amd, "linux/amd64")]
    unscanned = [f for f in document["findings"] if f["rule"] == "CSR041"]
    assert [(f["registry"]["digest"], f["registry"]["platform"]) for f in unscanned] == [(arm, "linux/arm64")]
    assert vulnerable[0]["message"].startswith(f"{registry.host}/scans/multi:2.0.0@{amd} (linux/amd64): ")
    assert [entry["digest"] for entry in document["patch_plan"]] == [index]


def test_a_digest_is_reported_once_under_its_most_specific_tag(registry, workdir, capsys, key):
    """An index tagged `latest` and `v2.0.0` whose amd64 child is tagged `2.0.0-amd64` too: one CSR040 for the
    child, named by a release tag and by the platform the index gives it; the index named by `v2.0.0`."""
    from registry_server import api_index

    repo = "scans/tagged-child"
    amd = api_image(registry, repo, "2.0.0-amd64", {"created": days_ago(2), "architecture": "amd64"})
    arm = api_image(registry, repo, None, {"created": days_ago(2), "architecture": "arm64"})
    for tag in ("latest", "v2.0.0"):
        index = api_index(registry, repo, tag, {"linux/amd64": amd, "linux/arm64": arm})
    attest(registry, repo, amd, [("trivy-alpine-3.10.json", days_ago(0))], key)
    _, document = audit(capsys, f"{registry.host}/{repo}")
    vulnerable = [f for f in document["findings"] if f["rule"] == "CSR040"]
    assert [(f["registry"]["digest"], f["registry"]["tag"], f["registry"]["platform"]) for f in vulnerable] == [
        (amd, "2.0.0-amd64", "linux/amd64")]
    assert vulnerable[0]["message"].startswith(f"{registry.host}/{repo}:2.0.0-amd64@{amd} (linux/amd64): ")
    unsigned = [f for f in document["findings"] if f["rule"] == "CSR020" and f["registry"]["digest"] == index]
    assert [f["registry"]["tag"] for f in unsigned] == ["v2.0.0"]
    plan = {entry["tag"]: entry for entry in document["patch_plan"]}
    assert set(plan) == {"2.0.0-amd64", "latest", "v2.0.0"}
    for tag in plan:
        assert [r["rule"] for r in plan[tag]["reasons"]].count("CSR040") == 1


def scanner_config(workdir: Path, plan: dict[str, str], database: str, extra: str = "") -> Path:
    (workdir / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    (workdir / "db.txt").write_text(database, encoding="utf-8")
    config = workdir / ".containersec.yaml"
    config.write_text(json.dumps({"registry": {
        "scanner": {"command": f"{sys.executable} {REPLAY} --plan plan.json --log scans.log {extra}{{image}}",
                    "db-version-command": f"{sys.executable} {REPLAY} --db-version db.txt"},
        "scan-cache": "cache", "scanner-jobs": 2}}), encoding="utf-8")
    return workdir / "scans.log"


def test_at_most_scanner_jobs_scans_run_at_once(registry, workdir, capsys):
    repo = "scans/parallel"
    digests = [api_image(registry, repo, f"1.0.{n}", {"created": days_ago(n + 1), "architecture": "amd64",
                                                      "config": {"Labels": {"n": str(n)}}}) for n in range(5)]
    scanner_config(workdir, dict.fromkeys(digests, "trivy-debian-buster.json"), "db 1",
                   "--hold 0.4 --spans spans.txt ")
    _, document = audit(capsys, f"{registry.host}/{repo}")
    assert document["scanning"][0]["scans_run"] == 5
    spans = [tuple(map(float, line.split())) for line in (workdir / "spans.txt").read_text().splitlines()]
    most = max(sum(1 for start, end in spans if start <= moment < end) for moment, _ in spans)
    assert most == 2  # registry.scanner-jobs: 2 at a time, and not one after the other


def test_the_scanner_runs_once_per_digest_and_its_results_are_cached(registry, workdir, capsys):
    repo = "scans/scanned"
    first = push_image(workdir, registry, repo, "1.0.0", created=days_ago(10))
    for tag in ("1.0", "1"):  # more tags on the same digest: never another scan
        retag(registry, repo, "1.0.0", tag)
    second = push_image(workdir, registry, repo, "2.0.0", created=days_ago(1))
    # 2.0.0 lacks 1.0.0's MEDIUMs and fails on nothing worse (centos 7: one MEDIUM): the advice is to move to it
    log = scanner_config(workdir, {first: "trivy-alpine-3.10.json", second: "trivy-centos-7.json"}, "db 1")
    _, document = audit(capsys, f"{registry.host}/{repo}")
    assert sorted(log.read_text().split()) == sorted(f"{registry.host}/{repo}@{d}" for d in (first, second))
    vulnerable = findings(document, "CSR040")
    assert set(vulnerable) == {"1.0.0", "2.0.0"}  # one finding per digest, named by its release tag
    assert "fixed in 2.0.0: move to it" in vulnerable["1.0.0"]["message"]
    assert vulnerable["2.0.0"]["scan"]["source"] == "scanner"
    assert document["scanning"][0] | {"seconds_reading_attached": 0} == {
        "scanner": Path(sys.executable).name, "scans_run": 2, "from_cache": 0, "attached_reports": 0,
        "seconds_reading_attached": 0}
    assert {e["tag"] for e in document["patch_plan"]} == {"1", "1.0", "1.0.0", "2.0.0"}
    # the same database: every result from the cache
    _, again = audit(capsys, f"{registry.host}/{repo}")
    assert len(log.read_text().split()) == 2
    assert (again["scanning"][0]["scans_run"], again["scanning"][0]["from_cache"]) == (0, 2)
    assert findings(again, "CSR040").keys() == vulnerable.keys()
    # a new database: scanned again
    (workdir / "db.txt").write_text("db 2", encoding="utf-8")
    audit(capsys, f"{registry.host}/{repo}")
    assert len(log.read_text().split()) == 4


def test_a_failing_scanner_is_an_input_error_naming_the_image(registry, workdir, capsys):
    repo = "scans/unknown"
    digest = push_image(workdir, registry, repo, "1.0.0", created=days_ago(1))
    scanner_config(workdir, {}, "db 1")
    code, document = audit(capsys, f"{registry.host}/{repo}")
    assert code == 2
    assert [e["path"] for e in document["errors"]] == [f"{registry.host}/scans/unknown:1.0.0@{digest}"]
    assert "nothing recorded for" in document["errors"][0]["message"]
    assert set(findings(document, "CSR041")) == {"1.0.0"}  # unknown stays unknown, never clean


def test_a_report_attached_as_a_referrer_counts_and_a_copied_attestation_does_not(registry, workdir, capsys, key):
    from registry_server import artifact

    repo, sarif = "scans/oras", "application/sarif+json"
    digest = push_image(workdir, registry, repo, "1.0.0", created=days_ago(1))
    other = push_image(workdir, registry, repo, "0.1.0", created=days_ago(2))
    # `oras attach --artifact-type application/sarif+json` of Trivy's real SARIF (which names no digest)
    body = (Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "scan-reports" /
            "trivy-alpine-3.10.sarif").read_bytes()
    referrer = artifact(registry, repo, sarif, body, subject=descriptor(registry, repo, digest), artifact_type=sarif)
    put_manifest(registry, repo, digest.replace(":", "-"), {
        "schemaVersion": 2, "mediaType": OCI_INDEX,
        "manifests": [{**descriptor(registry, repo, referrer), "artifactType": sarif}]}, OCI_INDEX)
    # an attestation of 1.0.0 copied to 0.1.0's .att tag: its subject is not 0.1.0, so it says nothing about it
    image = f"{registry.host}/{repo}"
    copied = envelope(statement(naming("trivy-alpine-3.10.json", image, digest, finished=days_ago(0)), image, digest,
                                days_ago(0)), key)
    put_manifest(registry, repo, other.replace(":", "-") + ".att", attestation_manifest(registry, repo, [copied]))
    _, document = audit(capsys, image)
    vulnerable = findings(document, "CSR040")
    assert set(vulnerable) == {"1.0.0"}
    assert vulnerable["1.0.0"]["scan"]["where"] == f"referrer {referrer}"
    assert "CVE-2019-1549 (MEDIUM) libcrypto1.1" in vulnerable["1.0.0"]["message"]
    assert set(findings(document, "CSR041")) == {"0.1.0"}


def test_prune_expires_a_vulnerable_digest_a_later_tag_fixed_and_never_a_kept_in_use_or_unscanned_one(
        registry, workdir, capsys, key):
    repo = "expire/app"
    image = f"{registry.host}/{repo}"
    digests = {tag: push_image(workdir, registry, repo, tag, created=days_ago(age))
               for tag, age in (("0.9.0", 40), ("1.0.0", 30), ("1.0.1", 25), ("1.0.2", 20), ("1.1.0", 10))}
    for tag in ("1.0.0", "1.0.1", "1.0.2"):
        attest(registry, repo, digests[tag], [("trivy-alpine-3.10.json", days_ago(0))], key)
    attest(registry, repo, digests["1.1.0"], [("trivy-centos-7.json", days_ago(0))], key, referrer=True)
    (workdir / "in-use.txt").write_text(f"# containersec k8s --list-images\n{image}:1.0.1\ndocker.io/library/nginx:1\n",
                                        encoding="utf-8")
    code = main(["registry", "prune", image, "--keep-days", "60", "--keep-tags", r"1\.0\.2", "--in-use",
                 "in-use.txt", "--delete-vulnerable", "medium", "--apply", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0, document["errors"]
    att = "sha256-" + digests["1.0.0"].partition(":")[2] + ".att"
    assert [(d["tags"], d["reason"].split(";")[0]) for d in document["delete"]] == [
        ([att], f"artifact of {digests['1.0.0']}, which is deleted"),
        (["1.0.0"], "--delete-vulnerable: fixable CVE-2019-1549 (MEDIUM) in libcrypto1.1, CVE-2019-1549 (MEDIUM) in "
                    "libssl1.1, CVE-2019-1551 (MEDIUM) in libcrypto1.1 and 1 more")]
    assert document["delete"][1]["reason"].endswith("1.1.0, built later, no longer has them")
    kept = {d["tags"][0]: d["reason"] for d in document["keep"] if d["tags"] and not d["tags"][0].startswith("sha")}
    assert kept["1.0.1"] == "in use (--in-use)"
    assert kept["1.0.2"] == "tag 1.0.2 matches --keep-tags"
    assert kept["0.9.0"].startswith("built within 60 days")  # never scanned: never deleted for vulnerabilities
    tags = registry.session().get(f"{registry.url}/v2/{repo}/tags/list", timeout=30).json()["tags"]
    assert "1.0.0" not in tags and att not in tags and {"0.9.0", "1.0.1", "1.0.2", "1.1.0"} <= set(tags)


def test_an_unreadable_in_use_list_stops_the_prune(registry, workdir, capsys):
    repo = "expire/guarded"
    push_image(workdir, registry, repo, "1.0.0", created=days_ago(400))
    (workdir / "in-use.txt").write_text("not a reference at all!\n", encoding="utf-8")
    code = main(["registry", "prune", f"{registry.host}/{repo}", "--keep-days", "1", "--in-use", "in-use.txt",
                 "--apply", "--allow-empty", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 2 and "in-use.txt: line 1: not a digest or an image reference" in document["errors"][0]["message"]
    assert registry.session().get(f"{registry.url}/v2/{repo}/tags/list", timeout=30).json()["tags"] == ["1.0.0"]


def test_every_format_names_the_image_and_sarif_fingerprints_come_from_the_digest(registry, watched, workdir,
                                                                                   capsys):
    import jsonschema

    from containersec.findings import Finding, Report, Severity, Stage
    from containersec.report import line_fingerprints

    (workdir / ".containersec.yaml").write_text(EXCEPTION, encoding="utf-8")
    args = [watched["image"], "--scan-reports", str(watched["reports"])]
    main(["registry", "audit", "--format", "sarif", *args])
    sarif = json.loads(capsys.readouterr().out)
    schema = Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    jsonschema.validate(sarif, json.loads(schema.read_text(encoding="utf-8")))
    [run] = sarif["runs"]
    image = watched["image"]
    for result in run["results"]:  # every finding names repository:tag@digest, the image-config ones too
        assert result["message"]["text"].startswith(f"{image}:"), result["message"]["text"]
        assert "@sha256:" in result["message"]["text"].split(" ")[0]
    config_findings = [r["message"]["text"] for r in run["results"] if r["ruleId"].startswith("CSI")]
    assert config_findings and len(set(config_findings)) == len(config_findings)  # no longer identical text
    main(["registry", "audit", "--format", "text", *args])
    text = capsys.readouterr().out
    assert f"{image}:1.0.0@{watched['digests']['1.0.0']}: 4 vulnerabilities fail the policy" in text
    assert "patch plan: 5 tags need action" in text and "-> move to 1.1.0" in text
    # the fingerprint is the digest's: the same alert while its message changes, another for another digest
    where = {"repository": image, "digest": watched["digests"]["1.0.0"], "platform": None}
    findings = [Finding("CSR010", "image-outdated", Severity.WARNING, Stage.RELEASE, image, 1, message,
                        extra={"registry": dict(where, digest=digest)})
                for message, digest in (("built 91 days ago", where["digest"]), ("built 92 days ago", where["digest"]),
                                        ("built 91 days ago", watched["digests"]["1.1.0"]))]
    first, second, third = line_fingerprints(Report(stages=(Stage.RELEASE,), findings=findings))
    assert first[0] == second[0] != third[0]


def test_with_a_state_file_grace_runs_from_the_first_sighting(registry, workdir, key):
    from containersec.config import load_config
    from containersec.release.registry.audit import audit_references
    from containersec.test.image import config_findings

    repo = "scans/graced"
    image = f"{registry.host}/{repo}"
    digest = push_image(workdir, registry, repo, "1.0.0", created=days_ago(1))
    # Grype's report gives no publication dates: without a state file, no grace at all
    attest(registry, repo, digest, [("grype-busybox-1.32.1.json", days_ago(0))], key)
    (workdir / ".containersec.yaml").write_text(
        "vulns:\n  grace-days: {CRITICAL: 30, HIGH: 30, MEDIUM: 30, LOW: 30}\n", encoding="utf-8")
    config = load_config(None, workdir)

    def vulnerable(now: datetime.datetime, state: str | None) -> list[str]:
        report = audit_references([image], config, config_checks=config_findings, state=state, now=now)
        return [f.rule for f in report.findings if f.rule == "CSR040"]

    assert vulnerable(NOW, None) == ["CSR040"]
    assert vulnerable(NOW, "state.json") == []  # first seen today: inside the 30-day grace
    state = json.loads((workdir / "state.json").read_text())
    assert state["first_seen"][digest]["CVE-2022-48174 busybox"] == NOW.date().isoformat()
    assert vulnerable(NOW + datetime.timedelta(days=10), "state.json") == []
    assert vulnerable(NOW + datetime.timedelta(days=31), "state.json") == ["CSR040"]  # grace over


def test_attestations_from_the_referrers_api_and_a_sigstore_bundle(workdir, capsys, key):
    """The OCI 1.1 referrers API itself (distribution 2.8 lacks it: emulated), one DSSE attestation and one
    in a Sigstore bundle (cosign 3); the newest scan wins."""
    from test_registry_hostile import CONFIG, MANIFEST, Server, digest, send

    server = Server()
    try:
        image = digest(MANIFEST)
        name = f"{server.host}/app"
        old = envelope(statement(naming("trivy-debian-buster.json", name, image, finished=days_ago(2)), name, image,
                                 days_ago(2)), key)
        new_envelope = json.loads(envelope(statement(naming("trivy-alpine-3.10.json", name, image,
                                                            finished=days_ago(1)), name, image, days_ago(1)), key))
        bundle_type = "application/vnd.dev.sigstore.bundle.v0.3+json"
        bundle = json.dumps({"mediaType": bundle_type, "verificationMaterial": {},
                             "dsseEnvelope": new_envelope}).encode()
        referrers = []
        for kind, layer in ((DSSE, old), (bundle_type, bundle)):
            manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": kind,
                                   "config": {"mediaType": EMPTY_CONFIG, "digest": digest(b"{}"), "size": 2},
                                   "layers": [{"mediaType": kind, "digest": digest(layer), "size": len(layer)}],
                                   "subject": {"mediaType": OCI_MANIFEST, "digest": image,
                                               "size": len(MANIFEST)}}).encode()
            server.routes[f"/v2/app/manifests/{digest(manifest)}"] = (
                lambda h, m=manifest: send(h, 200, m, {"Content-Type": OCI_MANIFEST}))
            server.routes[f"/v2/app/blobs/{digest(layer)}"] = lambda h, b=layer: send(h, 200, b)
            referrers.append({"mediaType": OCI_MANIFEST, "digest": digest(manifest), "size": len(manifest),
                              "artifactType": kind, "annotations": {"dev.sigstore.bundle.predicateType"
                                                                    if kind == bundle_type else "predicateType":
                                                                    VULN_PREDICATE}})
        server.routes["/v2/app/tags/list"] = lambda h: send(h, 200, b'{"name": "app", "tags": ["1.0.0"]}')
        server.routes["/v2/app/manifests/1.0.0"] = lambda h: send(h, 200, MANIFEST, {"Content-Type": OCI_MANIFEST})
        server.routes[f"/v2/app/blobs/{digest(CONFIG)}"] = lambda h: send(h, 200, CONFIG)
        server.routes[f"/v2/app/referrers/{image}"] = lambda h: send(h, 200, json.dumps(
            {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": referrers}).encode(),
            {"Content-Type": OCI_INDEX})
        _, document = audit(capsys, name)
    finally:
        server.close()
    [vulnerable] = [f for f in document["findings"] if f["rule"] == "CSR040"]
    assert "CVE-2019-1549 (MEDIUM) libcrypto1.1" in vulnerable["message"]  # the bundle's, one day newer
    assert vulnerable["scan"]["where"] == f"referrer {referrers[1]['digest']}"


def test_a_registry_finding_has_a_file_once_placed_on_a_manifest_line():
    import dataclasses

    from containersec.findings import Finding, Severity, Stage

    where = {"reference": "ghcr.io/org/app", "repository": "ghcr.io/org/app", "tag": "1.0.0", "digest": "sha256:1"}
    audited = Finding("CSR001", "latest-tag", Severity.WARNING, Stage.RELEASE, "ghcr.io/org/app", 1, "m",
                      extra={"registry": where})
    assert not audited.in_file  # its path is the reference: an annotation without a file
    assert dataclasses.replace(audited, path="deploy/app.yaml", line=12).in_file  # k8s placed it on a line


def test_the_finding_takes_the_worst_failing_vulnerabilitys_severity(registry, watched, workdir, capsys):
    """As CSV001 in `containersec vulns`: CRITICAL/HIGH an error, MEDIUM a warning; a config severity wins."""
    _, document = audit(capsys, watched["image"], "--scan-reports", str(watched["reports"]), "--select", "CSR040")
    levels = {tag: f["severity"] for tag, f in findings(document, "CSR040").items()}
    # alpine's and centos' worst are MEDIUMs, busybox's a CRITICAL
    assert levels == {"1.0.0": "warning", "1.1.0": "warning", "1.2.0": "error"}
    (workdir / ".containersec.yaml").write_text("severity:\n  CSR040: info\n", encoding="utf-8")
    _, document = audit(capsys, watched["image"], "--scan-reports", str(watched["reports"]), "--select", "CSR040")
    assert {f["severity"] for f in findings(document, "CSR040").values()} == {"info"}


@pytest.mark.parametrize(("fail_on", "vulns"), [
    ("warning", ""), ("error", ""), ("none", ""), ("error", "  fail-on: MEDIUM\n"), ("error", "  fail-on: LOW\n"),
    ("warning", "  fail-on: CRITICAL\n"), ("warning", "  only-fixed: true\n  fail-on: HIGH\n"),
    ("info", "  exceptions:\n    - {id: CVE-2019-1549, reason: r, expires: 2099-01-01}\n"),
    ("info", "  exceptions:\n" + "".join(f"    - {{id: {cve}, reason: r, expires: 2099-01-01}}\n"
                                        for cve in ("CVE-2019-1549", "CVE-2019-1551"))),
])
def test_the_exit_code_is_that_of_vulns_on_the_same_report(registry, watched, workdir, capsys, fail_on, vulns):
    """1.0.0's attested report (alpine 3.10: four fixable MEDIUMs) judged in the registry and by `vulns`."""
    (workdir / ".containersec.yaml").write_text(f"vulns:\n{vulns}" if vulns else "", encoding="utf-8")
    report = workdir / "alpine.json"
    report.write_text(json.dumps(naming("trivy-alpine-3.10.json", watched["image"], watched["digests"]["1.0.0"])),
                      encoding="utf-8")
    in_registry = main(["registry", "audit", "--format", "json", "--select", "CSR040", "--fail-on", fail_on,
                        f"{watched['image']}@{watched['digests']['1.0.0']}"])
    in_pipeline = main(["vulns", "--format", "json", "--fail-on", fail_on, str(report)])
    capsys.readouterr()
    assert in_registry == in_pipeline


def test_a_digest_audited_alone_does_not_claim_that_no_tag_fixes_it(registry, watched, workdir, capsys):
    """1.0.0's MEDIUMs are fixed in 1.1.0; audited by digest alone, no other tag was looked at."""
    (workdir / ".containersec.yaml").write_text(EXCEPTION, encoding="utf-8")
    _, document = audit(capsys, f"{watched['image']}@{watched['digests']['1.0.0']}", "--select", "CSR040")
    (finding,) = [f for f in document["findings"] if f["rule"] == "CSR040"]
    assert "no other tag was audited: audit the repository to find a tag that fixes them" in finding["message"]
    assert "no tag of this repository" not in finding["message"]
    _, whole = audit(capsys, watched["image"], "--select", "CSR040")
    assert "fixed in 1.1.0: move to it" in findings(whole, "CSR040")["1.0.0"]["message"]


def test_a_tagged_child_of_an_index_does_not_take_the_index_plan_entry(registry, workdir, capsys, key):
    """The amd64 image is listed by the index 1.0 and tagged amd-1.0 itself: each tag's plan has its reason."""
    from registry_server import api_image, api_index

    repo = "scans/shared-child"
    amd = api_image(registry, repo, None, {"created": days_ago(9), "architecture": "amd64"})
    arm = api_image(registry, repo, None, {"created": days_ago(9), "architecture": "arm64"})
    api_index(registry, repo, "1.0", {"linux/amd64": amd, "linux/arm64": arm})
    retag(registry, repo, amd, "amd-1.0")
    attest(registry, repo, amd, [("trivy-alpine-3.10.json", days_ago(0))], key)
    attest(registry, repo, arm, [("trivy-centos-7.json", days_ago(0))], key)
    _, document = audit(capsys, f"{registry.host}/{repo}", "--select", "CSR040")
    plan = {entry["tag"]: [(r["rule"], r["platform"]) for r in entry["reasons"]] for entry in document["patch_plan"]}
    # one finding for the amd64 image, however reached, with the platform the index gives it
    assert plan == {"1.0": [("CSR040", "linux/amd64"), ("CSR040", "linux/arm64")],
                    "amd-1.0": [("CSR040", "linux/amd64")]}


def test_never_advice_to_move_to_a_tag_that_fails_on_worse(registry, workdir, capsys, key):
    """1.0.0: alpine's fixable MEDIUMs. 1.1.0 lacks them but fails on busybox's CRITICAL; 1.2.0 lacks them and
    fails on a MEDIUM only: 1.2.0 is the advice, and in a repository without it, a rebuild."""
    reports = (("1.0.0", 30, "trivy-alpine-3.10.json"), ("1.1.0", 20, "grype-busybox-1.32.1.json"),
               ("1.2.0", 10, "trivy-centos-7.json"))
    advice = {}
    for repo, tags in (("scans/no-worse", 3), ("scans/only-worse", 2)):
        for tag, age, report in reports[:tags]:
            digest = api_image(registry, repo, tag, {"created": days_ago(age), "config": {"Labels": {"t": tag}}})
            attest(registry, repo, digest, [(report, days_ago(0))], key)
        _, document = audit(capsys, f"{registry.host}/{repo}", "--select", "CSR040")
        advice[repo] = findings(document, "CSR040")["1.0.0"]
    assert advice["scans/no-worse"]["scan"]["fixed_by"] == "1.2.0"
    assert advice["scans/only-worse"]["scan"]["fixed_by"] is None
    assert "rebuild: no tag of this repository fixes them" in advice["scans/only-worse"]["message"]


def test_in_use_under_another_name_of_the_registry_is_kept_and_said(registry, workdir, capsys, key):
    """The manifests deploy localhost:PORT/... while prune is given 127.0.0.1:PORT/...: the deployed digest
    stays; a list that names nothing of the repository is said."""
    repo = "expire/renamed"
    image = f"{registry.host}/{repo}"
    digests = {tag: api_image(registry, repo, tag, {"created": days_ago(age), "config": {"Labels": {"t": tag}}})
               for tag, age in (("1.0.0", 30), ("1.1.0", 10))}
    attest(registry, repo, digests["1.0.0"], [("trivy-alpine-3.10-trivy-0.72.0.json", days_ago(0))], key)
    attest(registry, repo, digests["1.1.0"], [("trivy-centos-7.json", days_ago(0))], key)
    other_name = registry.host.replace("127.0.0.1", "localhost")
    (workdir / "deployed.txt").write_text(f"{other_name}/{repo}:1.0.0\n", encoding="utf-8")
    (workdir / "elsewhere.txt").write_text("docker.io/library/nginx:1\n", encoding="utf-8")

    def prune(listed: str) -> dict:
        main(["registry", "prune", image, "--delete-vulnerable", "critical", "--in-use", listed, "--format", "json"])
        return json.loads(capsys.readouterr().out)

    renamed = prune("deployed.txt")
    assert {d["tags"][0]: d["reason"] for d in renamed["keep"]}["1.0.0"] == "in use (--in-use)"
    assert renamed["delete"] == []
    assert any(f"{other_name}/{repo}:1.0.0 names this repository's path on {other_name}" in w
               for w in renamed["warnings"])
    elsewhere = prune("elsewhere.txt")
    assert [d["tags"] for d in elsewhere["delete"] if "1.0.0" in d["tags"]] == [["1.0.0"]]
    assert elsewhere["warnings"] == [f"--in-use elsewhere.txt names no image of {image}: nothing is kept for being "
                                     "in use"]
