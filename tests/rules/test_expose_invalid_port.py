import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD023"


@pytest.mark.parametrize(("ports", "reason"), [("80800", "out of range"), ("80/http", "protocol"),
                                                ("9000-8000", "reversed"), ("65530-70000", "out of range"),
                                                ("http", "not a port")])
def test_invalid_flagged(ports: str, reason: str) -> None:
    found = findings(RULE, f"FROM alpine:3.19\nEXPOSE {ports}\n")
    assert [f.line for f in found] == [2]
    assert reason in found[0].message


@pytest.mark.parametrize("ports", ["0", "65535", "80/tcp 53/udp 132/sctp", "8000-8010", "$PORT", "${P:-80}"])
def test_valid_passes(ports: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nARG PORT\nEXPOSE {ports}\n") == []


def test_env_resolved() -> None:
    assert lines(RULE, "FROM alpine:3.19\nENV P=99999\nEXPOSE $P\n") == [3]
