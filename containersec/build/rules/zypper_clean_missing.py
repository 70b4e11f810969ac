from collections.abc import Iterator

from containersec.build.rules._packages import ZYPPER, cache_cleanup_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_TRIGGERS = ZYPPER.install | {"refresh", "ref"}
_CACHES = ("/var/cache/zypp",)


@rule(id="CSD052", slug="zypper-clean-missing", severity=Severity.WARNING,
      aliases=("DL3036", "DS020"),
      summary="Clean the zypper cache in the RUN that installs",
      why="zypper keeps downloaded packages and metadata under /var/cache; unless the same RUN runs "
          "'zypper clean --all' they stay in a layer of the image for good.",
      bad="RUN zypper install -y httpd",
      good="RUN zypper install -y httpd && zypper clean --all",
      notes="Satisfied by `zypper clean` or `zypper cc` (any scope) after the last install or refresh of the RUN,"
            " an `rm` of /var/cache/zypp, or a cache or tmpfs mount there. Only stages whose layers end up in the"
            " final image are checked (a builder stage that is only copied from adds nothing to the image).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from cache_cleanup_hits(dockerfile, ZYPPER, _TRIGGERS, (ZYPPER,), _CACHES, "zypper clean --all")
