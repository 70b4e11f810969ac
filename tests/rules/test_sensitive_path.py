import pytest

from tests.rules.helpers import lines

RULE = "CSD020"


@pytest.mark.parametrize("line", ["WORKDIR /proc", "WORKDIR /dev/shm/x", "VOLUME /sys", "VOLUME /data /dev",
                                  'VOLUME ["/boot"]', "WORKDIR /lost+found", "VOLUME /proc/", "WORKDIR /x/../sys"])
def test_system_directories_flagged(line: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\n{line}\n") == [2]


@pytest.mark.parametrize("line", ["WORKDIR /process", "VOLUME /data", "WORKDIR /devtools", "VOLUME /var/lib/sys"])
def test_other_paths_pass(line: str) -> None:
    assert lines(RULE, f"FROM alpine:3.19\n{line}\n") == []


def test_arg_resolved() -> None:
    assert lines(RULE, "FROM alpine:3.19\nARG D=/sys\nVOLUME $D\n") == [3]
