from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.findings import Severity

_SHORT = 1  # commands; a RUN that already groups several is a deliberate layer


@rule(id="CSD036", slug="consecutive-run", severity=Severity.INFO, aliases=("DL3059",),
      summary="Consecutive RUN instructions could be one",
      why="Each RUN adds a layer; files deleted in a later RUN still ship in the earlier layer. Merging "
          "related steps with `&&` keeps the image smaller.",
      bad="RUN apt-get update\nRUN apt-get install -y curl",
      good="RUN apt-get update && apt-get install -y curl",
      notes="Only RUNs directly after one another with the same flags (mounts, network, security) are "
            "flagged; comments and blank lines between them do not separate them. As in hadolint 2.15.1, "
            "only single-command RUNs are merge candidates: a RUN that already chains commands is taken "
            "as a deliberate layer (for caching) and neither it nor its neighbour is flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        previous: Instruction | None = None
        for instruction in stage.instructions:
            if (instruction.keyword == "RUN" and previous is not None and previous.keyword == "RUN"
                    and _flags(previous) == _flags(instruction) and _is_short(previous)
                    and _is_short(instruction)):
                yield Hit(f"RUN follows the RUN on line {previous.line} with the same flags: consider merging "
                          "them with && to save a layer", instruction.line)
            previous = instruction


def _is_short(run: Instruction) -> bool:
    script = run.script
    if script is None:
        return True
    return sum(1 for command in script.commands if command.wrapper is None and command.via != "substitution") <= _SHORT


def _flags(instruction: Instruction) -> list[tuple[str, str | None]]:
    return [(flag.name, flag.value) for flag in instruction.flags]
