"""A check run named `containersec` on the head commit, carrying every finding given as an annotation.

GitHub takes at most 50 annotations per request and appends each batch, so the run is created first and
the batches follow as updates; the last update sets the conclusion and the summary (<= 65,535 characters).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from containersec.findings import Finding, Severity
from containersec.github.client import call_with_retries, deadline_of

if TYPE_CHECKING:
    from github.CheckRun import CheckRun
    from github.Repository import Repository

CHECK_NAME = "containersec"
BATCH = 50
TITLE = "containersec"
MESSAGE_LIMIT = 4096  # GitHub allows 64 KB; a finding's message never needs more
ANNOTATION_LEVELS = {Severity.ERROR: "failure", Severity.WARNING: "warning",
                     Severity.INFO: "notice", Severity.STYLE: "notice"}


def annotation(finding: Finding) -> dict[str, Any]:
    end_line = finding.end_line or finding.line
    fields: dict[str, Any] = {
        "path": finding.path,
        "start_line": finding.line,
        "end_line": end_line,
        "annotation_level": ANNOTATION_LEVELS[finding.severity],
        "message": finding.message[:MESSAGE_LIMIT],
        "title": f"{finding.rule} {finding.name}"[:255],
    }
    if end_line == finding.line:  # GitHub accepts columns only on single-line annotations
        fields["start_column"] = fields["end_column"] = finding.column
    return fields


def publish_check_run(repo: Repository, head_sha: str, external_id: str, findings: Sequence[Finding],
                      conclusion: str, summary: str) -> str:
    """Create (or, after a lost response, find) the run, add the annotations, complete it; returns its URL."""
    deadline = deadline_of(repo)
    progress = {"title": TITLE, "summary": f"Publishing {len(findings)} annotations."}

    def find_existing() -> CheckRun | None:
        runs = repo.get_commit(head_sha).get_check_runs(check_name=CHECK_NAME)
        return next((run for run in runs if run.external_id == external_id), None)

    run = call_with_retries("create check run", lambda: repo.create_check_run(
        name=CHECK_NAME, head_sha=head_sha, external_id=external_id, status="in_progress", output=progress),
        deadline=deadline, recover=find_existing)
    annotations = [annotation(finding) for finding in findings]
    for start in range(0, len(annotations), BATCH):
        batch = annotations[start:start + BATCH]

        def send(batch: list[dict[str, Any]] = batch) -> bool:
            run.edit(output={**progress, "annotations": batch})
            return True

        def landed(expected: int = start + len(batch)) -> bool | None:
            count = repo.get_check_run(run.id).output.annotations_count
            return True if count >= expected else None

        call_with_retries(f"check run annotations {start + 1}-{start + len(batch)}", send, deadline=deadline,
                          recover=landed)
    call_with_retries("complete check run", lambda: run.edit(
        status="completed", conclusion=conclusion, completed_at=datetime.now(UTC),
        output={"title": TITLE, "summary": summary}), deadline=deadline)
    return run.html_url
