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


NAME_PATTERNS = "Dockerfile, Containerfile, Dockerfile.*, Containerfile.*, *.Dockerfile, *.dockerfile"
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


def lint_paths(paths: list[str], config: Config, *, shellcheck: str = "off", stdin_name: str = STDIN,
               notes: list[str] | None = None) -> Report:
    """Lint files and directories (`-` is standard input, reported as `stdin_name`).

    `shellcheck` is auto (when installed), on or off; "on" without ShellCheck raises ShellCheckMissing (a
    ConfigError) before any file is read. Discovery notes (a directory without Dockerfiles) go to `notes`
    when given, else to the report's notices.
    """
    if shellcheck == "on":
        from containersec.build.shellcheck import require_shellcheck

        require_shellcheck()
    found_notes: list[str] = []
    files, errors = discover(paths or ["."], config.exclude, base=str(config.directory), notes=found_notes)
    report = Report(stages=(Stage.BUILD,), errors=errors, notices=list(config.notices))
    if notes is None:
        report.notices.extend(found_notes)
    else:
        notes.extend(found_notes)
    stdin = read_stdin(stdin_name) if STDIN in files else None
    files = [path for path in files if path != STDIN]
    chunks = _chunks(files)
    if len(chunks) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # The cores are shared out: each linting process runs its ShellCheck batches on its share.
        share = [max(1, (os.cpu_count() or 1) // len(chunks))] * len(chunks)
        with ProcessPoolExecutor(len(chunks), mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_lint_files, chunks, [config] * len(chunks), [shellcheck] * len(chunks),
                                  [None] * len(chunks), share))
        if stdin is not None:
            parts.append(_lint_files([], config, shellcheck, stdin))
    else:
        parts = [_lint_files(files, config, shellcheck, stdin)]
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
_FILE_COST = 1536


def _chunks(files: list[str]) -> list[list[str]]:
    """Files split for parallel linting: one run of neighbouring files per core, of similar total size.

    Neighbours in path order (the variants of one image, the folders of one project) share most RUN
    scripts, and each worker checks an identical script with ShellCheck only once: keeping them together
    checks most distinct scripts once in the whole run (forked workers only).
    """
    cores = min(os.cpu_count() or 1, 8)
    parts = min(cores, len(files) // _FILES_PER_PROCESS) if sys.platform.startswith("linux") else 1
    if parts <= 1:
        return [files]
    # A file costs about as much again as 1.5 KB of text (reading, parsing, a pass of every rule).
    sizes = [_size(path) + _FILE_COST for path in files]
    total = sum(sizes)
    chunks: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for path, size in zip(files, sizes, strict=True):
        # The chunk that this file's middle falls in, by bytes so far: contiguous and balanced.
        chunks[min(int((done + size / 2) * parts / max(total, 1)), parts - 1)].append(path)
        done += size
    return [chunk for chunk in chunks if chunk]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _lint_files(files: list[str], config: Config, shellcheck: str, stdin: Source | None = None,
                cores: int | None = None) -> Report:
    report = Report(stages=(Stage.BUILD,))
    parsed: list[Dockerfile] = []
    sources = ([stdin] if stdin is not None else []) + [read_source(path) for path in files]
    for source in sources:
        if source.text is None:
            report.errors.append(InputError(source.path, source.error or "cannot read"))
            continue
        dockerfile = _parse_into(report, source.text, source.path)
        if dockerfile is not None:
            parsed.append(dockerfile)
    _check_all(report, parsed, config, shellcheck, cores)
    return report


def lint_text(text: str, path: str, config: Config, *, shellcheck: str = "off") -> Report:
    report = Report(stages=(Stage.BUILD,))
    dockerfile = _parse_into(report, text, path)
    _check_all(report, [dockerfile] if dockerfile is not None else [], config, shellcheck)
    report.sort()
    return report


def _check_all(report: Report, dockerfiles: list[Dockerfile], config: Config, shellcheck: str,
               cores: int | None = None) -> None:
    """The rules and ShellCheck over parsed files; ShellCheck is started first and runs while the rules do."""
    pending = None
    if shellcheck != "off" and dockerfiles:
        from containersec.build.shellcheck import start_shellcheck

        pending = start_shellcheck(dockerfiles, config, shellcheck, processes=cores)
    rules = active_rules(config, Stage.BUILD)
    for dockerfile in dockerfiles:
        report.findings.extend(check_dockerfile(dockerfile, config, rules, report))
    if pending is not None:
        found, notices = pending.result()
        report.findings.extend(found)
        report.notices.extend(notices)


def _parse_into(report: Report, text: str, path: str) -> Dockerfile | None:
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
        report.errors.append(InputError(path, f"line {problem.line}: {problem.message}", line=problem.line))
    return dockerfile


def check_dockerfile(dockerfile: Dockerfile, config: Config, rules: list[Rule], report: Report) -> list[Finding]:
    """Findings of `rules` on one parsed file, after inline ignores."""
    # Imported here, after ShellCheck has been started, like the rule modules.
    from containersec.suppress import build_suppressions

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
                aliases=rule.aliases, fixable=rule.fixable and bool(hit.edits), edits=hit.edits, secret=hit.secret,
                secret_kind=hit.secret_kind))
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
