"""`containersec registry audit` of repositories whose every tag carries a cosign vulnerability attestation.

Starts Debian's `docker-registry` on 127.0.0.1 (as the tests do) and pushes repositories of distinct images,
each with a `sha256-<hex>.att` tag whose DSSE envelope holds one of the recorded real reports of
../shared/fixtures/scan-reports (made to name the image's digest). Audits each in-process and prints the
requests (which must grow linearly with tags), the audit's wall time and the part of it spent reading the
attestations (fetching the manifests and blobs, and reading the reports). No peer reads attested scans of a
whole registry offline (Trivy and Grype scan one image at a time and need their database), so there is no
peer column. Prints figures; it is not a test. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cryptography.hazmat.primitives.asymmetric import ec
from registry_server import api_image, running_registry
from test_registry_scans import attest

from containersec.config import Config
from containersec.release.registry.audit import audit_references
from containersec.test.image import config_findings

REPORTS = ("trivy-alpine-3.10.json", "trivy-debian-buster.json", "trivy-centos-7.json", "grype-busybox-1.32.1.json")


def fill(server, repository: str, tags: int, key: ec.EllipticCurvePrivateKey) -> None:
    now = datetime.datetime.now(datetime.UTC)
    for number in range(tags):
        created = (now - datetime.timedelta(days=tags - number)).strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = api_image(server, repository, f"1.{number // 100}.{number % 100}", {"created": created})
        attest(server, repository, digest, [(REPORTS[number % len(REPORTS)], now.strftime("%Y-%m-%dT%H:%M:%SZ"))],
               key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,250,500", help="tag counts, comma-separated (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="audits per size; the median time is shown")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    key = ec.generate_private_key(ec.SECP256R1())
    rows = []
    with tempfile.TemporaryDirectory() as scratch, running_registry(Path(scratch) / "registry") as server:
        for size in sizes:
            repository = f"bench/attested{size}"
            started = time.monotonic()
            fill(server, repository, size, key)
            pushed = time.monotonic() - started
            times, reading, requests, planned, attested = [], [], 0, 0, 0
            for _ in range(args.runs):
                started = time.monotonic()
                report = audit_references([f"{server.host}/{repository}"], Config(), config_checks=config_findings)
                times.append(time.monotonic() - started)
                if report.errors:
                    print(f"audit failed: {report.errors[0].message}", file=sys.stderr)
                    return 2
                [audited] = report.extra["registry"]
                [scanning] = report.extra["scanning"]
                requests = int(audited["requests"])  # type: ignore[call-overload]
                reading.append(float(scanning["seconds_reading_attached"]))  # type: ignore[arg-type]
                attested, planned = int(scanning["attached_reports"]), len(report.extra["patch_plan"])  # type: ignore[call-overload]
            median, read = sorted(times)[len(times) // 2], sorted(reading)[len(reading) // 2]
            rows.append((size, requests, requests / size, median, read, attested, planned, pushed))
    print(f"{'tags':>6} {'requests':>9} {'req/tag':>8} {'audit s':>8} {'reading s':>10} {'share':>6} "
          f"{'reports':>8} {'plan':>5} {'push s':>7}")
    for size, requests, per_tag, median, read, attested, planned, pushed in rows:
        print(f"{size:>6} {requests:>9} {per_tag:>8.2f} {median:>8.2f} {read:>10.2f} {read / median:>6.0%} "
              f"{attested:>8} {planned:>5} {pushed:>7.1f}")
    per_tag = [row[2] for row in rows]
    spread = max(per_tag) / min(per_tag)
    print(f"requests per tag vary by {spread:.2f}x across sizes ({'linear' if spread < 1.1 else 'NOT linear'})")
    return 0 if spread < 1.1 else 1


if __name__ == "__main__":
    sys.exit(main())
