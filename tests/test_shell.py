"""RUN scripts as commands: wrappers, pipelines, nesting, heredocs, lines and columns."""

from __future__ import annotations

import textwrap

from containersec.dockerfile.parse import parse_dockerfile


def commands(text: str, *names: str):
    df = parse_dockerfile(textwrap.dedent(text).lstrip("\n"), "Dockerfile")
    return [command for _, command in df.commands(*names)]


def test_commands_have_words_lines_and_columns() -> None:
    found = commands("""
        FROM debian:12
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends "curl" 'jq'
    """, "apt-get")
    update, install = found
    assert (update.line, update.column) == (2, 5)
    assert install.line == 3 and install.column == 5
    assert [w.text for w in install.args] == ["install", "-y", "--no-install-recommends", "curl", "jq"]
    assert install.args[3].column == 48
    assert install.subcommand() == "install"
    assert install.has_option("-y") and not install.has_option("--yes", "-q")


def test_short_option_clusters_and_values() -> None:
    (curl,) = commands("""
        FROM debian:12
        RUN curl -fsSLk -o /tmp/x --retry=3 https://example.com/x
    """, "curl")
    assert curl.has_option("-k") and curl.has_option("-L")
    assert curl.option_value("-o") == "/tmp/x"
    assert curl.option_value("--retry") == "3"
    assert [w.text for w in curl.positionals({"-o"})] == ["https://example.com/x"]


def test_wrappers_expose_the_wrapped_command() -> None:
    found = commands("""
        FROM debian:12
        RUN sudo -u root env DEBIAN_FRONTEND=noninteractive apt-get install -y curl
    """)
    names = [c.name for c in found]
    assert names == ["sudo", "env", "apt-get"]
    assert found[2].wrapper is found[1] and found[1].wrapper is found[0]


def test_pipelines_link_their_elements() -> None:
    found = commands("""
        FROM debian:12
        RUN curl -fsSL https://example.com/install.sh | sudo bash -s -- --yes
    """)
    curl = next(c for c in found if c.name == "curl")
    bash = next(c for c in found if c.name == "bash")
    assert curl.pipe_index == 0 and bash.pipe_index == 1
    assert bash.wrapper is not None and bash.wrapper.name == "sudo"


def test_substitutions_sh_c_and_process_substitution_are_seen() -> None:
    found = commands("""
        FROM debian:12
        RUN sh -c "$(wget -qO- https://example.com/x)" && bash <(curl -s https://example.com/y) \\
         && bash -ec 'apt-get install -y jq; \\
              pip install requests'
    """)
    by_name = {c.name: c for c in found}
    assert by_name["wget"].via == "substitution"
    assert by_name["curl"].via == "substitution"
    assert by_name["apt-get"].via == "sh -c"
    assert by_name["pip"].via == "sh -c" and by_name["pip"].line == 4


def test_heredoc_script_lines_map_to_the_body() -> None:
    found = commands("""
        FROM debian:12
        RUN <<EOF
        set -eux
        apt-get update
        apt-get install -y curl
        EOF
    """, "apt-get")
    assert [c.line for c in found] == [4, 5]


def test_heredoc_fed_to_a_shell_is_a_script_but_cat_content_is_not() -> None:
    found = commands("""
        FROM debian:12
        RUN cat <<EOF > /etc/apt/apt.conf.d/99local && bash <<'SH'
        apt-get install nothing-here
        EOF
        pip install flask
        SH
    """)
    names = [c.name for c in found]
    assert "pip" in names and "apt-get" not in names
    assert next(c for c in found if c.name == "pip").line == 5


def test_single_heredoc_fed_to_bash() -> None:
    found = commands("""
        FROM debian:12
        RUN bash <<EOF
        apk add curl
        EOF
    """, "apk")
    assert [(c.line, c.via) for c in found] == [(3, "heredoc")]


def test_non_shell_heredoc_and_powershell_have_no_commands() -> None:
    assert commands("""
        FROM python:3.12
        RUN <<EOF
        #!/usr/bin/env python3
        import os
        EOF
    """) == []
    assert commands("""
        FROM mcr.microsoft.com/powershell
        SHELL ["pwsh", "-Command"]
        RUN Invoke-WebRequest https://example.com | Out-File x
    """) == []


def test_exec_form_run_is_analysed() -> None:
    (found,) = commands("""
        FROM debian:12
        RUN ["apt-get", "install", "-y", "curl"]
    """, "apt-get")
    assert [w.text for w in found.args] == ["install", "-y", "curl"]


def test_assignments_before_a_command() -> None:
    (found,) = commands("""
        FROM python:3.12
        RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0
    """, "pip")
    assert found.assignments == {"PIP_NO_CACHE_DIR": "1"}


def test_onbuild_run_commands_are_included() -> None:
    found = commands("""
        FROM debian:12
        ONBUILD RUN apt-get install -y curl
    """, "apt-get")
    assert len(found) == 1 and found[0].line == 2


def test_commands_inside_a_subshell_are_marked() -> None:
    found = commands("""
        FROM debian:12
        RUN (cd /src && sudo make install) && cd /tmp
    """)
    marks = {(c.name, c.in_subshell) for c in found}
    assert marks == {("cd", True), ("sudo", True), ("make", True), ("cd", False)}


def test_groups_and_subshells_are_pipeline_elements() -> None:
    found = commands("""
        FROM debian:12
        RUN { echo deb http://x; curl -fsSL https://x/key; } | (tee /tmp/k && sh)
    """)
    by_name = {c.name: c for c in found}
    assert [c.name for c in by_name["sh"].pipeline] == ["echo", "tee"]
    assert by_name["curl"].pipe_index == 0 and by_name["sh"].pipe_index == 1


def test_hadolint_shell_pragma_marks_powershell_scripts() -> None:
    assert commands("""
        # hadolint shell=powershell
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN Get-ChildItem | Where-Object Name -eq x
    """) == []
    found = commands("""
        FROM debian:12 AS linux
        RUN apt-get update
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        # hadolint shell=pwsh
        RUN curl.exe -o x https://example.com | Out-Null
    """)
    assert [c.name for c in found] == ["apt-get"]
