"""The shared corpus of real manifests: every file alone and each repository folder as a whole, without an
internal error; the whole corpus through the command line, in every machine-readable format."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from containersec.config import Config
from containersec.findings import Report
from containersec.infra import check_manifests

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "k8s"
MANIFEST = CORPUS / "MANIFEST.tsv"
# Real files that repeat a key, which Kubernetes' strict decoding rejects as well.
DUPLICATE_KEYS = {"_archived__openshift-origin__etcd-controller.yaml",
                  "_archived__openshift-origin__etcd-discovery-controller.yaml",
                  "_archived__openshift-origin__openshift-controller.yaml",
                  "_archived__persistent-volume-provisioning__quobyte__quobyte-admin-secret.yaml",
                  "_archived__volumes__scaleio__sc-pvc.yaml"}


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and path != MANIFEST)


def line_count(path: str) -> int:
    return len(Path(path).read_text(encoding="utf-8").split("\n"))


def assert_sound(report: Report) -> None:
    for error in report.errors:
        assert "internal error" not in error.message, error
        assert Path(error.path).name in DUPLICATE_KEYS and "duplicate key" in error.message, error
    for finding in report.findings:
        assert 1 <= finding.line <= line_count(finding.path), finding
        assert finding.extra["object"]["kind"], finding


def test_corpus_is_complete() -> None:
    with MANIFEST.open(encoding="utf-8", newline="") as manifest:
        listed = list(csv.reader(manifest, delimiter="\t"))
    assert len(corpus_files()) == len(listed) == 373


def test_every_file_alone() -> None:
    config = Config(select=[])
    for path in corpus_files():
        report = check_manifests([str(path)], config)
        assert_sound(report)
        assert report.files == (0 if path.name in DUPLICATE_KEYS else 1), path


@pytest.mark.parametrize("folder", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_each_repository_as_a_whole(folder: str) -> None:
    report = check_manifests([str(CORPUS / folder)], Config())
    assert_sound(report)
    assert report.findings and report.extra["namespaces"]


def test_whole_corpus_through_the_cli_in_json_and_sarif(tmp_path: Path) -> None:
    outputs = {}
    for fmt in ("json", "sarif"):
        result = subprocess.run([sys.executable, "-m", "containersec", "k8s", "--format", fmt, str(CORPUS)],
                                cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 2, result.stderr  # the five files with duplicate keys
        assert "Traceback" not in result.stderr
        outputs[fmt] = json.loads(result.stdout)
    document = outputs["json"]
    assert document["summary"]["files"] == 373 - len(DUPLICATE_KEYS)
    assert len(document["errors"]) == len(DUPLICATE_KEYS)
    assert {f["stage"] for f in document["findings"]} == {"infrastructure"}
    assert all(set(f["object"]) == {"kind", "namespace", "name", "container"} for f in document["findings"])
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    Draft7Validator(schema).validate(outputs["sarif"])
    (run,) = outputs["sarif"]["runs"]
    assert run["automationDetails"]["id"] == "containersec/infrastructure"
    assert len(run["results"]) == len(document["findings"])
