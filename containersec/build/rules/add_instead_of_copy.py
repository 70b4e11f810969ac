from collections.abc import Iterator

from containersec.build.rules._images import copy_arguments, is_extractable, is_remote, keyword_span, resolve
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.variables import has_variable
from containersec.findings import Edit, Severity

_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})


@rule(id="CSD013", slug="add-instead-of-copy", severity=Severity.ERROR,
      aliases=("DL3020", "CKV_DOCKER_4", "DS005", "CIS-DI-0009"),
      summary="ADD used to copy local files; use COPY",
      why="ADD also downloads URLs and unpacks archives, so a reader cannot tell what a line does, and a "
          "file renamed to `.tar` changes behaviour. COPY does only what it says.",
      bad="ADD requirements.txt /app/",
      good="COPY requirements.txt /app/",
      fixable=True,
      notes="Only ADD whose every source is a plain local path is flagged: URLs, git references and "
            "local archives ADD unpacks (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.tar.bz2`, also `.gz`, "
            "`.xz`, `.bz2`, `.zst`) need ADD (Checkov CKV_DOCKER_4 flags every ADD). A source that stays a "
            "variable after ARG substitution is not judged. The fix rewrites `ADD` to `COPY` unless an "
            "ADD-only flag (--checksum, --keep-git-dir, --unpack) is present.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("ADD", onbuild=True):
        sources = copy_arguments(instruction)[:-1]
        if not sources:
            continue
        resolved = [resolve(dockerfile, source, instruction.stage) for source in sources]
        if any(has_variable(s) or is_remote(s) or is_extractable(s) for s in resolved):
            continue
        yield Hit(f"ADD of local {', '.join(sources)}: use COPY, which only copies", instruction.line,
                  edits=_fix(instruction))


def _fix(instruction: Instruction) -> tuple[Edit, ...]:
    if any(flag.name in _ADD_ONLY_FLAGS for flag in instruction.flags):
        return ()
    span = keyword_span(instruction, "ADD")
    return (Edit(span[0], span[1], "COPY"),) if span is not None else ()
