from tests.rules.helpers import findings, lines


def test_pipe_under_default_shell_is_flagged() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://x.example/a.tgz | tar -xz -C /opt
        RUN apt-get update && wget -qO- https://x.example/key | gpg --dearmor > /k.gpg
        ONBUILD RUN cat /a | grep b
        """
    assert lines("DL4006", text) == [2, 3, 4]


def test_shell_with_pipefail_satisfies_it_per_stage_and_until_changed() -> None:
    text = """
        FROM debian:12
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN curl -fsSL https://x.example/a.tgz | tar -xz
        SHELL ["/bin/bash", "-c"]
        RUN curl -fsSL https://x.example/a.tgz | tar -xz
        FROM debian:12
        RUN curl -fsSL https://x.example/a.tgz | tar -xz
        """
    assert lines("CSD082", text) == [5, 7]


def test_pipefail_clusters_and_sh_with_pipefail_are_accepted() -> None:
    text = """
        FROM alpine:3.20
        SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
        RUN wget -qO- https://x.example/a | tar -x
        SHELL ["/bin/sh", "-o", "pipefail", "-c"]
        RUN wget -qO- https://x.example/a | tar -x
        """
    assert lines("CSD082", text) == []


def test_set_pipefail_before_the_pipe_counts_after_does_not() -> None:
    text = """
        FROM debian:12
        RUN set -euxo pipefail && curl -fsSL https://x.example/a | tar -xz
        RUN set -eo pipefail; curl -fsSL https://x.example/a | tar -xz
        RUN curl -fsSL https://x.example/a | tar -xz; set -o pipefail
        RUN set -o errexit && curl -fsSL https://x.example/a | tar -xz
        """
    assert lines("CSD082", text) == [4, 5]


def test_heredoc_with_bash_shebang_and_set_pipefail_is_not_flagged() -> None:
    # hadolint #806: the body sets pipefail itself.
    text = """
        FROM debian:12
        RUN <<EOF
        #!/bin/bash
        set -o pipefail
        curl -fsSL https://x.example/a | tar -xz
        EOF
        RUN <<EOF
        curl -fsSL https://x.example/a | tar -xz
        EOF
        """
    assert lines("CSD082", text) == [8]


def test_nested_shells_use_their_own_options() -> None:
    text = """
        FROM debian:12
        RUN bash -o pipefail -c 'curl -fsSL https://x.example/a | tar -xz'
        RUN ["/bin/bash", "-o", "pipefail", "-c", "curl -fsSL https://x.example/a | tar -xz"]
        RUN sh -c 'curl -fsSL https://x.example/a | tar -xz'
        """
    assert lines("CSD082", text) == [4]


def test_harmless_producers_no_pipe_and_non_posix_shell_are_skipped() -> None:
    text = """
        FROM debian:12
        RUN echo "deb http://x stable main" | tee /etc/apt/sources.list.d/x.list
        RUN yes | apt-get install -y x || true
        RUN apt-get update && apt-get install -y curl
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        SHELL ["powershell", "-Command"]
        RUN Get-ChildItem | Select-Object Name
        """
    assert lines("CSD082", text) == []


def test_message_names_the_pipe_and_the_fix() -> None:
    [finding] = findings("CSD082", "FROM a\nRUN curl -s https://x | tar -x\n")
    assert "'curl | tar'" in finding.message and "pipefail" in finding.message


def test_an_onbuild_trigger_runs_under_the_shell_its_stage_ends_with():
    text = """
        FROM alpine:3.20 AS base
        ONBUILD RUN wget -qO- https://example.com/x | tar -x
        SHELL ["/bin/ash", "-o", "pipefail", "-c"]
        FROM base
    """
    assert lines("CSD082", text) == []
    assert lines("CSD082", "FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\n"
                       "ONBUILD RUN wget -qO- https://x/y | tar -x\nSHELL [\"/bin/sh\", \"-c\"]\n") == [3]
