from __future__ import annotations

from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

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
    for _, command in dockerfile.commands("cd"):
        if command.via in _CHILD_PROCESS or command.wrapper is not None or command.in_subshell:
            continue
        target = command.args[0].text if command.args else "~"
        yield Hit(f"`cd {target}` in RUN: use WORKDIR {target} (or run the step in a subshell: "
                  f"(cd {target} && ...))", command.line, column=command.column)
