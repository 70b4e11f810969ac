from tests.rules.helpers import findings, lines

RULE = "CSD014"


def test_url_without_checksum_flagged() -> None:
    text = "FROM alpine:3.19\nADD https://example.com/tool.tar.gz /opt/\nADD git@github.com:o/r.git /src\n"
    assert lines(RULE, text) == [2, 3]


def test_checksum_passes() -> None:
    text = "FROM alpine:3.19\nADD --checksum=sha256:abc https://example.com/t.tgz /opt/\n"
    assert lines(RULE, text) == []


def test_local_files_pass() -> None:
    assert lines(RULE, "FROM alpine:3.19\nADD app.tgz /opt/\n") == []


def test_credentials_masked_and_arg_resolved() -> None:
    text = "FROM alpine:3.19\nARG U=https://bob:hunter2@example.com/x\nADD ${U} /x\n"
    found = findings(RULE, text)
    assert [f.line for f in found] == [3]
    assert "hunter2" not in found[0].message
    assert "https://***@example.com/x" in found[0].message


def test_onbuild() -> None:
    assert lines(RULE, "FROM alpine:3.19\nONBUILD ADD http://example.com/x /x\n") == [2]


def test_checkov_add_check_selects_it_with_the_local_add_rule():
    text = "FROM alpine:3.20\nADD https://example.com/tool.tar.gz /opt/\nADD app.py /app/\n"
    assert lines("CKV_DOCKER_4", text) == [2, 3]
