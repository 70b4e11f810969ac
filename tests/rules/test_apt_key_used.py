from pathlib import Path

from tests.rules.helpers import findings, lines


def test_apt_key_and_the_global_keyring() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://example.com/key.gpg | apt-key add -
        RUN apt-key adv --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /etc/apt/trusted.gpg.d/example.gpg
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor > /etc/apt/trusted.gpg.d/example.gpg
        RUN wget -qO- https://example.com/key.asc | tee /etc/apt/trusted.gpg.d/example.asc
        COPY example.gpg /etc/apt/trusted.gpg.d/
        """
    assert lines("CSD145", text) == [2, 3, 4, 5, 6, 7]


def test_third_party_source_without_signed_by(tmp_path: Path) -> None:
    (tmp_path / "example.sources").write_text("Types: deb\nURIs: https://apt.example.com/debian\n"
                                              "Suites: bookworm\nComponents: main\n")
    text = """
        FROM debian:12
        RUN echo "deb https://apt.example.com/debian bookworm main" > /etc/apt/sources.list.d/example.list
        COPY example.sources /etc/apt/sources.list.d/
        """
    assert lines("CSD145", text, path=str(tmp_path / "Dockerfile")) == [2, 3]


def test_signed_by_keyrings_and_distribution_archives_pass() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /etc/apt/keyrings/example.gpg \\
         && echo "deb [signed-by=/etc/apt/keyrings/example.gpg] https://apt.example.com stable main" \\
              > /etc/apt/sources.list.d/example.list
        RUN printf 'Types: deb\\nURIs: https://apt.example.com/debian\\nSigned-By: /etc/apt/keyrings/x.gpg\\n' \\
              > /etc/apt/sources.list.d/example.sources
        RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/bp.list
        RUN echo "deb https://mirrors.example.cn/debian bookworm main" > /etc/apt/sources.list
        RUN apt-key list && rm -f /etc/apt/trusted.gpg.d/old.gpg
        """
    assert lines("CSD145", text) == []


def test_message_gives_the_signed_by_fix() -> None:
    [finding] = findings("CSD145", "FROM a\nRUN apt-key add /tmp/key.gpg\n")
    assert "signed-by" in finding.message and "every apt repository" in finding.message
