from collections.abc import Iterator

from containersec.build.rules._packages import DNF, YUM, cache_cleanup_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_TRIGGERS = YUM.install
_CACHES = ("/var/cache/yum", "/var/cache/dnf")


@rule(id="CSD049", slug="yum-clean-missing", severity=Severity.WARNING,
      aliases=("DL3032", "DS015"),
      summary="Clean the yum cache in the RUN that installs",
      why="yum keeps downloaded packages and metadata under /var/cache; unless the same RUN runs "
          "'yum clean all' they stay in a layer of the image for good.",
      bad="RUN yum install -y httpd",
      good="RUN yum install -y httpd && yum clean all",
      notes="Satisfied by `yum clean all` (or `dnf clean all`, the same cache on current releases), an `rm` of "
            "/var/cache/yum or /var/cache/dnf after the last install of the RUN, or a cache or tmpfs mount there."
            " Only stages whose layers end up in the final image are checked (a builder stage that is only copied"
            " from adds nothing to the image).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from cache_cleanup_hits(dockerfile, YUM, _TRIGGERS, (YUM, DNF), _CACHES, "yum clean all")
