"""Every report format names the object a finding is about and never shows more than four characters of a
secret; the SARIF log is valid against the 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from containersec.cli import FORMATS, main

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TOKEN = "ghp_" + "Qw7" * 12
ENV_VALUE = "Vh7kLm2pQ9zXw4R"
FILE_VALUE = "Zq8-vLm2pRt7"
MANIFESTS = f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  github: {TOKEN}
  app.ini: |
    [db]
    password = {FILE_VALUE}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: run
              image: registry.example.com/run:1.0
              env:
                - name: API_TOKEN
                  value: {ENV_VALUE}
              securityContext:
                privileged: true
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_the_object_and_masks_secrets(tmp_path: Path, fmt: str, capsys, monkeypatch) -> None:
    (tmp_path / "deploy.yaml").write_text(MANIFESTS)
    monkeypatch.chdir(tmp_path)
    code = main(["k8s", "--format", fmt, "--select", "CSK001,CSK070,CSK071", "deploy.yaml"])
    out = capsys.readouterr().out
    assert code == 1
    for secret in (TOKEN, ENV_VALUE, FILE_VALUE):
        assert secret[:5] not in out, fmt
    assert "ghp_****" in out
    assert "CronJob shop/nightly: container" in out and "ConfigMap shop/settings" in out
    if fmt == "sarif":
        schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
        log = json.loads(out)
        jsonschema.validate(log, schema)
        lines = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"])
        assert lines == [7, 8, 28, 30]  # the token, the file, the env value, privileged:


def test_secret_findings_name_their_credential_kind(tmp_path: Path, capsys, monkeypatch) -> None:
    """As in the other stages: `secret_kind` in JSON, `secret-kind` in SARIF, for a known token format in an env
    value or a ConfigMap; a value judged by its name alone has no kind to name."""
    env_token = MANIFESTS.replace(f"value: {ENV_VALUE}", f"value: {TOKEN}")
    weekly = MANIFESTS.split("---\n")[1].replace("nightly", "weekly")
    (tmp_path / "deploy.yaml").write_text(f"{env_token}---\n{weekly}")
    monkeypatch.chdir(tmp_path)
    main(["k8s", "--format", "json", "--select", "CSK070,CSK071", "deploy.yaml"])
    kinds = sorted((f["rule"], f["line"], f.get("secret_kind")) for f in json.loads(capsys.readouterr().out)[
        "findings"])
    assert kinds == [("CSK070", 28, "github-pat"), ("CSK070", 48, None), ("CSK071", 7, "github-pat"),
                     ("CSK071", 8, None)]
    main(["k8s", "--format", "sarif", "--select", "CSK070,CSK071", "deploy.yaml"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert sorted(r.get("properties", {}).get("secret-kind", "") for r in results) == [
        "", "", "github-pat", "github-pat"]
    # read back by `report merge`, the kind reaches the merged SARIF too
    main(["k8s", "--format", "json", "--select", "CSK070,CSK071", "-o", "k8s.json", "deploy.yaml"])
    main(["report", "merge", "--format", "sarif", "k8s.json"])
    merged = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert sorted(r.get("properties", {}).get("secret-kind", "") for r in merged) == [
        "", "", "github-pat", "github-pat"]
