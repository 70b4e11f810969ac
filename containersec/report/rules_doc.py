"""Rule metadata for people: `containersec rules` (text, JSON) and the generated docs (Markdown)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from containersec.catalogue import Rule


def render_rules(rules: Sequence[Rule], fmt: str, *, detailed: bool = False) -> str:
    if fmt == "json":
        return json.dumps([rule_json(r) for r in rules], indent=2) + "\n"
    if fmt == "markdown":
        from containersec.report.rules_markdown import render_markdown

        return render_markdown(rules)
    if detailed:
        return "\n".join(_explain(r) for r in rules)
    width = max((len(r.slug) for r in rules), default=0)
    lines = [f"{r.id}  {r.slug:<{width}}  {r.severity.label:<7}  {r.summary}"
             + ("" if r.enabled else "  (off by default)") for r in rules]
    return "".join(line + "\n" for line in lines)


def rule_json(rule: Rule) -> dict[str, object]:
    return {"id": rule.id, "slug": rule.slug, "stage": rule.stage.value, "severity": rule.severity.label,
            "summary": rule.summary, "why": rule.why, "bad": rule.bad, "good": rule.good,
            "aliases": list(rule.aliases), "fixable": rule.fixable, "enabled": rule.enabled,
            "notes": rule.notes}


def _explain(rule: Rule) -> str:
    parts = [
        f"{rule.id} {rule.slug} ({rule.stage.value} stage, {rule.severity.label}"
        f"{'' if rule.enabled else ', off by default'}{', auto-fixable' if rule.fixable else ''})",
        f"  {rule.summary}",
        "",
        f"  Why: {rule.why}",
        "",
        "  Bad:",
        *("    " + line for line in rule.bad.splitlines()),
        "  Good:",
        *("    " + line for line in rule.good.splitlines()),
    ]
    if rule.aliases:
        parts += ["", f"  Same as: {', '.join(rule.aliases)}"]
    if rule.notes:
        parts += ["", f"  Notes: {rule.notes}"]
    return "\n".join(parts) + "\n"
