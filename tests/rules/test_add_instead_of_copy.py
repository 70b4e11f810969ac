import pytest

from containersec.build.engine import lint_text
from containersec.config import Config
from tests.rules.helpers import findings, lines

RULE = "CSD013"


def apply_fixes(text: str) -> str:
    edits = sorted((e for f in findings(RULE, text) for e in f.edits), key=lambda e: e.start, reverse=True)
    for edit in edits:
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


@pytest.mark.parametrize("sources", ["app.py", "src/ .", "--chown=1000:1000 conf /etc/x", "<<EOF"])
def test_local_sources_flagged(sources: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nADD {sources} /dst/\n") == [2]


@pytest.mark.parametrize("sources", ["https://example.com/x.sh", "git@github.com:o/r.git",
                                     "rootfs.tar.xz", "app.tgz", "data.tar.bz2", "blob.gz",
                                     "app.py rootfs.tar.gz", "${URL}", "http://x/a.zip"])
def test_remote_archive_and_unknown_sources_pass(sources: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nARG URL\nADD {sources} /dst/\n") == []


def test_arg_resolved_source() -> None:
    assert lines(RULE, "FROM alpine:3.19\nARG F=app.py\nADD $F /dst/\n") == [3]
    assert lines(RULE, "FROM alpine:3.19\nARG F=https://x/y\nADD $F /dst/\n") == []


def test_json_form_and_onbuild() -> None:
    assert lines(RULE, 'FROM alpine:3.19\nADD ["a b", "/dst/"]\nONBUILD ADD . /app\n') == [2, 3]


def test_fix_rewrites_keyword_only() -> None:
    text = "FROM alpine:3.19\n  add --chown=app conf /etc/x\nONBUILD ADD . /app\nADD \\\n  a \\\n  /b/\n"
    fixed = apply_fixes(text)
    assert fixed == ("FROM alpine:3.19\n  COPY --chown=app conf /etc/x\nONBUILD COPY . /app\n"
                     "COPY \\\n  a \\\n  /b/\n")
    assert lines(RULE, fixed) == []
    assert not lint_text(fixed, "Dockerfile", Config()).errors


def test_crlf_fix() -> None:
    text = "FROM alpine:3.19\r\nADD a /b/\r\n"
    assert apply_fixes(text) == "FROM alpine:3.19\r\nCOPY a /b/\r\n"


def test_add_only_flag_blocks_fix() -> None:
    found = findings(RULE, "FROM alpine:3.19\nADD --unpack=false ./dir /dst/\n")
    assert [f.line for f in found] == [2]
    assert found[0].edits == ()
    assert not found[0].fixable
