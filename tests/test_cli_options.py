"""One command line: every checking subcommand takes the shared options the same way, and says so in its help."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from containersec.cli import CHECKING_COMMANDS, _parser

SHARED_OPTIONS = ("--config", "-c", "--format", "-f", "--output", "-o", "--fail-on", "--color")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ALPINE = str(SHARED / "fixtures" / "scan-reports" / "trivy-alpine-3.10.json")
BUSYBOX = str(SHARED / "fixtures" / "scan-reports" / "grype-busybox-1.32.1.json")


def cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, check=False)


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Every subcommand's parser by its name on the command line (`registry audit` included)."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{prefix}{name}"] = sub
                    walk(sub, f"{prefix}{name} ")

    walk(_parser(), "")
    return found


def help_text(command: str) -> str:
    done = subprocess.run([sys.executable, "-m", "containersec", *command.split(), "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_subcommand_but_the_catalogue_and_the_action_takes_the_shared_options() -> None:
    leaves = {name for name, parser in subcommands().items()
              if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)}
    assert set(CHECKING_COMMANDS) <= leaves
    # A new subcommand calls add_shared_options and is named in CHECKING_COMMANDS; only these two do not.
    assert leaves - set(CHECKING_COMMANDS) == {"rules", "action"}
    assert {"lint", "pin", "vulns", "policy-check", "image", "registry audit", "registry prune"} <= set(
        CHECKING_COMMANDS)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_help_lists_each_option_with_help_text_of_its_own(command: str) -> None:
    parser = subcommands()[command]
    for action in parser._actions:
        if action.option_strings or not isinstance(action, argparse._SubParsersAction):
            assert action.help, (command, action.option_strings or action.dest)
    shown = help_text(command)
    assert shown.startswith(f"usage: containersec {command} ")
    if command in CHECKING_COMMANDS:
        options = {option for action in parser._actions for option in action.option_strings}
        assert set(SHARED_OPTIONS) <= options, command
        for option in ("--config", "--format", "--output", "--fail-on", "--color"):
            assert re.search(rf"^\s+{option}\b.*\n?\s+\S", shown, re.MULTILINE), (command, option)


def test_image_help_is_its_own() -> None:
    shown = help_text("image")
    assert "--trusted-registry" not in shown and "--require-label" not in shown
    assert "default: ." not in shown and "IMAGE" in shown


def test_an_unknown_option_prints_the_subcommands_usage(tmp_path: Path) -> None:
    for command in ("pin", "registry prune", "vulns"):
        done = cli(*command.split(), "positional", "--no-such-option", cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr.startswith(f"usage: containersec {command} "), done.stderr
        assert f"containersec {command}: error: unrecognized arguments: --no-such-option" in done.stderr


def test_pin_check_takes_output_fail_on_and_config(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "own.yaml").write_text("exclude: [Dockerfile]\n")
    done = cli("pin", "--check", "-f", "json", "-o", "report.json", "--fail-on", "none", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == ""
    assert [f["rule"] for f in json.loads((tmp_path / "report.json").read_text())["findings"]] == ["CSD004"]
    assert cli("pin", "--check", cwd=tmp_path).returncode == 1
    assert cli("pin", "--check", "-c", "own.yaml", cwd=tmp_path).returncode == 0


def test_policy_check_takes_a_format(tmp_path: Path) -> None:
    (tmp_path / ".containersec.yaml").write_text(
        "vulns:\n  exceptions:\n    - {id: CVE-2024-1, reason: r, expires: 2020-01-01}\n", encoding="utf-8")
    done = cli("policy-check", "-f", "json", cwd=tmp_path)
    assert done.returncode == 1
    (finding,) = json.loads(done.stdout)["findings"]
    assert finding["rule"] == "CSV002" and finding["line"] == 3 and "expired on 2020-01-01" in finding["message"]


def test_vulns_takes_trivys_severity_and_ignore_unfixed(tmp_path: Path) -> None:
    def found(*args: str) -> list[dict[str, object]]:
        done = cli("vulns", BUSYBOX, "-f", "json", *args, cwd=tmp_path)
        return [f["vulnerability"] for f in json.loads(done.stdout)["findings"]]  # type: ignore[misc]

    everything = found()
    critical = found("--severity", "critical")
    assert critical and {v["severity"] for v in critical} == {"CRITICAL"} and len(critical) < len(everything)
    assert {v["severity"] for v in found("--severity", "CRITICAL,HIGH")} <= {"CRITICAL", "HIGH"}
    unfixed = found("--ignore-unfixed")
    assert unfixed and all(v["fixed"] for v in unfixed) and len(unfixed) < len(everything)
    bad = cli("vulns", BUSYBOX, "--severity", "SEVERE", cwd=tmp_path)
    assert bad.returncode == 2 and "--severity" in bad.stderr


def test_text_output_names_the_config_file_and_the_threshold(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\n")
    (tmp_path / ".hadolint.yaml").write_text("failure-threshold: info\n")
    shown = cli("lint", "--shellcheck", "off", cwd=tmp_path).stdout
    assert "failing at info and above for hadolint's rules and at warning and above for the others, from " \
           ".hadolint.yaml" in shown
    (tmp_path / ".hadolint.yaml").unlink()
    (tmp_path / ".containersec.yaml").write_text("fail-on: style\n")
    assert "failing at style and above, from .containersec.yaml" in cli("lint", "--shellcheck", "off",
                                                                         cwd=tmp_path).stdout
    assert "failing at error and above, from --fail-on" in cli("lint", "--shellcheck", "off", "--fail-on", "error",
                                                               cwd=tmp_path).stdout
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20@sha256:" + "ab" * 32 + "\nUSER 1000\n")
    assert "failing at" not in cli("lint", "--shellcheck", "off", cwd=tmp_path).stdout  # no findings: nothing said


def test_stdin_filename_implies_reading_standard_input(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\n")  # the working directory's own file
    done = cli("lint", "--shellcheck", "off", "-f", "json", "--stdin-filename", "app/Dockerfile", cwd=tmp_path,
               stdin="FROM ubuntu:latest\n")
    assert {f["path"] for f in json.loads(done.stdout)["findings"]} == {"app/Dockerfile"}
    assert "DL3007" in {a for f in json.loads(done.stdout)["findings"] for a in f["aliases"]}  # :latest


FIXABLE = "FROM debian:12\nRUN apt-get update && apt-get install curl\nMAINTAINER someone\n"


def test_fix_says_what_it_fixed_and_what_is_left(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(FIXABLE)
    before = json.loads(cli("lint", "--shellcheck", "off", "-f", "json", cwd=tmp_path).stdout)["findings"]
    done = cli("lint", "--shellcheck", "off", "--fix", "-f", "json", cwd=tmp_path)
    after = json.loads(done.stdout)["findings"]
    fixed = len(before) - len(after)
    assert fixed > 0 and after
    assert f"fixed {fixed} findings in 1 file, {len(after)} remain" in done.stderr


def test_fix_of_standard_input_writes_the_fixed_text_to_standard_output(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(FIXABLE)
    cli("lint", "--shellcheck", "off", "--fix", cwd=tmp_path)
    fixed_in_place = (tmp_path / "Dockerfile").read_text()
    assert fixed_in_place != FIXABLE
    done = cli("lint", "--shellcheck", "off", "--fix", "--stdin-filename", "Dockerfile", "-", cwd=tmp_path,
               stdin=FIXABLE)
    assert done.stdout == fixed_in_place
    assert "fixed" in done.stderr and "remain" in done.stderr and "Dockerfile:" in done.stderr  # the report
    assert (tmp_path / "Dockerfile").read_text() == fixed_in_place  # the file of that name is left alone


def test_pragma_notes_reach_every_format(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n# containersec ignore=CSD9999\nUSER 1000\n"
                                         "# hadolint ignore=DL9999\nRUN true\n")
    note = "Dockerfile:2: ignore pragma names unknown rule 'CSD9999'"
    document = json.loads(cli("lint", "--shellcheck", "off", "-f", "json", cwd=tmp_path).stdout)
    assert document["notes"] == [note]
    sarif = json.loads(cli("lint", "--shellcheck", "off", "-f", "sarif", cwd=tmp_path).stdout)
    notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notifications == [{"level": "note", "message": {"text": note}}]
    compact = cli("lint", "--shellcheck", "off", "-f", "compact", cwd=tmp_path)
    assert note in compact.stderr and note not in compact.stdout
    assert "DL9999" not in compact.stderr + json.dumps(document)


GOOD_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "good" / "Dockerfile"


def test_an_unchanged_hadolint_config_does_not_fail_what_hadolint_passes(tmp_path: Path) -> None:
    import shutil

    (tmp_path / "Dockerfile").write_text(GOOD_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL3008]\n", encoding="utf-8")  # hadolint's threshold: info
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is not None:
        assert subprocess.run([hadolint, "Dockerfile"], cwd=tmp_path, capture_output=True,
                              check=False).returncode == 0
    ours = cli("lint", "-f", "json", cwd=tmp_path)
    assert ours.returncode == 0, ours.stdout
    assert {f["severity"] for f in json.loads(ours.stdout)["findings"]} == {"info"}  # CSD004: ours, not hadolint's
    # hadolint's own rules still fail at the file's threshold, as hadolint fails them.
    (tmp_path / "Dockerfile").write_text("FROM debian:12\nRUN echo a\nRUN echo b\nUSER 1000\n", encoding="utf-8")
    (tmp_path / ".hadolint.yaml").write_text("override:\n  info: [DL3059]\n", encoding="utf-8")
    assert cli("lint", "--select", "DL3059", cwd=tmp_path).returncode == 1
    # and --fail-on on the command line applies to every rule alike
    assert cli("lint", "--fail-on", "warning", "--select", "DL3059", cwd=tmp_path).returncode == 0


def test_pin_and_prune_end_with_footers_that_fit_them(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    done = cli("pin", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("0 pinned, 0 updated, 0 unchanged in 1 file")
    assert "no findings" not in done.stdout
