import json
from collections.abc import Iterator

from containersec.build.rules._images import lineage_has
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import SHELLS
from containersec.findings import Edit, Severity
from containersec.patterns import LazyPattern

# Words made only of these characters mean the same to /bin/sh and to exec: no expansion, quoting,
# globbing, redirection, comments or command separators.
_PLAIN_WORD = LazyPattern(r"[A-Za-z0-9_./:@%+,=-]++")
# Names that are shell syntax or builtins, not programs exec can start.
_SHELL_ONLY = frozenset({
    "exec", "cd", "export", "set", "unset", "source", "eval", "ulimit", "umask", "trap", "read", "wait",
    "alias", "shift", "exit", "return", "if", "for", "while", "until", "case", "function", "time", "select",
})


@rule(id="CSD028", slug="shell-form-cmd", severity=Severity.WARNING, aliases=("DL3025",),
      summary="CMD/ENTRYPOINT in shell form; use the JSON (exec) form",
      why="Shell form runs the command under `/bin/sh -c`, so the shell is PID 1: `docker stop` signals "
          "go to the shell, not the application, which is killed after the timeout instead of shutting "
          "down cleanly. A shell-form ENTRYPOINT also ignores CMD and `docker run` arguments.",
      bad="CMD gunicorn app:app",
      good='CMD ["gunicorn", "app:app"]',
      fixable=True,
      notes="The fix writes the exec form only when it means exactly the same: every word is plain (no "
            "`$`, quotes, globs, `~`, `\\`, redirections or separators), the first word is a program and "
            "not shell syntax, the instruction fits on one line and the SHELL is a POSIX shell. An "
            "ENTRYPOINT is fixed only when no CMD is set in the stage, the stages it is built FROM or the "
            "stages built on it, since exec form appends CMD, and a CMD only when no ENTRYPOINT is in force, "
            "since its words are then the ENTRYPOINT's arguments. hadolint also flags shell-form "
            "`HEALTHCHECK CMD`; the probe is not PID 1, so that is not flagged here.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for keyword in ("CMD", "ENTRYPOINT"):
        for instruction in dockerfile.all(keyword, onbuild=True):
            if instruction.exec_form is not None or not instruction.value:
                continue
            yield Hit(f"{keyword} in shell form runs under /bin/sh, which receives the stop signal: write "
                      f"{keyword} [\"executable\", \"arg\", ...]", instruction.line,
                      edits=_fix(dockerfile, instruction))


def _fix(dockerfile: Dockerfile, instruction: Instruction) -> tuple[Edit, ...]:
    words = instruction.value.split()
    stage = instruction.stage
    onbuild = instruction.logical.lstrip()[:7].upper() == "ONBUILD"
    if (onbuild or instruction.line != instruction.end_line or stage is None
            or not instruction.shell or instruction.shell[0].rsplit("/", 1)[-1] not in SHELLS
            or not all(_PLAIN_WORD.fullmatch(word) for word in words)
            or words[0] in _SHELL_ONLY or "=" in words[0]
            or (instruction.keyword == "ENTRYPOINT" and (lineage_has(stage, "CMD") or any(
                child.all("CMD") for child in dockerfile.built_on(stage))))
            # With an ENTRYPOINT in force, CMD words are its arguments: exec form would change them.
            or (instruction.keyword == "CMD" and lineage_has(stage, "ENTRYPOINT"))):
        return ()
    logical = instruction.logical
    begin = instruction.value_offset + len(logical[instruction.value_offset:]) - len(
        logical[instruction.value_offset:].lstrip())
    end = len(logical.rstrip())
    replacement = json.dumps(words)
    return (Edit(instruction.start + begin, instruction.start + end, replacement),)
