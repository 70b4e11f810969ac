from pathlib import Path

from tests.rules.helpers import findings, lines


def test_apt_apk_and_rpm_sources_over_http() -> None:
    text = """
        FROM debian:12
        RUN echo "deb http://apt.example.com/debian bookworm main" > /etc/apt/sources.list.d/example.list
        RUN printf 'Types: deb\\nURIs: http://apt.example.com/debian\\n' > /etc/apt/sources.list.d/example.sources
        RUN apk add --repository http://dl-cdn.alpinelinux.org/alpine/edge/testing tool=1.0-r0
        RUN echo "http://mirror.example.com/alpine/v3.20/main" >> /etc/apk/repositories
        RUN printf '[internal]\\nbaseurl=http://rpm.example.com/el9/\\n' > /etc/yum.repos.d/internal.repo
        RUN dnf install -y --repofrompath=internal,http://rpm.example.com/el9/ tool-1.0
        RUN yum-config-manager --add-repo http://rpm.example.com/internal.repo
        RUN zypper addrepo http://rpm.example.com/sles/ internal
        RUN repo="[ signed-by=/usr/share/keyrings/x.gpg ] http://apt.example.com/debian bookworm main"; \
            echo "deb $repo" > /etc/apt/sources.list.d/x.list
        """
    assert lines("CSD141", text) == [2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_sources_list_copied_from_the_build_context(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb https://deb.debian.org/debian bookworm main\n"
                                           "deb http://apt.example.com/debian bookworm main\n")
    (tmp_path / "repositories").write_text("https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n")
    found = findings("CSD141", "FROM debian:12\nCOPY sources.list /etc/apt/sources.list\n"
                     "COPY repositories /etc/apk/repositories\n", path=str(tmp_path / "Dockerfile"))
    assert [(f.line, "sources.list (line 2)" in f.message) for f in found] == [(2, True)]


def test_https_repositories_pass() -> None:
    text = """
        FROM debian:12
        RUN echo "deb [signed-by=/etc/apt/keyrings/x.gpg] https://apt.example.com/debian bookworm main" \\
              > /etc/apt/sources.list.d/example.list
        RUN apk add --repository https://dl-cdn.alpinelinux.org/alpine/edge/testing tool=1.0-r0
        RUN printf '[internal]\\nbaseurl=https://rpm.example.com/el9/\\n' > /etc/yum.repos.d/internal.repo
        RUN echo "deb http://apt.example.com/debian bookworm main"
        """
    assert lines("CSD141", text) == []


def test_sources_written_by_copy_heredoc() -> None:
    text = """
        FROM debian:12
        COPY <<EOF /etc/apt/sources.list.d/example.list
        deb https://apt.example.com/debian bookworm main
        deb http://apt.example.com/debian bookworm contrib
        EOF
        COPY <<EOF /etc/motd
        deb http://apt.example.com/debian bookworm main
        EOF
        """
    assert lines("CSD141", text) == [4]
