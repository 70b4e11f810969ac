"""The Markdown summary (job summary and check run summary), rendered with jinja2 within a size budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from containersec.findings import Finding, InputError, Severity, Stage, StageSummary
from containersec.github.context import OBJECT_NAME
from containersec.github.markdown import escape_markdown
from containersec.github.templates import environment

STEP_SUMMARY_LIMIT = 1024 * 1024 - 16 * 1024  # GitHub drops a step summary over 1 MiB; keep a margin
CHECK_SUMMARY_LIMIT = 65535  # characters in a check run's output.summary / output.text
TABLE_ROWS = 50  # findings shown before the rest fold into <details>
INPUT_ERRORS_SHOWN = 100


@dataclass(frozen=True)
class SummaryFacts:
    conclusion: str
    fail_on: Severity | None
    filter_mode: str
    stages: Sequence[Stage]
    findings: Sequence[Finding]  # in scope, in the order to show
    total_findings: int  # before filter-mode
    input_errors: Sequence[InputError]
    sarif_file: str
    link: Callable[[Finding], str | None]
    stage_summaries: Sequence[StageSummary] = ()


def blob_link(server_url: str, repository: str, sha: str) -> Callable[[Finding], str | None]:
    """`<server>/<repo>/blob/<sha>/<path>#L<line>`, or no link outside a GitHub run.

    Every part is percent-quoted, and the sha must be an object name: a `)` or `![x](y)` in any of them
    would end the Markdown link and start one of its own.
    """

    def link(finding: Finding) -> str | None:
        if not (server_url and repository and OBJECT_NAME.fullmatch(sha)):
            return None
        path = quote(finding.path, safe="/")
        return f"{quote(server_url, safe=':/')}/{quote(repository, safe='/')}/blob/{sha}/{path}#L{finding.line}"

    return link


def _row(finding: Finding, link: str | None) -> dict[str, object]:
    return {"severity": finding.severity.label, "rule": finding.rule, "name": finding.name,
            "location": f"{finding.path}:{finding.line}", "url": link, "message": finding.message}


def render_summary(facts: SummaryFacts, limit: int) -> str:
    """The whole summary in at most `limit` UTF-8 bytes: as many findings as fit, then a count of the rest."""
    template = environment().get_template("summary.md.j2")
    rows = [_row(finding, facts.link(finding)) for finding in facts.findings]
    severities = [severity.label for severity in sorted(Severity, reverse=True)]
    stages = []
    for stage in facts.stages:
        own = [f for f in facts.findings if f.stage is stage]
        counts = {label: sum(1 for f in own if f.severity.label == label) for label in severities}
        sections = [{"title": s.title, "rows": s.rows, "columns": s.columns, "table": s.table}
                    for s in facts.stage_summaries if s.stage is stage]
        stages.append({"name": stage.value, "counts": counts, "total": len(own), "sections": sections})

    def render(shown: int) -> str:
        return template.render(
            conclusion=facts.conclusion,
            fail_on=facts.fail_on.label if facts.fail_on else None,
            filter_mode=facts.filter_mode,
            in_scope=len(rows),
            total=facts.total_findings,
            severities=severities,
            stages=stages,
            input_errors=facts.input_errors[:INPUT_ERRORS_SHOWN],
            more_input_errors=max(0, len(facts.input_errors) - INPUT_ERRORS_SHOWN),
            rows=rows[:shown],
            table_rows=TABLE_ROWS,
            omitted=len(rows) - shown,
            sarif_file=facts.sarif_file,
        )

    def fits(text: str) -> bool:
        return len(text.encode("utf-8")) <= limit

    text = render(len(rows))
    if fits(text):
        return text
    low, high = 0, len(rows) - 1  # render(low) is the fallback even if it does not fit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(render(middle)):
            low = middle
        else:
            high = middle - 1
    return render(low)


def render_error_summary(problem: str) -> str:
    """The job summary of a run that could not check anything (a bad input or config file)."""
    return (f"### containersec: configuration error\n\n{escape_markdown(problem)}\n\n"
            "Nothing was checked. Fix the input or the config file; `containersec action` reproduces the run "
            "locally (README: GitHub Action).\n")
