from collections.abc import Iterator

from containersec.build.rules._packages import RPM_PROMPTING, YUM, missing_yes_hits, rpm_answered
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD043", slug="yum-missing-yes", severity=Severity.WARNING,
      aliases=("DL3030",),
      summary="Use -y with yum install",
      why="A build has no terminal: without -y yum asks 'Is this ok [y/N]', reads end-of-file and exits "
          "with an error.",
      bad="RUN yum install httpd",
      good="RUN yum install -y httpd-2.4.57 && yum clean all",
      fixable=True,
      notes="-y, --assumeyes (also in a cluster) and a `yes |` pipe count. Every prompting subcommand "
            "(install, remove, update, groupinstall, ...) is checked. The fix inserts ` -y` after the "
            "subcommand.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from missing_yes_hits(dockerfile, YUM, RPM_PROMPTING, rpm_answered)
