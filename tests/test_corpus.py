"""Every real-world Dockerfile of the shared corpus lints without an internal or input error."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from containersec.build import engine
from containersec.config import Config, load_config

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"
MANIFEST = CORPUS / "MANIFEST.tsv"
# The real credentials in the corpus: Chromium's Google API key and the OAuth client secret beside it,
# written into a shell profile by a RUN.
CORPUS_SECRET_VALUES = [("jessfraz__dockerfiles/chromium__Dockerfile", 42, "gcp-api-key"),
                        ("jessfraz__dockerfiles/chromium__Dockerfile", 42, "generic-secret")]


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and path != MANIFEST)


@pytest.fixture(scope="module")
def default_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    # An empty directory: no project config file is discovered, so the defaults apply.
    return load_config(None, tmp_path_factory.mktemp("no-config"))


def test_corpus_is_complete() -> None:
    with MANIFEST.open(encoding="utf-8", newline="") as manifest:
        listed = list(csv.DictReader(manifest, delimiter="\t"))
    assert listed, "empty corpus manifest"
    assert len(corpus_files()) == len(listed)


def test_whole_corpus_in_one_cli_run(tmp_path: Path) -> None:
    files = [str(path) for path in corpus_files()]
    result = subprocess.run(
        [sys.executable, "-m", "containersec", "lint", "--format", "json", *files],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    assert document["summary"]["files"] == len(files)
    line_counts = {path: len(Path(path).read_text(encoding="utf-8").split("\n")) for path in files}
    for finding in document["findings"]:
        assert finding["path"] in line_counts, finding
        assert 1 <= finding["line"] <= finding["end_line"] <= line_counts[finding["path"]], finding
    # Precision of the secret detector on real Dockerfiles: only real credentials, each named by its kind.
    secret_values = sorted((str(Path(f["path"]).relative_to(CORPUS)), f["line"], f.get("secret_kind"))
                           for f in document["findings"] if f["rule"] == "CSD096")
    assert secret_values == CORPUS_SECRET_VALUES


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: str(path.relative_to(CORPUS)))
def test_each_corpus_file_in_process(path: Path, default_config: Config) -> None:
    report = engine.lint_paths([str(path)], default_config)
    assert report.errors == []
    assert report.files == 1
