"""The command line as a user runs it: subcommands, exit codes, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
