"""A scanner run once per distinct digest, never per tag, a bounded number at a time, cached on disk.

The cache key is the command, the scanner's database version (what `db-version-command` prints) and the
digest: a new database, or a different command, scans again; so does a cached scan older than the maximum
scan age. The command is split into words once and `{image}`, `{registry}`, `{repository}` and `{digest}` are
substituted inside words, never through a shell.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from containersec.release.registry.settings import ScannerSettings

STDERR_SHOWN = 300


class ScannerError(Exception):
    """The scanner could not run or failed; the message names the command and the problem."""


@dataclass(frozen=True)
class Target:
    registry: str
    repository: str
    digest: str

    @property
    def image(self) -> str:
        return f"{self.registry}/{self.repository}@{self.digest}"


@dataclass(frozen=True)
class Scanned:
    target: Target
    path: Path | None  # the cached report; None when the scan failed
    finished: datetime | None
    cached: bool
    problem: str | None = None


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "containersec" / "scans"


class Scanner:
    def __init__(self, settings: ScannerSettings, cache: Path, max_age_days: int, now: datetime) -> None:
        self.settings = settings
        self.cache = cache
        self.max_age = timedelta(days=max_age_days)
        self.now = now
        self._database: str | None = None

    def database(self) -> str:
        """What the database version command prints (read once); empty when none is configured."""
        if self._database is None:
            command = self.settings.db_version_command
            self._database = self._run(shlex.split(command), None).decode(errors="replace") if command else ""
        return self._database

    def scan(self, targets: Iterable[Target]) -> dict[str, Scanned]:
        """{digest: Scanned} for each distinct digest; at most `jobs` scanner processes at once."""
        distinct = {target.digest: target for target in targets}
        if not distinct:
            return {}
        self.cache.mkdir(parents=True, exist_ok=True)
        database = self.database()
        with ThreadPoolExecutor(max_workers=self.settings.jobs) as pool:
            done = list(pool.map(lambda t: self._scan_one(t, database), distinct.values()))
        return {scanned.target.digest: scanned for scanned in done}

    def _scan_one(self, target: Target, database: str) -> Scanned:
        key = hashlib.sha256("\0".join((self.settings.command, database, target.digest)).encode()).hexdigest()
        path = self.cache / f"{key}.json"
        if path.is_file():
            finished = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if self.now - finished <= self.max_age:
                return Scanned(target, path, finished, cached=True)
        words = [self._substitute(word, target) for word in shlex.split(self.settings.command)]
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        try:
            with partial.open("wb") as out:
                self._run(words, out)
            os.replace(partial, path)
        except ScannerError as exc:
            partial.unlink(missing_ok=True)
            return Scanned(target, None, None, cached=False, problem=str(exc))
        return Scanned(target, path, datetime.now(UTC), cached=False)

    def _run(self, words: list[str], out: object) -> bytes:
        shown = shlex.join(words)
        try:
            result = subprocess.run(words, stdout=out if out is not None else subprocess.PIPE,
                                    stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    timeout=self.settings.timeout, check=False)
        except FileNotFoundError:
            raise ScannerError(f"{words[0]}: not found (install it, or set registry.scanner)") from None
        except subprocess.TimeoutExpired:
            raise ScannerError(f"`{shown}` took more than {self.settings.timeout:g} s; stopped") from None
        except OSError as exc:
            raise ScannerError(f"`{shown}` cannot run: {exc.strerror}") from None
        if result.returncode:
            detail = result.stderr.decode(errors="replace").strip()[-STDERR_SHOWN:]
            raise ScannerError(f"`{shown}` exited with {result.returncode}" + (f": {detail}" if detail else ""))
        return result.stdout or b""

    @staticmethod
    def _substitute(word: str, target: Target) -> str:
        for name, value in (("{image}", target.image), ("{registry}", target.registry),
                            ("{repository}", target.repository), ("{digest}", target.digest)):
            word = word.replace(name, value)
        return word
