"""Shared pieces of the security rules: variables set by ENV/ARG/RUN, commands by name, de-duplication."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from containersec.catalogue import Hit
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command, Script, ShellWord
from containersec.dockerfile.words import unquote
from containersec.patterns import LazyPattern

FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Setting:
    """A variable given a value by ENV, ARG (default) or a RUN script (`X=v cmd`, `export X=v`)."""

    name: str
    value: str
    keyword: str
    line: int
    column: int = 1


def variable_settings(dockerfile: Dockerfile, names: str, hints: tuple[bytes, ...] = ()) -> Iterator[Setting]:
    """Settings of variables named in `names` (literal names joined by `|`, case-insensitive).

    RUN scripts are searched as text so `export X=v`, `X=v cmd`, `env X=v cmd` and bare assignments
    are all seen, in heredocs and `sh -c` strings too. `hints` (lower case) may replace the names as the
    substrings an instruction must hold to be searched, when a few shared parts stand for many names.
    """
    whole, in_script, own_hints = _setting_patterns(names)
    hints = hints or own_hints
    if not _mentions(dockerfile.lowered, hints):
        return
    for instruction in dockerfile.instructions:
        effective = instruction.effective
        if effective.keyword in ("ENV", "ARG") and _mentions(effective.logical.lower().encode(), hints):
            for name, value, line in effective.pairs:
                if whole.fullmatch(name) and value is not None:
                    yield Setting(name, value, effective.keyword, line)
        elif effective.keyword == "RUN" and effective.script is not None:
            script = effective.script
            if not _mentions(script.lowered, hints):
                continue
            for match in in_script.finditer(script.source):
                if _printed_only(script, match.start()):
                    continue  # `echo "X=v"` to the build log sets nothing
                yield Setting(match[1].decode(), unquote(match[2].decode("utf-8", "replace")), "RUN",
                              script.line_of(match.start()), script.column_of(match.start()))


@lru_cache(maxsize=64)
def _setting_patterns(names: str) -> tuple[re.Pattern[str], re.Pattern[bytes], tuple[bytes, ...]]:
    """Compiled once per set of names: the rules ask for the same names on every Dockerfile."""
    return (re.compile(f"(?:{names})", re.IGNORECASE),
            re.compile(rf"(?<![\w$])({names})=(\"[^\"]*+\"?|'[^']*+'?|[^\s;&|)'\"]*+)".encode(), re.IGNORECASE),
            tuple(name.lower().encode() for name in names.split("|")))


def commands(dockerfile: Dockerfile, *names: str) -> Iterator[tuple[Instruction, Command]]:
    """Like Dockerfile.commands, but each command once (a `sh -c "$(...)"` body is reachable twice)."""
    seen: set[tuple[int, int, str]] = set()
    for run, command in dockerfile.commands(*names):
        key = (command.line, command.column, command.name)
        if key not in seen:
            seen.add(key)
            yield run, command


def unique(hits: Iterable[Hit]) -> Iterator[Hit]:
    seen: set[tuple[int, int, str]] = set()
    for hit in hits:
        key = (hit.line, hit.column, hit.message)
        if key not in seen:
            seen.add(key)
            yield hit


def has_secret_mount(run: Instruction) -> bool:
    return any("type=secret" in value.replace(" ", "") for value in run.flag_values("mount"))


def option_word(command: Command, *names: str, value_letters: str = "") -> ShellWord | None:
    """The argument word giving one of `names` (`--long`, `--long=v`, `-k` alone or in a cluster).

    A cluster stops at the first letter in `value_letters` (`curl -Lokubectl`: `-o` takes `kubectl`).
    """
    longs = {n for n in names if n.startswith("--")}
    shorts = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
    for word in command.args:
        text = word.text
        if text == "--":
            break
        if text.startswith("--"):
            if text.split("=", 1)[0] in longs:
                return word
        elif text.startswith("-") and text[1:].isalpha():
            for letter in text[1:]:
                if letter in shorts:
                    return word
                if letter in value_letters:
                    break
    return None


def _mentions(text: bytes, hints: tuple[bytes, ...]) -> bool:
    # A substring test is far cheaper than a regex scan and rules out almost every instruction.
    return any(hint in text for hint in hints)


def script_matches(dockerfile: Dockerfile, pattern: re.Pattern[bytes] | LazyPattern, hints: tuple[bytes, ...], *,
                   written_only: bool = False) -> Iterator[tuple[re.Match[bytes], int, int]]:
    """Matches of a bytes regex in every RUN script's text (heredoc bodies included): (match, line, column).

    Only scripts whose lower-cased text contains one of `hints` are searched. With `written_only`, text
    that an echo or printf only prints to the build log (no redirect, no pipe) is left out: it configures
    nothing.
    """
    for _, match, line, column in scripts_matches(dockerfile, ((pattern, hints),), written_only=written_only):
        yield match, line, column


Search = tuple[re.Pattern[bytes] | LazyPattern, tuple[bytes, ...]]  # a bytes regex and its hints


def scripts_matches(dockerfile: Dockerfile, searches: Sequence[Search], *, written_only: bool = False,
                    required: bytes = b"") -> Iterator[tuple[int, re.Match[bytes], int, int]]:
    """script_matches for several (pattern, hints) at once, each script lower-cased once:
    (index of the search, match, line, column). Scripts without `required` (lower case) are skipped."""
    if required not in dockerfile.lowered:
        return
    for run in dockerfile.runs():
        script = run.script
        if script is None:
            continue
        if required not in script.lowered:
            continue
        for index, (pattern, hints) in enumerate(searches):
            if not _mentions(script.lowered, hints):
                continue
            for match in pattern.finditer(script.source):
                if not (written_only and _printed_only(script, match.start())):
                    yield index, match, script.line_of(match.start()), script.column_of(match.start())


_PRINTERS = frozenset({"echo", "printf"})
_STATEMENT_END = LazyPattern(rb"[;|\n]|(?<!>)&")  # the `&` of `>&2` does not end the statement
# A redirect of standard output to a file (`> f`, `>> f`, `1> f`), not `>&2` or a device.
_TO_FILE = LazyPattern(rb"(?<![0-9&])[1]?>>?(?!&)\s*+(?!/dev/(?:null|stdout|stderr|tty)\b)")


def _printed_only(script: Script, offset: int) -> bool:
    """Whether `offset` is inside the arguments of an echo/printf whose output goes to the build log."""
    starts, printers = _printers(script)
    index = bisect_right(starts, offset) - 1
    if index < 0:
        return False
    command = printers[index]
    end = command.argv[-1].end
    if offset >= end:
        return False
    if len(command.pipeline) > 1 and command.pipe_index < len(command.pipeline) - 1:
        return False  # piped on (`| tee file`, `| sh`): the text may well be written
    stop = _STATEMENT_END.search(script.source, end)
    return _TO_FILE.search(script.source, end, stop.start() if stop else len(script.source)) is None


def _printers(script: Script) -> tuple[list[int], list[Command]]:
    """The script's echo/printf commands with arguments, by where their arguments start: a script with
    thousands of commands and matches is searched in n log n, not n squared. The last script's are kept,
    as its matches are asked about one after another."""
    cached = _PRINTERS_OF.get("last")
    if cached is not None and cached[0] is script:
        return cached[1], cached[2]
    printers = sorted((c for c in script.commands
                       if c.name in _PRINTERS and c.wrapper is None and len(c.argv) >= 2),
                      key=lambda c: c.argv[1].start)
    starts = [c.argv[1].start for c in printers]
    _PRINTERS_OF["last"] = (script, starts, printers)
    return starts, printers


_PRINTERS_OF: dict[str, tuple[Script, list[int], list[Command]]] = {}


def setting_hits(dockerfile: Dockerfile, names: str, disables: Callable[[str], bool], effect: str,
                 fix: str) -> Iterator[Hit]:
    """A hit for each ENV/ARG/RUN setting of a variable in `names` whose value `disables` a check."""
    for setting in variable_settings(dockerfile, names):
        if disables(setting.value):
            yield Hit(f"{setting.keyword} sets {setting.name}={setting.value}, which {effect}: {fix}",
                      setting.line, column=setting.column)
