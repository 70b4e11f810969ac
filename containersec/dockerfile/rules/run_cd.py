from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, _parser
from containersec.findings import Severity
from containersec.registry import Hit, RuleOptions, rule

if TYPE_CHECKING:
    from tree_sitter import Node

# Commands run in a child process: a `cd` there cannot leak into the rest of the RUN.
_CHILD_PROCESS = frozenset({"sh -c", "substitution"})


@rule(id="CSD021", slug="run-cd", severity=Severity.WARNING, aliases=("DL3003", "DS013"),
      summary="`cd` in RUN; use WORKDIR",
      why="A `cd` in one RUN does not carry to the next, so later steps silently run elsewhere; "
          "WORKDIR states the directory once for every following instruction.",
      bad="RUN cd /app && make",
      good="WORKDIR /app\nRUN make",
      notes="Only a `cd` at the top level of the RUN script (heredoc bodies included) is flagged. A `cd` "
            "inside a subshell `(cd x && make)`, `$(...)` or `sh -c '...'` is scoped to that child "
            "process and is the recommended idiom, so it is not flagged (hadolint still flags subshells, "
            "#422; Trivy flags any `&&` piece starting with `cd`).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    subshells: dict[int, list[tuple[int, int]]] = {}
    for _, command in dockerfile.commands("cd"):
        if command.via in _CHILD_PROCESS or command.wrapper is not None or _in_subshell(command, subshells):
            continue
        target = command.args[0].text if command.args else "~"
        yield Hit(f"`cd {target}` in RUN: use WORKDIR {target} (or run the step in a subshell: "
                  f"(cd {target} && ...))", command.line, column=command.column)


def _in_subshell(command: Command, subshells: dict[int, list[tuple[int, int]]]) -> bool:
    script = command.script
    ranges = subshells.get(id(script))
    if ranges is None:
        ranges = subshells[id(script)] = _subshell_ranges(script.source)
    at = command.argv[0].start
    index = bisect_right(ranges, (at, sys.maxsize)) - 1
    return index >= 0 and ranges[index][0] <= at < ranges[index][1]


def _subshell_ranges(source: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the outermost `( ... )` subshells, in order.

    The command model does not record enclosing subshells, so only scripts with a `cd` are re-read.
    """
    ranges: list[tuple[int, int]] = []
    stack: list[Node] = [_parser().parse(source).root_node]
    while stack:
        node = stack.pop()
        if node.type == "subshell":
            ranges.append((node.start_byte, node.end_byte))
        else:
            stack.extend(node.children)
    return sorted(ranges)
