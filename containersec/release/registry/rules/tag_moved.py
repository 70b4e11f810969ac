from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import TagFacts


@rule(id="CSR003", slug="tag-moved", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="A tag names another digest than at the last audit",
      why="A release tag that moves means two different images shipped under one name: whoever pulled it "
          "before runs something else than whoever pulls it now. Registries keep no tag history, so this "
          "needs the state file of the last audit (`--state FILE`).",
      bad="app:1.0.0 was sha256:aaa..., is now sha256:bbb...", good="app:1.0.0 names the same digest as before",
      notes="Only with `--state FILE`; the file is written after each audit.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, TagFacts) and subject.previous_digest and subject.previous_digest != subject.locator.digest:
        yield Hit(f"{subject.locator.shown}: tag {subject.tag!r} moved since the last audit: it named "
                  f"{subject.previous_digest}, now {subject.locator.digest}", 1)
