from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.labels import LABEL_TYPES, shown_label_value
from containersec.release.registry.facts import ImageFacts


@rule(id="CSR031", slug="image-label-invalid", severity=Severity.INFO, stage=Stage.RELEASE,
      summary="Required labels have values of their type",
      why="A `source` that is not a URL or a `revision` that is not a commit hash cannot be followed back to "
          "the code; the build stage's label types (url, hash, rfc3339, spdx, semver, email) apply here too.",
      bad='"org.opencontainers.image.revision": "latest"', good='"org.opencontainers.image.revision": "3f1c2ab"')
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if not isinstance(subject, ImageFacts):
        return
    for name, kind in {**subject.required_labels, **options.label_schema}.items():
        value, label_type = subject.labels.get(name), LABEL_TYPES.get(kind)
        if value and label_type is not None and not label_type.valid(value):
            yield Hit(f"{subject.locator.shown}: label {name!r} is not {label_type.expected}: got "
                      f"{shown_label_value(value)!r}", 1)
