"""A persistent cache of ShellCheck's comments per script, so unchanged RUN scripts are not checked again.

pre-commit and CI lint the same Dockerfiles over and over, and ShellCheck's analysis is most of the time
such a run takes. An entry is keyed by everything that decides ShellCheck's answer: the binary (path, size
and modification time), the options, the dialect and the exact script bytes. The cache is only an
optimisation: any error reading or writing it means a miss, never a failure.

Location: `$CONTAINERSEC_CACHE_DIR`, else `$XDG_CACHE_HOME/containersec`, else `~/.cache/containersec`;
`CONTAINERSEC_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

try:  # CPython's built-in SHA-256: `hashlib` loads OpenSSL first (about 6 ms), before ShellCheck can start
    from _sha256 import sha256  # Python 3.11
except ImportError:
    try:
        from _sha2 import sha256  # Python 3.12 and later
    except ImportError:
        from hashlib import sha256


class ResultCache:
    def __init__(self, directory: Path, identity: bytes) -> None:
        self.directory = directory
        self.identity = identity

    @classmethod
    def open(cls, binary: str, options: list[str]) -> ResultCache | None:
        if os.environ.get("CONTAINERSEC_NO_CACHE", "").lower() in ("1", "true", "yes"):
            return None
        root = os.environ.get("CONTAINERSEC_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "containersec")
        try:
            stat = os.stat(binary)
        except OSError:
            return None
        identity = "\0".join([os.path.realpath(binary), str(stat.st_size), str(stat.st_mtime_ns), *options])
        return cls(Path(root, "shellcheck"), identity.encode())

    def _path(self, shell: str, script: bytes) -> Path:
        key = sha256(b"\0".join([self.identity, shell.encode(), script])).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, shell: str, script: bytes) -> list[dict] | None:
        try:
            comments = json.loads(self._path(shell, script).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return comments if isinstance(comments, list) else None

    def put(self, shell: str, script: bytes, comments: list[dict]) -> None:
        import tempfile  # written after ShellCheck has run: its import stays off the way to the launch

        path = self._path(shell, script)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent run (pre-commit's parallel batches) never reads half a file.
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                             suffix=".tmp") as handle:
                json.dump(comments, handle)
            os.replace(handle.name, path)
        except OSError:
            return
