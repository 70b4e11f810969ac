import json
from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.findings import Edit, Severity


@rule(id="CSD030", slug="maintainer-deprecated", severity=Severity.WARNING,
      aliases=("DL4000", "CKV_DOCKER_6", "DS022"),
      summary="MAINTAINER is deprecated; use a LABEL",
      why="MAINTAINER was deprecated in Docker 1.13 and is not visible to tools that read OCI labels; "
          "`org.opencontainers.image.authors` is the standard place for the author.",
      bad="MAINTAINER Jane Doe <jane@example.com>",
      good='LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
      fixable=True,
      notes="The fix rewrites a one-line MAINTAINER into the OCI authors label, quoting the value (and "
            "escaping `$`, which LABEL would expand); not in files with a backtick escape directive.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("MAINTAINER", onbuild=True):
        yield Hit("MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=...", instruction.line,
                  edits=_fix(instruction) if dockerfile.escape == "\\" else ())


def _fix(instruction: Instruction) -> tuple[Edit, ...]:
    value = instruction.value
    logical = instruction.logical
    begin = len(logical) - len(logical.lstrip())
    # ONBUILD MAINTAINER is invalid (onbuild-invalid); rewriting it would hide that.
    if (instruction.line != instruction.end_line or not value
            or not logical[begin:].upper().startswith("MAINTAINER")):
        return ()
    end = len(logical.rstrip())
    quoted = json.dumps(value, ensure_ascii=False).replace("$", "\\$")
    return (Edit(instruction.start + begin, instruction.start + end,
                 f"LABEL org.opencontainers.image.authors={quoted}"),)
