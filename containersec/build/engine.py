"""The build stage end to end: find Dockerfiles, read them, run the rules, apply policy."""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from containersec.build.model import Dockerfile
from containersec.build.parse import parse_dockerfile
from containersec.catalogue import Rule
from containersec.config import Config, active_rules
from containersec.findings import Finding, InputError, Report, Stage
from containersec.suppress import build_suppressions

MAX_BYTES = 4 * 1024 * 1024
_BOM = "\ufeff"


def is_dockerfile_name(name: str) -> bool:
    """`Dockerfile`, `Containerfile`, `Dockerfile.*`, `Containerfile.*`, `*.Dockerfile`, `*.dockerfile`, ...

    Case matters, as in DESIGN's patterns: `dockerfile.py` or `docs/dockerfile.md` are not Dockerfiles.
    """
    if name.endswith(".dockerignore"):
        return False
    for base in ("Dockerfile", "Containerfile"):
        if name == base or name.startswith(base + ".") or name.endswith(("." + base, "." + base.lower())):
            return True
    return False


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> tuple[list[str], list[InputError]]:
    """Files to lint, in order, as paths the user will recognise; missing paths become errors."""
    patterns = list(exclude)
    files: list[str] = []
    errors: list[InputError] = []
    for path in paths:
        if os.path.isdir(path):
            if is_dockerfile_name(os.path.basename(os.path.normpath(path))) and not _has_dockerfiles(path):
                errors.append(InputError(path, "is a directory, not a Dockerfile"))
                continue
            files.extend(f for f in _walk(path) if not _excluded(f, patterns))
        elif os.path.lexists(path):
            files.append(path)
        else:
            errors.append(InputError(path, "no such file or directory"))
    return list(dict.fromkeys(files)), errors


def _walk(root: str) -> Iterator[str]:
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d != ".git")
        for name in sorted(names):
            if is_dockerfile_name(name):
                path = os.path.join(directory, name)
                # Walking "." should name files as a user would type them: app/Dockerfile, not ./app/Dockerfile.
                yield path[2:] if root == "." and path.startswith("./") else path


def _has_dockerfiles(path: str) -> bool:
    return next(_walk(path), None) is not None


def _excluded(path: str, patterns: list[str]) -> bool:
    normal = os.path.normpath(path).replace(os.sep, "/")
    return any(fnmatch.fnmatch(normal, p) or fnmatch.fnmatch(os.path.basename(normal), p) for p in patterns)


@dataclass
class Source:
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


def lint_paths(paths: list[str], config: Config, *, shellcheck: str = "off") -> Report:
    """Lint files and directories; `shellcheck` is auto (when installed), on (notice if missing) or off."""
    files, errors = discover(paths or ["."], config.exclude)
    report = Report(stages=(Stage.BUILD,), errors=errors, notices=list(config.notices))
    chunks = _chunks(files)
    if len(chunks) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(len(chunks), mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_lint_files, chunks, [config] * len(chunks), [shellcheck] * len(chunks)))
    else:
        parts = [_lint_files(files, config, shellcheck)]
    for part in parts:
        report.files += part.files
        report.findings.extend(part.findings)
        report.errors.extend(part.errors)
        report.sources.update(part.sources)
        report.notices.extend(n for n in part.notices if n not in report.notices)
    report.sort()
    return report


# Below this many files a second process costs more (fork, results sent back) than it saves.
_FILES_PER_PROCESS = 48


def _chunks(files: list[str]) -> list[list[str]]:
    """Files split for parallel linting: one chunk per core, of similar total size (forked workers only)."""
    cores = min(os.cpu_count() or 1, 8)
    parts = min(cores, len(files) // _FILES_PER_PROCESS) if sys.platform.startswith("linux") else 1
    if parts <= 1:
        return [files]
    chunks: list[list[str]] = [[] for _ in range(parts)]
    totals = [0] * parts
    for size, path in sorted(((_size(path), path) for path in files), reverse=True):
        smallest = totals.index(min(totals))
        chunks[smallest].append(path)
        totals[smallest] += size
    return chunks


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _lint_files(files: list[str], config: Config, shellcheck: str) -> Report:
    report = Report(stages=(Stage.BUILD,))
    rules = active_rules(config, Stage.BUILD)
    parsed: list[Dockerfile] = []
    for path in files:
        source = read_source(path)
        if source.text is None:
            report.errors.append(InputError(path, source.error or "cannot read"))
            continue
        dockerfile = _lint_into(report, source.text, path, config, rules)
        if dockerfile is not None:
            parsed.append(dockerfile)
    _add_shellcheck(report, parsed, config, shellcheck)
    return report


def lint_text(text: str, path: str, config: Config, *, shellcheck: str = "off") -> Report:
    report = Report(stages=(Stage.BUILD,))
    dockerfile = _lint_into(report, text, path, config, active_rules(config, Stage.BUILD))
    _add_shellcheck(report, [dockerfile] if dockerfile is not None else [], config, shellcheck)
    report.sort()
    return report


def _add_shellcheck(report: Report, dockerfiles: list[Dockerfile], config: Config, mode: str) -> None:
    if mode == "off" or not dockerfiles:
        return
    from containersec.build.shellcheck import shellcheck_findings

    found, notices = shellcheck_findings(dockerfiles, config, mode=mode)
    report.findings.extend(found)
    report.notices.extend(notices)


def _lint_into(report: Report, text: str, path: str, config: Config, rules: list[Rule]) -> Dockerfile | None:
    report.files += 1
    report.sources[path] = text
    try:
        dockerfile = parse_dockerfile(text, path)
    except Exception as exc:  # a parser bug must stay this file's error, not lose the batch's report
        report.errors.append(InputError(path, f"internal error while parsing: {type(exc).__name__}: {exc}"))
        return None
    dockerfile.dockerignore = read_dockerignore(path)
    if not dockerfile.instructions:
        report.errors.append(InputError(path, "no instructions: the file is empty or only comments"))
        return None
    for problem in dockerfile.problems:
        report.errors.append(InputError(path, f"line {problem.line}: {problem.message}"))
    report.findings.extend(check_dockerfile(dockerfile, config, rules, report))
    return dockerfile


def check_dockerfile(dockerfile: Dockerfile, config: Config, rules: list[Rule], report: Report) -> list[Finding]:
    """Findings of `rules` on one parsed file, after inline ignores."""
    spans = [(i.line, i.end_line, i.keyword) for i in dockerfile.instructions]
    suppressions = None if config.disable_ignore_pragmas else build_suppressions(dockerfile.comments, spans)
    if suppressions is not None:
        report.notices.extend(f"{dockerfile.path}:{line}: ignore pragma names unknown rule {name!r}"
                              for line, name in suppressions.unknown)
        report.notices.extend(f"{dockerfile.path}:{line}: ignore pragma {problem}"
                              for line, problem in suppressions.malformed)
    findings: list[Finding] = []
    for rule in rules:
        try:
            hits = list(rule.check(dockerfile, config.options))
        except Exception as exc:  # a rule bug (RecursionError included) must not hide other results
            report.errors.append(InputError(dockerfile.path, f"internal error in rule {rule.id} {rule.slug}: "
                                            f"{type(exc).__name__}: {exc}"))
            continue
        for hit in hits:
            if suppressions is not None and suppressions.is_suppressed(rule, hit.line):
                continue
            findings.append(Finding(
                rule=rule.id, name=rule.slug, severity=rule.severity, stage=rule.stage, path=dockerfile.path,
                line=hit.line, end_line=hit.end_line, column=hit.column, message=hit.message,
                aliases=rule.aliases, fixable=rule.fixable and bool(hit.edits), edits=hit.edits, secret=hit.secret))
    return findings


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
