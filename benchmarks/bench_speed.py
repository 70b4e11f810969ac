"""Speed of `containersec lint` against hadolint: corpus throughput and cold single-file latency.

Prints figures; it is not a test. See benchmarks/README.md for how to run it and the targets.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"
DEFAULT_SAMPLE = "docker-library__python/3.12__slim-bookworm__Dockerfile"
THROUGHPUT_TARGET = 10.0  # containersec files/s >= 10x hadolint's
LATENCY_TARGET = 1.5  # containersec cold single-file time <= 1.5x hadolint's


@dataclass(frozen=True)
class Row:
    measure: str
    containersec: float
    hadolint: float
    unit: str
    ratio: float  # how many times better containersec is (higher is better for both measures)
    target: str
    met: bool


def corpus_files() -> list[str]:
    return sorted(str(p) for p in CORPUS.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")


def find_tool(name: str) -> str:
    """`name` from this interpreter's environment (dev dependencies), else from PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=search)
    if found is None:
        sys.exit(f"bench_speed: {name} not found next to {sys.executable} or on PATH "
                 "(install the dev extras: pip install -e '.[dev]')")
    return found


def timed_run(command: Sequence[str], cwd: str) -> float:
    """Wall-clock seconds of one run; exit 0 or 1 (clean or findings) is success, anything else aborts."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"bench_speed: {shlex.join(command[:4])} ... exited {result.returncode}:\n"
                 f"{result.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def median_seconds(command: Sequence[str], cwd: str, runs: int) -> float:
    return statistics.median(timed_run(command, cwd) for _ in range(runs))


def benchmark(containersec: list[str], hadolint: list[str], sample: str, runs: int, corpus_runs: int,
              cwd: str) -> list[Row]:
    files = corpus_files()
    for path in files:  # into the page cache, so the first tool timed is not the one that pays for disk reads
        Path(path).read_bytes()
    ours = median_seconds([*containersec, *files], cwd, corpus_runs)
    theirs = median_seconds([*hadolint, *files], cwd, corpus_runs)
    throughput = Row("corpus throughput", len(files) / ours, len(files) / theirs, "files/s",
                     theirs / ours, f">= {THROUGHPUT_TARGET:g}x", theirs / ours >= THROUGHPUT_TARGET)

    for command in (containersec, hadolint):  # a first start may compile bytecode or fill caches
        timed_run([*command, sample], cwd)
    ours = median_seconds([*containersec, sample], cwd, runs)
    theirs = median_seconds([*hadolint, sample], cwd, runs)
    latency = Row("cold single file", ours * 1000, theirs * 1000, "ms", theirs / ours,
                  f"<= {LATENCY_TARGET:g}x hadolint's time", ours <= LATENCY_TARGET * theirs)
    return [throughput, latency]


def render(rows: list[Row]) -> str:
    header = ("measure", "containersec", "hadolint", "speed-up", "target", "met")
    cells = [header] + [
        (f"{r.measure} ({r.unit})", f"{r.containersec:.1f}", f"{r.hadolint:.1f}", f"{r.ratio:.2f}x", r.target,
         "yes" if r.met else "NO")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="single-file runs per tool (median; default 15)")
    parser.add_argument("--corpus-runs", type=int, default=3,
                        help="whole-corpus runs per tool (median; default 3)")
    parser.add_argument("--sample", default=DEFAULT_SAMPLE,
                        help=f"corpus file for the single-file latency (default {DEFAULT_SAMPLE})")
    parser.add_argument("--containersec-args", default="",
                        help="extra arguments for `containersec lint`, e.g. \"--select CSD008\"")
    parser.add_argument("--shellcheck", action="store_true",
                        help="run containersec with its ShellCheck integration on (--shellcheck on); "
                             "without this option it is off (--shellcheck off)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="let containersec keep ShellCheck's results between runs, as repeated pre-commit "
                             "and CI runs do; by default every run starts with no cache (cold)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    sample = CORPUS / args.sample
    if not sample.is_file():
        sys.exit(f"bench_speed: no such corpus file: {sample}")
    extra = ["--shellcheck", "on" if args.shellcheck else "off", *shlex.split(args.containersec_args)]
    containersec = [find_tool("containersec"), "lint", "--format", "json", *extra]
    hadolint = [find_tool("hadolint"), "--no-color", "--format", "json"]
    # An empty working directory: neither tool picks up a project config file. The ShellCheck result cache
    # lives there too, and is used only with --warm-cache.
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as cwd:
        os.environ["CONTAINERSEC_CACHE_DIR"] = str(Path(cwd, "cache"))
        if not args.warm_cache:
            os.environ["CONTAINERSEC_NO_CACHE"] = "1"
        rows = benchmark(containersec, hadolint, str(sample), args.runs, args.corpus_runs, cwd)
    hadolint_version = subprocess.run([hadolint[0], "--version"], capture_output=True, text=True).stdout
    cache = "warm (kept between runs)" if args.warm_cache else "none (every run cold)"
    print(f"containersec: {shlex.join(containersec[1:])}; ShellCheck result cache: {cache}")
    print(f"hadolint:     {shlex.join(hadolint[1:])}  ({hadolint_version.strip()})")
    print(f"corpus: {len(corpus_files())} files; single file: {args.sample}; {os.cpu_count()} CPUs\n")
    print(render(rows))


if __name__ == "__main__":
    main()
