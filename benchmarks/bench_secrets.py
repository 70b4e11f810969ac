"""Speed of the secret detector: a large generated layer, the Dockerfile corpus, and adversarial inputs.

Prints figures; it is not a test. See benchmarks/README.md for how to run it.

1. A generated layer (gzip tar of text files with a few fake credentials, and some binaries): every file
   goes through the image stage's content scan (`test/image/content.py`, the detector with its byte
   pre-filter), timed beside `tar -tzf` listing the same layer. MiB/s over the layer's uncompressed bytes.
2. The Dockerfile corpus: the detector over every file's text, and `containersec lint` over the corpus
   (ShellCheck off), whole processes.
3. Linearity: every catalogue entry alone on inputs built to make a backtracking pattern slow (its keywords
   repeated, a keyword followed by a long run of token characters, assignment look-alikes), at two sizes.
   A linear entry takes about twice as long on the doubled input; the worst ratios and times are printed.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import random
import statistics
import string
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dockerfiles"
MIB = 1024 * 1024
ALNUM = string.ascii_letters + string.digits


def _fake(rng: random.Random) -> str:
    """A credential-shaped line, prefixes joined at run time like the tests' samples."""
    body = "".join(rng.choice(ALNUM) for _ in range(36))
    return rng.choice([
        "GITHUB_TOKEN=" + "gh" + "p_" + body,
        "aws_access_key_id = " + "AK" + "IA" + body[:16].upper(),
        "api_secret: " + body[:24] + "7",
        "url = postgres://app:" + body[:18] + "@db.internal:5432/app",
        "slack = " + "xo" + "xb-" + "1234567890-" + body[:24],
    ])


def _text_file(rng: random.Random, size: int) -> bytes:
    """Source- and config-like text: identifiers, assignments, URLs, numbers; now and then a credential."""
    words = ["import", "def", "return", "config", "value", "path", "http://example.org/x", "key", "token_url",
             "password_file", "self", "for", "in", "range", "version", "0.4.2", "sha256:", "name", "=", ":"]
    lines: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12)))
        if rng.random() < 0.002:
            line = _fake(rng)
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines).encode()[:size]


def generated_layer(mib: int, seed: int = 17) -> bytes:
    """An uncompressed layer tar: many small text files, some medium ones, a few binaries."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        written = 0
        index = 0
        while written < mib * MIB:
            kind = rng.random()
            if kind < 0.05:
                data = b"\x7fELF\0\0" + rng.randbytes(rng.randint(64, 512) * 1024)
                name = f"usr/lib/lib{index}.so"
            else:
                data = _text_file(rng, rng.choice([2, 4, 8, 16, 64, 256]) * 1024)
                name = f"app/src/{index % 200}/file{index}.{rng.choice(['py', 'js', 'yaml', 'conf', 'txt'])}"
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 1704164645
            tar.addfile(info, io.BytesIO(data))
            written += len(data)
            index += 1
    return buffer.getvalue()


def scan_layer(path: Path) -> tuple[float, float, int, int]:
    """(whole time, time in the content scan alone, files, content bytes) for one pass over the gzip layer."""
    from containersec.test.image.content import sightings

    scan = 0.0
    files = content = found = 0
    start = time.perf_counter()
    with tarfile.open(path, mode="r|gz") as tar:
        for member in tar:
            if not member.isreg() or member.size > MIB:
                continue
            handle = tar.extractfile(member)
            data = handle.read() if handle is not None else b""
            begin = time.perf_counter()
            found += len(sightings("/" + member.name, data, 0))
            scan += time.perf_counter() - begin
            files += 1
            content += len(data)
    return time.perf_counter() - start, scan, files, content


def timed(command: list[str], cwd: str | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:3])}... failed: {result.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def _once(detect_entries: Callable[[str, list[int]], object], text: str, order: int) -> float:
    start = time.perf_counter()
    detect_entries(text, [order])
    return time.perf_counter() - start


def linearity(size: int, repeats: int) -> list[tuple[float, float, str, str]]:
    """(ratio, time at 2x size, entry ID, input name) for every entry and adversarial input (best of `repeats`:
    the fastest run is the one least disturbed by the rest of the machine)."""
    from containersec.secrets.catalogue import KINDS
    from containersec.secrets.detector import detect_entries

    rows = []
    for order, kind in enumerate(KINDS):
        keyword = kind.keywords[0]

        def inputs(n: int, keyword: str = keyword) -> dict[str, str]:
            return {
                "keyword repeated": (keyword * (n // len(keyword) + 1))[:n],
                "keyword, then a long token": keyword + ("a1B2_-" * (n // 6 + 1))[:n],
                "assignments without values": ((keyword + "_API_TOKEN = '") * (n // (len(keyword) + 14) + 1))[:n],
                "keyword-separated runs": ((keyword + "x9" * 20 + " ") * (n // (len(keyword) + 41) + 1))[:n],
            }

        for name in inputs(size):
            times = []
            for n in (size, 2 * size):
                text = inputs(n)[name]
                times.append(min(_once(detect_entries, text, order) for _ in range(repeats)))
            rows.append((times[1] / max(times[0], 1e-6), times[1], kind.id, name))
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=64, help="uncompressed size of the generated layer (default 64)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median; default 3)")
    parser.add_argument("--adversarial-kib", type=int, default=256,
                        help="size of each adversarial input, doubled for the second run (default 256 KiB)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    tar = "tar"
    with tempfile.TemporaryDirectory(prefix="bench-secrets-") as directory:
        layer = Path(directory) / "layer.tar.gz"
        raw = generated_layer(args.mib)
        layer.write_bytes(gzip.compress(raw, compresslevel=6))
        compressed = layer.stat().st_size
        listing = median_of(args.runs, lambda: timed([tar, "-tzf", str(layer)]))
        passes = [scan_layer(layer) for _ in range(args.runs)]
        whole = statistics.median(p[0] for p in passes)
        scan = statistics.median(p[1] for p in passes)
        files, content = passes[0][2], passes[0][3]

        corpus = sorted(str(p) for p in CORPUS.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")
        texts = [Path(p).read_text(encoding="utf-8") for p in corpus]
        corpus_bytes = sum(len(t.encode()) for t in texts)
        from containersec.secrets import find_secrets

        def corpus_detect() -> float:
            start = time.perf_counter()
            for text in texts:
                list(find_secrets(text))
            return time.perf_counter() - start

        detect_time = median_of(args.runs, corpus_detect)
        lint = [sys.executable, "-m", "containersec", "lint", "--shellcheck", "off", "--format", "json", *corpus]
        lint_time = median_of(args.runs, lambda: timed(lint, cwd=directory))
        only = [*lint[:4], "--select", "CSD096", *lint[4:]]
        secret_rule_time = median_of(args.runs, lambda: timed(only, cwd=directory))

    print(f"generated layer: {len(raw) / MIB:.0f} MiB uncompressed ({compressed / MIB:.1f} MiB gzip), "
          f"{files} files scanned ({content / MIB:.0f} MiB of content); {os.cpu_count()} CPUs; median of {args.runs}")
    print()
    print(f"{'measure':58} {'seconds':>8} {'MiB/s':>8}")
    print(f"{'-' * 58} {'-' * 8} {'-' * 8}")
    rows = [
        ("tar -tzf on the layer (decompress and list)", listing, len(raw)),
        ("layer read + content scan of every file (one pass)", whole, len(raw)),
        ("  of which the content scan (detector) alone", scan, content),
        (f"detector over the Dockerfile corpus ({len(corpus)} files)", detect_time, corpus_bytes),
        ("containersec lint, corpus, ShellCheck off (process)", lint_time, corpus_bytes),
        ("containersec lint --select CSD096, corpus (process)", secret_rule_time, corpus_bytes),
    ]
    for name, seconds, size in rows:
        print(f"{name:58} {seconds:8.3f} {size / MIB / seconds:8.1f}")
    print()
    rows_linear = linearity(args.adversarial_kib * 1024, args.runs)
    worst_ratio = sorted(rows_linear, reverse=True)[:5]
    slowest = sorted(rows_linear, key=lambda row: row[1], reverse=True)[:5]
    print(f"linearity: {len(rows_linear)} entry/input pairs at {args.adversarial_kib} KiB and twice that "
          "(time ratio about 2 is linear)")
    for title, chosen in (("highest ratios", worst_ratio), ("slowest at the larger size", slowest)):
        print(f"  {title}:")
        for ratio, seconds, kind_id, name in chosen:
            print(f"    {kind_id:40} {name:30} ratio {ratio:5.2f}  {seconds * 1000:8.1f} ms")
    superlinear = [row for row in rows_linear if row[0] > 3.0 and row[1] > 0.05]
    print(f"  entries over ratio 3 taking over 50 ms: {len(superlinear)}")
    for ratio, seconds, kind_id, name in superlinear:
        print(f"    {kind_id:40} {name:30} ratio {ratio:5.2f}  {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
