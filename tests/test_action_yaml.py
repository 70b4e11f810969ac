"""action.yml and the example workflows: valid for GitHub (check-jsonschema's vendored schemas) and true to
the action's contract (inputs through env only, least-privilege permissions, no pull_request_target)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / "examples" / "workflows").glob("*.yml"))
INPUTS = {"paths", "images", "config", "fail-on", "filter-mode", "reporter", "sarif-file", "shellcheck", "github-token",
          "scan-reports", "dockerfile-for-reports", "registry-refs", "registry-username", "registry-password",
          "registry-scanner", "registry-scan-reports", "patch-plan-issues", "registry-prune",
          "manifests"}
OUTPUTS = {"findings", "errors", "warnings", "conclusion", "sarif-file", "check-run-url"}


def check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    assert Path(found).exists(), "check-jsonschema (a dev dependency) is not installed"
    return found


def validate(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([check_jsonschema(), "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True; workflows are looked up with both spellings.
    return yaml.safe_load(path.read_text())


def test_action_yml_is_valid_for_github():
    done = validate("vendor.github-actions", ROOT / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validator_rejects_a_broken_action(tmp_path):
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ninputs:\n  a:\n    required: maybe\nruns:\n  steps: []\n")
    assert validate("vendor.github-actions", broken).returncode == 1


def test_action_inputs_outputs_and_composite_steps():
    action = load(ROOT / "action.yml")
    assert set(action["inputs"]) == INPUTS
    assert all(spec.get("description") and "default" in spec for spec in action["inputs"].values())
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert action["inputs"]["paths"]["default"] == "."
    assert action["inputs"]["reporter"]["default"] == "github-check"
    assert action["inputs"]["sarif-file"]["default"] == "containersec.sarif"
    assert action["inputs"]["shellcheck"]["default"] == "auto"  # ShellCheck runs unless turned off
    assert set(action["outputs"]) == OUTPUTS
    assert action["runs"]["using"] == "composite"
    steps = {step.get("id", step["name"]): step for step in action["runs"]["steps"]}
    install, run = steps["install"], steps["run"]
    assert "${{ github.action_path }}" in install["env"].values()
    assert "scripts/action_install.py" in install["run"] and (ROOT / "scripts" / "action_install.py").exists()
    assert run["run"].strip().strip("'").endswith("containersec\" action")
    assert {f"INPUT_{name.upper()}": f"${{{{ inputs.{name} }}}}" for name in INPUTS}.items() <= run["env"].items()
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), "inputs reach the scripts only through env:"


def test_the_environment_is_cached_by_action_version_os_and_python_and_saved_only_after_a_fresh_install():
    steps = load(ROOT / "action.yml")["runs"]["steps"]
    names = [step["name"] for step in steps]
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore@")
                   and "venv" in s["with"]["path"])
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save@") and "venv" in s["with"]["path"])
    install = next(s for s in steps if s.get("id") == "install")
    assert names.index(restore["name"]) < names.index(install["name"]) < names.index(save["name"])
    assert restore["with"]["key"] == save["with"]["key"] == "${{ steps.python.outputs.key }}"
    assert restore["with"]["path"] == save["with"]["path"] == install["env"]["VENV"]
    assert save["if"] == "steps.install.outputs.environment == 'installed'"
    locate = next(s for s in steps if s.get("id") == "python")
    assert "action_install.py\" key" in locate["run"]


def test_pinned_requirements_cover_every_runtime_dependency():
    """Every package `pip install <action dir>` brings in (per installed metadata) has an exact pin."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lines = [line for line in (ROOT / "action-requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.+-]*", line) for line in lines)
    pins = {canonicalize_name(line.split("==")[0]) for line in lines}
    needed: set[str] = set()
    todo = [("containersec", frozenset())]
    while todo:
        package, extras = todo.pop()
        for text in requires(package) or []:
            requirement = Requirement(text)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": extra})
                                              for extra in (extras or {""})):
                continue
            name = canonicalize_name(requirement.name)
            if name not in needed:
                needed.add(name)
                todo.append((requirement.name, frozenset(requirement.extras)))
    assert needed - pins == set()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_example_workflow_is_valid_for_github(workflow):
    done = validate("vendor.github-workflows", workflow)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_example_workflow_is_least_privilege(workflow):
    data = load(workflow)
    triggers = data.get("on", data.get(True))
    assert "pull_request_target" not in triggers
    assert data["permissions"] == {"contents": "read"}
    for job in data["jobs"].values():
        granted = {key for key, value in job.get("permissions", {}).items() if value == "write"}
        # issues: the scheduled registry workflows keep one patch-plan issue per repository
        assert granted <= {"checks", "pull-requests", "security-events", "issues"}
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), "untrusted values go through env:"


def test_examples_cover_the_documented_patterns():
    texts = {path.name: path.read_text() for path in WORKFLOWS}
    assert any("upload-sarif" in text and "category: containersec/build" in text for text in texts.values())
    assert any("workflow_run" in text and "upload-sarif" in text for text in texts.values())
    assert any("required status check" in text for text in texts.values())
    uses = {step["uses"].split("@")[0] for path in WORKFLOWS for job in load(path)["jobs"].values()
            for step in job["steps"] if "uses" in step}
    assert "containersec/containersec" in uses
