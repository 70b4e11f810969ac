"""One GitHub issue per subject (a registry repository and its patch plan), kept up to date across runs.

Each issue carries a hidden marker in its body; the next run finds it among the open issues by that marker,
edits it in place when its content changed, and closes it when nothing is left to do. Only the subjects
given are touched: the shards of a matrix never close each other's issues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from containersec.github.client import call_with_retries, deadline_of

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.Repository import Repository


def sync_issues(repo: Repository, contents: Mapping[str, tuple[str, str] | None],
                markers: Mapping[str, str]) -> dict[str, str]:
    """Create, update or close the issue of each subject; {subject: what was done (and the issue's URL)}.

    `contents` maps a subject to (title, body) or to None (nothing to do: close its issue); the body must
    contain the subject's marker from `markers`.
    """
    found = _open_issues(repo, markers)
    deadline = deadline_of(repo)
    done: dict[str, str] = {}
    for subject, content in contents.items():
        issue = found.get(subject)
        if content is None:
            if issue is not None:
                call_with_retries(f"close issue #{issue.number}", lambda issue=issue: issue.edit(state="closed"),
                                  deadline=deadline)
                done[subject] = f"closed {issue.html_url}"
            continue
        title, body = content
        if issue is None:
            created = call_with_retries(
                f"create the issue of {subject}", lambda title=title, body=body: repo.create_issue(title, body),
                deadline=deadline,
                recover=lambda subject=subject: _open_issues(repo, {subject: markers[subject]}).get(subject))
            done[subject] = f"created {created.html_url}"
        elif issue.title != title or (issue.body or "") != body:
            call_with_retries(f"update issue #{issue.number}",
                              lambda issue=issue, title=title, body=body: issue.edit(title=title, body=body),
                              deadline=deadline)
            done[subject] = f"updated {issue.html_url}"
        else:
            done[subject] = f"unchanged {issue.html_url}"
    return done


def _open_issues(repo: Repository, markers: Mapping[str, str]) -> dict[str, Issue]:
    found: dict[str, Issue] = {}
    for issue in repo.get_issues(state="open"):
        if issue.pull_request is not None:
            continue
        body = issue.body or ""
        for subject, marker in markers.items():
            if marker in body and subject not in found:
                found[subject] = issue
    return found
