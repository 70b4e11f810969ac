"""Shared pieces of the security rules: variables set by ENV/ARG/RUN, commands by name, de-duplication."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from containersec.dockerfile.keyvalue import key_values
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command
from containersec.dockerfile.words import unquote
from containersec.registry import Hit

FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Setting:
    """A variable given a value by ENV, ARG (default) or a RUN script (`X=v cmd`, `export X=v`)."""

    name: str
    value: str
    keyword: str
    line: int
    column: int = 1


def variable_settings(dockerfile: Dockerfile, names: str) -> Iterator[Setting]:
    """Settings of variables whose whole name matches the regex `names` (case-insensitive).

    RUN scripts are searched as text so `export X=v`, `X=v cmd`, `env X=v cmd` and bare assignments
    are all seen, in heredocs and `sh -c` strings too.
    """
    whole = re.compile(f"(?:{names})", re.IGNORECASE)
    in_script = re.compile(rf"(?<![\w$])({names})=(\"[^\"]*+\"?|'[^']*+'?|[^\s;&|)'\"]*+)".encode(),
                           re.IGNORECASE)
    for instruction in dockerfile.instructions:
        effective = instruction.effective
        if effective.keyword in ("ENV", "ARG"):
            for name, value, line in key_values(effective):
                if whole.fullmatch(name) and value is not None:
                    yield Setting(name, value, effective.keyword, line)
        elif effective.keyword == "RUN" and effective.script is not None:
            script = effective.script
            for match in in_script.finditer(script.source):
                yield Setting(match[1].decode(), unquote(match[2].decode("utf-8", "replace")), "RUN",
                              script.line_of(match.start()), script.column_of(match.start()))


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


def option_words(command: Command) -> list[str]:
    """Every argument word's text (options with their values), for `--opt=value` scans."""
    return [word.text for word in command.args]
