"""The parsed Dockerfile: instructions with exact line spans, stages, heredocs and RUN scripts."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from containersec.dockerfile.keyvalue import Pairs, parse_pairs
from containersec.dockerfile.linemap import LineMap, source_lines
from containersec.dockerfile.shell import SHELLS, Command, Script, build_script
from containersec.dockerfile.variables import substitute
from containersec.dockerfile.words import Word, split_words

DEFAULT_SHELL = ("/bin/sh", "-c")
NON_POSIX_SHELLS = ("pwsh", "powershell", "cmd")


@dataclass(frozen=True)
class Problem:
    """Input the parser could not make sense of; the file is reported as an input error."""

    line: int
    message: str


@dataclass(frozen=True)
class Flag:
    """One `--name[=value]` flag of an instruction (FROM --platform, COPY --from, RUN --mount, ...)."""

    name: str
    value: str | None
    offset: int  # start of `--name` in Instruction.logical


@dataclass
class Heredoc:
    """One heredoc of an instruction (`<<EOF`, `<<-EOF`, `<<"EOF"`): its body and where it lies."""

    delimiter: str
    strip_tabs: bool
    quoted: bool
    body: str
    line: int  # first body line (the line after the instruction, or after the previous heredoc)
    end_line: int  # the terminator's line


@dataclass
class Instruction:
    """One Dockerfile instruction, continuation lines and heredocs joined, with offsets back to the source."""

    keyword: str  # upper case; for ONBUILD the wrapper, `inner` holds the wrapped instruction
    line: int
    end_line: int  # the last line, heredoc bodies and their terminators included
    start: int  # character offsets of the whole instruction in Dockerfile.text
    end: int
    logical: str  # continuation-joined text, keyword included, comment lines removed
    line_map: LineMap
    value_offset: int  # where the value (after keyword and flags) starts in `logical`
    flags: list[Flag] = field(default_factory=list)
    exec_form: list[str] | None = None
    heredocs: list[Heredoc] = field(default_factory=list)
    inner: Instruction | None = None
    stage: Stage | None = None
    shell: tuple[str, ...] = DEFAULT_SHELL  # the SHELL in force (RUN, CMD, ENTRYPOINT, HEALTHCHECK)
    known: bool = True
    escape: str = "\\"  # the file's escape character (`# escape=`)

    @property
    def value(self) -> str:
        return self.logical[self.value_offset:].strip()

    def words(self, text: str | None = None) -> list[Word]:
        """Quote-aware words of `text` (default: the value), with the file's escape character."""
        return split_words(self.value if text is None else text, self.escape)

    def line_of(self, offset: int) -> int:
        """Source line of an offset in `logical`."""
        return self.line_map.line_of(offset)

    def flag(self, name: str) -> str | None:
        """The last value of `--name` (an empty string for a bare `--name`), or None."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f.value if f.value is not None else ""
        return found

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]

    @property
    def effective(self) -> Instruction:
        """The instruction that runs: the wrapped one for ONBUILD."""
        return self.inner if self.inner is not None else self

    @cached_property
    def pairs(self) -> Pairs:
        """(name, value, line) of an ARG, ENV or LABEL instruction; parsed once, read by many rules."""
        return parse_pairs(self.keyword, self.logical, self.value_offset, self.escape, self.line_of)

    @cached_property
    def script(self) -> Script | None:
        """The shell script of a shell-form RUN (heredocs included), or None."""
        return script_for(self)

    def commands(self, *names: str) -> Iterator[Command]:
        """Commands of this RUN's script (nested `sh -c`, heredoc and substitution ones included)."""
        script = self.script
        if script is not None:
            yield from script.all_commands(*names)


@dataclass
class Stage:
    """A FROM and the instructions after it; or, in a file that does not begin with FROM (a fragment or a
    template), the instructions before the first FROM, which hadolint also checks as a stage of their own."""

    index: int  # position in Dockerfile.stages
    line: int  # the FROM line (an implicit stage's first instruction)
    base: str  # the image text as written ("" for an implicit stage)
    image: str  # with ARG defaults substituted
    name: str | None  # the `AS` alias as written
    platform: str | None
    instruction: Instruction  # the FROM (an implicit stage's first instruction)
    instructions: list[Instruction] = field(default_factory=list)  # after the FROM (all, for an implicit stage)
    parent: Stage | None = None  # the earlier stage named as base
    is_final: bool = False
    implicit: bool = False  # no FROM: the instructions before the first FROM
    number: int | None = None  # what `COPY --from=<n>` and `FROM <n>` call it: FROM stages count from 0

    @property
    def title(self) -> str:
        """How messages name the stage: `stage build`, `stage 1` (BuildKit's number), `stage before the first FROM`."""
        if self.implicit:
            return "stage before the first FROM"
        return f"stage {self.name or self.number}"

    @property
    def end_line(self) -> int:
        return self.instructions[-1].end_line if self.instructions else self.instruction.end_line

    def ancestry(self) -> Iterator[Stage]:
        """This stage, then the stages it is built on."""
        stage: Stage | None = self
        while stage is not None:
            yield stage
            stage = stage.parent

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    @cached_property
    def variables_set(self) -> dict[str, int]:
        """Name -> line of the first ENV or ARG of this stage that gives it a value (one pass, for every rule
        that asks whether a RUN sees a variable: scanning the stage per RUN made n RUNs cost n²)."""
        first: dict[str, int] = {}
        for instruction in self.instructions:
            if instruction.keyword in ("ENV", "ARG"):
                for key, value, _ in instruction.pairs:
                    if value is not None:
                        first.setdefault(key, instruction.line)
        return first

    def executed(self) -> list[Instruction]:
        """What building this stage runs, in order: the ONBUILD triggers of the stage it is built FROM
        (they fire at its FROM, once: a grandparent's triggers were spent building the parent), then its
        own instructions, with its own ONBUILDs left out (they fire in the images built from it)."""
        triggers = [i.inner for i in self.parent.instructions if i.inner is not None] if self.parent else []
        return [*triggers, *(i for i in self.instructions if i.keyword != "ONBUILD")]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


@dataclass
class Dockerfile:
    """A parsed Dockerfile: parser directives, instructions, comments and build stages."""

    path: str
    text: str
    escape: str = "\\"
    directives: dict[str, str] = field(default_factory=dict)
    instructions: list[Instruction] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    global_args: dict[str, str | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    dockerignore: list[str] | None = None  # patterns of the build context's ignore file, if any
    context: str | None = None  # the build context directory on disk; None when unknown (image history)

    @cached_property
    def lines(self) -> list[str]:
        return [line.rstrip("\r") for line in self.text.split("\n")]

    @cached_property
    def lowered(self) -> bytes:
        """The whole text in lower case, encoded once: a rule whose words are all absent can stop at once."""
        return self.text.lower().encode()

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_named(self, name: str, before: int | None = None) -> Stage | None:
        """A stage by alias (case-insensitive) or index, optionally only among the first `before`."""
        candidates = self.stages if before is None else self.stages[:before]
        if name.isdigit():
            return next((s for s in candidates if s.number == int(name)), None)
        for stage in candidates:
            if stage.name is not None and stage.name.lower() == name.lower():
                return stage
        return None

    def built_on(self, stage: Stage) -> list[Stage]:
        """The later stages built FROM `stage`, directly or through other stages."""
        return [s for s in self.stages[stage.index + 1:] if any(a is stage for a in s.ancestry())]

    def all(self, keyword: str, *, onbuild: bool = False) -> Iterator[Instruction]:
        """Instructions with `keyword`; with onbuild=True also the ones wrapped in ONBUILD."""
        for instruction in self.instructions:
            if instruction.keyword == keyword:
                yield instruction
            elif onbuild and instruction.inner is not None and instruction.inner.keyword == keyword:
                yield instruction.inner

    def runs(self) -> Iterator[Instruction]:
        """Every RUN, ONBUILD RUN included."""
        return self.all("RUN", onbuild=True)

    def commands(self, *names: str) -> Iterator[tuple[Instruction, Command]]:
        """Every shell command of every RUN, with its instruction; filtered by command name."""
        for run in self.runs():
            for command in run.commands(*names):
                yield run, command

    def resolve(self, text: str, stage: Stage | None = None) -> str:
        """Substitute ARG defaults (global, then the stage's own ARG/ENV values) into `text`."""
        if "$" not in text:
            return text
        return substitute(text, self._values[stage.index if stage is not None else -1])

    @cached_property
    def _values(self) -> dict[int, dict[str, str]]:
        global_values = {k: v for k, v in self.global_args.items() if v is not None}
        values = {-1: global_values}
        for stage in self.stages:
            stage_values = dict(global_values)
            for instruction in stage.instructions:
                stage_values.update(instruction_variables(instruction))
            values[stage.index] = stage_values
        return values


def instruction_variables(instruction: Instruction) -> dict[str, str]:
    """Names an ARG or ENV instruction defines, with their values (an ARG without default is skipped)."""
    if instruction.keyword not in ("ARG", "ENV"):
        return {}
    return {k: v for k, v, _ in instruction.pairs if v is not None}


# --- a RUN instruction as a shell script -----------------------------------------------------------

def script_for(instruction: Instruction) -> Script | None:
    """The script a RUN instruction runs, or None for other instructions."""
    if instruction.keyword != "RUN":
        return None
    if instruction.exec_form is not None:
        return _exec_form_script(instruction, instruction.exec_form)
    dialect = _interpreter(instruction.shell[0]) if instruction.shell else "sh"
    if any(name in dialect for name in NON_POSIX_SHELLS):
        return Script(b"", lambda _: instruction.line, dialect)
    pieces = _value_pieces(instruction)
    heredocs = instruction.heredocs
    words = instruction.words()
    heredoc_only = heredocs and all(w.raw.lstrip("0123456789").startswith("<<") for w in words)
    if heredoc_only and len(heredocs) == 1:
        dialect = _shebang(heredocs[0].body) or dialect
        return build_script(_body_pieces(heredocs[0].body, heredocs[0].line), dialect)
    if len(heredocs) == 1:
        pieces.append(("\n", instruction.line))
        pieces.extend(_body_pieces(heredocs[0].body, heredocs[0].line))
        pieces.append((heredocs[0].delimiter + "\n", heredocs[0].end_line))
        return build_script(pieces, dialect)
    # tree-sitter-bash cannot pair several heredocs on one line with their bodies: parse the command
    # line alone, then run each body fed to a shell (`bash <<EOF`) as a script of its own.
    script = build_script(pieces, dialect)
    markers = [i for i, w in enumerate(words) if w.raw.lstrip("0123456789").startswith("<<")
               and not w.raw.lstrip("0123456789").startswith("<<<")]
    for heredoc, marker in zip(heredocs, markers, strict=False):
        reader = _interpreter(words[marker - 1].text) if marker else ""
        if reader in SHELLS and script.is_posix:
            nested = build_script(_body_pieces(heredoc.body, heredoc.line), reader)
            nested.depth, nested.parent = 1, script
            owner = next((c for c in script.commands if c.name == reader and c.nested_script is None), None)
            if owner is not None:
                owner.nested_script = nested
                for inner in nested.commands:
                    inner.via = inner.via or "heredoc"
    return script


def _exec_form_script(instruction: Instruction, argv: list[str]) -> Script:
    if not argv:
        return Script(b"", lambda _: instruction.line, "exec")
    return build_script([(shlex.join(argv), instruction.line)], "sh")


def _value_pieces(instruction: Instruction) -> list[tuple[str, int] | tuple[str, int, int]]:
    logical = instruction.logical
    line_map = instruction.line_map
    begin = instruction.value_offset
    pieces: list[tuple[str, int] | tuple[str, int, int]] = []
    bounds = [*line_map.starts[1:], len(logical)]
    for start, end, line in zip(line_map.starts, bounds, line_map.lines, strict=True):
        if end <= begin:
            continue
        first = max(start, begin)
        pieces.append((logical[first:end], line, line_map.column_of(first)))
    return pieces


def _body_pieces(body: str, first_line: int) -> list[tuple[str, int] | tuple[str, int, int]]:
    return [(line, first_line + index) for index, line in enumerate(source_lines(body))]


def _interpreter(program: str) -> str:
    return os.path.basename(program.strip()).lower() or "sh"


def _shebang(body: str) -> str | None:
    if not body.startswith("#!"):
        return None
    words = body[2:].split("\n", 1)[0].split()
    if not words:
        return None
    interpreter = _interpreter(words[0])
    if interpreter == "env":
        interpreter = _interpreter(next((w for w in words[1:] if not w.startswith("-")), "sh"))
    return interpreter
