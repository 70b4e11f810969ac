"""`lint --fix` and `lint --diff`: apply the edits that fixable rules attach to their findings.

Each round applies every non-overlapping edit of a file, then lints the new text again, so a fix that
makes another one possible (or that was held back by an overlap) lands in a later round. The rounds stop
at a fixed point: a second run changes nothing. Every byte outside an edit stays as it was; a byte-order
mark is kept and CRLF files stay CRLF.

The pre-commit hook `containersec-dockerfile-fix` (.pre-commit-hooks.yaml) runs `containersec lint --fix`;
pre-commit then reports the hook as failed when it changed a file, so the fixes are reviewed before commit.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TextIO

from containersec.build.engine import lint_text
from containersec.config import Config
from containersec.findings import Edit, Finding, InputError, Report

MAX_ROUNDS = 5
_BOM = "\ufeff"


def apply_fixes(report: Report, config: Config, *, write: bool, diff_out: TextIO | None,
                shellcheck: str = "off") -> Report:
    """Fix every file of `report`; return the report of what remains after the fixes.

    With `diff_out` the changes are printed there as a unified diff and nothing is written;
    otherwise, with `write`, each changed file is written back. `shellcheck` is the lint's mode, so the
    remaining findings of a fixed file include ShellCheck's as they did before the fix.
    """
    fixed: dict[str, Report] = {}
    unwritable: list[InputError] = []
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, original in report.sources.items():
        findings = by_path.get(path, [])
        if not _edit_groups(findings):
            continue
        errors = sum(1 for e in report.errors if e.path == path)
        text, relinted = fix_text(original, path, config, findings, errors)
        if relinted is None:
            continue
        if shellcheck != "off":
            relinted = lint_text(text, path, config, shellcheck=shellcheck)
        if diff_out is not None:
            diff_out.write(unified_diff(path, original, text))
        elif write:
            try:
                _write_back(path, text)
            except OSError as exc:
                unwritable.append(InputError(path, f"cannot write the fixes: {exc.strerror or exc}"))
                continue
        fixed[path] = relinted
    merged = _merge(report, fixed)
    merged.errors.extend(unwritable)
    merged.sort()
    return merged


def fix_text(text: str, path: str, config: Config, findings: list[Finding],
             errors: int) -> tuple[str, Report | None]:
    """The text after up to MAX_ROUNDS rounds of fixes and its lint report (None when nothing changed).

    `findings` and `errors` (the number of input errors) are the lint result of `text` as given.
    """
    relinted: Report | None = None
    for _ in range(MAX_ROUNDS):
        candidate = apply_edits(text, _edit_groups(findings))
        if candidate == text:
            break
        report = lint_text(candidate, path, config)
        if len(report.errors) > errors:  # a fix must never make the file unreadable for us
            break
        text, relinted, findings = candidate, report, report.findings
    return text, relinted


def _edit_groups(findings: Iterable[Finding]) -> list[tuple[Edit, ...]]:
    """The edits to apply: only rules declared fixable change files, and never for a suppressed finding."""
    return [f.edits for f in findings if f.fixable and f.edits and f.suppression is None]


def apply_edits(text: str, groups: Iterable[tuple[Edit, ...]]) -> str:
    """Splice the edits into `text`, from the end backwards.

    A finding's edits are applied all together or not at all. Groups are taken in order of position;
    a group that overlaps one already taken waits for the next round. An edit identical to one already
    taken counts as done (two rules that propose the same change).
    """
    taken: list[Edit] = []
    for group in sorted((g for g in groups if _valid(g, len(text))), key=lambda g: min(e.start for e in g)):
        fresh = [e for e in group if e not in taken]
        if any(_overlaps(a, b) for a in fresh for b in taken):
            continue
        taken.extend(fresh)
    newline = "\r\n" if "\r\n" in text else None
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        replacement = edit.replacement
        if newline and "\n" in replacement:
            replacement = replacement.replace("\r\n", "\n").replace("\n", newline)
        text = text[:edit.start] + replacement + text[edit.end:]
    return text


def _valid(group: tuple[Edit, ...], size: int) -> bool:
    return bool(group) and all(0 <= e.start <= e.end <= size for e in group) and not any(
        _overlaps(a, b) for i, a in enumerate(group) for b in group[i + 1:])


def _overlaps(a: Edit, b: Edit) -> bool:
    # Two insertions at one point conflict too: their order would be a guess.
    return a.start == b.start or (a.start < b.end and b.start < a.end)


def unified_diff(path: str, before: str, after: str) -> str:
    shown = path.replace("\\", "/").lstrip("/")
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{shown}", tofile=f"b/{shown}")
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _write_back(path: str, text: str) -> None:
    with open(path, "rb") as handle:
        had_bom = handle.read(3) == _BOM.encode("utf-8")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write((_BOM if had_bom else "") + text)


def _merge(report: Report, fixed: dict[str, Report]) -> Report:
    """`report` with the findings and input errors of each fixed file replaced by its new ones."""
    merged = Report(stages=report.stages, files=report.files, notices=list(report.notices),
                    sources=dict(report.sources))
    merged.findings = [f for f in report.findings if f.path not in fixed]
    merged.errors = [e for e in report.errors if e.path not in fixed]
    for path, relinted in fixed.items():
        merged.findings.extend(relinted.findings)
        merged.errors.extend(relinted.errors)
        merged.sources[path] = relinted.sources[path]
    return merged
