from pathlib import Path

from containersec.build.engine import lint_text
from containersec.config import Config
from tests.rules.helpers import findings, lines

RULE = "CSD030"


def apply_fixes(text: str) -> str:
    """The text with the rule's edits applied (no dedenting: offsets refer to `text` as given)."""
    report = lint_text(text, "Dockerfile", Config(select=[RULE]))
    edits = sorted((e for f in report.findings for e in f.edits), key=lambda e: e.start, reverse=True)
    for edit in edits:
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


def test_flagged() -> None:
    assert lines(RULE, "FROM alpine:3.19\nMAINTAINER Jane <jane@example.com>\nmaintainer x\n") == [2, 3]


def test_fix_to_oci_label() -> None:
    text = 'FROM alpine:3.19\n  MAINTAINER Jane "JD" Doe <jane@example.com>  \nRUN true\n'
    fixed = apply_fixes(text)
    assert fixed == ('FROM alpine:3.19\n  LABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe '
                     '<jane@example.com>"  \nRUN true\n')
    assert lines(RULE, fixed) == []
    assert not lint_text(fixed, "Dockerfile", Config()).errors


def test_fix_escapes_dollar_and_keeps_unicode_and_crlf() -> None:
    text = "FROM alpine:3.19\r\nMAINTAINER Zoë $USER\r\n"
    assert apply_fixes(text) == 'FROM alpine:3.19\r\nLABEL org.opencontainers.image.authors="Zoë \\$USER"\r\n'


def test_no_fix_for_continuation_onbuild_or_backtick_escape() -> None:
    text = "FROM alpine:3.19\nMAINTAINER a \\\n  b\nONBUILD MAINTAINER c\n"
    found = findings(RULE, text)
    assert [f.line for f in found] == [2, 4]
    assert all(f.edits == () for f in found)
    assert findings(RULE, "# escape=`\nFROM alpine:3.19\nMAINTAINER x\n")[0].edits == ()


def test_label_passes() -> None:
    assert lines(RULE, 'FROM alpine:3.19\nLABEL org.opencontainers.image.authors="x"\n') == []


def test_fix_on_corpus_files() -> None:
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dockerfiles"
    paths = [p for p in sorted(corpus.glob("*/*Dockerfile*")) if "\nMAINTAINER" in p.read_text("utf-8", "replace")]
    assert paths
    for path in paths:
        text = path.read_text("utf-8")
        fixed = apply_fixes(text)
        assert not lint_text(fixed, "Dockerfile", Config(select=[RULE])).findings, path
        assert apply_fixes(fixed) == fixed
        before, after = text.split("\n"), fixed.split("\n")
        assert len(before) == len(after)
        changed = [old for old, new in zip(before, after, strict=True) if old != new]
        assert changed and all(old.lstrip().upper().startswith("MAINTAINER") for old in changed), path
        assert not lint_text(fixed, "Dockerfile", Config()).errors
