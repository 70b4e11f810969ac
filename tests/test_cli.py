"""The command line as a user runs it: subcommands, exit codes, errors on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DIGEST = "sha256:" + "ab" * 32


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_pin_check_fails_only_on_base_images_without_a_digest(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM alpine:3.20@{DIGEST} AS build\nFROM build\nFROM debian:12\n")
    (tmp_path / "pinned.Dockerfile").write_text(f"FROM alpine:3.20@{DIGEST}\nFROM scratch\n")
    failing = cli("pin", "--check", "--format", "json", "Dockerfile", cwd=tmp_path)
    assert failing.returncode == 1
    assert [(f["rule"], f["line"]) for f in json.loads(failing.stdout)["findings"]] == [("CSD004", 3)]
    assert cli("pin", "--check", "pinned.Dockerfile", cwd=tmp_path).returncode == 0
    assert cli("pin", "pinned.Dockerfile", cwd=tmp_path).returncode == 0  # nothing to resolve: no network


def test_fail_on_sets_the_threshold(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN wget https://example.com/x\nUSER 1000\n")
    assert cli("lint", "--shellcheck", "off", "--fail-on", "warning", cwd=tmp_path).returncode == 0
    assert cli("lint", "--shellcheck", "off", "--fail-on", "info", cwd=tmp_path).returncode == 1


def test_select_and_ignore_take_ids_slugs_and_peer_aliases(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine\nMAINTAINER x\nRUN sudo true\n")
    done = cli("lint", "--format", "json", "--select", "DL3006,maintainer-deprecated,CSD080",
               "--ignore", "DL3004", cwd=tmp_path)
    assert sorted(f["rule"] for f in json.loads(done.stdout)["findings"]) == ["CSD003", "CSD030"]


def test_usage_and_config_errors_exit_2_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / ".containersec.yaml").write_text("fail-on: sometimes\n")
    bad_config = cli("lint", cwd=tmp_path)
    assert bad_config.returncode == 2 and ".containersec.yaml: fail-on:" in bad_config.stderr
    unknown = cli("rules", "NOPE999", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown rule 'NOPE999'" in unknown.stderr
    assert cli(cwd=tmp_path).returncode == 2
    assert "Traceback" not in bad_config.stderr + unknown.stderr


def test_rules_explains_a_rule_by_peer_alias(tmp_path: Path) -> None:
    done = cli("rules", "CKV_DOCKER_6", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("CSD030 maintainer-deprecated") and "DL4000" in done.stdout


# --- files named, walked, excluded, unreadable (D2, D3) ---------------------------------------------------

VENDORED = "FROM alpine:latest\n"


def vendored_project(root: Path) -> None:
    (root / ".containersec.yaml").write_text('exclude: ["vendor/**"]\n')
    for relative in ("vendor/lib/Dockerfile", "app/Dockerfile"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(VENDORED)


def linted_paths(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {f["path"] for f in json.loads(done.stdout)["findings"]}


def test_exclude_applies_to_files_named_on_the_command_line(tmp_path: Path) -> None:
    vendored_project(tmp_path)
    done = cli("lint", "--format", "json", "vendor/lib/Dockerfile", "app/Dockerfile", cwd=tmp_path)
    assert linted_paths(done) == {"app/Dockerfile"}
    assert json.loads(done.stdout)["summary"]["files"] == 1


def test_exclude_applies_to_absolute_paths_and_from_a_subdirectory(tmp_path: Path) -> None:
    vendored_project(tmp_path)
    absolute = str(tmp_path / "vendor" / "lib" / "Dockerfile")
    assert linted_paths(cli("lint", "--format", "json", absolute, str(tmp_path), cwd=tmp_path)) == {
        str(tmp_path / "app" / "Dockerfile")}
    # From app/, the config is found upward and its globs stay relative to the config's folder.
    done = cli("lint", "--format", "json", "../vendor/lib/Dockerfile", "Dockerfile", cwd=tmp_path / "app")
    assert linted_paths(done) == {"Dockerfile"}


def test_a_file_outside_the_excluded_globs_is_linted(tmp_path: Path) -> None:
    vendored_project(tmp_path)
    (tmp_path / "vendorish").mkdir()
    (tmp_path / "vendorish" / "Dockerfile").write_text(VENDORED)
    assert linted_paths(cli("lint", "--format", "json", "vendorish/Dockerfile", cwd=tmp_path)) == {
        "vendorish/Dockerfile"}


def test_a_directory_without_dockerfiles_says_so_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("FROM alpine:latest\n")
    done = cli("lint", "docs", cwd=tmp_path)
    assert done.returncode == 0
    assert "docs: no Dockerfile in this directory" in done.stderr
    assert ("Dockerfile, Containerfile, Dockerfile.*, Containerfile.*, Dockerfile-*, Dockerfile_*, *.Dockerfile, "
            "*.Containerfile, in any case") in done.stderr
    (tmp_path / "docs" / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\n")
    assert "no Dockerfile" not in cli("lint", "docs", cwd=tmp_path).stderr


def test_an_unreadable_directory_met_while_walking_is_an_input_error(tmp_path: Path, monkeypatch) -> None:
    from containersec.build.engine import lint_paths
    from containersec.config import Config

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\n")
    (tmp_path / "secret").mkdir()
    real_scandir = os.scandir

    def scandir(path="."):  # root may read any directory, so the refusal is the kernel's answer, simulated
        if os.path.basename(os.fspath(path)) == "secret":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    for given in (".", "secret"):
        report = lint_paths([given], Config())
        assert [(e.path, e.message) for e in report.errors] == [
            ("secret", "cannot read directory: Permission denied")], given
        assert report.exit_code(None) == 2
    assert lint_paths(["."], Config()).files == 1  # the readable rest is still linted


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads a directory whatever its mode")
def test_an_unreadable_directory_exits_2(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "locked").chmod(0)
    try:
        done = cli("lint", ".", cwd=tmp_path)
        named = cli("lint", "locked/Dockerfile", cwd=tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert done.returncode == 2 and "locked: error: cannot read directory" in done.stdout
    assert named.returncode == 2 and "locked/Dockerfile: error: cannot read" in named.stdout


# --- output files (D5) -------------------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["missing-dir/x.sarif", "a-directory"])
def test_an_output_that_cannot_be_written_is_a_clear_error(tmp_path: Path, output: str) -> None:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    done = cli("lint", "-f", "sarif", "-o", output, "Dockerfile", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"containersec: --output {output}: ") and "Traceback" not in done.stderr
    done = cli("lint", "-f", "sarif", "-o", "a-directory/x.sarif", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 1 and json.loads((tmp_path / "a-directory" / "x.sarif").read_text())["runs"]


# --- what a hadolint user expects ---------------------------------------------------------------------------

APT = "FROM debian:12\nUSER 1000\nRUN apt-get install -y --no-install-recommends curl\n"


def test_text_output_names_the_hadolint_code_beside_ours(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(APT)
    done = cli("lint", "--shellcheck", "off", "--select", "DL3008", "Dockerfile", cwd=tmp_path)
    assert "Dockerfile:3:48 CSD057 apt-unpinned (DL3008) warning: pin a version for 'curl'" in done.stdout


def test_compact_format_is_one_line_per_finding_and_input_errors_have_their_line(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(APT)
    (tmp_path / "broken.Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\nRUN <<EOF\necho hi\n")
    done = cli("lint", "-f", "compact", "--shellcheck", "off", "--select", "DL3008", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        "Dockerfile:3:48: warning CSD057 pin a version for 'curl' (apt-get install curl=<version>)",
        "broken.Dockerfile:3:1: error input-error unterminated heredoc <<EOF: no line 'EOF' after line 3",
    ]
    (tmp_path / "clean.Dockerfile").write_text("FROM debian:12\nUSER 1000\n")
    assert cli("lint", "-f", "compact", "--select", "DL3008", "clean.Dockerfile", cwd=tmp_path).stdout == ""


def test_standard_input_is_linted_under_the_given_name(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "containersec", "lint", "-f", "json", "--select", "DL3008",
                           "--stdin-filename", "svc/Dockerfile", "-"], cwd=tmp_path, input=APT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert (finding["path"], finding["line"], finding["rule"]) == ("svc/Dockerfile", 3, "CSD057")
    unnamed = subprocess.run([sys.executable, "-m", "containersec", "lint", "-f", "compact", "-"], cwd=tmp_path,
                             input=b"FROM alpine\n\xff\n", capture_output=True, check=False)
    assert unnamed.returncode == 2 and b"-: error input-error not valid UTF-8 at byte 12" in unnamed.stdout


def test_hadolint_severity_flags_re_level_rules(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(APT)
    done = cli("lint", "-f", "json", "--shellcheck", "off", "--select", "DL3008", "--error", "DL3008",
               "Dockerfile", cwd=tmp_path)
    assert [f["severity"] for f in json.loads(done.stdout)["findings"]] == ["error"]
    done = cli("lint", "-f", "json", "--shellcheck", "off", "--select", "CSD057", "--style", "apt-unpinned",
               "--fail-on", "info", "Dockerfile", cwd=tmp_path)
    assert [f["severity"] for f in json.loads(done.stdout)["findings"]] == ["style"] and done.returncode == 0
    bad = cli("lint", "--warning", "DL9999", "Dockerfile", cwd=tmp_path)
    assert bad.returncode == 2 and "--warning" in bad.stderr and "DL9999" in bad.stderr


def test_trusted_registry_and_require_label_flags(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM ghcr.io/acme/app:1.0\nUSER 1000\n")
    untrusted = cli("lint", "-f", "json", "--select", "DL3026", "--trusted-registry", "docker.io",
                    "Dockerfile", cwd=tmp_path)
    assert [f["aliases"][0] for f in json.loads(untrusted.stdout)["findings"]] == ["DL3026"]
    trusted = cli("lint", "-f", "json", "--select", "DL3026", "--trusted-registry", "docker.io",
                  "--trusted-registry", "ghcr.io", "Dockerfile", cwd=tmp_path)
    assert json.loads(trusted.stdout)["findings"] == []
    labelled = cli("lint", "-f", "json", "--require-label", "org.opencontainers.image.source:url",
                   "Dockerfile", cwd=tmp_path)
    assert any("org.opencontainers.image.source" in f["message"] for f in json.loads(labelled.stdout)["findings"])
    bad = cli("lint", "--require-label", "source", "Dockerfile", cwd=tmp_path)
    assert bad.returncode == 2 and "LABEL:TYPE" in bad.stderr


@pytest.mark.parametrize("name", [".hadolint.yaml", ".hadolint.yml"])
def test_a_hadolint_config_is_found_without_config_flag(tmp_path: Path, name: str) -> None:
    (tmp_path / "Dockerfile").write_text(APT)
    (tmp_path / name).write_text("ignored: [DL3008]\n")
    env_free = cli("lint", "-f", "json", "--select", "DL3008,DL3009", "Dockerfile", cwd=tmp_path)
    assert "CSD057" not in {f["rule"] for f in json.loads(env_free.stdout)["findings"]}
    (tmp_path / ".containersec.yaml").write_text("fail-on: warning\n")  # our own config wins
    own = cli("lint", "-f", "json", "--select", "DL3008", "Dockerfile", cwd=tmp_path)
    assert {f["rule"] for f in json.loads(own.stdout)["findings"]} == {"CSD057"}


def test_hadolint_search_order(tmp_path: Path) -> None:
    from containersec.config import hadolint_config_paths

    home, xdg = tmp_path / "home", tmp_path / "xdg"
    paths = hadolint_config_paths(tmp_path, {"HOME": str(home), "XDG_CONFIG_HOME": str(xdg)})
    assert paths == [tmp_path / ".hadolint.yaml", tmp_path / ".hadolint.yml", xdg / "hadolint.yaml",
                     xdg / "hadolint.yml", home / ".hadolint" / "hadolint.yaml", home / ".hadolint" / "hadolint.yml",
                     home / ".hadolint" / "config.yaml", home / ".hadolint" / "config.yml",
                     home / ".hadolint.yaml", home / ".hadolint.yml"]
    assert hadolint_config_paths(tmp_path, {"HOME": str(home)})[2] == home / ".config" / "hadolint.yaml"


def test_a_user_level_hadolint_config_applies(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "hadolint.yaml").write_text("override:\n  error: [DL3008]\n")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "Dockerfile").write_text(APT)
    done = subprocess.run([sys.executable, "-m", "containersec", "lint", "-f", "json", "--select", "DL3008",
                           "Dockerfile"], cwd=tmp_path / "work", capture_output=True, text=True, check=False,
                          env={**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": ""})
    assert [f["severity"] for f in json.loads(done.stdout)["findings"]] == ["error"]


def test_the_command_line_builds_only_the_named_command_and_help_still_lists_every_command(capsys):
    from containersec.cli import _COMMANDS, _command, _parser, main

    assert _command(["lint", "--shellcheck", "on", "Dockerfile"]) == "lint"
    assert _command(["--version"]) is None and _command(["no-such-command"]) is None
    assert _command(["-h", "lint"]) is None  # the top-level help, which lists every command
    argv = ["lint", "--shellcheck", "off", "-f", "json", "--select", "CSD002", "a/Dockerfile"]
    assert vars(_parser("lint").parse_args(argv)) == vars(_parser().parse_args(argv))
    for top_level_help in (["-h"], ["--help"], ["-h", "lint"]):
        with pytest.raises(SystemExit):
            main(top_level_help)
        shown = capsys.readouterr().out
        assert all(name in shown for name in _COMMANDS), top_level_help
    with pytest.raises(SystemExit):
        _parser("lint").parse_args(["pin", "--check"])  # another command's options are not there
    assert _parser("pin").parse_args(["pin", "--check"]).check is True


def test_the_console_entry_point_delivers_all_its_output_before_it_exits(tmp_path: Path) -> None:
    """It leaves with os._exit: everything written must be flushed first, however much there is."""
    for index in range(60):
        folder = tmp_path / f"service{index}"
        folder.mkdir()
        (folder / "Dockerfile").write_text("FROM ubuntu\nRUN apt-get update && apt-get install -y curl wget\n")
    done = cli("lint", "--format", "json", "--shellcheck", "off", ".", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["summary"]["files"] == 60 and len(report["findings"]) >= 60 * 4


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    for index in range(60):
        (tmp_path / f"{index}.Dockerfile").write_text("FROM ubuntu\nRUN apt-get install curl\n")
    reader = subprocess.Popen([sys.executable, "-m", "containersec", "lint", "--shellcheck", "off", "."],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stdout.read(10)
    reader.stdout.close()  # like `| head -c 10`
    _, errors = reader.communicate(timeout=60)
    assert b"Traceback" not in errors and reader.returncode in (0, 1)
