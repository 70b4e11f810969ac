"""The pre-commit hooks, run by the real `pre-commit` against temporary git repositories.

`pre-commit try-repo` clones this repository at HEAD plus its uncommitted changes to tracked files, so it
exercises what is committed; it installs the package into its own virtualenv (from PyPI), which is slow:
the whole module makes only two try-repo runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from containersec import catalogue

REPO_ROOT = Path(__file__).resolve().parents[1]
HOOKS_MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
GOOD_EXAMPLE = REPO_ROOT / "examples" / "good" / "Dockerfile"
TRY_REPO_TIMEOUT = 900  # seconds: the first run builds the hook's virtualenv from PyPI

# Dockerfile text whose base image uses the `latest` tag: a finding in every file that is linted.
LATEST_BASE = "FROM {image}:latest\nRUN echo built\n"


def hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS_MANIFEST.read_text(encoding="utf-8"))}


def test_manifest_is_valid() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS_MANIFEST)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_manifest_offers_the_documented_hooks() -> None:
    offered = hooks()
    documented = {"containersec-dockerfile", "containersec-dockerfile-fix", "containersec-pin-check"}
    assert documented <= set(offered)
    for hook in offered.values():
        assert hook["language"] == "python"
        assert str(hook["entry"]).split()[0] == "containersec"


def test_the_hooks_select_files_with_the_pattern_the_directory_walk_uses() -> None:
    from containersec.dockerfile.files import DOCKERFILE_NAME

    for hook_id, hook in hooks().items():
        if hook_id not in ("containersec-policy-check", "containersec-k8s"):  # config files, manifests
            assert hook["files"] == DOCKERFILE_NAME, hook_id


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("services/api/Dockerfile", True),
        ("a/b/c/Containerfile", True),
        ("Dockerfile.prod", True),
        ("deploy/Dockerfile.alpine-3.20", True),
        ("Containerfile.dev", True),
        ("app.dockerfile", True),
        ("deploy/web.Dockerfile", True),
        (".devcontainer/Dockerfile", True),
        ("README.md", False),
        ("docs/Dockerfile-guide/notes.txt", False),
        ("myDockerfile", False),
        ("Dockerfiles/readme.txt", False),
        ("dockerfile.py", False),
        ("src/Dockerfile/main.go", False),
        ("lower/dockerfile", True),
        ("build/Dockerfile-dev", True),
        ("Dockerfile_prod", True),
        ("deploy/web.containerfile", True),
        ("docs/Dockerfile.md", False),
    ],
)
def test_hook_file_pattern(path: str, matches: bool) -> None:
    for hook_id, hook in hooks().items():
        if hook_id in ("containersec-policy-check", "containersec-k8s"):
            continue  # they read the config file and Kubernetes manifests, not Dockerfiles
        # pre-commit selects a file when `re.search(files, path)` matches its repository-relative path.
        assert bool(re.search(str(hook["files"]), path)) is matches, (hook_id, path)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def make_git_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git = shutil.which("git")
    assert git, "git is needed to run pre-commit"
    subprocess.run([git, "init", "-q"], cwd=root, env=clean_env(), check=True)
    subprocess.run([git, "add", "--", *files], cwd=root, env=clean_env(), check=True)
    return root


def clean_env(**extra: str) -> dict[str, str]:
    # GIT_* variables from an enclosing git hook would point git at another repository.
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return env | extra


def try_repo(repo: Path, pre_commit_home: Path,
             hook: str = "containersec-dockerfile") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), hook,
         "--all-files", "--verbose", "--color", "never"],
        cwd=repo, env=clean_env(PRE_COMMIT_HOME=str(pre_commit_home)),
        capture_output=True, text=True, timeout=TRY_REPO_TIMEOUT, check=False,
    )


def latest_tag_rule_id() -> str:
    (latest_rule,) = catalogue.resolve("DL3007")
    return latest_rule.id


def test_try_repo_fails_with_findings_in_every_dockerfile(tmp_path: Path, pre_commit_home: Path) -> None:
    linted = {
        "Dockerfile": LATEST_BASE.format(image="ubuntu"),
        "deploy/app.dockerfile": LATEST_BASE.format(image="alpine"),
        "services/api/Dockerfile.prod": LATEST_BASE.format(image="debian"),
        # names the directory walk finds too: any case, `-` and `_` variants, *.containerfile
        "lower/dockerfile": LATEST_BASE.format(image="rockylinux"),
        "build/Dockerfile-dev": LATEST_BASE.format(image="node"),
        "build/Dockerfile_prod": LATEST_BASE.format(image="golang"),
        "deploy/web.containerfile": LATEST_BASE.format(image="nginx"),
    }
    # README.md would produce the same finding if the hook passed it to the linter; pre-commit names
    # vendor/Dockerfile on the command line, and the config's exclude must still keep it out.
    not_linted = {"README.md": LATEST_BASE.format(image="busybox"),
                  "vendor/Dockerfile": LATEST_BASE.format(image="fedora"),
                  ".containersec.yaml": 'exclude: ["vendor/**"]\n'}
    # ShellCheck comes with the hook, as with hadolint: no extra to install, no flag to pass.
    shellchecked = {"tools/Dockerfile": "FROM alpine:3.20\nUSER 1000\nRUN cd /tmp\n"}
    repo = make_git_repo(tmp_path, linted | not_linted | shellchecked)

    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr

    assert result.returncode != 0, output
    assert re.search(r"containersec Dockerfile lint\.*Failed", output), output
    rule_id = latest_tag_rule_id()
    for path in linted:
        assert re.search(rf"(^|\s){re.escape(path)}:1:\d+ {rule_id}\b", output, re.MULTILINE), (path, output)
    assert "README.md" not in output and "vendor/Dockerfile" not in output
    assert re.search(r"(^|\s)tools/Dockerfile:3:5 SC2164\b", output, re.MULTILINE), output
    assert "ShellCheck is not installed" not in output
    assert "Traceback" not in output


def test_try_repo_passes_a_clean_dockerfile(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = make_git_repo(tmp_path, {
        "Dockerfile": GOOD_EXAMPLE.read_text(encoding="utf-8"),
        "README.md": LATEST_BASE.format(image="busybox"),
    })

    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert re.search(r"containersec Dockerfile lint\.*Passed", output), output
    assert "no files to check" not in output
    assert "Traceback" not in output


PRIVILEGED_POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  serviceAccountName: {name}
  containers:
    - name: app
      image: registry.example.com/app:1
      securityContext:
        privileged: true
"""


def test_try_repo_k8s_hook_checks_the_repository_as_a_whole(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = make_git_repo(tmp_path, {
        "deploy/web.yaml": PRIVILEGED_POD.format(name="web"),
        "deploy/account.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        ".containersec.yaml": "k8s:\n  profile: baseline\n",
    })
    result = try_repo(repo, pre_commit_home, "containersec-k8s")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(r"containersec Kubernetes manifests\.*Failed", output), output
    assert re.search(r"(^|\s)deploy/web\.yaml:11:9 CSK001\b", output, re.MULTILINE), output
    # The account is defined in another file: seen because the hook checks the repository, not one file.
    assert "CSK052" not in output and "ci.yml" not in output.replace("skipped 1 YAML/JSON file", "")
    assert "Traceback" not in output
