from tests.rules.helpers import findings, lines


def test_empty_password_forms() -> None:
    text = """
        FROM debian:12
        RUN passwd -d root
        RUN passwd --delete app
        RUN usermod -p '' root
        RUN useradd --password "" -m app
        RUN echo 'root:' | chpasswd
        RUN printf 'app:secret\\nroot:\\n' | chpasswd
        RUN sh -c 'sudo passwd -d app'
        """
    assert lines("DKL-LI-0001", text) == [2, 3, 4, 5, 6, 7, 8]


def test_passwords_and_locks_pass() -> None:
    text = """
        FROM debian:12
        RUN passwd -l root
        RUN usermod -p '*' app && useradd -m app
        RUN echo 'app:x' | chpasswd
        RUN echo 'root:' > /tmp/notes
        """
    assert lines("CSD093", text) == []


def test_message_and_column() -> None:
    [finding] = findings("empty-password", "FROM a\nRUN passwd -d root\n")
    assert "passwd -l" in finding.message
    assert finding.column == 12
