"""Which lines a pull request changes: from the pull request's files (PyGithub), else from `git diff`.

GitHub omits `patch` for binary or very large diffs and lists at most 3000 files; then the local
`git diff base...head` (needs the base commit: `fetch-depth: 0`) fills in.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from containersec.github.client import describe, log
from containersec.github.context import OBJECT_NAME
from containersec.github.diff import Changes, FileChange, parse_git_diff, parse_patch

if TYPE_CHECKING:
    from github.Repository import Repository

FILES_CAP = 3000


class DiffUnavailable(Exception):
    pass


def git_diff(workspace: Path, base_sha: str, head_sha: str) -> Changes:
    if not (base_sha and head_sha):
        raise DiffUnavailable("the pull request's base or head commit is not known, so git cannot diff them")
    if not (OBJECT_NAME.fullmatch(base_sha) and OBJECT_NAME.fullmatch(head_sha)):
        raise DiffUnavailable("the pull request's base or head is not a commit's object name")
    # The revisions come after --end-of-options: nothing in them can be read as an option (`--output=...`).
    command = ["git", "-C", str(workspace), "diff", "--no-color", "--no-ext-diff", "--unified=3",
               "--find-renames", "--end-of-options", f"{base_sha}...{head_sha}", "--"]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise DiffUnavailable(f"cannot run git: {exc}") from None
    if done.returncode:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise DiffUnavailable(f"git diff {base_sha}...{head_sha} failed ({' '.join(problem)}); "
                              "check out with fetch-depth: 0")
    return parse_git_diff(done.stdout.decode("utf-8", "surrogateescape"))


def api_changes(repo: Repository, number: int) -> tuple[Changes, list[str], bool]:
    """Changes from the pull request's files, the files without a patch, and whether the list is capped."""
    pull = repo.get_pull(number)
    changes: Changes = {}
    without_patch = []
    listed = 0
    for file in pull.get_files():
        listed += 1
        if file.status == "removed":
            continue
        if file.patch is None:
            without_patch.append(file.filename)
            changes[file.filename] = FileChange(whole_file=True)
        else:
            changes[file.filename] = parse_patch(file.patch)
    capped = listed >= FILES_CAP or pull.changed_files > listed
    return changes, without_patch, capped


def pull_request_changes(repo: Repository | None, number: int, workspace: Path, base_sha: str,
                         head_sha: str) -> Changes | None:
    """The changed lines, or None when neither GitHub nor git can tell (then nothing is filtered out)."""
    changes: Changes = {}
    without_patch: list[str] = []
    capped = True
    if repo is not None:
        try:
            changes, without_patch, capped = api_changes(repo, number)
        except Exception as exc:
            log(f"cannot list the pull request's files ({describe(exc)}); using git diff")
    if not capped and not without_patch:
        return changes
    try:
        local = git_diff(workspace, base_sha, head_sha)
    except DiffUnavailable as exc:
        if repo is not None and not capped:
            log(f"{exc}; files without a patch count as changed throughout: {', '.join(without_patch)}")
            return changes
        log(f"{exc}; findings are not filtered by the diff")
        return None
    if capped:
        return local
    changes.update({name: local[name] for name in without_patch if name in local})
    return changes
