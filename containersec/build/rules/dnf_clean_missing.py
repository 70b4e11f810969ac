from collections.abc import Iterator

from containersec.build.rules._packages import DNF, YUM, cache_cleanup_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_TRIGGERS = DNF.install
_CACHES = ("/var/cache/dnf", "/var/cache/yum", "/var/cache/tdnf", "/var/cache/libdnf5")


@rule(id="CSD050", slug="dnf-clean-missing", severity=Severity.WARNING,
      aliases=("DL3040", "DS019"),
      summary="Clean the dnf cache in the RUN that installs",
      why="dnf keeps downloaded packages and metadata under /var/cache; unless the same RUN runs "
          "'dnf clean all' they stay in a layer of the image for good.",
      bad="RUN dnf install -y httpd",
      good="RUN dnf install -y httpd && dnf clean all",
      notes="dnf, dnf5 and tdnf. Satisfied by `dnf clean all` (or `yum clean all`), an `rm` of /var/cache/dnf or "
            "/var/cache/yum after the last install of the RUN, or a cache or tmpfs mount there. Only stages whose"
            " layers end up in the final image are checked (a builder stage that is only copied from adds nothing"
            " to the image).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from cache_cleanup_hits(dockerfile, DNF, _TRIGGERS, (DNF, YUM), _CACHES, "dnf clean all")
