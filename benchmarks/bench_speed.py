"""Speed of `containersec lint` against hadolint: corpus throughput and cold single-file latency.

One run measures containersec with ShellCheck off, with ShellCheck on and an empty result cache, and with
ShellCheck on and a warm cache, each beside hadolint (which always runs ShellCheck). The runs of all
variants are interleaved, so a machine that gets busier during the benchmark slows every variant alike.
A size sweep then times single files spread evenly over the corpus's sizes (ShellCheck on, empty cache),
so the share of files that meet the single-file target is measured rather than read off one sample.
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
# Single-file samples at the corpus's 35th, 47th and 72nd percentile of size (0.8, 1.4 and 4.9 KB): the
# ratio depends on size: hadolint's time grows with the RUN scripts it checks, from under 10 ms for a
# file without one, while containersec's starts at about 100 ms.
DEFAULT_SAMPLES = ("jessfraz__dockerfiles/gcloud__Dockerfile", "jessfraz__dockerfiles/consul__Dockerfile",
                   "docker-library__python/3.12__slim-bookworm__Dockerfile")
THROUGHPUT_TARGET = 10.0  # containersec files/s >= 10x hadolint's
LATENCY_TARGET = 1.5  # containersec cold single-file time <= 1.5x hadolint's


@dataclass(frozen=True)
class Variant:
    """One way of running containersec: ShellCheck off, or on with an empty or a warm result cache."""

    name: str
    shellcheck: str
    cache: str  # "none" (off), "empty" (a new cache folder per run) or "warm" (kept between runs)


EMPTY_CACHE = Variant("ShellCheck on, empty cache", "on", "empty")
VARIANTS = (Variant("ShellCheck off", "off", "none"), EMPTY_CACHE, Variant("ShellCheck on, warm cache", "on", "warm"))


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


def timed_run(command: Sequence[str], cwd: str, env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds of one run; exit 0 or 1 (clean or findings) is success, anything else aborts."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"bench_speed: {shlex.join(command[:4])} ... exited {result.returncode}:\n"
                 f"{result.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


class Runner:
    """Runs containersec variants and hadolint in an empty folder, each variant with its own cache setting."""

    def __init__(self, containersec: list[str], hadolint: list[str], cwd: str) -> None:
        self.containersec = containersec
        self.hadolint = hadolint
        self.cwd = cwd
        self.warm_cache = Path(cwd, "warm-cache")

    def environment(self, variant: Variant) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if key not in ("CONTAINERSEC_NO_CACHE", "CONTAINERSEC_CACHE_DIR")}
        if variant.cache == "warm":
            env["CONTAINERSEC_CACHE_DIR"] = str(self.warm_cache)
        else:
            env["CONTAINERSEC_CACHE_DIR"] = tempfile.mkdtemp(prefix="empty-cache-", dir=self.cwd)
        return env

    def ours(self, variant: Variant, paths: Sequence[str]) -> float:
        return timed_run([*self.containersec, "--shellcheck", variant.shellcheck, *paths], self.cwd,
                         self.environment(variant))

    def theirs(self, paths: Sequence[str]) -> float:
        return timed_run([*self.hadolint, *paths], self.cwd)

    def medians(self, paths: Sequence[str], runs: int,
                variants: Sequence[Variant] = VARIANTS) -> tuple[dict[Variant, float], float]:
        """Median seconds per variant and for hadolint, the runs interleaved; one warm-up run of each first."""
        for variant in variants:  # compiles bytecode, fills the warm cache and the page cache
            self.ours(variant, paths)
        self.theirs(paths)
        ours: dict[Variant, list[float]] = {variant: [] for variant in variants}
        theirs: list[float] = []
        for _ in range(runs):
            theirs.append(self.theirs(paths))
            for variant in variants:
                ours[variant].append(self.ours(variant, paths))
        return {variant: statistics.median(times) for variant, times in ours.items()}, statistics.median(theirs)


def benchmark(runner: Runner, samples: Sequence[str], runs: int, corpus_runs: int) -> list[Row]:
    files = corpus_files()
    rows = []
    ours, theirs = runner.medians(files, corpus_runs)
    for variant, seconds in ours.items():
        ratio = theirs / seconds
        rows.append(Row(f"corpus throughput, {variant.name}", len(files) / seconds, len(files) / theirs,
                        "files/s", ratio, f">= {THROUGHPUT_TARGET:g}x", ratio >= THROUGHPUT_TARGET))
    for sample in samples:
        ours, theirs = runner.medians([str(CORPUS / sample)], runs)
        size = (CORPUS / sample).stat().st_size
        for variant, seconds in ours.items():
            rows.append(Row(f"cold single file of {size / 1024:.1f} KB, {variant.name}", seconds * 1000,
                            theirs * 1000, "ms", theirs / seconds, f"<= {LATENCY_TARGET:g}x hadolint's time",
                            seconds <= LATENCY_TARGET * theirs))
    return rows


@dataclass(frozen=True)
class SweepPoint:
    """One corpus file of the size sweep and both tools' cold single-file times on it."""

    percentile: int
    path: str
    size: int
    containersec_ms: float
    hadolint_ms: float

    @property
    def met(self) -> bool:
        return self.containersec_ms <= LATENCY_TARGET * self.hadolint_ms


def size_sweep(runner: Runner, points: int, runs: int) -> list[SweepPoint]:
    """Cold single-file times (ShellCheck on, empty cache) of `points` files spread evenly over the corpus's
    sizes: the middle file of each equal share of the corpus sorted by size."""
    by_size = sorted(corpus_files(), key=lambda path: Path(path).stat().st_size)
    sweep = []
    for index in range(points):
        path = by_size[(2 * index + 1) * len(by_size) // (2 * points)]
        ours, theirs = runner.medians([path], runs, variants=(EMPTY_CACHE,))
        sweep.append(SweepPoint(round(100 * (2 * index + 1) / (2 * points)), path, Path(path).stat().st_size,
                                ours[EMPTY_CACHE] * 1000, theirs * 1000))
    return sweep


def render_sweep(sweep: Sequence[SweepPoint]) -> str:
    lines = [f"Cold single file, {EMPTY_CACHE.name}, over the corpus's sizes (median of the runs):",
             "percentile  size      containersec  hadolint  ratio  met  file"]
    for point in sweep:
        lines.append(f"{point.percentile:>10}  {point.size / 1024:5.1f} KB  {point.containersec_ms:9.1f} ms"
                     f"  {point.hadolint_ms:5.1f} ms  {point.containersec_ms / point.hadolint_ms:4.2f}x  "
                     f"{'yes' if point.met else 'NO ':3}  {Path(point.path).relative_to(CORPUS)}")
    met = sum(point.met for point in sweep)
    lines.append(f"<= {LATENCY_TARGET:g}x hadolint's time for {met} of {len(sweep)} files, so for about "
                 f"{100 * met // len(sweep)}% of the corpus")
    return "\n".join(lines)


@dataclass(frozen=True)
class ShellCheckBound:
    """ShellCheck's own work on the corpus: what an empty-cache run with ShellCheck on cannot go below."""

    scripts: int  # distinct RUN scripts of the corpus, as ShellCheck is given them
    cpu_seconds: float  # ShellCheck's user + system time over all of them, in batches as containersec runs it

    def best_throughput(self, files: int, cores: int) -> float:
        """Files per second if everything but ShellCheck were free and ShellCheck kept every core busy."""
        return files / (self.cpu_seconds / cores)


def shellcheck_bound(files: Sequence[str], directory: str) -> ShellCheckBound:
    """Runs ShellCheck alone over the corpus's distinct scripts, with containersec's options and batch size."""
    import resource

    from containersec.build.shellcheck import _WAVE, find_shellcheck, scripts_to_check, shellcheck_options
    from containersec.config import Config
    from containersec.dockerfile.files import read_source
    from containersec.dockerfile.parse import parse_dockerfile

    binary = find_shellcheck()
    if binary is None:
        sys.exit("bench_speed: ShellCheck is not installed")
    scripts: dict[tuple[str, bytes], None] = {}
    for path in files:
        source = read_source(path)
        if source.text is not None:
            scripts.update(dict.fromkeys(scripts_to_check(parse_dockerfile(source.text, path))))
    by_shell: dict[str, list[str]] = {}
    for index, (shell, text) in enumerate(scripts):
        name = Path(directory, f"{index}.sh")
        name.write_bytes(text)
        by_shell.setdefault(shell, []).append(str(name))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for shell, names in by_shell.items():
        for start in range(0, len(names), _WAVE):
            command = [binary, *shellcheck_options(Config()), f"--shell={shell}", *names[start:start + _WAVE]]
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ShellCheckBound(len(scripts), cpu)


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
    parser.add_argument("--runs", type=int, default=15,
                        help="single-file runs per tool and variant (median; default 15)")
    parser.add_argument("--corpus-runs", type=int, default=3,
                        help="whole-corpus runs per tool and variant (median; default 3)")
    parser.add_argument("--sample", action="append", dest="samples",
                        help="corpus file for the single-file latency (repeatable; default: "
                             f"{', '.join(DEFAULT_SAMPLES)})")
    parser.add_argument("--sweep", type=int, default=10,
                        help="files spread over the corpus's sizes for the cold single-file sweep (0: none; "
                             "default 10, each timed --sweep-runs times)")
    parser.add_argument("--sweep-runs", type=int, default=7, help="runs per tool and sweep file (median; default 7)")
    parser.add_argument("--containersec-args", default="",
                        help="extra arguments for `containersec lint`, e.g. \"--select CSD008\"")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    samples = args.samples or list(DEFAULT_SAMPLES)
    for sample in samples:
        if not (CORPUS / sample).is_file():
            sys.exit(f"bench_speed: no such corpus file: {CORPUS / sample}")
    containersec = [find_tool("containersec"), "lint", "--format", "json", *shlex.split(args.containersec_args)]
    hadolint = [find_tool("hadolint"), "--no-color", "--format", "json"]
    # An installed package has bytecode (pip compiles it); an editable checkout run with PYTHONDONTWRITEBYTECODE
    # would compile every module in every cold start instead, which no user's pre-commit run pays.
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1] / "containersec", quiet=1)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    # An empty working directory: neither tool picks up a project config file. The ShellCheck result caches
    # live there too.
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as cwd:
        runner = Runner(containersec, hadolint, cwd)
        rows = benchmark(runner, samples, args.runs, args.corpus_runs)
        sweep = size_sweep(runner, args.sweep, args.sweep_runs) if args.sweep > 0 else []
        bound = shellcheck_bound(corpus_files(), cwd)
    hadolint_version = subprocess.run([hadolint[0], "--version"], capture_output=True, text=True).stdout
    print(f"containersec: {shlex.join(containersec[1:])} --shellcheck off|on")
    print(f"hadolint:     {shlex.join(hadolint[1:])}  ({hadolint_version.strip()})")
    print(f"corpus: {len(corpus_files())} files; single files: {', '.join(samples)}; {os.cpu_count()} CPUs; "
          f"load average before: {load}\n")
    print(render(rows))
    files, cores = len(corpus_files()), os.cpu_count() or 1
    hadolint_throughput = rows[0].hadolint
    alone = bound.best_throughput(files, cores)
    # The ShellCheck-off run is containersec's own work, already spread over the cores.
    with_ours = 1 / (1 / alone + 1 / rows[0].containersec)
    print(f"\nShellCheck alone on the corpus's {bound.scripts} distinct RUN scripts: {bound.cpu_seconds:.2f} s of "
          f"CPU. With an empty cache no run on {cores} CPUs can exceed {alone:.0f} files/s "
          f"({alone / hadolint_throughput:.1f}x hadolint) even if all else were free, nor {with_ours:.0f} files/s "
          f"({with_ours / hadolint_throughput:.1f}x) with containersec's own work as measured with ShellCheck off.")
    if sweep:
        print("\n" + render_sweep(sweep))


if __name__ == "__main__":
    main()
