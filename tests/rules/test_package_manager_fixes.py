"""The package-manager auto-fixes on real Dockerfiles from the shared corpus."""

from functools import cache
from pathlib import Path

import pytest

from containersec.build.engine import lint_text
from containersec.config import Config

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dockerfiles"
FIXABLE = ("CSD042", "CSD043", "CSD044", "CSD045", "CSD046", "CSD047", "CSD048", "CSD053")


def _findings(rule: str, text: str) -> list:
    return [f for f in lint_text(text, "Dockerfile", Config(select=[rule])).findings if f.rule == rule]


@cache
def _corpus_findings() -> list[tuple[str, list]]:
    """Each corpus file's text with its findings of all the fixable rules (linted once)."""
    found = []
    for path in sorted(CORPUS.glob("*/*Dockerfile*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found.append((text, lint_text(text, str(path), Config(select=list(FIXABLE))).findings))
    return found


def _apply(text: str, findings: list) -> str:
    edits = sorted((e for f in findings for e in f.edits), key=lambda e: e.start, reverse=True)
    for earlier, later in zip(edits[1:], edits, strict=False):
        assert earlier.end <= later.start, "overlapping edits"
    for edit in edits:
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


@pytest.mark.parametrize("rule", FIXABLE)
def test_fixes_on_corpus_files_are_minimal_clean_and_idempotent(rule):
    fixed_files = 0
    for text, findings in _corpus_findings():
        before = [f for f in findings if f.rule == rule]
        fixable = [f for f in before if f.edits]
        if not fixable:
            continue
        fixed_files += 1
        after_text = _apply(text, fixable)
        inserted = sum(len(e.replacement) for f in fixable for e in f.edits)
        assert len(after_text) == len(text) + inserted  # only insertions, nothing else changed
        after = _findings(rule, after_text)
        assert not [f for f in after if f.edits], after_text  # a second run changes nothing
        assert len(after) == len(before) - len(fixable), after_text  # every fixed finding is gone
    if rule in ("CSD046", "CSD047", "CSD053"):
        assert fixed_files > 0  # the corpus has real cases for these rules
