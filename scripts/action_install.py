"""The GitHub Action's install step: reuse a cached virtual environment when it checks out, else install afresh.

Run by the runner's own Python (3.11+, standard library only), before containersec exists:

    python action_install.py key ACTION_DIR          prints the cache key of this action version, OS and Python
    python action_install.py install ACTION_DIR VENV  verifies VENV (restored by actions/cache) or rebuilds it

`install` says in the log which happened, and writes `bin` (the folder of the `containersec` command) and
`environment` (`cached` or `installed`) to $GITHUB_OUTPUT when the runner gives one.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

STAMP = "containersec-action.key"  # in the environment: the key it was built for
VERIFY_SECONDS = 60


def version(action: Path) -> str:
    text = (action / "containersec" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    return found[1] if found else "unknown"


def cache_key(action: Path) -> str:
    """This action's version (its release and a digest of what gets installed), the runner's OS and Python."""
    digest = hashlib.sha256()
    files = [action / "action-requirements.txt", action / "pyproject.toml",
             *sorted(p for p in (action / "containersec").rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    for path in files:
        digest.update(path.relative_to(action).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    python = ".".join(map(str, sys.version_info[:3]))
    return (f"containersec-{version(action)}-{digest.hexdigest()[:16]}-{platform.system()}-{platform.machine()}"
            f"-py{python}").lower()


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def problem_with(venv: Path, key: str, action: Path) -> str | None:
    """Why the environment at `venv` cannot be used as it is; None when it runs this version of containersec."""
    if not venv.is_dir():
        return "no cached environment"
    stamp = venv / STAMP
    if not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != key:
        return "it was built for another key"
    command = bin_dir(venv) / ("containersec.exe" if os.name == "nt" else "containersec")
    try:
        done = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=VERIFY_SECONDS,
                              check=False)
    except OSError as exc:
        return f"its containersec command does not start: {exc.strerror or exc}"
    except subprocess.TimeoutExpired:
        return "its containersec command does not answer"
    expected = f"containersec {version(action)}"
    if done.returncode != 0 or done.stdout.strip() != expected:
        return f"`containersec --version` said {(done.stdout or done.stderr).strip()[:200]!r}, not {expected!r}"
    return None


def install(action: Path, venv: Path, key: str) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = bin_dir(venv) / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
                    "--constraint", str(action / "action-requirements.txt"), str(action)], check=True)
    (venv / STAMP).write_text(key + "\n", encoding="utf-8")


def prepare(action: Path, venv: Path) -> str:
    """A working environment at `venv`: the cached one when it checks out, else a fresh one. Says which."""
    key = cache_key(action)
    started = time.monotonic()
    problem = problem_with(venv, key, action)
    if problem is None:
        print(f"containersec: environment restored from the cache and verified in "
              f"{time.monotonic() - started:.1f} s (key {key})", flush=True)
        return "cached"
    print(f"containersec: installing a fresh environment: {problem} (key {key})", flush=True)
    install(action, venv, key)
    print(f"containersec: installed in {time.monotonic() - started:.1f} s", flush=True)
    return "installed"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "key":
        print(cache_key(Path(argv[1])))
        return 0
    if len(argv) == 3 and argv[0] == "install":
        action, venv = Path(argv[1]), Path(argv[2])
        environment = prepare(action, venv)
        output = os.environ.get("GITHUB_OUTPUT")
        if output:
            with open(output, "a", encoding="utf-8") as handle:
                handle.write(f"bin={bin_dir(venv)}\nenvironment={environment}\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
