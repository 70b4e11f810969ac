"""Lint Dockerfile text with one rule and return what it reports."""

from __future__ import annotations

import textwrap

from containersec.build.engine import lint_text
from containersec.catalogue import RuleOptions, resolve
from containersec.config import Config
from containersec.findings import Finding


def findings(rule: str, text: str, *, options: RuleOptions | None = None,
             path: str = "Dockerfile") -> list[Finding]:
    """Findings of `rule` (ID, slug or alias) on `text` (dedented), with its default severity."""
    matches = resolve(rule)
    assert matches, f"no rule named {rule}"
    ids = {r.id for r in matches}
    config = Config(select=sorted(ids))
    if options is not None:
        config.options = options
    report = lint_text(textwrap.dedent(text).lstrip("\n"), path, config)
    assert not [e for e in report.errors if "internal error" in e.message], report.errors
    return [f for f in report.findings if f.rule in ids]


def lines(rule: str, text: str, **kwargs: object) -> list[int]:
    """The lines `rule` reports on `text`."""
    return [f.line for f in findings(rule, text, **kwargs)]  # type: ignore[arg-type]
