"""The patch plan read on Monday morning: the text summary, one table per repository, one GitHub issue body
per repository. Everything here is built from the JSON members `patch_plan`, `inventory` and `scanning` of an
audit report, so the joined reports of several shards render exactly as one audit would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from containersec.findings import Stage, StageSummary

SEVERITIES_SHOWN = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


def issue_marker(repository: str) -> str:
    """Hidden in the issue body, so the next run finds the repository's issue again. The name is hashed: a
    joined report file is untrusted, and its text must not end the HTML comment."""
    return f"<!-- containersec patch-plan {hashlib.sha256(repository.encode('utf-8', 'replace')).hexdigest()} -->"


def plan_summary(plan: Sequence[Mapping[str, Any]], scanning: Sequence[Mapping[str, Any]]) -> StageSummary:
    runs = sum(int(s.get("scans_run") or 0) for s in scanning)
    cached = sum(int(s.get("from_cache") or 0) for s in scanning)
    attached = sum(int(s.get("attached_reports") or 0) for s in scanning)
    scanners = sorted({str(s["scanner"]) for s in scanning if s.get("scanner")})
    scanner = f"; {', '.join(scanners)}: {runs} scans run, {cached} from the cache" if scanners else ""
    rows = tuple((f"{entry['repository']}:{entry['tag']}", f"{str(entry['digest'])[:19]}: {reasons(entry)} -> "
                  f"{entry['action']}") for entry in plan)
    return StageSummary(Stage.RELEASE, f"patch plan: {len(plan)} tags need action ({attached} attached reports "
                        f"read{scanner})", rows)


def reasons(entry: Mapping[str, Any]) -> str:
    return ", ".join(dict.fromkeys(str(reason.get("name")) for reason in entry.get("reasons") or []
                                   if isinstance(reason, dict)))


def repository_tables(inventory: Sequence[Mapping[str, Any]]) -> list[StageSummary]:
    """One table per repository: each tag's digest, age, vulnerabilities, whether it is signed, the action."""
    by_repository: dict[str, list[Mapping[str, Any]]] = {}
    for row in inventory:
        by_repository.setdefault(str(row.get("repository")), []).append(row)
    summaries = []
    for repository, rows in sorted(by_repository.items()):
        table = tuple(_cells(row) for row in rows)
        text = tuple((cells[0], ", ".join(f"{name} {cell}" for name, cell in zip(COLUMNS[1:], cells[1:], strict=True)))
                     for cells in table)
        summaries.append(StageSummary(Stage.RELEASE, f"{repository}: tags", text, COLUMNS, table))
    return summaries


COLUMNS = ("tag", "digest", "age", "vulnerabilities", "fixable", "signed", "action")


def _cells(row: Mapping[str, Any]) -> tuple[str, ...]:
    severities = row.get("by_severity")
    if isinstance(severities, dict):
        vulnerabilities = " ".join(f"{name[0]}{severities.get(name, 0)}" for name in SEVERITIES_SHOWN)
        fixable = str(row.get("fixable", 0))
    else:
        vulnerabilities, fixable = "not scanned", "-"
    age = f"{row['age_days']} days" if isinstance(row.get("age_days"), int) else "unknown"
    return (str(row.get("tag")), str(row.get("digest"))[:19], age, vulnerabilities, fixable,
            "yes" if row.get("signed") else "no", str(row.get("action")))


def issue_bodies(plan: Sequence[Mapping[str, Any]],
                 audited: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str] | None]:
    """{repository: (title, Markdown body), or None when nothing is left to do} for every repository audited."""
    from containersec.github.markdown import escape_markdown

    entries: dict[str, list[Mapping[str, Any]]] = {}
    for entry in plan:
        entries.setdefault(str(entry.get("repository")), []).append(entry)
    bodies: dict[str, tuple[str, str] | None] = {}
    for repository in sorted({str(item.get("repository")) for item in audited} | set(entries)):
        rows = entries.get(repository)
        if not rows:
            bodies[repository] = None
            continue
        lines = [issue_marker(repository),
                 f"containersec found {len(rows)} tags of {escape_markdown(repository)} that need a new image.",
                 "", "| tag | digest | reasons | action |", "| --- | --- | --- | --- |"]
        for entry in rows:
            cells = (str(entry.get("tag")), str(entry.get("digest"))[:71], reasons(entry), str(entry.get("action")))
            lines.append("| " + " | ".join(escape_markdown(cell) for cell in cells) + " |")
        lines += ["", "This issue is updated by each scheduled audit and closed when nothing is left to do."]
        title = f"containersec patch plan: {' '.join(repository.split())}"[:256]
        bodies[repository] = (title, "\n".join(lines) + "\n")
    return bodies


def publish_issues(repo: Any, plan: Sequence[Mapping[str, Any]], audited: Sequence[Mapping[str, Any]]) -> list[str]:
    """One issue per audited repository holding its patch plan, through the Action's GitHub client: created
    once, updated in place, closed when nothing is left. Returns a line per repository saying what was done."""
    from containersec.github.issues import sync_issues

    contents = issue_bodies(plan, audited)
    done = sync_issues(repo, contents, {repository: issue_marker(repository) for repository in contents})
    return [f"{repository}: {what}" for repository, what in done.items()]
