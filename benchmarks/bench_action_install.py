"""The GitHub Action's start: a fresh install of containersec against a warm start from a cached environment.

Runs the action's own install step (scripts/action_install.py) as the runner does, on a copy of the action's
files: once with nothing cached (what every run paid before the cache), then --runs times with the
environment in place (what actions/cache restores). Prints figures; it is not a test. Restoring the cache
itself (download and unpack by actions/cache) is GitHub's and is not measured here.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "action_install.py"


def timed(action: Path, venv: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(SCRIPT), "install", str(action), str(venv)], capture_output=True,
                          text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm starts to time (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        action = Path(folder) / "action"
        shutil.copytree(ROOT / "containersec", action / "containersec", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md", "action-requirements.txt"):
            shutil.copy(ROOT / name, action / name)
        venv = Path(folder) / "venv"
        cold, said = timed(action, venv)
        print(f"fresh install (cache miss): {cold:6.2f} s   {said}")
        warm = [timed(action, venv) for _ in range(args.runs)]
        seconds = [t for t, _ in warm]
        print(f"warm start (cache hit):     {statistics.median(seconds):6.2f} s median of {args.runs} "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f})   {warm[0][1]}")
        print(f"the cache saves {cold - statistics.median(seconds):.1f} s per run "
              f"({cold / statistics.median(seconds):.0f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
