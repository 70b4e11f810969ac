"""The Action under hostile pull request payloads and a hostile GitHub: nothing injects, nothing hangs, and
the SARIF, summary and outputs are written whatever fails (real process, real git, the GitHub emulator)."""

from __future__ import annotations

import json
import time

from test_action_e2e import commands, emulator, maintainers, make_workspace, rule_id  # noqa: F401 (fixture)

SHA_INJECTION = "0123456789abcdef0123456789abcdef01234567)![pwned](https://attacker.example/x.png)"


def workspace_with_two_findings(tmp_path, emulator):  # noqa: F811 (the fixture, passed on)
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n" + maintainers(2)},
                               select=(rule_id("maintainer"),))
    workspace.register()
    return workspace


def test_a_base_sha_that_is_an_option_never_reaches_git_and_never_empties_the_scope(tmp_path, emulator):  # noqa: F811
    workspace = workspace_with_two_findings(tmp_path, emulator)
    written = tmp_path / "written-by-git.txt"
    emulator.pulls.clear()  # no API: the changed lines can only come from git diff

    def hostile(event):
        event["pull_request"]["base"]["sha"] = f"--output={written}"

    result = workspace.run(tmp_path, edit_event=hostile, reporter="workflow-commands", github_token="")
    assert not written.exists()
    assert "pull_request.base.sha is not a commit's object name" in result.stderr
    # The diff could not be computed: every finding stays in scope and the gate stays shut.
    assert result.returncode == 1 and result.outputs["findings"] == "2"


def test_a_head_sha_cannot_inject_markdown_into_the_summary(tmp_path, emulator):  # noqa: F811
    workspace = workspace_with_two_findings(tmp_path, emulator)

    def hostile(event):
        event["pull_request"]["head"]["sha"] = SHA_INJECTION

    result = workspace.run(tmp_path, edit_event=hostile, reporter="workflow-commands",
                           environment={"GITHUB_SHA": SHA_INJECTION})
    assert "![pwned]" not in result.summary and "attacker.example" not in result.summary
    assert "pull_request.head.sha is not a commit's object name" in result.stderr
    assert result.returncode == 1 and "### containersec: failure" in result.summary


def test_a_pull_request_number_that_only_looks_like_digits(tmp_path, emulator):  # noqa: F811
    workspace = workspace_with_two_findings(tmp_path, emulator)

    def hostile(event):
        event["pull_request"]["number"] = "\u00b2"  # "²".isdigit() is True, int("²") raises

    result = workspace.run(tmp_path, edit_event=hostile, reporter="workflow-commands")
    assert "pull_request.number is not a number" in result.stderr
    assert result.returncode == 1 and result.outputs["findings"] == "2"


def test_a_429_with_a_long_retry_after_does_not_hold_the_run(tmp_path, emulator):  # noqa: F811
    workspace = workspace_with_two_findings(tmp_path, emulator)
    emulator.throttle_every_request = "3600"
    started = time.monotonic()
    result = workspace.run(tmp_path)  # filter-mode added: GETs of the pull request's files, then the check run
    assert time.monotonic() - started < 60
    assert "cannot list the pull request's files" in result.stderr and "3600 s" in result.stderr
    assert "could not publish the check run: HTTP 429" in result.stderr
    assert result.sarif is not None and "### containersec: failure" in result.summary
    assert result.outputs["conclusion"] == "failure" and result.returncode == 1
    assert len(commands(result.stdout)) == 2  # the findings went to the log instead


def test_an_unwritable_step_summary_is_reported_and_the_outputs_still_written(tmp_path, emulator):  # noqa: F811
    workspace = workspace_with_two_findings(tmp_path, emulator)
    unwritable = tmp_path / "summary-is-a-folder"
    unwritable.mkdir()
    result = workspace.run(tmp_path, reporter="workflow-commands", fail_on="none",
                           environment={"GITHUB_STEP_SUMMARY": str(unwritable)})
    assert "GITHUB_STEP_SUMMARY" in result.stderr and "cannot write" in result.stderr
    assert result.outputs["findings"] == "2" and result.outputs["conclusion"] == "success"
    assert result.returncode == 0  # fail-on: none, whatever the runner's files did


def test_an_unwritable_output_file_is_reported_and_the_summary_still_written(tmp_path, emulator):  # noqa: F811
    workspace = workspace_with_two_findings(tmp_path, emulator)
    unwritable = tmp_path / "output-is-a-folder"
    unwritable.mkdir()
    result = workspace.run(tmp_path, reporter="workflow-commands",
                           environment={"GITHUB_OUTPUT": str(unwritable)})
    assert "GITHUB_OUTPUT" in result.stderr and "cannot write" in result.stderr
    assert "### containersec: failure" in result.summary and result.returncode == 1


def test_a_bug_while_checking_still_writes_sarif_summary_and_outputs_and_exits_2(tmp_path, monkeypatch):
    from containersec import action

    def broken(inputs, workspace):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(action, "check", broken)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    environ = {"GITHUB_WORKSPACE": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs),
               "GITHUB_EVENT_NAME": "push", "INPUT_REPORTER": "workflow-commands"}
    assert action.main(environ) == 2
    sarif = json.loads((tmp_path / "containersec.sarif").read_text())
    messages = [n["message"]["text"] for run in sarif["runs"]
                for n in run.get("invocations", [{}])[0].get("toolExecutionNotifications", [])]
    assert any("internal error: ZeroDivisionError" in m and "please report it" in m for m in messages), sarif
    assert "containersec" in summary.read_text() and "conclusion<<" in outputs.read_text()
