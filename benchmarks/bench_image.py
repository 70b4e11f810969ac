"""Speed and memory of `containersec image` on a large generated image, against `tar -tzf` on its layers.

Prints figures; it is not a test. See benchmarks/README.md for how to run it and the target.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

TARGET = 2.0  # the check may take at most twice as long as tar listing the same layers
MIB = 1024 * 1024
# What one layer holds (per 100 MiB of layer data): many small text files, a few hundred medium ones, large blobs.
SMALL, SMALL_BYTES = 6000, 4096
MEDIUM, MEDIUM_BYTES = 100, 256 * 1024
LARGE_SHARE = 0.5  # of the layer, in files of 16 MiB


def _content(rng: random.Random, size: int) -> bytes:
    """Half random bytes, half text, so gzip works about as hard as on real layers."""
    random_part = rng.randbytes(size // 2)
    words = b"lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n"
    text = (words * (size // len(words) + 1))[: size - len(random_part)]
    return random_part + text


def _layer(index: int, mib: int, rng: random.Random) -> bytes:
    scale = mib / 100
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 1704164645
            tar.addfile(info, io.BytesIO(data))

        for n in range(int(SMALL * scale)):
            add(f"layer{index}/small/{n % 97}/file{n}.txt", _content(rng, SMALL_BYTES))
        for n in range(int(MEDIUM * scale)):
            add(f"layer{index}/medium/file{n}.bin", _content(rng, MEDIUM_BYTES), 0o755)
        for n in range(max(1, int(mib * LARGE_SHARE / 16))):
            add(f"layer{index}/large/blob{n}.bin", _content(rng, 16 * MIB))
    return buffer.getvalue()


def _blob(layout: Path, data: bytes) -> dict[str, object]:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def generate(layout: Path, layers: int, mib_per_layer: int) -> tuple[list[Path], int]:
    """An OCI layout of `layers` gzip layers; the layer blob paths and the uncompressed layer bytes.

    Run in its own process (see main): Linux keeps a process's peak RSS across fork and exec, so a child
    forked by a process that once held a layer in memory would report that peak as its own.
    """
    (layout / "blobs" / "sha256").mkdir(parents=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    rng = random.Random(8)
    descriptors, diff_ids, blobs, uncompressed = [], [], [], 0
    for index in range(layers):
        tar = _layer(index, mib_per_layer, rng)
        uncompressed += len(tar)
        diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
        descriptor = _blob(layout, gzip.compress(tar, compresslevel=1))
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **descriptor})
        blobs.append(layout / "blobs" / "sha256" / str(descriptor["digest"]).partition(":")[2])
    config = {"architecture": "amd64", "os": "linux", "config": {"User": "1000"},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created_by": f"COPY layer{i} /layer{i} # buildkit"} for i in range(layers)]}
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           **_blob(layout, json.dumps(config).encode())}, "layers": descriptors}
    entry = {"mediaType": "application/vnd.oci.image.manifest.v1+json", **_blob(layout, json.dumps(manifest).encode()),
             "annotations": {"org.opencontainers.image.ref.name": "bench"}}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [entry]}))
    return blobs, uncompressed


_CHECK = """
import json, resource, sys, time
from containersec.config import Config
from containersec.test.image import check_images
start = time.perf_counter()
report = check_images([sys.argv[1]], Config())
elapsed = time.perf_counter() - start
assert not report.errors, report.errors
print(json.dumps({"seconds": elapsed, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "findings": len(report.findings), "paths": dict(report.summaries[0].rows)["paths"]}))
"""


def time_check(layout: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _CHECK, str(layout)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def time_tar(blobs: list[Path]) -> float:
    start = time.perf_counter()
    for blob in blobs:
        subprocess.run(["tar", "-tzf", str(blob)], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--mib-per-layer", type=int, default=130, help="uncompressed MiB per layer (default 130)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)  # the generating child process
    args = parser.parse_args()
    if args.generate:
        blobs, uncompressed = generate(Path(args.generate), args.layers, args.mib_per_layer)
        print(json.dumps({"blobs": [str(b) for b in blobs], "uncompressed": uncompressed}))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-image-") as scratch:
        layout = Path(scratch) / "layout"
        started = time.perf_counter()
        made = json.loads(subprocess.run(
            [sys.executable, __file__, "--generate", str(layout), "--layers", str(args.layers),
             "--mib-per-layer", str(args.mib_per_layer)], capture_output=True, text=True, check=True).stdout)
        blobs, uncompressed = [Path(b) for b in made["blobs"]], made["uncompressed"]
        compressed = sum(os.path.getsize(b) for b in blobs)
        print(f"image: {args.layers} gzip layers, {uncompressed / MIB:.0f} MiB uncompressed, "
              f"{compressed / MIB:.0f} MiB compressed (generated in {time.perf_counter() - started:.0f} s)")
        tar_times, check_times, memory, paths = [], [], [], ""
        for _ in range(args.runs):
            tar_times.append(time_tar(blobs))
            result = time_check(layout)
            check_times.append(result["seconds"])
            memory.append(result["maxrss_kib"])
            paths = result["paths"]
        tar_s, check_s = statistics.median(tar_times), statistics.median(check_times)
        ratio = check_s / tar_s
        print(f"tar -tzf (floor):    median {tar_s:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in tar_times)})")
        print(f"containersec image:  median {check_s:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in check_times)})")
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"ratio:               {ratio:.2f}x tar's time (target <= {TARGET}x: {verdict})")
        print(f"throughput:          {uncompressed / MIB / check_s:.0f} MiB/s uncompressed")
        print(f"peak memory:         {max(memory) / 1024:.0f} MiB ru_maxrss "
              f"({uncompressed / MIB:.0f} MiB of layers, {paths} paths)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
