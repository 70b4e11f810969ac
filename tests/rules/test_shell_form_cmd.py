import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD028"


def apply_fixes(text: str) -> str:
    edits = sorted((e for f in findings(RULE, text) for e in f.edits), key=lambda e: e.start, reverse=True)
    for edit in edits:
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


def test_shell_forms_flagged() -> None:
    text = 'FROM alpine:3.19\nCMD gunicorn app:app\nENTRYPOINT /entry.sh\nCMD ["a"]\nENTRYPOINT ["b"]\n'
    assert lines(RULE, text) == [2, 3]


def test_healthcheck_not_flagged() -> None:
    assert lines(RULE, "FROM alpine:3.19\nHEALTHCHECK CMD curl -f http://localhost/\n") == []


def test_fix_simple_cmd() -> None:
    text = "FROM alpine:3.19\nCMD   gunicorn -b 0.0.0.0:8000 app:app  \nUSER 1\n"
    fixed = apply_fixes(text)
    assert fixed == 'FROM alpine:3.19\nCMD   ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]  \nUSER 1\n'
    assert lines(RULE, fixed) == []


def test_fix_entrypoint_without_cmd_and_crlf() -> None:
    text = "FROM alpine:3.19\r\nENTRYPOINT /usr/bin/app --serve\r\n"
    assert apply_fixes(text) == 'FROM alpine:3.19\r\nENTRYPOINT ["/usr/bin/app", "--serve"]\r\n'


@pytest.mark.parametrize("command", ["app $PORT", "app 'a b'", "app | tee x", "app > log", "app *.txt",
                                     "app ~/x", "exec app", "FOO=1 app", "app && other", "app; other",
                                     "app # comment", "cd /x", "app \\$x"])
def test_no_fix_when_shell_matters(command: str) -> None:
    found = findings(RULE, f"FROM alpine:3.19\nCMD {command}\n")
    assert len(found) == 1
    assert found[0].edits == ()


def test_no_fix_for_entrypoint_with_cmd_in_lineage() -> None:
    text = 'FROM alpine:3.19 AS base\nCMD ["x"]\nFROM base\nENTRYPOINT app\n'
    assert [f.edits for f in findings(RULE, text)] == [()]


def test_no_fix_on_continuation_non_posix_shell_or_onbuild() -> None:
    text = ('FROM alpine:3.19\nCMD app \\\n  --x\nONBUILD CMD app\nSHELL ["powershell", "-Command"]\n'
            "CMD app.exe\n")
    found = findings(RULE, text)
    assert [f.line for f in found] == [2, 4, 6]
    assert all(f.edits == () for f in found)


def test_cmd_under_an_entrypoint_is_reported_but_not_rewritten() -> None:
    (finding,) = findings("CSD028", """
        FROM alpine:3.20
        ENTRYPOINT ["http"]
        CMD --help
    """)
    assert finding.line == 3 and finding.edits == ()
