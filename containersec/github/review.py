"""One pull request review with at most 30 comments, each on a line inside the diff (right side).

Each comment body ends with a hidden marker `<!-- containersec:<fingerprint> -->`; a re-run lists the
pull request's review comments and does not post a marker again. What does not become a comment is
returned, for the check run or the log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from containersec.findings import Finding
from containersec.github.client import call_with_retries, deadline_of
from containersec.github.diff import Changes, comment_line
from containersec.github.templates import environment

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

MAX_COMMENTS = 30  # more in one review trips GitHub's secondary rate limit
_MARKER = re.compile(r"<!-- containersec:([0-9a-f]+:\d+) -->")


def posted_markers(pull: PullRequest) -> set[str]:
    return {match for comment in pull.get_review_comments() for match in _MARKER.findall(comment.body or "")}


def publish_review(repo: Repository, number: int, head_sha: str, findings: Sequence[Finding],
                   fingerprints: Mapping[int, str], changes: Changes | None) -> list[Finding]:
    """Post the review; returns the findings that are neither posted now nor already on the pull request.

    `fingerprints` maps `id(finding)` to its stable fingerprint.
    """
    pull = repo.get_pull(number)
    already = posted_markers(pull)
    fresh = [finding for finding in findings if fingerprints[id(finding)] not in already]
    lines = {id(finding): comment_line(finding, changes) for finding in fresh}
    commentable = sorted((f for f in fresh if lines[id(f)] is not None), key=lambda f: -f.severity)
    chosen = commentable[:MAX_COMMENTS]
    chosen_ids = {id(finding) for finding in chosen}
    rest = [finding for finding in fresh if id(finding) not in chosen_ids]
    if not chosen:
        return rest
    template = environment().get_template("review_comment.md.j2")
    comments: list[dict[str, Any]] = [{
        "path": finding.path,
        "line": lines[id(finding)],
        "side": "RIGHT",
        "body": template.render(severity=finding.severity.label, rule=finding.rule, name=finding.name,
                                message=finding.message, fingerprint=fingerprints[id(finding)]),
    } for finding in chosen]
    wanted = {fingerprints[id(finding)] for finding in chosen}
    body = f"containersec: {len(chosen)} findings on changed lines."
    if rest:
        body += f" {len(rest)} more are in the check run or the log, and in the job summary."

    def send() -> bool:
        pull.create_review(commit=repo.get_commit(head_sha), body=body, event="COMMENT", comments=comments)
        return True

    call_with_retries("create review", send, deadline=deadline_of(repo),
                      recover=lambda: True if wanted <= posted_markers(pull) else None)
    return rest
