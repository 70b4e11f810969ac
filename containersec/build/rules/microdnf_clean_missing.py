from collections.abc import Iterator

from containersec.build.rules._packages import DNF, MICRODNF, YUM, cache_cleanup_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_TRIGGERS = MICRODNF.install
_CACHES = ("/var/cache/yum", "/var/cache/dnf")


@rule(id="CSD051", slug="microdnf-clean-missing", severity=Severity.WARNING,
      aliases=("DL3040", "DS027"),
      summary="Clean the microdnf cache in the RUN that installs",
      why="microdnf keeps downloaded packages and metadata under /var/cache; unless the same RUN runs "
          "'microdnf clean all' they stay in a layer of the image for good.",
      bad="RUN microdnf install -y httpd",
      good="RUN microdnf install -y httpd && microdnf clean all",
      notes="Satisfied by `microdnf clean all` (or dnf/yum `clean all`), an `rm` of /var/cache/yum or "
            "/var/cache/dnf after the last install of the RUN, or a cache or tmpfs mount there. Only stages whose"
            " layers end up in the final image are checked (a builder stage that is only copied from adds nothing"
            " to the image). hadolint's DL3040 covers microdnf as well as dnf, so it names both rules.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from cache_cleanup_hits(dockerfile, MICRODNF, _TRIGGERS, (MICRODNF, DNF, YUM), _CACHES, "microdnf clean all")
