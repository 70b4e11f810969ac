"""The `containersec-policy-check` hook: the real `pre-commit try-repo`, then the day window on the CLI."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_precommit import REPO_ROOT, TRY_REPO_TIMEOUT, clean_env, hooks, make_git_repo

HOOK = "containersec-policy-check"


def config(*days_from_today: int) -> str:
    today = dt.datetime.now(dt.UTC).date()
    entries = "".join(f"    - id: CVE-2024-{1000 + i}\n      reason: not reachable from the service\n"
                      f"      expires: {today + dt.timedelta(days=days)}\n" for i, days in enumerate(days_from_today))
    return f"vulns:\n  exceptions:\n{entries}"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), HOOK, "--all-files",
                           "--verbose", "--color", "never"], cwd=repo, env=clean_env(PRE_COMMIT_HOME=str(home)),
                          capture_output=True, text=True, timeout=TRY_REPO_TIMEOUT, check=False)


def test_the_hook_is_offered_offline_on_every_commit() -> None:
    hook = hooks()[HOOK]
    assert hook["entry"] == "containersec policy-check" and hook["always_run"] is True
    assert hook["pass_filenames"] is False


def test_try_repo_fails_on_an_exception_expiring_within_14_days(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = make_git_repo(tmp_path, {".containersec.yaml": config(60, 5), "README.md": "app\n"})
    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(r"containersec vulnerability exceptions not expired\.*Failed", output), output
    assert "vulns.exceptions[1] CVE-2024-1001: expires on" in output and "CVE-2024-1000" not in output
    assert "Traceback" not in output


def test_try_repo_passes_when_every_exception_holds(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = make_git_repo(tmp_path, {".containersec.yaml": config(60, 30), "README.md": "app\n"})
    result = try_repo(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 exceptions checked, 0 expired or expiring within 14 days" in result.stdout


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", "policy-check", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def test_the_window_is_configurable_and_expired_entries_fail(tmp_path: Path) -> None:
    (tmp_path / ".containersec.yaml").write_text(config(20), encoding="utf-8")
    assert cli(cwd=tmp_path).returncode == 0
    assert cli("--days", "30", cwd=tmp_path).returncode == 1
    (tmp_path / ".containersec.yaml").write_text(config(0), encoding="utf-8")
    expired = cli("--days", "0", cwd=tmp_path)
    assert expired.returncode == 1 and "expired on" in expired.stdout


def test_trivyignore_dates_count_and_a_bad_config_exits_2(tmp_path: Path) -> None:
    soon = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    (tmp_path / ".trivyignore").write_text(f"CVE-2024-1\nCVE-2024-2 exp:{soon}\n", encoding="utf-8")
    done = cli(cwd=tmp_path)
    assert done.returncode == 1
    assert f".trivyignore:2:1 CSV004 exception-expiring warning: CVE-2024-2: expires on {soon}" in done.stdout
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  exceptions:\n    - {id: CVE-1, reason: r}\n")
    broken = cli(cwd=tmp_path)
    assert broken.returncode == 2 and "vulns.exceptions[0].expires: required" in broken.stderr
