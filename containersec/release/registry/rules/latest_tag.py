from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import TagFacts


@rule(id="CSR001", slug="latest-tag", severity=Severity.WARNING, stage=Stage.RELEASE, aliases=("DKL-DI-0006",),
      summary="Images are published under `latest`",
      why="`latest` moves with every push: a deployment that names it runs whatever was pushed last, and a "
          "rollback to it is no rollback. Deploy release tags or digests.",
      bad="registry.example.com/app:latest", good="registry.example.com/app:1.4.2",
      notes="Dockle's DKL-DI-0006 checks the reference it scans; here every tag of the repository is checked.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, TagFacts) and subject.tag == "latest":
        yield Hit(f"{subject.locator.shown}: latest is a mutable tag: deploy a release tag or the digest", 1)
