"""Lint time against the number of RUN instructions: it must grow linearly.

Two shapes of file, each at every size: "corpus" is N single-line RUN instructions taken in order, over
and over, from the shared corpus, with one other single-line instruction (ENV, ARG, COPY, WORKDIR, USER,
...) after every third RUN, then a second stage built on the first, so every rule meets the constructs
it looks at; "apt" is N copies of `RUN apt-get update && apt-get install -y curl`, the file that made
apt-lists-not-removed look at every later RUN for each one (8,000 of them took 331 s). containersec runs
with ShellCheck off and with its default; hadolint beside it up to --peer-limit RUNs (it grows faster
than linearly: 16,000 RUNs take it minutes). Prints figures; it is not a test.

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


def dockerfile(shape: str, runs: int, lines: tuple[list[str], list[str]]) -> tuple[str, int]:
    """A Dockerfile of `runs` RUN instructions of the shape, and its number of lines."""
    if shape == "apt":
        text = "FROM debian:12\n" + "RUN apt-get update && apt-get install -y curl\n" * runs
        return text, text.count("\n")
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
        for shape in ("corpus", "apt"):
            for size in args.sizes:
                text, line_count = dockerfile(shape, size, lines)
                path = work / f"Dockerfile.{shape}.{size}"
                path.write_text(text, encoding="utf-8")
                figures = {name: statistics.median(timed([*command, path.name], work) for _ in range(args.runs))
                           for name, command in tools.items() if name != "hadolint" or size <= args.peer_limit}
                rows.append((shape, size, line_count, len(text.encode()), figures))
    names = list(tools)
    print(f"{'shape':>6} {'RUNs':>7} {'lines':>7} {'KiB':>6} " + " ".join(f"{name:>30}" for name in names))
    for shape, size, line_count, size_bytes, figures in rows:
        first = next(row for row in rows if row[0] == shape)
        cells = []
        for name in names:
            if name not in figures:
                cells.append("not run")
                continue
            growth = figures[name] / first[4][name] / (size / first[1])
            cells.append(f"{figures[name]:8.2f} s ({growth:4.2f}x linear)")
        print(f"{shape:>6} {size:>7} {line_count:>7} {size_bytes / 1024:>6.0f} "
              + " ".join(f"{cell:>30}" for cell in cells))
    print("\n'x linear': time per RUN relative to the same shape's smallest size (1.00 = exactly linear, above 1 "
          "grows faster).")


if __name__ == "__main__":
    main()
