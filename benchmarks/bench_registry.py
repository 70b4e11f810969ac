"""`containersec registry audit` on a local registry: requests made and time, as the number of tags grows.

Starts Debian's `docker-registry` on 127.0.0.1 (as the tests do), pushes repositories of distinct images
(every tag its own digest, a quarter of them signed with cosign-style `.sig` tags), audits each in-process
and prints requests and wall time per size. Requests must grow linearly with tags: the figure to watch is
requests per tag, which must stay flat. Prints figures; it is not a test. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from registry_server import api_image, artifact, running_registry

from containersec.config import Config
from containersec.release.registry.audit import audit_references
from containersec.test.image import config_findings


def fill(server, repository: str, tags: int) -> None:
    for number in range(tags):
        digest = api_image(server, repository, f"1.{number // 100}.{number % 100}",
                           {"created": f"2026-{number % 12 + 1:02d}-01T00:00:00Z",
                            "config": {"Labels": {"org.opencontainers.image.version": str(number)}}})
        if number % 4 == 0:
            artifact(server, repository, "application/vnd.dev.cosign.simplesigning.v1+json", digest.encode(),
                     tag=f"{digest.replace(':', '-')}.sig")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,250,500", help="tag counts, comma-separated (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="audits per size; the median time is shown")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch, running_registry(Path(scratch) / "registry") as server:
        rows = []
        for size in sizes:
            repository = f"bench/tags{size}"
            started = time.monotonic()
            fill(server, repository, size)
            pushed = time.monotonic() - started
            times, requests, findings = [], 0, 0
            for _ in range(args.runs):
                started = time.monotonic()
                report = audit_references([f"{server.host}/{repository}"], Config(), config_checks=config_findings)
                times.append(time.monotonic() - started)
                if report.errors:
                    print(f"audit failed: {report.errors[0].message}", file=sys.stderr)
                    return 2
                [audited] = report.extra["registry"]
                requests, findings = int(audited["requests"]), len(report.findings)  # type: ignore[call-overload]
            median = sorted(times)[len(times) // 2]
            rows.append((size, requests, requests / size, median, size / median, findings, pushed))
    print(f"{'tags':>6} {'requests':>9} {'req/tag':>8} {'audit s':>8} {'tags/s':>8} {'findings':>9} {'push s':>7}")
    for size, requests, per_tag, median, rate, findings, pushed in rows:
        print(f"{size:>6} {requests:>9} {per_tag:>8.2f} {median:>8.2f} {rate:>8.0f} {findings:>9} {pushed:>7.1f}")
    per_tag = [row[2] for row in rows]
    spread = max(per_tag) / min(per_tag)
    print(f"requests per tag vary by {spread:.2f}x across sizes ({'linear' if spread < 1.1 else 'NOT linear'})")
    return 0 if spread < 1.1 else 1


if __name__ == "__main__":
    sys.exit(main())
