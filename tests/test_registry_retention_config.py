"""`registry.retention:` rules in the config, run by `registry prune` against the real registry."""

from __future__ import annotations

import datetime
import json

import pytest
from registry_server import push_image, registry_fixture  # noqa: F401  (fixture)

from containersec.cli import main

NOW = datetime.datetime.now(datetime.UTC)

RULES = """\
registry:
  retention:
    - {description: releases, tags: "v*", keep-last: 2}
    - {description: ci builds, tags: ["ci-*"], action: delete, older-than-days: 30, priority: 1}
    - {description: everything else, action: delete, priority: 2}
"""


def days_ago(days: int) -> str:
    return (NOW - datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_config_rules_plan_the_prune(registry, workdir, capsys):
    repo = "rules/app"
    for tag, age in (("v1.0.0", 400), ("v1.1.0", 200), ("v2.0.0", 10), ("ci-77", 40), ("ci-78", 5)):
        push_image(workdir, registry, repo, tag, created=days_ago(age))
    (workdir / ".containersec.yaml").write_text(RULES, encoding="utf-8")
    code = main(["registry", "prune", f"{registry.host}/{repo}", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0, document["errors"]
    assert {d["tags"][0]: d["reason"] for d in document["delete"]} == {
        "v1.0.0": "registry.retention[2] (everything else): delete (every selected tag)",
        "ci-77": "registry.retention[1] (ci builds): delete (built more than 30 days ago)"}
    assert {d["tags"][0] for d in document["keep"]} == {"v2.0.0", "v1.1.0", "ci-78"}
    # the same rules beside --keep-last on the command line: one policy or the other, never both
    code = main(["registry", "prune", f"{registry.host}/{repo}", "--keep-last", "1"])
    assert code == 2 and "registry.retention" in capsys.readouterr().err


@pytest.mark.parametrize(("rule", "problem"), [
    ("{tag-status: untagged}", "untagged manifests are invisible to the registry API"),
    ("{action: expire}", "expected keep or delete"),
    ("{keep-last: 2, keep-days: 3}", "give one of keep-last, keep-days, older-than-days"),
    ("{action: delete, keep-days: 3}", "a keep rule takes keep-days, a delete rule older-than-days"),
    ("{tag-regex: '('}", "not a valid regular expression"),
    # matched in linear time (RE2): lookaround and backreferences, which backtrack, are refused
    ("{tag-regex: '(?=v)v.*'}", "not a valid regular expression"),
    ("{keep-last: -1}", "expected a whole number >= 0"),
    ("{tags: v*, tag-regex: v.*}", "give tags (globs) or tag-regex, not both"),
])
def test_a_bad_rule_is_a_config_error_naming_the_key(workdir, capsys, rule, problem):
    (workdir / ".containersec.yaml").write_text(f"registry:\n  retention:\n    - {rule}\n", encoding="utf-8")
    assert main(["registry", "prune", "127.0.0.1:9/app"]) == 2
    error = capsys.readouterr().err
    assert ".containersec.yaml: registry.retention[0]" in error and problem in error


def test_the_action_runs_the_same_rules(registry, workdir):
    from github_emulator import GitHubEmulator
    from test_registry_action import run_action

    repo = "rules/action"
    for tag, age in (("v1.0.0", 400), ("v1.1.0", 200), ("v2.0.0", 10), ("ci-77", 40), ("ci-78", 5)):
        push_image(workdir, registry, repo, tag, created=days_ago(age))
    workspace = workdir / "repo"
    workspace.mkdir()
    (workspace / ".containersec.yaml").write_text(RULES, encoding="utf-8")
    reference = f"{registry.host}/{repo}"

    def tags() -> set[str]:
        return set(registry.session().get(f"{registry.url}/v2/{repo}/tags/list", timeout=30).json()["tags"])

    with GitHubEmulator() as github:
        done, _, summary, _ = run_action(workdir, workspace, github, registry_refs=reference,
                                         reporter="workflow-commands", registry_prune="plan")
        assert "Traceback" not in done.stderr
        assert f"retention plan for {reference}: keep 3, delete 2 (dry run" in summary.replace("\\", "")
        assert tags() == {"v1.0.0", "v1.1.0", "v2.0.0", "ci-77", "ci-78"}
        done, _, summary, _ = run_action(workdir, workspace, github, registry_refs=reference,
                                         reporter="workflow-commands", registry_prune="apply")
        assert "retention plan for" in summary and done.returncode in (0, 1), done.stderr
    assert tags() == {"v1.1.0", "v2.0.0", "ci-78"}
