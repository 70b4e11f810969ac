"""The build stage end to end: find Dockerfiles, read them, run the rules, apply policy."""

from __future__ import annotations

import os
import sys

from containersec.catalogue import Rule
from containersec.config import Config, active_rules
from containersec.dockerfile.files import STDIN, Source, discover, read_dockerignore, read_source, read_stdin
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.parse import parse_dockerfile
from containersec.dockerfile.shell import MAX_SYNTAX_DEPTH
from containersec.findings import Finding, InputError, Report, Stage, Suppression


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
    config.settle(report.findings)


def _parse_into(report: Report, text: str, path: str) -> Dockerfile | None:
    report.files += 1
    report.sources[path] = text
    try:
        dockerfile = parse_dockerfile(text, path)
    except Exception as exc:  # a parser bug must stay this file's error, not lose the batch's report
        report.errors.append(InputError.unexpected(path, exc, during="while parsing"))
        return None
    dockerfile.dockerignore = read_dockerignore(path)
    # Like BuildKit's default (and the ignore file above): the Dockerfile's own directory is the context.
    dockerfile.context = os.path.dirname(os.path.abspath(path))
    if not dockerfile.instructions:
        report.errors.append(InputError(path, "no instructions: the file is empty or only comments"))
        return None
    for problem in dockerfile.problems:
        report.errors.append(InputError(path, f"line {problem.line}: {problem.message}", line=problem.line))
    return dockerfile


def check_dockerfile(dockerfile: Dockerfile, config: Config, rules: list[Rule], report: Report) -> list[Finding]:
    """Findings of `rules` on one parsed file, after inline ignores (kept as suppressed with `show_suppressed`)."""
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
            report.errors.append(InputError.unexpected(dockerfile.path, exc, during=f"in rule {rule.id} {rule.slug}"))
            continue
        for hit in hits:
            pragma = suppressions.pragma_line(rule, hit.line) if suppressions is not None else None
            if pragma is not None and not config.show_suppressed:
                continue
            findings.append(Finding(
                rule=rule.id, name=rule.slug, severity=rule.severity, stage=rule.stage, path=dockerfile.path,
                line=hit.line, end_line=hit.end_line, column=hit.column, message=hit.message,
                aliases=rule.aliases, fixable=rule.fixable and bool(hit.edits), edits=hit.edits, secret=hit.secret,
                suppression=None if pragma is None else Suppression(
                    "inSource", f"ignored by the comment on line {pragma}: {_comment(dockerfile, pragma)}"),
                secret_kind=hit.secret_kind))
    report.notices.extend(f"{dockerfile.path}:{run.line}: the RUN script is nested more than {MAX_SYNTAX_DEPTH} "
                          "levels deep; the commands below that depth were not checked"
                          for run in dockerfile.instructions if run.script is not None and run.script.too_deep)
    return findings


def _comment(dockerfile: Dockerfile, line: int) -> str:
    return next((text.strip() for number, text in dockerfile.comments if number == line), "")
