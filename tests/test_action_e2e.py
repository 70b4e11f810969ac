"""End to end: `python -m containersec action` as a real process, in a temporary git workspace, with a
real `pull_request` event payload, talking through PyGithub to the GitHub REST emulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from github_emulator import GitHubEmulator

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def rule_id(slug_part: str) -> str:
    """The rule whose slug mentions `slug_part`, as `containersec rules --format json` lists it."""
    done = subprocess.run([sys.executable, "-m", "containersec", "rules", "--format", "json"],
                          capture_output=True, text=True, check=True)
    return next(rule["id"] for rule in json.loads(done.stdout) if slug_part in rule["slug"])


def git(workspace: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(workspace), *args], capture_output=True, text=True, check=True,
                          errors="surrogateescape",
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}).stdout


def commit_all(workspace: Path, message: str) -> str:
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", message)
    return git(workspace, "rev-parse", "HEAD").strip()


def pull_files(workspace: Path, base: str, head: str) -> list[dict[str, Any]]:
    """The pull request's files as GitHub lists them: name, status and the patch from the first hunk."""
    names = git(workspace, "-c", "core.quotePath=false", "diff", "--name-status", "-z", base, head).split("\0")
    files = []
    for status, name in zip(names[0::2], names[1::2], strict=False):
        patch = git(workspace, "diff", base, head, "--", name)
        files.append({"filename": name, "status": {"A": "added", "D": "removed"}.get(status, "modified"),
                      "patch": patch[patch.index("@@"):] if "@@" in patch else None})
    return files


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    sarif: dict[str, Any] | None


@dataclass
class PullRequestWorkspace:
    root: Path
    emulator: GitHubEmulator
    base: str
    head: str
    number: int = 7
    head_repo: str = ""

    def register(self, *, without_patch: tuple[str, ...] = ()) -> None:
        files = pull_files(self.root, self.base, self.head)
        for item in files:
            if item["filename"] in without_patch:
                item["patch"] = None
        self.emulator.add_pull(self.number, self.head, self.base, files, head_repo=self.head_repo or None)

    def run(self, tmp: Path, event_name: str = "pull_request", *, edit_event: Any = None,
            environment: dict[str, str] | None = None, **inputs: str) -> Run:
        event = {"action": "synchronize", "number": self.number,
                 "pull_request": {"number": self.number, "state": "open",
                                  "head": {"sha": self.head, "ref": "feature",
                                           "repo": {"full_name": self.head_repo or self.emulator.full_name}},
                                  "base": {"sha": self.base, "ref": "main",
                                           "repo": {"full_name": self.emulator.full_name}}},
                 "repository": {"full_name": self.emulator.full_name}}
        if event_name == "push":
            event = {"ref": "refs/heads/main", "before": self.base, "after": self.head,
                     "repository": {"full_name": self.emulator.full_name}}
        if edit_event is not None:
            edit_event(event)
        event_path, outputs, summary = tmp / "event.json", tmp / "output.txt", tmp / "summary.md"
        event_path.write_text(json.dumps(event))
        for path in (outputs, summary):
            path.write_text("")
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
        env |= {"GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
                "GITHUB_REPOSITORY": self.emulator.full_name, "GITHUB_SHA": self.head,
                "GITHUB_API_URL": self.emulator.api_url, "GITHUB_SERVER_URL": self.emulator.root,
                "GITHUB_WORKSPACE": str(self.root), "GITHUB_OUTPUT": str(outputs),
                "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "1",
                "GITHUB_JOB": "lint", "GITHUB_ACTION": "__run", "GITHUB_ACTIONS": "true",
                "CONTAINERSEC_GITHUB_WRITE_DELAY": "0", "INPUT_GITHUB-TOKEN": self.emulator.token}
        env |= {f"INPUT_{name.replace('_', '-').upper()}": value for name, value in inputs.items()}
        env |= environment or {}
        done = subprocess.run([sys.executable, "-m", "containersec", "action"], cwd=tmp, env=env,
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        sarif_path = self.root / (inputs.get("sarif_file") or "containersec.sarif")
        return Run(done.returncode, done.stdout, done.stderr, parse_outputs(outputs.read_text()),
                   summary.read_text(), json.loads(sarif_path.read_text()) if sarif_path.exists() else None)


def parse_outputs(text: str) -> dict[str, str]:
    """Read GITHUB_OUTPUT the way the runner does (`name<<DELIM` blocks and `name=value` lines)."""
    outputs: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value = []
            for item in lines:
                if item == delimiter:
                    break
                value.append(item)
            else:
                raise AssertionError(f"output {name} is not terminated")
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace(
        "%25", "%")


def commands(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """Workflow commands in the log, with properties and message unescaped."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("::"):
            match = COMMAND.match(line)
            assert match, f"unexpected workflow command: {line!r}"
            props = dict(item.split("=", 1) for item in match.group(2).split(",")) if match.group(2) else {}
            found.append((match.group(1), {k: unescape(v) for k, v in props.items()}, unescape(match.group(3))))
    return found


@pytest.fixture
def emulator():
    with GitHubEmulator() as server:
        yield server


@pytest.fixture
def maintainer_rule() -> str:
    return rule_id("maintainer")


@pytest.fixture
def sudo_rule() -> str:
    return rule_id("sudo")


def make_workspace(tmp_path: Path, emulator: GitHubEmulator, before: dict[str, str],
                   after: dict[str, str], select: tuple[str, ...] = ()) -> PullRequestWorkspace:
    """A repository whose `main` holds `before` and whose pull request head adds `after`; with `select`,
    a `.containersec.yaml` on `main` runs only those rules (so counts do not move as rules are added)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    if select:
        (root / ".containersec.yaml").write_text(f"select: [{', '.join(select)}]\n")
    for name, text in before.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "README.md").write_text("app\n")
    base = commit_all(root, "base")
    for name, text in after.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    head = commit_all(root, "head")
    return PullRequestWorkspace(root, emulator, base, head)


def maintainers(count: int, start: int = 0) -> str:
    return "".join(f"MAINTAINER person{start + i}\n" for i in range(count))


# --- check runs ----------------------------------------------------------------------------------------


def test_120_findings_reach_the_check_run_in_batches_of_at_most_50(tmp_path, emulator, maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, {}, {"app/Dockerfile": "FROM alpine:3.20\n" + maintainers(120)},
                               select=(maintainer_rule,))
    workspace.register()
    result = workspace.run(tmp_path)

    assert result.returncode == 1, result.stderr
    [run] = emulator.check_runs.values()
    annotations = emulator.annotations[run["id"]]
    ours = [a for a in annotations if a["title"].startswith(maintainer_rule)]
    assert len(ours) == len(annotations) == 120
    assert sorted(a["start_line"] for a in ours) == list(range(2, 122))
    assert {a["path"] for a in ours} == {"app/Dockerfile"}
    assert {a["annotation_level"] for a in ours} == {"warning"}
    batches = [r for r in emulator.requests_to("PATCH", r"/check-runs/\d+$") if r.body["output"].get("annotations")]
    assert len(batches) >= 3
    assert all(len(r.body["output"]["annotations"]) <= 50 for r in batches)
    assert run["name"] == "containersec" and run["head_sha"] == workspace.head
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert len(run["output"]["summary"]) <= 65535
    assert run["external_id"].startswith(f"containersec:{workspace.head}:4242")
    assert result.outputs["check-run-url"] == f"{emulator.root}/{emulator.full_name}/runs/{run['id']}"
    assert result.outputs["findings"] == str(len(annotations))
    assert result.outputs["warnings"] == str(sum(a["annotation_level"] == "warning" for a in annotations))
    assert result.outputs["conclusion"] == "failure"
    assert all(r.headers["Authorization"] == f"token {emulator.token}" for r in emulator.requests)
    assert emulator.token not in result.stdout + result.stderr + result.summary


def test_push_checks_every_file_on_the_pushed_commit_without_pull_request_calls(tmp_path, emulator, sudo_rule):
    workspace = make_workspace(tmp_path, emulator, {"old/Dockerfile": "FROM alpine:3.20\nRUN sudo a\n"},
                               {"new/Dockerfile": "FROM alpine:3.20\nRUN sudo b\n"}, select=(sudo_rule,))
    result = workspace.run(tmp_path, event_name="push")

    assert result.returncode == 1, result.stderr
    assert not [r for r in emulator.requests if "/pulls" in r.path]
    [run] = emulator.check_runs.values()
    assert run["head_sha"] == workspace.head and run["conclusion"] == "failure"
    paths = sorted(a["path"] for a in emulator.annotations[run["id"]])
    assert paths == ["new/Dockerfile", "old/Dockerfile"]
    assert result.outputs["findings"] == "2"


def test_clean_change_concludes_success_and_exits_0(tmp_path, emulator, sudo_rule):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\nUSER 1000\n"},
                               select=(sudo_rule,))
    workspace.register()
    result = workspace.run(tmp_path, fail_on="error")
    [run] = emulator.check_runs.values()
    errors = [a for a in emulator.annotations.get(run["id"], []) if a["annotation_level"] == "failure"]
    assert errors == [] and result.returncode == 0, result.stderr
    assert run["conclusion"] == "success" and result.outputs["conclusion"] == "success"


def test_fail_on_none_never_fails_and_error_threshold_gates(tmp_path, emulator, sudo_rule):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\nRUN sudo true\n"},
                               select=(sudo_rule,))
    workspace.register()
    assert workspace.run(tmp_path, fail_on="none").returncode == 0
    assert workspace.run(tmp_path, fail_on="error").returncode == 1
    conclusions = [run["conclusion"] for run in emulator.check_runs.values()]
    assert conclusions == ["success", "failure"]


def test_lost_create_response_does_not_duplicate_the_check_run(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(3)},
                               select=(rule_id("maintainer"),))
    workspace.register()
    emulator.server_error_on = ("POST", r"/check-runs$")
    result = workspace.run(tmp_path)
    assert result.returncode == 1
    assert len(emulator.check_runs) == 1
    assert len(emulator.requests_to("POST", r"/check-runs$")) == 1
    assert emulator.requests_to("GET", r"/commits/[0-9a-f]+/check-runs$")
    [run] = emulator.check_runs.values()
    assert run["conclusion"] == "failure" and len(emulator.annotations[run["id"]]) == 3


def test_secondary_rate_limit_is_waited_out(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(60)},
                               select=(rule_id("maintainer"),))
    workspace.register()
    emulator.secondary_limit_on = ("PATCH", r"/check-runs/\d+$")
    result = workspace.run(tmp_path)
    limited = [r for r in emulator.requests if r.status == 403]
    assert len(limited) == 1
    [run] = emulator.check_runs.values()
    assert len(emulator.annotations[run["id"]]) == 60  # the refused batch was sent again, once
    assert run["conclusion"] == "failure" and result.returncode == 1


def test_unrecoverable_api_failure_still_writes_sarif_summary_and_exit_code(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(2)},
                               select=(rule_id("maintainer"),))
    workspace.register()
    result = workspace.run(tmp_path, github_token="revoked-token")  # every request answers 401
    assert result.returncode == 1
    assert "check run" in result.stderr and "401" in result.stderr
    assert result.sarif is not None and "### containersec: failure" in result.summary
    assert len(commands(result.stdout)) == 2  # published as workflow commands instead


# --- filter modes ---------------------------------------------------------------------------------------

FILLER = "".join(f"LABEL filler{i}=1\n" for i in range(9))
BEFORE = {"old/Dockerfile": "FROM alpine:3.20\n" + maintainers(3),
          "app/Dockerfile": "FROM alpine:3.20\n" + maintainers(4) + "USER 1000\nLABEL a=1\n" + FILLER
          + maintainers(2, 50)}
AFTER = {"app/Dockerfile": BEFORE["app/Dockerfile"].replace("LABEL a=1\n", "MAINTAINER added\n")}


@pytest.mark.parametrize(("mode", "expected"), [
    ("added", {("app/Dockerfile", 7)}),
    ("diff_context", {("app/Dockerfile", line) for line in (4, 5, 7)}),
    ("file", {("app/Dockerfile", line) for line in (2, 3, 4, 5, 7, 17, 18)}),
    ("nofilter", {("app/Dockerfile", line) for line in (2, 3, 4, 5, 7, 17, 18)}
     | {("old/Dockerfile", line) for line in (2, 3, 4)}),
])
def test_filter_modes(tmp_path, emulator, maintainer_rule, mode, expected):
    workspace = make_workspace(tmp_path, emulator, BEFORE, AFTER)
    workspace.register()
    result = workspace.run(tmp_path, filter_mode=mode)
    [run] = emulator.check_runs.values()
    got = {(a["path"], a["start_line"]) for a in emulator.annotations.get(run["id"], [])
           if a["title"].startswith(maintainer_rule)}
    assert got == expected
    sarif_lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"]
                   for r in result.sarif["runs"][0]["results"] if r["ruleId"] == maintainer_rule}
    assert len(sarif_lines) >= 7  # the SARIF file holds every finding, whatever the filter
    assert f"Filter mode **{mode.replace('_', chr(92) + '_')}**" in result.summary


def test_default_filter_mode_on_pull_requests_is_added(tmp_path, emulator, maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, BEFORE, AFTER)
    workspace.register()
    workspace.run(tmp_path)
    [run] = emulator.check_runs.values()
    assert {(a["path"], a["start_line"]) for a in emulator.annotations[run["id"]]
            if a["title"].startswith(maintainer_rule)} == {("app/Dockerfile", 7)}


def test_files_without_patch_fall_back_to_git_diff(tmp_path, emulator, maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, BEFORE, AFTER)
    workspace.register(without_patch=("app/Dockerfile",))
    workspace.run(tmp_path, filter_mode="added")
    [run] = emulator.check_runs.values()
    assert {(a["path"], a["start_line"]) for a in emulator.annotations[run["id"]]
            if a["title"].startswith(maintainer_rule)} == {("app/Dockerfile", 7)}


def test_pull_request_files_are_read_page_by_page(tmp_path, emulator, maintainer_rule):
    extra = {f"docs/note{i:03}.txt": f"{i}\n" for i in range(130)}
    workspace = make_workspace(tmp_path, emulator, BEFORE, {**AFTER, **extra})
    workspace.register()
    workspace.run(tmp_path, filter_mode="added")
    pages = emulator.requests_to("GET", r"/pulls/7/files$")
    assert [r.query.get("page", ["1"])[0] for r in pages] == ["1", "2"]
    assert all(r.status == 200 for r in pages)


# --- reviews ----------------------------------------------------------------------------------------------


def test_review_comments_only_on_diff_lines_capped_at_30_and_not_repeated(tmp_path, emulator, maintainer_rule):
    before = {"Dockerfile": "FROM alpine:3.20\n" + "\n" * 40}
    after = {"Dockerfile": "FROM alpine:3.20\n" + maintainers(35) + "\n" * 5,
             "other/Dockerfile": "FROM alpine:3.20\n" + maintainers(2)}
    workspace = make_workspace(tmp_path, emulator, before, after, select=(maintainer_rule,))
    workspace.register()
    first = workspace.run(tmp_path, reporter="github-pr-review", filter_mode="nofilter")
    assert first.returncode == 1, first.stderr
    pull = emulator.pulls[7]
    assert len(pull.reviews) == 1, first.stderr
    assert len(pull.comments) == 30
    assert all(c["side"] == "RIGHT" and "<!-- containersec:" in c["body"] for c in pull.comments)
    [run] = emulator.check_runs.values()
    assert len(first.sarif["runs"][0]["results"]) == 37
    assert len(emulator.annotations[run["id"]]) == 7  # the rest, none of them also a comment
    commented = {(c["path"], c["line"]) for c in pull.comments}
    annotated = {(a["path"], a["start_line"]) for a in emulator.annotations[run["id"]]}
    assert not commented & annotated

    second = workspace.run(tmp_path, reporter="github-pr-review", filter_mode="nofilter")
    assert second.returncode == 1
    markers = [re.search(r"containersec:(\S+) -->", c["body"]).group(1) for c in pull.comments]
    assert len(markers) == len(set(markers)), "a re-run repeated a comment"
    assert len(pull.comments) == 37  # the 7 left over by the first run's cap, nothing repeated
    assert emulator.annotations.get(max(emulator.check_runs), []) == []


def test_review_with_fork_token_falls_back_to_workflow_commands(tmp_path, emulator, sudo_rule):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(25)
                                                         + "RUN sudo a\n" * 12},
                               select=(rule_id("maintainer"), sudo_rule))
    workspace.head_repo = "someone/app"
    workspace.register()
    emulator.fork_token = True
    result = workspace.run(tmp_path, reporter="github-pr-review")
    assert result.returncode == 1
    assert emulator.pulls[7].comments == [] and emulator.check_runs == {}
    assert "Resource not accessible by integration" in result.stderr and "fork" in result.stderr
    found = commands(result.stdout)
    levels = [level for level, _, _ in found]
    assert levels == ["error"] * 10 + ["warning"] * 10  # errors first, GitHub's per-step cap
    assert "17 more findings" in result.stdout  # 37 findings, 20 annotated
    assert "containersec.sarif" in result.stdout


def test_check_reporter_with_fork_token_falls_back(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(3)},
                               select=(rule_id("maintainer"),))
    workspace.head_repo = "someone/app"
    workspace.register()
    emulator.fork_token = True
    result = workspace.run(tmp_path)
    assert result.returncode == 1
    assert [level for level, _, _ in commands(result.stdout)] == ["warning"] * 3
    assert result.outputs["check-run-url"] == "" and result.outputs["conclusion"] == "failure"


# --- hostile input, summary, SARIF, exit codes -------------------------------------------------------------

HOSTILE_DIR = "we,ird:dir"
HOSTILE_NAME = "x%0A::add-mask::y\n::stop-commands::pwn | <script>alert(1)<\\script> ](javascript:alert(1)) @admin"


def test_hostile_paths_and_content_are_escaped_everywhere(tmp_path, emulator, sudo_rule):
    content = ("FROM alpine:3.20\nRUN sudo echo '%0A::add-mask::secret'\nRUN sudo echo '::stop-commands::x'\n"
               "LABEL x='<script>alert(1)</script> ](javascript:alert(1))'\n")
    path = f"{HOSTILE_DIR}/{HOSTILE_NAME}/Dockerfile"
    workspace = make_workspace(tmp_path, emulator, {}, {f"{HOSTILE_DIR}/Dockerfile": content, path: content},
                               select=(sudo_rule,))
    workspace.register()
    result = workspace.run(tmp_path, reporter="workflow-commands")
    assert result.returncode == 1
    found = commands(result.stdout)
    assert {props["file"] for _, props, _ in found} == {f"{HOSTILE_DIR}/Dockerfile", path}
    assert all(level == "error" and props["title"].startswith(sudo_rule) for level, props, _ in found)
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.startswith(("::add-mask::", "::stop-commands::")), line
    assert "<script>" not in result.summary and "](javascript" not in result.summary
    assert "&lt;script&gt;" in result.summary and "\\]\\(javascript" in result.summary
    assert "@admin" not in result.summary
    table = [line for line in result.summary.splitlines() if line.startswith(("| error", "| warning"))]
    assert table and all(line.count(" | ") == 3 for line in table)  # no cell was split by a `|`
    assert len(result.outputs) == 6


def test_sarif_is_schema_valid_with_one_run_per_stage(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(2)})
    workspace.register()
    result = workspace.run(tmp_path, sarif_file="out/build.sarif", reporter="workflow-commands")
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(result.sarif, schema)
    assert [run["automationDetails"]["id"] for run in result.sarif["runs"]] == ["containersec/build"]
    assert result.outputs["sarif-file"] == "out/build.sarif"


def test_summary_totals_links_and_details(tmp_path, emulator, maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, {}, {"app/Dockerfile": "FROM alpine:3.20\n" + maintainers(70)},
                               select=(maintainer_rule,))
    workspace.register()
    result = workspace.run(tmp_path, filter_mode="nofilter", reporter="workflow-commands")
    summary = result.summary
    assert "### containersec: failure" in summary
    total = len(result.sarif["runs"][0]["results"])
    assert "| build | 0 | 70 | 0 | 0 | 70 |" in summary and total == 70
    link = f"({emulator.root}/{emulator.full_name}/blob/{workspace.head}/app/Dockerfile#L2)"
    assert link in summary
    assert f"<details><summary>{total - 50} more findings</summary>" in summary
    assert len(re.findall(r"^\| warning \| ", summary, re.MULTILINE)) == 70


def test_configuration_errors_exit_2(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n"})
    workspace.register()
    (workspace.root / "bad.yaml").write_text("select: [NO-SUCH-RULE]\n")
    bad_config = workspace.run(tmp_path, config="bad.yaml")
    assert bad_config.returncode == 2 and "bad.yaml" in bad_config.stderr
    assert workspace.run(tmp_path, fail_on="sometimes").returncode == 2
    assert workspace.run(tmp_path, reporter="email").returncode == 2
    assert emulator.check_runs == {}


def test_empty_inputs_mean_defaults(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(1)})
    workspace.register()
    result = workspace.run(tmp_path, paths="", config="", fail_on="", filter_mode="", reporter="",
                           sarif_file="")
    assert result.returncode == 1  # fail-on warning by default
    assert len(emulator.check_runs) == 1  # reporter github-check
    assert (workspace.root / "containersec.sarif").exists()


def test_unreadable_input_exits_2(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n"})
    (workspace.root / "broken").mkdir()
    (workspace.root / "broken" / "Dockerfile").write_bytes(b"FROM alpine\nRUN echo \xff\xfe\n")
    workspace.head = commit_all(workspace.root, "broken")
    workspace.register()
    result = workspace.run(tmp_path, filter_mode="nofilter")
    assert result.returncode == 2
    assert "broken/Dockerfile" in result.summary
    assert any(level == "error" and props.get("file") == "broken/Dockerfile"
               for level, props, _ in commands(result.stdout))
    assert result.outputs["conclusion"] == "failure"


def test_a_file_name_that_is_not_utf8_still_gets_summary_outputs_and_sarif(tmp_path, emulator, sudo_rule):
    name = os.fsdecode(b"caf\xe9/Dockerfile")  # Latin-1 bytes, as an old checkout may hold
    workspace = make_workspace(tmp_path, emulator, {}, {name: "FROM alpine:3.20\nRUN sudo true\n"},
                               select=(sudo_rule,))
    result = workspace.run(tmp_path, event_name="push", reporter="workflow-commands")
    assert result.returncode == 1, result.stderr
    assert "caf\\\\xe9/Dockerfile\\:2" in result.summary and "### containersec: failure" in result.summary
    assert result.outputs["findings"] == "1" and result.outputs["conclusion"] == "failure"
    [(level, props, _)] = commands(result.stdout)
    assert level == "error" and props["file"] == "caf\\xe9/Dockerfile"
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in result.sarif["runs"][0]["results"]] == ["caf%5Cxe9/Dockerfile"]


# --- what the payload lacks, what the runner cannot reach ---------------------------------------------------


def drop(*dotted: str):
    def edit(event: dict[str, Any]) -> None:
        for path in dotted:
            *parents, last = path.split(".")
            node = event
            for key in parents:
                node = node[key]
            del node[last]
    return edit


def test_a_payload_without_base_repo_or_shas_falls_back_to_the_runner_and_goes_on(tmp_path, emulator,
                                                                                   maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, BEFORE, AFTER)
    workspace.register()
    result = workspace.run(tmp_path, edit_event=drop("pull_request.base.repo", "pull_request.head.sha",
                                                     "pull_request.base.sha"))
    assert result.returncode == 1, result.stderr
    assert "no pull_request.base.repo.full_name; using GITHUB_REPOSITORY" in result.stderr
    assert f"no pull_request.head.sha; using GITHUB_SHA's second parent, else GITHUB_SHA: {workspace.head}" in (
        result.stderr)
    [run] = emulator.check_runs.values()
    assert run["head_sha"] == workspace.head and run["conclusion"] == "failure"
    # The changed lines still come from the pull request's files: filter-mode added works.
    assert {(a["path"], a["start_line"]) for a in emulator.annotations[run["id"]]
            if a["title"].startswith(maintainer_rule)} == {("app/Dockerfile", 7)}
    assert result.sarif is not None and "### containersec: failure" in result.summary
    assert result.outputs["conclusion"] == "failure"


def test_the_merge_commit_gives_base_and_head_when_the_payload_does_not(tmp_path, emulator, maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, BEFORE, AFTER)
    git(workspace.root, "checkout", "-q", "--detach", workspace.base)
    git(workspace.root, "-c", "user.name=t", "-c", "user.email=t@example.com", "merge", "-q", "--no-ff",
        "-m", "merge", workspace.head)
    merge = git(workspace.root, "rev-parse", "HEAD").strip()
    workspace.register(without_patch=("app/Dockerfile",))  # so the changed lines need git diff base...head
    result = workspace.run(tmp_path, environment={"GITHUB_SHA": merge, "GITHUB_REF": "refs/pull/7/merge"},
                           edit_event=drop("pull_request.head.sha", "pull_request.base.sha",
                                           "pull_request.number", "number"))
    assert result.returncode == 1, result.stderr
    assert "using the event's number or GITHUB_REF: 7" in result.stderr
    [run] = emulator.check_runs.values()
    assert run["head_sha"] == workspace.head
    assert {(a["path"], a["start_line"]) for a in emulator.annotations[run["id"]]
            if a["title"].startswith(maintainer_rule)} == {("app/Dockerfile", 7)}


def test_without_any_pull_request_number_every_finding_is_in_scope(tmp_path, emulator, maintainer_rule):
    workspace = make_workspace(tmp_path, emulator, BEFORE, AFTER)
    workspace.register()
    result = workspace.run(tmp_path, reporter="github-pr-review",
                           edit_event=drop("pull_request.number", "number"))
    assert result.returncode == 1, result.stderr
    assert "number is not known" in result.stderr and emulator.pulls[7].reviews == []
    [run] = emulator.check_runs.values()
    assert len(emulator.annotations[run["id"]]) == len(result.sarif["runs"][0]["results"])
    assert "### containersec: failure" in result.summary


def test_configuration_errors_are_annotations_and_a_summary(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n"})
    workspace.register()
    (workspace.root / "bad.yaml").write_text("select: [NO-SUCH-RULE]\n")
    for inputs, text in (({"config": "bad.yaml"}, "bad.yaml: select: unknown rule 'NO-SUCH-RULE'"),
                         ({"reporter": "email"}, "input reporter: 'email' is not one of")):
        result = workspace.run(tmp_path, **inputs)
        assert result.returncode == 2
        [(level, props, message)] = commands(result.stderr)
        assert level == "error" and props["title"] == "containersec configuration error" and text in message
        assert result.summary.startswith("### containersec: configuration error")
        assert "NO\\-SUCH\\-RULE" in result.summary or "email" in result.summary
        assert result.outputs == {"conclusion": "failure"}
    assert emulator.check_runs == {}


def test_an_unreachable_api_falls_back_within_seconds(tmp_path, emulator, sudo_rule):
    import socket
    import time

    with socket.socket() as probe:  # a port nothing listens on: every connection is refused
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\nRUN sudo a\n"},
                               select=(sudo_rule,))
    started = time.monotonic()
    result = workspace.run(tmp_path, environment={"GITHUB_API_URL": closed})
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert "could not publish the check run" in result.stderr
    assert [level for level, _, _ in commands(result.stdout)] == ["error"]
    assert result.sarif is not None and "### containersec: failure" in result.summary


def test_the_shellcheck_input(tmp_path, emulator):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\nUSER 1000\nRUN cd /x\n"})
    by_default = workspace.run(tmp_path, event_name="push", reporter="workflow-commands")
    assert "SC2164" in {r["ruleId"] for r in by_default.sarif["runs"][0]["results"]}
    off = workspace.run(tmp_path, event_name="push", reporter="workflow-commands", shellcheck="off")
    assert not any(r["ruleId"].startswith("SC") for r in off.sarif["runs"][0]["results"])
    assert workspace.run(tmp_path, event_name="push", shellcheck="sometimes").returncode == 2


def test_the_readme_way_to_try_the_action_locally_works(tmp_path):
    """README (GitHub Action, try it locally): the committed sample event, no token, workflow commands."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "GITHUB_EVENT_PATH=examples/events/pull_request.json" in readme
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "INPUT_"))}
    env |= {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "examples/events/pull_request.json",
            "GITHUB_WORKSPACE": str(root), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"), "INPUT_PATHS": "examples",
            "INPUT_REPORTER": "workflow-commands", "INPUT_FILTER-MODE": "nofilter",
            "INPUT_SARIF-FILE": str(tmp_path / "containersec.sarif")}
    done = subprocess.run([sys.executable, "-m", "containersec", "action"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # examples/bad has findings
    assert "Traceback" not in done.stderr
    assert any(props["file"] == "examples/bad/Dockerfile" for _, props, _ in commands(done.stdout))
    assert (tmp_path / "summary.md").read_text().startswith("### containersec: failure")
    assert parse_outputs((tmp_path / "outputs.txt").read_text())["conclusion"] == "failure"


def test_an_unreadable_event_payload_is_logged_and_the_runner_variables_take_over(tmp_path, emulator, sudo_rule):
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\nRUN sudo a\n"},
                               select=(sudo_rule,))
    broken = tmp_path / "broken-event.json"
    broken.write_text("{not json")
    result = workspace.run(tmp_path, event_name="push", environment={"GITHUB_EVENT_PATH": str(broken)})
    assert result.returncode == 1, result.stderr
    assert "cannot read the event payload" in result.stderr
    [run] = emulator.check_runs.values()
    assert run["head_sha"] == workspace.head and result.outputs["findings"] == "1"
