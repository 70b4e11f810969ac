import pytest

from containersec.build.rules.setuid_bit_set import special_bits
from tests.rules.helpers import findings, lines


@pytest.mark.parametrize(("mode", "bits"), [
    ("+s", "setuid and setgid"), ("u+s", "setuid"), ("g+s", "setgid"), ("ug+xs", "setuid and setgid"),
    ("u=rwxs,go=rx", "setuid"), ("4755", "setuid"), ("2755", "setgid"), ("6755", "setuid and setgid"),
    ("04755", "setuid"), ("0755", None), ("755", None), ("1777", None), ("u-s", None), ("o+t", None),
    ("a+rx", None),
])
def test_special_bits(mode: str, bits: str | None) -> None:
    assert special_bits(mode) == bits


def test_chmod_install_and_copy_chmod() -> None:
    text = """
        FROM debian:12
        RUN chmod u+s /usr/local/bin/tool
        RUN chmod -R 4755 /opt/bin/ping
        RUN install -m 6755 tool /usr/local/bin/tool
        COPY --chmod=4755 tool /usr/local/bin/tool
        ONBUILD RUN chmod +s /x
        """
    assert lines("CIS-DI-0008", text) == [2, 3, 4, 5, 6]


def test_ordinary_modes_pass() -> None:
    text = """
        FROM debian:12
        RUN chmod 755 /x && chmod u-s /usr/bin/passwd && chmod 1777 /tmp
        COPY --chmod=0644 a /a
        RUN install -m 0755 tool /usr/local/bin/tool
        """
    assert lines("CSD094", text) == []


def test_message_names_mode_and_bit() -> None:
    [finding] = findings("setuid-bit-set", "FROM a\nRUN chmod 2755 /d\n")
    assert "2755" in finding.message and "setgid" in finding.message


def test_install_of_a_directory_is_not_flagged() -> None:
    # The official postgres images: setgid and sticky on the socket directory.
    text = "FROM a\nRUN install --verbose --directory --owner postgres --mode 3777 /var/run/postgresql\n"
    assert lines("CSD094", text) == []
