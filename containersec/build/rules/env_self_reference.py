import re
from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_REFERENCE = LazyPattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*+)")


@rule(id="CSD032", slug="env-self-reference", severity=Severity.ERROR, aliases=("DL3044",),
      summary="ENV uses a variable defined in the same ENV",
      why="All values of one ENV are expanded before any is set, so `ENV A=1 B=$A` gives B the old value "
          "of A (usually empty), not 1. Split it into two ENV instructions.",
      bad="ENV APP_HOME=/app APP_BIN=$APP_HOME/bin",
      good="ENV APP_HOME=/app\nENV APP_BIN=$APP_HOME/bin",
      notes="A value that refers to its own name (`ENV PATH=/x:$PATH`) extends the previous value and is "
            "fine; only references to a name set earlier in the same ENV are flagged. Text Docker does not "
            "expand (single quotes, an escaped `\\$`) is no reference.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("ENV", onbuild=True):
        if "$" not in instruction.value:
            continue
        defined: set[str] = set()
        for name, value, line in _expanding_pairs(instruction):
            for reference in _REFERENCE.findall(value):
                if reference in defined and reference != name:
                    yield Hit(f"ENV {name} refers to ${reference}, which this same ENV sets; it gets the old "
                              f"value. Set {reference} in an earlier ENV", line)
            defined.add(name)


def _expanding_pairs(instruction: Instruction) -> Iterator[tuple[str, str, int]]:
    """(name, value, line) of a `K=V ...` ENV, each value as written minus the parts Docker does not
    expand: single-quoted text and escaped `$` (`\\$A`, or `` `$A `` under a backtick escape)."""
    escaped = re.compile(re.escape(instruction.escape) + r"\$|'[^']*+'?")
    for word in instruction.words(instruction.logical[instruction.value_offset:]):
        name, equals, value = word.raw.partition("=")
        if not equals:
            return  # the legacy `ENV K V` form sets a single name
        yield name, escaped.sub("", value), instruction.line_of(instruction.value_offset + word.start)
