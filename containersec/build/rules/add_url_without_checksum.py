from collections.abc import Iterator

from containersec.build.rules._images import copy_arguments, is_remote, mask_url, resolve
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD014", slug="add-url-without-checksum", severity=Severity.WARNING, aliases=("CKV_DOCKER_4",),
      summary="ADD downloads a URL without --checksum",
      why="Without a checksum the build trusts whatever the server (or anyone in between) sends today. "
          "`ADD --checksum=sha256:...` fails the build when the content changes; for git sources the "
          "checksum is the commit.",
      bad="ADD https://example.com/tool.tar.gz /opt/",
      good="ADD --checksum=sha256:<sha256 of the file> https://example.com/tool.tar.gz /opt/",
      notes="Checkov's CKV_DOCKER_4 flags every ADD, a URL too, with or without a checksum (its local-file "
            "half is CSD013); no peer asks for the checksum. Covers http(s) URLs and git sources (`git@...`, `git://`, "
            "`ssh://`, `https://...git`); credentials in a URL are masked in the message.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("ADD", onbuild=True):
        if instruction.flag("checksum"):
            continue
        for source in copy_arguments(instruction)[:-1]:
            url = resolve(dockerfile, source, instruction.stage)
            if is_remote(url):
                yield Hit(f"ADD {mask_url(url)} has no --checksum: add --checksum=sha256:<digest> (a commit "
                          "for git sources) so changed content fails the build", instruction.line)
