from collections.abc import Iterator

from containersec.build.rules._labels import labels
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD123", slug="label-empty", severity=Severity.WARNING, aliases=("DL3051",),
      summary="Labels of the schema are not empty",
      why="An empty required label passes a presence check while telling the reader nothing; it usually "
          "means a build argument was not passed.",
      bad="LABEL org.opencontainers.image.revision=\"\"",
      good="ARG GIT_SHA\nLABEL org.opencontainers.image.revision=\"$GIT_SHA\"",
      notes="Only active with a `label-schema`. A value that still holds a variable after ARG/ENV "
            "substitution (a build argument without default) is filled at build time and not reported; "
            "the type rules (CSD124-CSD129) leave empty values to this rule, so one empty label gives one "
            "finding.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    if not options.label_schema:
        return
    for label in labels(dockerfile):
        if label.key in options.label_schema and label.value is not None and not label.value.strip():
            yield Hit(f"label {label.key!r} is empty: give it a value or drop it", label.line)
