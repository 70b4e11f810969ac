"""The publishers and the emulator's GitHub limits, with the real PyGithub over HTTP to the emulator."""

from __future__ import annotations

import pytest
from github import GithubException
from github_emulator import FORK_DENIED, GitHubEmulator

from containersec.findings import Finding, Severity, Stage
from containersec.github.changes import api_changes
from containersec.github.checks import annotation, publish_check_run
from containersec.github.client import call_with_retries, connect, is_denied, transient_wait
from containersec.github.review import MAX_COMMENTS, publish_review
from containersec.untrusted.deadline import Deadline

HEAD, BASE = "a" * 40, "b" * 40
PATCH = "@@ -0,0 +1,40 @@\n" + "".join(f"+line {i}\n" for i in range(1, 41))


@pytest.fixture
def emulator():
    with GitHubEmulator() as server:
        yield server


def client(emulator):
    return connect(emulator.api_url, emulator.token, {"CONTAINERSEC_GITHUB_WRITE_DELAY": "0"})


@pytest.fixture
def repo(emulator):
    return client(emulator).get_repo(emulator.full_name)


def finding(line: int, severity: Severity = Severity.WARNING, end_line: int | None = None) -> Finding:
    return Finding("CSD999", "test-rule", severity, Stage.BUILD, "Dockerfile", line, f"problem {line}", end_line,
                   column=3)


def test_annotation_levels_and_columns():
    assert annotation(finding(1, Severity.ERROR))["annotation_level"] == "failure"
    assert annotation(finding(1, Severity.INFO))["annotation_level"] == "notice"
    assert annotation(finding(1, Severity.STYLE))["annotation_level"] == "notice"
    assert annotation(finding(2))["start_column"] == 3
    assert "start_column" not in annotation(finding(2, end_line=4))


def test_check_run_batches_every_annotation(emulator, repo):
    url = publish_check_run(repo, HEAD, "ext-1", [finding(i) for i in range(1, 121)], "failure", "summary")
    [run] = emulator.check_runs.values()
    assert url.endswith(f"/runs/{run['id']}")
    assert [a["start_line"] for a in emulator.annotations[run["id"]]] == list(range(1, 121))
    sizes = [len(r.body["output"]["annotations"]) for r in emulator.requests_to("PATCH", "/check-runs/")
             if "annotations" in r.body["output"]]
    assert sizes == [50, 50, 20]
    assert run["conclusion"] == "failure" and run["output"]["summary"] == "summary"


def test_emulator_refuses_what_github_refuses(emulator, repo):
    run = repo.create_check_run(name="x", head_sha=HEAD, output={"title": "t", "summary": "s"})
    too_many = [annotation(finding(i)) for i in range(1, 52)]
    with pytest.raises(GithubException) as many:
        run.edit(output={"title": "t", "summary": "s", "annotations": too_many})
    assert many.value.status == 422
    with pytest.raises(GithubException) as long:
        run.edit(output={"title": "t", "summary": "s" * 65536})
    assert long.value.status == 422 and "65535" in long.value.data["message"]
    bad_columns = {**annotation(finding(1, end_line=3)), "start_column": 1, "end_column": 2}
    with pytest.raises(GithubException):
        run.edit(output={"title": "t", "summary": "s", "annotations": [bad_columns]})
    assert emulator.annotations.get(run.id, []) == []


def test_rate_limit_headers_reach_pygithub(emulator):
    github = client(emulator)
    github.get_repo(emulator.full_name).create_check_run(name="x", head_sha=HEAD)
    remaining, limit = github.rate_limiting
    assert limit == 5000 and remaining < 5000


def test_review_comment_outside_the_diff_is_a_422(emulator, repo):
    emulator.add_pull(3, HEAD, BASE, [{"filename": "Dockerfile", "patch": "@@ -1,2 +1,3 @@\n a\n+b\n c\n"}])
    pull = repo.get_pull(3)
    with pytest.raises(GithubException) as outside:
        pull.create_review(commit=repo.get_commit(HEAD), body="x", event="COMMENT",
                           comments=[{"path": "Dockerfile", "line": 9, "side": "RIGHT", "body": "no"}])
    assert outside.value.status == 422 and emulator.pulls[3].comments == []


def test_review_posts_at_most_30_diff_comments_and_skips_posted_ones(emulator, repo):
    emulator.add_pull(3, HEAD, BASE, [{"filename": "Dockerfile", "patch": PATCH}])
    findings = [finding(i) for i in range(1, 46)]  # lines 41-45 are outside the diff
    marks = {id(f): f"{i:032x}:1" for i, f in enumerate(findings)}
    rest = publish_review(repo, 3, HEAD, findings, marks, {"Dockerfile": _change(PATCH)})
    assert len(emulator.pulls[3].comments) == MAX_COMMENTS
    assert sorted(f.line for f in rest) == list(range(31, 46))
    again = publish_review(repo, 3, HEAD, findings, marks, {"Dockerfile": _change(PATCH)})
    assert len(emulator.pulls[3].comments) == 40  # only lines 31-40 were new and inside the diff
    assert sorted(f.line for f in again) == list(range(41, 46))


def _change(patch):
    from containersec.github.diff import parse_patch

    return parse_patch(patch)


def test_fork_token_is_denied_and_recognised(emulator, repo):
    emulator.fork_token = True
    with pytest.raises(GithubException) as denied:
        publish_check_run(repo, HEAD, "ext", [finding(1)], "success", "s")
    assert denied.value.status == 403 and denied.value.data["message"] == FORK_DENIED
    assert is_denied(denied.value)
    assert len(emulator.requests_to("POST", "/check-runs")) == 1  # not retried


def test_secondary_rate_limit_on_a_read_is_retried_by_pygithub(emulator, repo):
    emulator.add_pull(3, HEAD, BASE, [{"filename": f"f{i}", "patch": "@@ -0,0 +1 @@\n+x\n"} for i in range(150)])
    emulator.secondary_limit_on = ("GET", r"/pulls/3/files$")
    changes, without_patch, capped = api_changes(repo, 3)
    assert len(changes) == 150 and without_patch == [] and not capped
    statuses = [r.status for r in emulator.requests_to("GET", r"/pulls/3/files$")]
    assert statuses == [403, 200, 200]  # page 1 refused once, then pages 1 and 2


def test_pull_request_files_cap_is_detected(emulator, repo):
    pull = emulator.add_pull(3, HEAD, BASE, [{"filename": "Dockerfile", "patch": None}])
    pull.changed_files = 3500
    changes, without_patch, capped = api_changes(repo, 3)
    assert capped and without_patch == ["Dockerfile"] and changes["Dockerfile"].whole_file


def test_lost_annotation_batch_is_not_sent_twice(emulator, repo):
    emulator.server_error_on = ("PATCH", r"/check-runs/\d+$")
    publish_check_run(repo, HEAD, "ext", [finding(i) for i in range(1, 61)], "failure", "s")
    [run] = emulator.check_runs.values()
    assert len(emulator.annotations[run["id"]]) == 60


def test_transient_failures_are_classified():
    def error(status, headers=None, message="x"):
        return GithubException(status, {"message": message}, headers or {})

    assert transient_wait(error(502), 0) == 1 and transient_wait(error(503), 2) == 4
    assert transient_wait(error(403, {"Retry-After": "3"}), 0) == 3
    assert transient_wait(error(429), 0) == 60
    assert transient_wait(error(403, message=FORK_DENIED), 0) is None
    assert transient_wait(error(422), 0) is None
    assert transient_wait(error(403, {"Retry-After": "3600"}), 0) is None  # too long to hold the job


def test_call_with_retries_gives_up_after_its_attempts():
    calls = []

    def failing():
        calls.append(1)
        raise GithubException(500, {"message": "boom"}, {})

    with pytest.raises(GithubException):
        call_with_retries("x", failing, deadline=Deadline(60), sleep=lambda seconds: None)
    assert len(calls) == 4


def test_review_comment_bodies_escape_untrusted_text(emulator, repo):
    emulator.add_pull(3, HEAD, BASE, [{"filename": "Dockerfile", "patch": PATCH}])
    hostile = Finding("CSD999", "test-rule", Severity.ERROR, Stage.BUILD, "Dockerfile", 2,
                      "<img src=x onerror=alert(1)> ](javascript:alert(1)) @admin\n\n# heading `code`")
    publish_review(repo, 3, HEAD, [hostile], {id(hostile): "ab12:1"}, {"Dockerfile": _change(PATCH)})
    [comment] = emulator.pulls[3].comments
    body = comment["body"]
    assert "<img" not in body and "@admin" not in body and "](javascript" not in body
    assert body.count("\n") == 3 and "heading" in body.splitlines()[0]
    assert body.endswith("<!-- containersec:ab12:1 -->\n")
    assert comment["line"] == 2 and comment["side"] == "RIGHT"


def test_a_refused_connection_is_not_retried_but_a_dropped_one_is():
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

    refused = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    assert transient_wait(requests.ConnectionError(MaxRetryError(None, "/x", refused)), 0) is None
    assert transient_wait(requests.ConnectionError(ProtocolError("Connection aborted.")), 1) == 2
    assert transient_wait(requests.Timeout("read timed out"), 0) == 1
