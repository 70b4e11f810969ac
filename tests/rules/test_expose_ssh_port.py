import pytest

from tests.rules.helpers import lines

RULE = "CSD022"


@pytest.mark.parametrize("ports", ["22", "22/tcp", "22/UDP", "80 22", "20-25", "20-25/udp"])
def test_ssh_flagged(ports: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nEXPOSE {ports}\n") == [2]


@pytest.mark.parametrize("ports", ["2222", "220", "80 443", "23-30", "$PORT"])
def test_other_ports_pass(ports: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nEXPOSE {ports}\n") == []


def test_arg_resolved() -> None:
    assert lines(RULE, "FROM alpine:3.19\nARG P=22\nEXPOSE ${P}/tcp\n") == [3]
