from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import TagFacts


@rule(id="CSR002", slug="tag-not-release", severity=Severity.INFO, stage=Stage.RELEASE,
      summary="Tags follow the release tag pattern (semantic versions by default)",
      why="Tags such as `dev`, `main` or `stable` are re-pointed by design; only release tags can be "
          "expected to name one build. Set `registry.release-tags` to the pattern your releases use.",
      bad="registry.example.com/app:stable", good="registry.example.com/app:2.3.0",
      notes="`latest` is reported by CSR001 instead; cosign and referrer tags (`sha256-...`) are not images.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, TagFacts) and subject.tag != "latest" and not subject.release_tags.fullmatch(subject.tag):
        yield Hit(f"{subject.locator.shown}: tag {subject.tag!r} does not match the release pattern "
                  f"{subject.release_tags.pattern!r}: it may be moved to another image at any time", 1)
