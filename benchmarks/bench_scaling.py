"""Lint time against the number of RUN instructions: it must grow linearly.

Each size is one Dockerfile of N single-line RUN instructions taken in order, over and over, from the
shared corpus, with one other single-line instruction (ENV, ARG, COPY, WORKDIR, USER, ...) after every
third RUN, then a second stage built on the first: so every rule meets the constructs it looks at, and a
rule that looks at every later instruction for each one (n² work) shows at once. containersec runs with
ShellCheck off and with its default; hadolint beside it up to --peer-limit RUNs (it grows faster than
linearly: 16,000 RUNs take it minutes). Prints figures; it is not a test.

    .venv/bin/python benchmarks/bench_scaling.py [--sizes 1000 4000 16000] [--runs 3] [--peer-limit 4000]
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

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"
KEYWORDS = ("RUN ", "ENV ", "ARG ", "COPY ", "ADD ", "WORKDIR ", "USER ", "LABEL ", "EXPOSE ", "ONBUILD ")


def corpus_lines() -> tuple[list[str], list[str]]:
    """Single-line RUN instructions of the corpus, and its other single-line instructions, in a fixed order."""
    runs, others = [], []
    for path in sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.suffix != ".tsv"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(KEYWORDS) and not line.rstrip().endswith("\\"):
                (runs if line.startswith("RUN ") else others).append(line)
    return runs, others


def dockerfile(runs: int, lines: tuple[list[str], list[str]]) -> tuple[str, int]:
    """A Dockerfile of `runs` RUN instructions and a third as many others, and its number of lines."""
    run_lines, other_lines = lines
    body = []
    for i in range(runs):
        body.append(run_lines[i % len(run_lines)])
        if i % 3 == 2:
            body.append(other_lines[(i // 3) % len(other_lines)])
    text = "FROM debian:12 AS base\n" + "\n".join(body) + "\nFROM base\nRUN apt-get install -y curl\n"
    return text, text.count("\n")


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.exists() else shutil.which("hadolint")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs per size and tool")
    parser.add_argument("--peer-limit", type=int, default=4000, help="run hadolint only up to this many RUNs")
    args = parser.parse_args()
    containersec = str(Path(sys.executable).with_name("containersec"))
    tools = {"containersec (ShellCheck off)": [containersec, "lint", "--format", "json", "--shellcheck", "off"],
             "containersec (default)": [containersec, "lint", "--format", "json"]}
    peer = hadolint()
    if peer is not None:
        tools["hadolint"] = [peer, "--format", "json", "--no-fail"]
    lines = corpus_lines()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = []
        for size in args.sizes:
            text, line_count = dockerfile(size, lines)
            path = work / f"Dockerfile.{size}"
            path.write_text(text, encoding="utf-8")
            figures = {name: statistics.median(timed([*command, path.name], work) for _ in range(args.runs))
                       for name, command in tools.items() if name != "hadolint" or size <= args.peer_limit}
            rows.append((size, line_count, len(text.encode()), figures))
    names = list(tools)
    print(f"{'RUNs':>7} {'lines':>7} {'KiB':>6} " + " ".join(f"{name:>30}" for name in names))
    first = rows[0]
    for size, line_count, size_bytes, figures in rows:
        cells = []
        for name in names:
            if name not in figures:
                cells.append("not run")
                continue
            growth = figures[name] / first[3][name] / (size / first[0])
            cells.append(f"{figures[name]:8.2f} s ({growth:4.2f}x linear)")
        print(f"{size:>7} {line_count:>7} {size_bytes / 1024:>6.0f} " + " ".join(f"{cell:>30}" for cell in cells))
    print("\n'x linear': time per RUN relative to the smallest size (1.00 = exactly linear, above 1 grows faster).")


if __name__ == "__main__":
    main()
