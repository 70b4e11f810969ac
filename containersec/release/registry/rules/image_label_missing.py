from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import ImageFacts


@rule(id="CSR030", slug="image-label-missing", severity=Severity.INFO, stage=Stage.RELEASE,
      summary="Published images carry the required OCI labels or annotations",
      why="Registries, scanners and incident responders trace an image back to its code through "
          "`org.opencontainers.image.source`, `revision`, `version`, `created` and `licenses`.",
      bad='"Labels": {}', good='"Labels": {"org.opencontainers.image.source": "https://github.com/org/app", ...}',
      notes="Required: the five above, `registry.required-labels` and the build stage's `required-labels` schema. "
            "A label counts whether it is in the config or an annotation of the manifest.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if not isinstance(subject, ImageFacts):
        return
    missing = [name for name in {**subject.required_labels, **options.label_schema} if not subject.labels.get(name)]
    if missing:
        yield Hit(f"{subject.locator.shown} lacks the label{'s' if len(missing) > 1 else ''} {', '.join(missing)}", 1)
