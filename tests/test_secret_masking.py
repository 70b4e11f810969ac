"""Every credential kind written into a Dockerfile: found by CSD096 with its kind, masked in every format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from containersec.secrets.catalogue import KINDS
from tests.secret_samples import SAMPLES

FORMATS = ("text", "json", "sarif", "github", "checkstyle", "junit", "gitlab", "compact")
SHOWN_WHOLE = {kind.id for kind in KINDS if kind.shown} | {"url-password"}


def dockerfile() -> str:
    """One heredoc per kind, so that multi-line credential files keep their shape."""
    parts = ["FROM debian:12\n"]
    for kind_id, (text, _) in sorted(SAMPLES.items()):
        parts.append(f"COPY <<'EOF' /etc/app/{kind_id}\n{text}\nEOF\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("masking")
    (directory / "Dockerfile").write_text(dockerfile(), encoding="utf-8")
    return directory


def lint(project: Path, fmt: str) -> str:
    done = subprocess.run([sys.executable, "-m", "containersec", "lint", "--shellcheck", "off", "--select",
                           "CSD096", "--format", fmt, "Dockerfile"], cwd=project, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_each_kind_is_found_once_with_its_kind(project: Path) -> None:
    findings = json.loads(lint(project, "json"))["findings"]
    kinds = sorted(f["secret_kind"] for f in findings)
    assert kinds == sorted(SAMPLES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_more_than_four_characters(project: Path, fmt: str) -> None:
    output = lint(project, fmt)
    for kind_id, (_, value) in SAMPLES.items():
        if kind_id not in SHOWN_WHOLE:
            assert value[4:] not in output, (fmt, kind_id)
            assert value[-10:] not in output, (fmt, kind_id)  # nor the end of it
