"""Changed lines of a pull request and reviewdog's filter modes over them.

A patch is a unified diff (GitHub's `patch` field of a pull request file, or `git diff` output). Only the
new (right) side matters: `+` lines are added, and every line inside a hunk (added or context) is part of
the diff, which is where a review comment may go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from containersec.findings import Finding, Stage

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass
class FileChange:
    added: set[int] = field(default_factory=set)
    in_diff: set[int] = field(default_factory=set)  # right-side lines inside hunks, added ones included
    whole_file: bool = False  # no patch (binary or too large): every line counts as changed


Changes = dict[str, FileChange]


def parse_patch(patch: str, change: FileChange | None = None) -> FileChange:
    change = change or FileChange()
    line = 0
    in_hunk = False
    for text in patch.splitlines():
        header = _HUNK.match(text)
        if header:
            line, in_hunk = int(header.group(1)), True
        elif not in_hunk or text.startswith("\\"):
            continue  # file headers before the first hunk; "\ No newline at end of file"
        elif text.startswith("+"):
            change.added.add(line)
            change.in_diff.add(line)
            line += 1
        elif text.startswith(" ") or text == "":
            change.in_diff.add(line)
            line += 1
        elif not text.startswith("-"):
            in_hunk = False  # the next file's "diff --git" header
    return change


def _git_path(text: str) -> str:
    """The path of a `+++ b/path` line, undoing git's C-style quoting of unusual names."""
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape").encode(
            "latin-1").decode("utf-8", "replace")
    return text[2:] if text.startswith("b/") else text


def parse_git_diff(text: str) -> Changes:
    """Split `git diff` output per file (new side) and parse each file's hunks."""
    changes: Changes = {}
    chunks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("diff --git "):
            chunks.append(("", []))
        elif line.startswith("+++ ") and chunks and not chunks[-1][0]:
            chunks[-1] = (line[4:].rstrip("\t"), chunks[-1][1])
        elif chunks:
            chunks[-1][1].append(line)
    for target, lines in chunks:
        if target and target != "/dev/null":
            changes[_git_path(target)] = parse_patch("\n".join(lines))
    return changes


def normalise(path: str) -> str:
    """`/`-separated, without `./` (on Windows `\\` separates too; elsewhere it is part of a name)."""
    return "/".join(part for part in PurePath(path).as_posix().split("/") if part not in ("", "."))


def _span(finding: Finding) -> range:
    return range(finding.line, (finding.end_line or finding.line) + 1)


def in_scope(finding: Finding, mode: str, changes: Changes | None) -> bool:
    """reviewdog's modes: any line of the finding is added / inside a hunk / in a changed file.

    Only build-stage findings are about the diff: a vulnerability or an image or registry finding is
    about the artifact, and counts whichever lines the pull request changed.
    """
    if mode == "nofilter" or changes is None or finding.stage is not Stage.BUILD:
        return True
    change = changes.get(normalise(finding.path))
    if change is None:
        return False
    if mode == "file" or change.whole_file:
        return True
    lines = change.added if mode == "added" else change.in_diff
    return any(line in lines for line in _span(finding))


def comment_line(finding: Finding, changes: Changes | None) -> int | None:
    """The first line of the finding that a review comment can be attached to (right side of a hunk)."""
    change = (changes or {}).get(normalise(finding.path))
    if change is None:
        return None
    return next((line for line in _span(finding) if line in change.in_diff), None)


def scope(findings: Iterable[Finding], mode: str, changes: Changes | None) -> list[Finding]:
    return [finding for finding in findings if in_scope(finding, mode, changes)]
