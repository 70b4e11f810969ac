"""`containersec vulns` speed and memory: the largest shared report, 50 reports at once, a generated 200 MB report.

Every figure is a whole `containersec vulns` process (wall clock), as a user or a CI job runs it; peak memory is
the child's maximum resident set size (getrusage). A run whose exit code is not 0 or 1 aborts the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT.parent / "shared" / "fixtures" / "scan-reports"
DESCRIPTION = ("A flaw was found in the parser, where a crafted input could lead to an out-of-bounds read. "
               "An attacker able to supply input to an application using the library could crash it or read "
               "memory contents. ") * 6


def shared_reports() -> list[Path]:
    return sorted(p for p in REPORTS.iterdir() if p.suffix in (".json", ".sarif") and p.name != "expected.json")


def run_vulns(args: list[str], cwd: Path, fmt: str = "text") -> tuple[float, int]:
    """Wall-clock seconds and peak RSS in MiB of one `containersec vulns` process."""
    return run_process([sys.executable, "-m", "containersec", "vulns", *args, "--format", fmt, "--output", os.devnull],
                       cwd)


def run_process(command: list[str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with subprocess.Popen(command, cwd=cwd, stderr=subprocess.PIPE, text=True) as process:
        _, _, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(_)
        process.returncode = code
        errors = process.stderr.read() if process.stderr else ""
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} exited {code}:\n{errors}")
    return elapsed, usage.ru_maxrss // 1024


def write_large_trivy_report(path: Path, megabytes: int) -> int:
    """A Trivy JSON report of about `megabytes` MiB, written in pieces; returns the vulnerability count."""
    head = {"SchemaVersion": 2, "ArtifactName": "generated:latest", "ArtifactType": "container_image",
            "Metadata": {"ImageConfig": {"rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1" * 64]},
                                         "history": [{"created_by": "/bin/sh -c #(nop) ADD file:x in /"}]}}}
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head)[:-1] + ', "Results": [{"Target": "generated (debian 12)", "Class": "os-pkgs", '
                  '"Type": "debian", "Vulnerabilities": [')
        while out.tell() < megabytes * 1024 * 1024:
            vulnerability = {
                "VulnerabilityID": f"CVE-2024-{count % 40000:05d}", "PkgName": f"lib{count % 2500}",
                "PkgIdentifier": {"PURL": f"pkg:deb/debian/lib{count % 2500}@1.{count % 7}-1?arch=amd64"},
                "InstalledVersion": f"1.{count % 7}-1", "FixedVersion": f"1.{count % 7}-2" if count % 3 else None,
                "Status": "fixed", "Layer": {"DiffID": "sha256:" + "1" * 64}, "SeveritySource": "nvd",
                "Severity": ("CRITICAL", "HIGH", "MEDIUM", "LOW")[count % 4], "Title": "out-of-bounds read",
                "Description": DESCRIPTION, "CweIDs": ["CWE-125"],
                "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", "V3Score": 9.1}},
                "References": [f"https://security-tracker.debian.org/tracker/CVE-2024-{count:05d}"] * 4,
                "PublishedDate": "2024-01-01T00:00:00Z", "LastModifiedDate": "2024-02-01T00:00:00Z",
            }
            if vulnerability["FixedVersion"] is None:
                del vulnerability["FixedVersion"]
            out.write(("," if count else "") + json.dumps(vulnerability))
            count += 1
        out.write("]}]}\n")
    return count


def median_run(args: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    results = [run_vulns(args, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (median)")
    parser.add_argument("--megabytes", type=int, default=200, help="size of the generated report")
    parser.add_argument("--memory-only", action="store_true", help="only the generated report; print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        tiny = work / "tiny.json"
        shutil.copy(REPORTS / "trivy-alpine-3.10-trivy-0.72.0.json", tiny)
        _, baseline = run_vulns([str(tiny)], work)
        large = work / "large.json"
        count = write_large_trivy_report(large, args.megabytes)
        size = large.stat().st_size / 2**20
        seconds, peak = run_vulns([str(large)], work)
        json_seconds, json_peak = run_vulns([str(large)], work, "json")
        # What reading the whole document at once would cost: the bytes, the text and the parsed tree.
        _, whole = run_process([sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1], 'rb'))",
                                str(large)], work)
        memory = {"report_mib": round(size, 1), "vulnerabilities": count, "seconds": round(seconds, 2),
                  "peak_rss_mib": peak, "baseline_rss_mib": baseline, "growth_mib": peak - baseline,
                  "json_format_seconds": round(json_seconds, 2), "json_format_peak_rss_mib": json_peak,
                  "json_load_peak_rss_mib": whole}
        if args.memory_only:
            print(json.dumps(memory))
            return
        biggest = max(shared_reports(), key=lambda p: p.stat().st_size)
        one_time, one_rss = median_run([str(biggest)], work, args.runs)
        fifty = []
        for i in range(50):
            source = shared_reports()[i % len(shared_reports())]
            fifty.append(str(shutil.copy(source, work / f"{i:02d}-{source.name}")))
        fifty_time, fifty_rss = median_run(fifty, work, args.runs)
    print(f"| measure | wall clock | peak RSS |\n|---|---|---|\n"
          f"| largest shared report ({biggest.name}, {biggest.stat().st_size // 1024} KiB), median of {args.runs} "
          f"| {one_time * 1000:.0f} ms | {one_rss} MiB |\n"
          f"| 50 reports at once (the 12 shared ones, cycled), median of {args.runs} | {fifty_time * 1000:.0f} ms "
          f"| {fifty_rss} MiB |\n"
          f"| generated Trivy report, {memory['report_mib']} MiB, {count} vulnerabilities, text | {seconds:.1f} s "
          f"| {peak} MiB ({peak - baseline} MiB above a tiny report's {baseline} MiB) |\n"
          f"| the same, --format json | {json_seconds:.1f} s | {json_peak} MiB |\n"
          f"| for comparison: `json.load` of that report alone | | {whole} MiB |")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
