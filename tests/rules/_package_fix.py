"""Apply a rule's auto-fix edits the way the fix engine does, for the package-manager rule tests."""

from __future__ import annotations

import textwrap

from tests.rules.helpers import findings


def fixed(rule: str, text: str) -> str:
    """`text` (dedented) with every edit of `rule` applied; asserts the result no longer triggers it."""
    source = textwrap.dedent(text).lstrip("\n")
    edits = sorted((e for f in findings(rule, source) for e in f.edits), key=lambda e: e.start, reverse=True)
    for earlier, later in zip(edits[1:], edits, strict=False):
        assert earlier.end <= later.start, "overlapping edits"
    for edit in edits:
        source = source[:edit.start] + edit.replacement + source[edit.end:]
    assert findings(rule, source) == [], source
    return source
