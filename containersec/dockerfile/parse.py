"""Dockerfile text to model, following BuildKit's reading of the file.

Parser directives, `\\` or `# escape=` continuations (comment and blank lines inside a continuation are
dropped, as BuildKit does), heredocs (`<<EOF`, `<<-EOF`, quoted delimiters, several per instruction),
flags, exec (JSON) form, ONBUILD, stages and ARG defaults. Every instruction keeps its exact line span
and character offsets so rules can point at the right line and fixes can edit bytes precisely.
Problems are collected, not raised: the rest of the file is still modelled.
"""

from __future__ import annotations

import json
import re

from containersec.dockerfile.linemap import LineMap
from containersec.dockerfile.model import (
    DEFAULT_SHELL,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    Problem,
    Stage,
)
from containersec.dockerfile.variables import substitute
from containersec.dockerfile.words import unquote

INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
_FLAGGED = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_HEREDOC_CAPABLE = frozenset({"RUN", "COPY", "ADD"})
_JSON_CAPABLE = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
# Values that start like a JSON array but do not parse are almost always a typo; `[ -f x ]` is shell.
_LOOKS_LIKE_JSON = re.compile(r'\[\s*"[^"\n]*+"\s*(?:,|\]|$)')
_DIRECTIVE = re.compile(r"#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC_WORD = re.compile(r"[0-9]*<<(-?)(.+)", re.DOTALL)
_SHELL_PRAGMA = re.compile(r"#\s*hadolint\s+shell\s*=\s*(\S+)\s*", re.IGNORECASE)
_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?")


def parse_dockerfile(text: str, path: str = "Dockerfile") -> Dockerfile:
    df = Dockerfile(path=path, text=text)
    lines = text.split("\n")
    offsets = _line_offsets(lines)
    index = _read_directives(df, lines)
    escape = df.escape
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped:
            index += 1
            continue
        if stripped.startswith("#"):
            df.comments.append((index + 1, stripped))
            index += 1
            continue
        index = _read_instruction(df, lines, offsets, index, escape)
    _build_stages(df)
    return df


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    return offsets


def _read_directives(df: Dockerfile, lines: list[str]) -> int:
    for index, line in enumerate(lines):
        match = _DIRECTIVE.fullmatch(line.strip().lstrip("\ufeff"))
        if not match or match[1].lower() not in _KNOWN_DIRECTIVES or match[1].lower() in df.directives:
            return index
        name, value = match[1].lower(), match[2]
        df.directives[name] = value
        df.comments.append((index + 1, line.strip()))
        if name == "escape":
            if value in ("\\", "`"):
                df.escape = value
            else:
                df.problems.append(Problem(index + 1, f"invalid escape directive {value!r} (use \\ or `)"))
    return len(lines)


def _read_instruction(df: Dockerfile, lines: list[str], offsets: list[int], first: int, escape: str) -> int:
    """Read one instruction starting at line index `first`; return the index after it."""
    pieces: list[str] = []
    starts: list[int] = []
    line_numbers: list[int] = []
    length = 0
    index = first
    while True:
        line = lines[index].rstrip("\r")
        body = line.rstrip(" \t")
        continued = body.endswith(escape)
        piece = body[:-1] if continued else line
        starts.append(length)
        line_numbers.append(index + 1)
        pieces.append(piece)
        length += len(piece)
        index += 1
        if not continued:
            break
        # BuildKit drops comment and blank lines inside a continuation.
        while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
            index += 1
        if index >= len(lines):
            break
    logical = "".join(pieces)
    line_map = LineMap(starts, line_numbers)
    last = index - 1
    instruction = _instruction(logical, line_map, first + 1, last + 1, escape)
    if instruction is None:
        return index
    if not instruction.known:
        df.problems.append(Problem(first + 1, f"unknown instruction {instruction.keyword!r}"))
    heredoc_owner = instruction.effective
    if heredoc_owner.keyword in _HEREDOC_CAPABLE and "<<" in logical:
        index = _read_heredocs(df, heredoc_owner, lines, index)
        instruction.end_line = heredoc_owner.end_line = index
    instruction.start = offsets[first]
    instruction.end = offsets[index] - 1 if index < len(offsets) else len(df.text)
    if instruction.inner is not None:
        instruction.inner.start, instruction.inner.end = instruction.start, instruction.end
    _check_exec_form(df, instruction.effective)
    df.instructions.append(instruction)
    return index


def _instruction(logical: str, line_map: LineMap, line: int, end_line: int, escape: str, offset: int = 0,
                 wrapped: bool = False) -> Instruction | None:
    """One instruction; an ONBUILD's trigger is read one level deep only (`wrapped`): Docker rejects
    `ONBUILD ONBUILD`, and a chain of thousands must not exhaust the stack."""
    words = logical[offset:].split(None, 1)
    if not words:
        return None
    keyword = words[0].upper()
    value_offset = logical.find(words[0], offset) + len(words[0])
    instruction = Instruction(keyword=keyword, line=line, end_line=end_line, start=0, end=0, logical=logical,
                              line_map=line_map, value_offset=value_offset, known=keyword in INSTRUCTIONS,
                              escape=escape)
    if keyword == "ONBUILD":
        if not wrapped:
            instruction.inner = _instruction(logical, line_map, line, end_line, escape, value_offset, wrapped=True)
        return instruction
    if keyword in _FLAGGED:
        _read_flags(instruction)
    if keyword in _JSON_CAPABLE or keyword == "HEALTHCHECK":
        instruction.exec_form = _exec_form(instruction)
    return instruction


def _read_flags(instruction: Instruction) -> None:
    text = instruction.logical
    position = instruction.value_offset
    for word in instruction.words(text[position:]):
        match = _FLAG.fullmatch(word.raw)
        if not match:
            break
        value = unquote(match[2], instruction.escape) if match[2] is not None else None
        instruction.flags.append(Flag(match[1].lower(), value, position + word.start))
        instruction.value_offset = position + word.end


def _exec_form(instruction: Instruction) -> list[str] | None:
    value = instruction.value
    if instruction.keyword == "HEALTHCHECK":
        head, _, rest = value.partition(" ")
        if head.upper() != "CMD":
            return None
        value = rest.strip()
    if not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):  # RecursionError: arrays nested too deep; not a list of strings
        return None
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return parsed
    return None


def _check_exec_form(df: Dockerfile, instruction: Instruction) -> None:
    if instruction.exec_form is not None or instruction.keyword not in (
            "RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK"):
        return
    value = instruction.value
    if instruction.keyword == "HEALTHCHECK" and value[:3].upper() == "CMD":
        value = value[3:].strip()
    if _LOOKS_LIKE_JSON.match(value):
        df.problems.append(Problem(instruction.line, f"{instruction.keyword} looks like a JSON array but is not "
                                   "valid JSON; Docker would run it as a shell command"))
    elif instruction.keyword == "SHELL":
        df.problems.append(Problem(instruction.line, 'SHELL requires the JSON form, e.g. SHELL ["/bin/bash", "-c"]'))


def _read_heredocs(df: Dockerfile, instruction: Instruction, lines: list[str], index: int) -> int:
    for word in instruction.words(instruction.logical[instruction.value_offset:]):
        match = _HEREDOC_WORD.fullmatch(word.raw)
        if not match or match[2].startswith("<"):
            continue
        delimiter = unquote(match[2], instruction.escape)
        if not delimiter:
            continue
        strip_tabs = match[1] == "-"
        first = index
        body: list[str] = []
        while index < len(lines):
            candidate = lines[index].rstrip("\r")
            if (candidate.lstrip("\t") if strip_tabs else candidate) == delimiter:
                break
            body.append(candidate + "\n")
            index += 1
        else:
            df.problems.append(Problem(instruction.line, f"unterminated heredoc <<{delimiter}: no line "
                                       f"{delimiter!r} after line {instruction.line}"))
            instruction.heredocs.append(Heredoc(delimiter, strip_tabs, delimiter != match[2], "".join(body),
                                                first + 1, len(lines)))
            return len(lines)
        instruction.heredocs.append(Heredoc(delimiter, strip_tabs, delimiter != match[2], "".join(body),
                                            first + 1, index + 1))
        index += 1
    return index


def _build_stages(df: Dockerfile) -> None:
    current: Stage | None = None
    shells: dict[int, tuple[str, ...]] = {}
    default = DEFAULT_SHELL
    shell = default
    seen_from = False
    pragmas = [(line, match[1]) for line, text in df.comments if (match := _SHELL_PRAGMA.fullmatch(text))]
    for instruction in df.instructions:
        keyword = instruction.keyword
        # `# hadolint shell=powershell` before the first FROM sets every stage's shell, after a FROM its own.
        while pragmas and pragmas[0][0] < instruction.line:
            if not seen_from:
                default = (pragmas[0][1],)
            shell = (pragmas.pop(0)[1],)
        if keyword == "FROM":
            seen_from = True
            current = _stage(df, instruction, len(df.stages))
            df.stages.append(current)
            shell = shells.get(current.parent.index, default) if current.parent else default
            continue
        if not seen_from and keyword == "ARG":
            # An ARG before the first FROM is global, as in BuildKit, even after other instructions.
            for name, value, _ in instruction.pairs:
                df.global_args[name] = value
            continue
        if current is None:
            if not instruction.known:
                continue  # a typo, reported as a problem, such as `FORM alpine`: not the start of a stage
            # A fragment or template: what comes before the first FROM is checked as a stage of its own.
            current = Stage(index=0, line=instruction.line, base="", image="", name=None, platform=None,
                            instruction=instruction, implicit=True)
            df.stages.append(current)
        instruction.stage = current
        if instruction.inner is not None:
            instruction.inner.stage = current
        current.instructions.append(instruction)
        if keyword == "SHELL" and instruction.exec_form:
            shell = tuple(instruction.exec_form)
        instruction.shell = shell
        shells[current.index] = shell
    for stage in df.stages:
        # A trigger runs in the images built on this one, under the SHELL this stage ends with.
        for instruction in stage.instructions:
            if instruction.inner is not None:
                instruction.inner.shell = shells[stage.index]
    if df.stages:
        df.stages[-1].is_final = True


def _stage(df: Dockerfile, instruction: Instruction, index: int) -> Stage:
    words = [w.text for w in instruction.words()]
    base = words[0] if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    if not words:
        df.problems.append(Problem(instruction.line, "FROM needs an image"))
    elif len(words) not in (1, 3) or (len(words) == 3 and name is None):
        df.problems.append(Problem(instruction.line, "FROM takes an image and an optional `AS name`"))
    defaults = {k: v for k, v in df.global_args.items() if v is not None}
    image = substitute(base, defaults)
    parent = df.stage_named(image, before=index) if image and not image.isdigit() else None
    number = index - 1 if df.stages and df.stages[0].implicit else index
    stage = Stage(index=index, line=instruction.line, base=base, image=image, name=name,
                  platform=instruction.flag("platform"), instruction=instruction, parent=parent, number=number)
    instruction.stage = stage
    return stage
