"""The Action's install step (scripts/action_install.py), run for real: a cached environment that checks out is
used as it is; one that does not (or none) is replaced by a fresh install; the log says which happened.

Its speed (a warm start against a fresh install) is measured by benchmarks/bench_action_install.py.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "action_install.py"


def installer():
    spec = importlib.util.spec_from_file_location("action_install", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the action installs from, copied so the build leaves the checkout alone."""
    copy = tmp_path_factory.mktemp("action")
    shutil.copytree(ROOT / "containersec", copy / "containersec", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "action-requirements.txt"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def run_install(action: Path, venv: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "install", str(action), str(venv)], capture_output=True,
                          text=True, timeout=600, check=False, env={**_environ(), "GITHUB_OUTPUT": str(output)})


def _environ() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "GITHUB_OUTPUT"}


def test_the_key_names_the_version_os_and_python_and_changes_with_the_code(action: Path, tmp_path: Path) -> None:
    module = installer()
    key = module.cache_key(action)
    python = ".".join(map(str, sys.version_info[:3]))
    assert key.startswith(f"containersec-{module.version(action)}-") and key.endswith(f"-py{python}")
    assert module.cache_key(action) == key
    changed = tmp_path / "changed"
    shutil.copytree(action, changed)
    (changed / "containersec" / "cli.py").write_text("# changed\n", encoding="utf-8")
    assert module.cache_key(changed) != key


def test_a_broken_cache_is_replaced_by_a_fresh_install_and_a_good_one_is_used_as_it_is(action: Path,
                                                                                       tmp_path: Path) -> None:
    module = installer()
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / module.STAMP).write_text(module.cache_key(action) + "\n", encoding="utf-8")  # restored, but empty
    output = tmp_path / "outputs"
    fresh = run_install(action, venv, output)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "installing a fresh environment: its containersec command does not start" in fresh.stdout
    assert "environment=installed" in output.read_text()
    command = module.bin_dir(venv) / "containersec"
    assert subprocess.run([str(command), "--version"], capture_output=True, text=True,
                          check=False).stdout.strip() == f"containersec {module.version(action)}"

    output.unlink()
    installed = sorted(p.name for p in (venv / "lib").glob("python*/site-packages/*"))
    warm = run_install(action, venv, output)
    assert warm.returncode == 0, warm.stdout + warm.stderr
    assert "environment restored from the cache and verified" in warm.stdout and "installing" not in warm.stdout
    assert f"bin={module.bin_dir(venv)}\nenvironment=cached\n" == output.read_text()
    assert sorted(p.name for p in (venv / "lib").glob("python*/site-packages/*")) == installed

    (venv / module.STAMP).write_text("containersec-0.0.0-another-key\n", encoding="utf-8")
    assert module.problem_with(venv, module.cache_key(action), action) == "it was built for another key"
    assert module.problem_with(tmp_path / "missing", module.cache_key(action), action) == "no cached environment"
