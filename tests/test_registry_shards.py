"""A registry audit split into shards (a GitHub Actions matrix), joined by `containersec report merge`, and the
patch plan kept as one GitHub issue per repository through the real PyGithub client and the emulator."""

from __future__ import annotations

import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from github_emulator import GitHubEmulator
from registry_server import api_image, registry_fixture  # noqa: F401  (fixture)
from test_registry_scans import EXCEPTION, attest, config_digest, days_ago

from containersec.cli import main
from containersec.release.registry.audit import Shard

REPOSITORIES = [f"fleet/service-{n}" for n in range(6)]


@pytest.fixture(scope="module")
def fleet(registry):
    """Six repositories: each a vulnerable 1.0.0 (alpine 3.10 attested) and a fixed 1.1.0 (debian attested)."""
    key = ec.generate_private_key(ec.SECP256R1())
    for repo in REPOSITORIES:
        old = api_image(registry, repo, "1.0.0", {"created": days_ago(30)})
        new = api_image(registry, repo, "1.1.0", {"created": days_ago(3)})
        attest(registry, repo, old, [("trivy-alpine-3.10.json", days_ago(1))], key,
               config=config_digest(registry, repo, old))
        attest(registry, repo, new, [("trivy-centos-7.json", days_ago(1))], key)
    return registry


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".containersec.yaml").write_text(EXCEPTION, encoding="utf-8")  # 1.1.0 passes the policy
    return tmp_path


def audit(capsys, *args: str) -> dict:
    main(["registry", "audit", "--format", "json", *args])
    return json.loads(capsys.readouterr().out)


def plan_of(document: dict) -> set[tuple[str, str, str, str]]:
    return {(e["repository"], e["tag"], e["digest"], e["action"]) for e in document["patch_plan"]}


def test_shards_split_the_catalogue_and_merge_into_the_whole_audit(fleet, workdir, capsys):
    whole = audit(capsys, f"{fleet.host}/")
    shards = [audit(capsys, f"{fleet.host}/", "--shard", f"{k}/3") for k in (1, 2, 3)]
    audited = [{item["repository"] for item in shard["registry"]} for shard in shards]
    assert set().union(*audited) == {f"{fleet.host}/{r}" for r in REPOSITORIES}
    assert sum(len(names) for names in audited) == len(REPOSITORIES)  # each repository in exactly one shard
    assert all(Shard(k, 3).holds(name) for k, names in enumerate(audited, 1) for name in names)
    for k, shard in enumerate(shards, 1):
        (workdir / f"shard-{k}.json").write_text(json.dumps(shard), encoding="utf-8")
    code = main(["report", "merge", "--format", "json", "shard-1.json", "shard-2.json", "shard-3.json"])
    merged = json.loads(capsys.readouterr().out)
    assert code == 1
    assert plan_of(merged) == plan_of(whole) and len(plan_of(whole)) == len(REPOSITORIES)
    assert sorted(f["message"] for f in merged["findings"]) == sorted(f["message"] for f in whole["findings"])
    assert {(e["repository"], e["tag"]) for e in merged["patch_plan"]} == {
        (f"{fleet.host}/{r}", "1.0.0") for r in REPOSITORIES}
    assert all(e["action"] == "move to 1.1.0" for e in merged["patch_plan"])
    main(["report", "merge", "--format", "text", "shard-1.json", "shard-2.json", "shard-3.json"])
    text = capsys.readouterr().out
    assert f"patch plan: {len(REPOSITORIES)} tags need action" in text
    assert f"release stage: {fleet.host}/fleet/service-0: tags" in text
    assert "  1.0.0: digest sha256:" in text and "vulnerabilities C0 H0 M4 L0, fixable 4, signed no" in text
    # the SARIF of the joined reports is one release run with every finding
    main(["report", "merge", "--format", "sarif", "shard-1.json", "shard-2.json", "shard-3.json"])
    [run] = json.loads(capsys.readouterr().out)["runs"]
    assert len(run["results"]) == len(whole["findings"])


def test_a_bad_shard_or_report_file_is_an_input_error(fleet, workdir, capsys):
    assert main(["registry", "audit", f"{fleet.host}/", "--shard", "4/3"]) == 2
    assert "--shard" in capsys.readouterr().err
    (workdir / "broken.json").write_text('{"version": "1", "findings": [{"rule": 1}], "errors": []}',
                                         encoding="utf-8")
    (workdir / "good.json").write_text(json.dumps(audit(capsys, f"{fleet.host}/fleet/service-0")), encoding="utf-8")
    code = main(["report", "merge", "--format", "json", "good.json", "broken.json", "missing.json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 2
    assert [e["path"] for e in document["errors"]] == ["broken.json", "missing.json"]
    assert "findings[0].severity: expected a string" in document["errors"][0]["message"]
    assert document["patch_plan"]  # the readable report is still joined


def test_one_issue_per_repository_created_updated_and_closed(fleet, workdir, capsys, monkeypatch):
    for k in (1, 2):
        (workdir / f"shard-{k}.json").write_text(json.dumps(audit(capsys, f"{fleet.host}/", "--shard", f"{k}/2")),
                                                 encoding="utf-8")
    with GitHubEmulator() as github:
        monkeypatch.setenv("GITHUB_TOKEN", github.token)
        monkeypatch.setenv("GITHUB_REPOSITORY", github.full_name)
        monkeypatch.setenv("GITHUB_API_URL", github.api_url)
        monkeypatch.setenv("CONTAINERSEC_GITHUB_WRITE_DELAY", "0")
        merge = ["report", "merge", "--format", "json", "--github-issues", "shard-1.json", "shard-2.json"]
        main(merge)
        capsys.readouterr()
        assert len(github.issues) == len(REPOSITORIES)
        for issue in github.issues.values():
            repository = issue["title"].removeprefix("containersec patch plan: ")
            assert issue["state"] == "open" and "<!-- containersec patch-plan " in issue["body"]
            assert "| 1\\.0\\.0 | sha256\\:" in issue["body"] and "move to 1\\.1\\.0" in issue["body"]
            assert repository.startswith(f"{fleet.host}/fleet/service-")
        # the next run finds them by their marker: nothing new is created, nothing unchanged is edited
        main(merge)
        capsys.readouterr()
        assert len(github.issues) == len(REPOSITORIES)
        assert not github.requests_to("PATCH", r"/issues/\d+")
        # service-0 got fixed: its entries leave the plan, so its issue is closed; the others stay open
        shard = next(f for f in ("shard-1.json", "shard-2.json")
                     if f"{fleet.host}/fleet/service-0" in (workdir / f).read_text())
        document = json.loads((workdir / shard).read_text())
        document["patch_plan"] = [e for e in document["patch_plan"] if not e["repository"].endswith("service-0")]
        (workdir / shard).write_text(json.dumps(document), encoding="utf-8")
        main(merge)
        capsys.readouterr()
        closed = [i for i in github.issues.values() if i["state"] == "closed"]
        assert [i["title"] for i in closed] == [f"containersec patch plan: {fleet.host}/fleet/service-0"]
        assert sum(1 for i in github.issues.values() if i["state"] == "open") == len(REPOSITORIES) - 1


def test_the_scheduled_action_writes_the_tables_and_keeps_the_issue(fleet, workdir):
    from test_registry_action import run_action

    workspace = workdir / "repo"
    workspace.mkdir()
    (workspace / ".containersec.yaml").write_text(EXCEPTION, encoding="utf-8")
    reference = f"{fleet.host}/fleet/service-3"
    with GitHubEmulator() as github:
        done, outputs, summary, _ = run_action(workdir, workspace, github, registry_refs=reference,
                                                   reporter="workflow-commands", patch_plan_issues="true")
        assert done.returncode == 1 and outputs["conclusion"] == "failure", done.stdout + done.stderr
        [issue] = github.issues.values()
        assert issue["title"] == f"containersec patch plan: {reference}" and "move to 1\\.1\\.0" in issue["body"]
    shown = summary.replace("\\", "")  # Markdown escapes
    assert f"#### release stage: {reference}: tags" in shown
    assert "| tag | digest | age | vulnerabilities | fixable | signed | action |" in shown
    assert "patch plan: 1 tags need action" in shown
    assert "| C0 H0 M4 L0 | 4 | no | move to 1.1.0 |" in shown  # 1.0.0: alpine 3.10's four fixable MEDIUMs
    assert "| C0 H0 M0 L2 | 1 | no | none |" in shown  # 1.1.0: its MEDIUM has an exception; two LOWs pass


def test_an_issue_body_from_an_untrusted_report_cannot_inject_markdown_or_end_its_marker():
    from containersec.release.registry.patch_plan import issue_bodies, issue_marker

    hostile = "evil.example/app --> <script>alert(1)</script> [x](javascript:y) @team #1 | `z`"
    plan = [{"repository": hostile, "tag": "1.0|<b>", "digest": "sha256:`x`", "action": "move to ![i](http://t)",
             "reasons": [{"name": "image-vulnerable</td>"}]}]
    [(repository, (title, body))] = issue_bodies(plan, [{"repository": hostile}]).items()
    assert repository == hostile and body.startswith(issue_marker(hostile) + "\n")
    rest = body.removeprefix(issue_marker(hostile))
    for raw in ("-->", "<script>", "](javascript", "![", "@team", "#1", "<b>", "</td>"):
        assert raw not in rest, raw
    assert re.search(r"(?<!\\)`", rest) is None  # every backtick escaped: no code span
    assert rest.count("\n|") == 3  # header, separator and one row: no cell split the table
    assert "\n" not in title
