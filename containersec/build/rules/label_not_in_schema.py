from collections.abc import Iterator

from containersec.build.rules._labels import labels
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD122", slug="label-not-in-schema", severity=Severity.INFO, aliases=("DL3050",),
      summary="With strict labels, only labels of the schema are set",
      why="A team that fixes its label set in a schema wants typos (`org.opencontainers.image.revison`) "
          "and ad-hoc keys caught before they reach the registry.",
      bad="# strict-labels: true, label-schema: {org.opencontainers.image.version: semver}\n"
          "LABEL version=\"1.0.0\"",
      good="LABEL org.opencontainers.image.version=\"1.0.0\"",
      notes="Only active with `strict-labels: true` and a `label-schema`. Keys are compared after ARG/ENV "
            "substitution; a key that still holds a variable is not reported.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    if not (options.strict_labels and options.label_schema):
        return
    for label in labels(dockerfile):
        if label.key_known and label.key not in options.label_schema:
            yield Hit(f"label {label.key!r} is not in the label schema: remove it or add it to label-schema",
                      label.line)
