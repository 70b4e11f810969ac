import pytest

from containersec.findings import Severity
from tests.rules.helpers import findings, lines

RULE = "CSD033"


@pytest.mark.parametrize("user", ["app", "app:app", "root", "app:1000"])
def test_names_flagged(user: str) -> None:
    found = findings(RULE, f"FROM alpine:3.19\nUSER {user}\n")
    assert [f.line for f in found] == [2]
    assert found[0].severity is Severity.INFO


@pytest.mark.parametrize("user", ["10001", "10001:10001", "0", "$APP_UID", "${UID}:${GID}", "1000:app"])
def test_numeric_or_variable_passes(user: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\nUSER {user}\n") == []
