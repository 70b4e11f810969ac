"""Finding and reading Dockerfiles: discovery by name, the text of each file, its build context's ignore file."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from containersec.findings import InputError

MAX_BYTES = 4 * 1024 * 1024
_BOM = "\ufeff"


# The one definition of a Dockerfile's name, for the directory walk and the pre-commit hooks' `files:` (a test
# keeps .pre-commit-hooks.yaml equal to it). Case does not matter, as for Trivy: `Dockerfile`, `dockerfile`,
# `Containerfile`, `Dockerfile.prod`, `Dockerfile-dev`, `Dockerfile_prod`, `api.Dockerfile`, `web.containerfile`;
# a name ending in the extension of another kind of file (`dockerfile.py`, `Dockerfile.md`) is not one.
OTHER_FILE_EXTENSIONS = ("dockerignore", "md", "rst", "txt", "adoc", "html", "py", "go", "js", "ts", "rb", "rs",
                         "java", "sh", "json", "yaml", "yml", "toml", "xml")
DOCKERFILE_NAME = (rf"(?i)(^|/)(?![^/]*\.({'|'.join(OTHER_FILE_EXTENSIONS)})$)"
                   r"((docker|container)file([._-][^/]*)?|[^/]+\.(docker|container)file)$")
NAME_PATTERNS = ("Dockerfile, Containerfile, Dockerfile.*, Containerfile.*, Dockerfile-*, Dockerfile_*, *.Dockerfile, "
                 "*.Containerfile, in any case")


@lru_cache(maxsize=1)
def _dockerfile_name() -> re.Pattern[str]:
    return re.compile(DOCKERFILE_NAME)


def is_dockerfile_name(name: str) -> bool:
    """Whether a file name (or a repository-relative path) names a Dockerfile: see DOCKERFILE_NAME."""
    return _dockerfile_name().search(name) is not None


STDIN = "-"


def discover(paths: Iterable[str], exclude: Iterable[str] = (), *, base: str | None = None,
             notes: list[str] | None = None) -> tuple[list[str], list[InputError]]:
    """Files to lint, in order, as paths the user will recognise; missing or unreadable paths become errors.

    `exclude` globs apply to every file, named or found by walking, matched against its path as given,
    relative to `base` (the config file's folder) and relative to the working directory. A directory
    given explicitly that holds no Dockerfile adds a line to `notes`.
    """
    patterns = list(exclude)
    files: list[str] = []
    errors: list[InputError] = []
    for path in paths:
        if path == STDIN:
            files.append(path)
        elif os.path.isdir(path):
            if is_dockerfile_name(os.path.basename(os.path.normpath(path))) and not _has_dockerfiles(path):
                errors.append(InputError(path, "is a directory, not a Dockerfile"))
                continue
            found = list(_walk(path, errors))
            if not found and notes is not None and not any(e.path.startswith(path) for e in errors):
                notes.append(f"{path}: no Dockerfile in this directory (looked for {NAME_PATTERNS})")
            files.extend(found)
        elif os.path.lexists(path):
            files.append(path)
        else:
            errors.append(InputError(path, _missing(path)))
    chosen = [f for f in files if f == STDIN or not _excluded(f, patterns, base)]
    return list(dict.fromkeys(chosen)), errors


def _missing(path: str) -> str:
    try:
        os.lstat(path)
    except PermissionError as exc:  # a folder on the way cannot be searched
        return f"cannot read: {exc.strerror}"
    except OSError:
        pass
    return "no such file or directory"


def _walk(root: str, errors: list[InputError] | None = None) -> Iterator[str]:
    def shown(path: str) -> str:
        # Walking "." should name files as a user would type them: app/Dockerfile, not ./app/Dockerfile.
        return path[2:] if root == "." and path.startswith("./") else path

    def unreadable(exc: OSError) -> None:
        if errors is not None:
            errors.append(InputError(shown(exc.filename or root), f"cannot read directory: {exc.strerror or exc}"))

    for directory, subdirs, names in os.walk(root, onerror=unreadable):
        subdirs[:] = sorted(d for d in subdirs if d != ".git")
        for name in sorted(names):
            if is_dockerfile_name(name):
                yield shown(os.path.join(directory, name))


def _has_dockerfiles(path: str) -> bool:
    return next(_walk(path), None) is not None


def _excluded(path: str, patterns: list[str], base: str | None) -> bool:
    if not patterns:
        return False
    candidates = {os.path.normpath(path)}
    absolute = os.path.abspath(path)
    for root in {base or os.curdir, os.curdir}:
        try:
            relative = os.path.relpath(absolute, root)
        except ValueError:  # another drive on Windows
            continue
        if not relative.startswith(os.pardir):
            candidates.add(relative)
    names = {candidate.replace(os.sep, "/") for candidate in candidates}
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(name.rsplit("/", 1)[-1], p)
               for name in names for p in patterns)


@dataclass
class Source:
    """A file's text, or the reason it cannot be read."""

    path: str
    text: str | None = None
    error: str | None = None


def read_source(path: str) -> Source:
    """The file's text, or why it cannot be checked."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            return Source(path, error="is a directory, not a Dockerfile")
        if not stat.S_ISREG(mode):
            # Opening a FIFO or a device would block or read forever.
            return Source(path, error="not a regular file (a FIFO, socket or device)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return Source(path, error=f"cannot read: {exc.strerror or exc}")
    return decode_source(path, data)


def read_stdin(name: str) -> Source:
    """Standard input (`lint -`) as the file `name`: reports, ignores and .dockerignore use that name."""
    try:
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    except (OSError, AttributeError, ValueError) as exc:  # closed, or not a byte stream
        return Source(name, error=f"cannot read standard input: {exc}")
    return decode_source(name, data)


def decode_source(path: str, data: bytes) -> Source:
    if len(data) > MAX_BYTES:
        return Source(path, error=f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not a Dockerfile?")
    nul = data.find(b"\0")
    if nul >= 0:
        return Source(path, error=f"binary file (NUL byte at byte {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Source(path, error=f"not valid UTF-8 at byte {exc.start}")
    return Source(path, text=text.removeprefix(_BOM))


def read_dockerignore(dockerfile_path: str) -> list[str] | None:
    """Patterns of the build context's ignore file, as BuildKit picks it; None when there is none.

    BuildKit first looks for `<Dockerfile name>.dockerignore` beside the Dockerfile, then for
    `.dockerignore` at the context root, which is usually the Dockerfile's directory.
    """
    directory = os.path.dirname(dockerfile_path)
    for name in (os.path.basename(dockerfile_path) + ".dockerignore", ".dockerignore"):
        candidate = os.path.join(directory, name)
        try:
            with open(candidate, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            continue
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return None
