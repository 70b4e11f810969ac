"""Hostile and malformed input through the real CLI: a clear error naming the file, never a traceback.

Every case puts a well-formed Dockerfile on the same command line as the bad input and checks that it is
still linted and reported: one bad file must not stop the others.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from containersec import catalogue

GOOD = "good/Dockerfile"
GOOD_TEXT = "FROM alpine:latest\nRUN echo ok\n"  # one finding: the `latest` tag on line 1
SUBPROCESS_TIMEOUT = 60


@dataclass
class Run:
    returncode: int
    document: dict[str, object]
    stderr: str
    seconds: float

    @property
    def findings(self) -> list[dict[str, object]]:
        return self.document["findings"]  # type: ignore[return-value]

    @property
    def errors(self) -> list[dict[str, str]]:
        return self.document["errors"]  # type: ignore[return-value]

    def rule_lines(self, path: str, rule_id: str) -> list[int]:
        return [int(f["line"]) for f in self.findings if f["path"] == path and f["rule"] == rule_id]


def lint(cwd: Path, *paths: str) -> Run:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "containersec", "lint", "--format", "json", *paths],
        cwd=cwd, capture_output=True, timeout=SUBPROCESS_TIMEOUT, check=False,
    )
    seconds = time.perf_counter() - started
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return Run(result.returncode, json.loads(result.stdout), stderr, seconds)


def rule_id(alias: str) -> str:
    (found,) = catalogue.resolve(alias)
    return found.id


LATEST = rule_id("DL3007")
MAINTAINER = rule_id("DL4000")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "good").mkdir()
    (tmp_path / GOOD).write_text(GOOD_TEXT, encoding="utf-8")
    return tmp_path


def write(root: Path, name: str, content: bytes) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def assert_input_error(run: Run, path: str) -> str:
    """The run failed with exit 2 on `path` alone, still reporting the good file; returns the message."""
    assert run.returncode == 2, (run.returncode, run.document, run.stderr)
    assert [e["path"] for e in run.errors] == [path], run.errors
    message = run.errors[0]["message"]
    assert message.strip(), "empty error message"
    assert path in run.stderr, f"stderr does not name {path}: {run.stderr!r}"
    assert run.rule_lines(GOOD, LATEST) == [1], run.findings
    return message


INVALID_UTF8 = b"FROM alpine:latest\nRUN echo \xff\xfe done\n"

# Input that cannot be read as text: file content, and a pattern its error message must match.
UNREADABLE_CONTENT: dict[str, tuple[bytes, str]] = {
    "empty": (b"", r"empty"),
    "whitespace-only": (b"  \n\n\t\n", r"empty|no instructions"),
    "binary": (b"FROM alpine:latest\n\x00\x01\x02\x7fELF\x00\x00RUN x\n", r"binary|NUL"),
    "invalid-utf8": (INVALID_UTF8, rf"UTF-8.*\b{INVALID_UTF8.index(0xFF)}\b"),
    "too-large": (b"FROM alpine:latest\n" + b"RUN echo " + b"x" * (5 * 1024 * 1024) + b"\n", r"large|MiB"),
}
# Text that is not a valid Dockerfile: the rest of the file may still be checked, but the run fails.
INVALID_DOCKERFILE: dict[str, tuple[bytes, str]] = {
    "unterminated-heredoc": (b"FROM alpine\nRUN <<EOF\necho one\necho two\n", r"heredoc.*EOF"),
    "broken-json-form": (b'FROM alpine\nCMD ["a", "b"\n', r"JSON"),
    "unknown-instruction": (b"FORM alpine\nRUN echo hi\n", r"FORM"),
}


@pytest.mark.parametrize("case", UNREADABLE_CONTENT, ids=str)
def test_unreadable_content_is_an_input_error(workdir: Path, case: str) -> None:
    content, expected = UNREADABLE_CONTENT[case]
    bad = write(workdir, f"{case}/Dockerfile", content)
    run = lint(workdir, bad, GOOD)
    message = assert_input_error(run, bad)
    assert re.search(expected, message, re.IGNORECASE | re.DOTALL), message
    # Leniently decoded or truncated text must not be linted as if it were the file.
    assert [f for f in run.findings if f["path"] == bad] == []


@pytest.mark.parametrize("case", INVALID_DOCKERFILE, ids=str)
def test_invalid_dockerfile_is_an_input_error(workdir: Path, case: str) -> None:
    content, expected = INVALID_DOCKERFILE[case]
    bad = write(workdir, f"{case}/Dockerfile", content)
    message = assert_input_error(lint(workdir, bad, GOOD), bad)
    assert re.search(expected, message, re.IGNORECASE | re.DOTALL), message


def test_missing_path_is_an_input_error(workdir: Path) -> None:
    assert_input_error(lint(workdir, "nowhere/Dockerfile", GOOD), "nowhere/Dockerfile")


def test_dangling_symlink_is_an_input_error(workdir: Path) -> None:
    (workdir / "link").mkdir()
    (workdir / "link" / "Dockerfile").symlink_to(workdir / "gone")
    assert_input_error(lint(workdir, "link/Dockerfile", GOOD), "link/Dockerfile")


def unix_socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()  # the socket file stays on disk


def fifo(path: Path) -> None:
    os.mkfifo(path)


# Unreadable even for root, who ignores file permissions: opening a socket fails (ENXIO), and a FIFO
# with no writer would block a naive reader forever; both must become an error, not a hang.
@pytest.mark.parametrize("make_special_file", [unix_socket, fifo], ids=["socket", "fifo"])
def test_special_file_is_an_input_error(workdir: Path, make_special_file: Callable[[Path], None]) -> None:
    (workdir / "special").mkdir()
    make_special_file(workdir / "special" / "Dockerfile")
    assert_input_error(lint(workdir, "special/Dockerfile", GOOD), "special/Dockerfile")


@pytest.fixture
def unreadable(workdir: Path) -> Iterator[str]:
    path = workdir / "locked" / "Dockerfile"
    path.parent.mkdir()
    path.write_text(GOOD_TEXT, encoding="utf-8")
    path.chmod(0)
    yield "locked/Dockerfile"
    path.chmod(0o644)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode (see the socket case)")
def test_permission_denied_is_an_input_error(workdir: Path, unreadable: str) -> None:
    assert_input_error(lint(workdir, unreadable, GOOD), unreadable)


def test_directory_named_dockerfile(workdir: Path) -> None:
    (workdir / "project" / "Dockerfile").mkdir(parents=True)
    (workdir / "project" / "Dockerfile" / "notes.txt").write_text("FROM alpine:latest\n", encoding="utf-8")
    write(workdir, "project/app/Dockerfile", GOOD_TEXT.encode())

    walked = lint(workdir, "project")
    assert walked.returncode == 1, (walked.document, walked.stderr)
    assert walked.errors == []
    assert walked.rule_lines("project/app/Dockerfile", LATEST) == [1]

    named = lint(workdir, "project/Dockerfile", GOOD)
    assert_input_error(named, "project/Dockerfile")


def test_utf8_bom_lints_normally(workdir: Path) -> None:
    bom = write(workdir, "bom/Dockerfile", "\ufeffFROM alpine:latest\nMAINTAINER someone\n".encode())
    run = lint(workdir, bom, GOOD)
    assert run.returncode == 1, (run.document, run.stderr)
    assert run.errors == []
    assert run.rule_lines(bom, LATEST) == [1]
    assert run.rule_lines(bom, MAINTAINER) == [2]
    assert run.rule_lines(GOOD, LATEST) == [1]


def test_crlf_line_ends_lint_normally(workdir: Path) -> None:
    text = "FROM alpine:latest\r\nRUN echo one \\\r\n    && echo two\r\n\r\nMAINTAINER someone\r\n"
    crlf = write(workdir, "crlf/Dockerfile", text.encode())
    run = lint(workdir, crlf, GOOD)
    assert run.returncode == 1, (run.document, run.stderr)
    assert run.errors == []
    assert run.rule_lines(crlf, LATEST) == [1]
    assert run.rule_lines(crlf, MAINTAINER) == [5]
    assert not [f for f in run.findings if "\r" in str(f["message"])]


def test_ten_thousand_continuation_lines(workdir: Path) -> None:
    continued = "".join(f"    && echo line{i} \\\n" for i in range(10_000))
    text = f"FROM alpine:3.20\nRUN echo start \\\n{continued}    && echo end\nMAINTAINER someone\n"
    long_run = write(workdir, "long/Dockerfile", text.encode())
    run = lint(workdir, long_run, GOOD)
    assert run.errors == []
    assert run.rule_lines(long_run, MAINTAINER) == [10_004]
    assert run.seconds < 10, f"{run.seconds:.1f} s"


# One-line RUN instructions of about 1 MB, shaped to trip regular expressions that backtrack.
MEGABYTE_RUNS = {
    "command-chain": 'echo "a b" \'c d\' $HOME ${X:-y} `id` && curl -fsSL http://x/y | tee z ; ',
    "one-long-word": "a",
    "spaces": " ",
    "backslashes": "\\\\ ",
    "open-quotes": "\"'",
    "package-list": "apt-get install -y pkg=1.0 other ",
    "package-sources": "printf 'URIs: http://a.example/\\ndeb [arch=amd64] http://b.example/ s\\nindex-url=http://c/' "
                       ">> /etc/x ; curl http://k/key.asc | gpg --import ; ",
}


@pytest.mark.parametrize("case", MEGABYTE_RUNS, ids=str)
def test_one_megabyte_run_line_is_fast(workdir: Path, case: str) -> None:
    unit = MEGABYTE_RUNS[case]
    body = unit * (1024 * 1024 // len(unit))
    text = f"FROM alpine:3.20\nRUN echo {body}x\nMAINTAINER someone\n"
    big = write(workdir, "big/Dockerfile", text.encode())
    run = lint(workdir, big, GOOD)
    assert run.seconds < 10, f"{run.seconds:.1f} s"
    assert run.returncode in (1, 2), (run.returncode, run.stderr)
    if run.errors:
        # An unterminated quote may be reported as a problem, but only as this file's input error.
        assert [e["path"] for e in run.errors] == [big]
    else:
        assert run.rule_lines(big, MAINTAINER) == [3]
    assert run.rule_lines(GOOD, LATEST) == [1]


DEPTH = 1_000
ONBUILD = rule_id("DL3043")
# Nesting deep enough to exhaust Python's stack if a parser step or a rule recursed on it.
DEEPLY_NESTED = {
    **{f"json-{keyword.split()[0].lower()}": f"{keyword} {'[' * DEPTH}{']' * DEPTH}"
       for keyword in ("CMD", "RUN", "ENTRYPOINT", "SHELL", "HEALTHCHECK CMD")},
    "json-in-a-list": f'CMD ["a", {"[" * DEPTH}{"]" * DEPTH}]',
    "onbuild-chain": "ONBUILD " * DEPTH + "RUN echo hi",
}


@pytest.mark.parametrize("case", DEEPLY_NESTED, ids=str)
def test_deep_nesting_lints_without_an_internal_error(workdir: Path, case: str) -> None:
    text = f"FROM alpine:3.20\n{DEEPLY_NESTED[case]}\nMAINTAINER someone\n"
    deep = write(workdir, f"{case}/Dockerfile", text.encode())
    run = lint(workdir, deep, GOOD)
    assert not [e for e in run.errors if "internal error" in e["message"]], run.errors
    assert run.rule_lines(deep, MAINTAINER) == [3]
    assert run.rule_lines(GOOD, LATEST) == [1]
    if case == "onbuild-chain":
        assert run.rule_lines(deep, ONBUILD) == [2]
