"""A large report is streamed: memory grows with the records kept, never with copies of the document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_vulns.py"


def test_a_30_mib_report_costs_less_than_reading_it_whole() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--memory-only", "--megabytes", "30"], capture_output=True,
                          text=True, check=True, timeout=300)
    figures = json.loads(done.stdout)
    assert figures["report_mib"] >= 30 and figures["vulnerabilities"] > 10000
    # The document itself is never held: growth stays under 2 MiB per MiB of report even with one finding per
    # record, where json.load alone needs the bytes, the text and the parsed tree.
    assert figures["growth_mib"] < 2 * figures["report_mib"]
    assert figures["peak_rss_mib"] < figures["json_load_peak_rss_mib"]
