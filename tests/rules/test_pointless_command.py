import pytest

from tests.rules.helpers import findings, lines

RULE = "CSD037"


@pytest.mark.parametrize("script", ["service nginx start", "apt-get update && vim /etc/x", "sudo shutdown -h now",
                                    "ps aux | grep x", "sh -c 'top -b'", "kill -9 1", "mount /dev/sda1 /mnt"])
def test_flagged(script: str) -> None:
    assert lines(RULE, f"FROM debian:12\nRUN {script}\n") == [2]


def test_column_points_at_command() -> None:
    found = findings(RULE, "FROM debian:12\nRUN true && service x start\n")
    assert [(f.line, f.column) for f in found] == [(2, 13)]


@pytest.mark.parametrize("script", ["apt-get install -y vim openssh-client", "vim --version", "echo ps",
                                    "ssh-keygen -A", "git clone https://x/y"])
def test_passes(script: str) -> None:
    assert lines(RULE, f"FROM debian:12\nRUN {script}\n") == []


def test_ssh_with_ssh_mount_passes() -> None:
    assert lines(RULE, "FROM debian:12\nRUN --mount=type=ssh ssh -T git@github.com\n") == []
    assert lines(RULE, "FROM debian:12\nRUN ssh -T git@github.com\n") == [2]
