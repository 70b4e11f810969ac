"""Changed lines from patches and `git diff`, and reviewdog's filter modes over them."""

from __future__ import annotations

import subprocess

import pytest

from containersec.findings import Finding, Severity, Stage
from containersec.github.changes import DiffUnavailable, git_diff
from containersec.github.diff import comment_line, in_scope, normalise, parse_git_diff, parse_patch

PATCH = """@@ -1,4 +1,5 @@
 FROM alpine:3.20
-RUN old
+RUN new
+RUN added
 USER 1000
 CMD ["x"]
@@ -20,2 +21,3 @@ LABEL a=1
 LABEL b=2
+LABEL c=3
\\ No newline at end of file
"""


def finding(path: str, line: int, end_line: int | None = None) -> Finding:
    return Finding("CSD999", "test-rule", Severity.WARNING, Stage.BUILD, path, line, "m", end_line)


def test_patch_added_and_hunk_lines():
    change = parse_patch(PATCH)
    assert change.added == {2, 3, 22}
    assert change.in_diff == {1, 2, 3, 4, 5, 21, 22}


@pytest.mark.parametrize(("mode", "line", "expected"), [
    ("added", 2, True), ("added", 1, False), ("added", 10, False),
    ("diff_context", 1, True), ("diff_context", 10, False),
    ("file", 10, True), ("nofilter", 10, True),
])
def test_filter_modes(mode, line, expected):
    changes = {"app/Dockerfile": parse_patch(PATCH)}
    assert in_scope(finding("./app/Dockerfile", line), mode, changes) is expected


def test_unchanged_file_is_out_of_scope_except_with_nofilter():
    changes = {"app/Dockerfile": parse_patch(PATCH)}
    assert not in_scope(finding("other/Dockerfile", 2), "file", changes)
    assert in_scope(finding("other/Dockerfile", 2), "nofilter", changes)


def test_multi_line_finding_counts_when_any_line_is_added_and_comments_on_a_diff_line():
    changes = {"Dockerfile": parse_patch(PATCH)}
    spanning = finding("Dockerfile", 19, 22)
    assert in_scope(spanning, "added", changes)
    assert comment_line(spanning, changes) == 21
    assert comment_line(finding("Dockerfile", 10), changes) is None


def test_file_without_patch_counts_throughout():
    from containersec.github.diff import FileChange

    changes = {"Dockerfile": FileChange(whole_file=True)}
    assert in_scope(finding("Dockerfile", 300), "added", changes)
    assert comment_line(finding("Dockerfile", 300), changes) is None


def test_normalise_keeps_backslashes_and_odd_characters_on_posix():
    assert normalise("./we,ird:dir//a\\b/./Dockerfile") == "we,ird:dir/a\\b/Dockerfile"


def run_git(root, *args) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def commit(root, message: str) -> str:
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", message)
    return run_git(root, "rev-parse", "HEAD")


def test_git_diff_against_the_base_with_unusual_names(tmp_path):
    odd = "sp ace/é,:\"q\"/Dockerfile"
    run_git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "keep").write_text("1\n2\n3\n")
    (tmp_path / "gone").write_text("x\n")
    base = commit(tmp_path, "base")
    (tmp_path / odd).parent.mkdir(parents=True)
    (tmp_path / odd).write_text("FROM a\nRUN b\n")
    (tmp_path / "keep").write_text("1\nTWO\n3\n")
    (tmp_path / "gone").unlink()
    head = commit(tmp_path, "head")
    changes = git_diff(tmp_path, base, head)
    assert set(changes) == {odd, "keep"}
    assert changes[odd].added == {1, 2}
    assert changes["keep"].added == {2} and changes["keep"].in_diff == {1, 2, 3}


def test_git_diff_without_the_base_commit_says_how_to_fix_it(tmp_path):
    run_git(tmp_path, "init", "-q")
    with pytest.raises(DiffUnavailable, match="fetch-depth: 0"):
        git_diff(tmp_path, "0" * 40, "1" * 40)


def test_parse_git_diff_ignores_deleted_files():
    text = ("diff --git a/x b/x\ndeleted file mode 100644\n--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n"
            "diff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n")
    assert set(parse_git_diff(text)) == {"y"}
