from tests.rules.helpers import lines


def test_keys_fetched_over_http() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL http://example.com/key.gpg | apt-key add -
        RUN curl -fsSL http://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
        RUN wget -O /etc/apt/keyrings/example.asc http://example.com/key.asc
        RUN rpm --import http://rpm.example.com/RPM-GPG-KEY-example
        RUN apt-key adv --fetch-keys http://example.com/key.asc
        RUN printf '[x]\\nbaseurl=https://rpm.example.com/\\ngpgkey=http://rpm.example.com/key\\n' \\
              > /etc/yum.repos.d/x.repo
        ADD http://example.com/key.gpg /usr/share/keyrings/example.gpg
        """
    assert lines("CSD144", text) == [2, 3, 4, 5, 6, 7, 9]


def test_https_keys_and_other_downloads_pass() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
        RUN curl -fsSL http://example.com/tool.tar.gz -o /tmp/tool.tar.gz
        RUN rpm --import https://rpm.example.com/RPM-GPG-KEY-example
        RUN gpg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4
        """
    assert lines("CSD144", text) == []
