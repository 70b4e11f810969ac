from collections.abc import Iterator

from containersec.build.rules._packages import DNF, MICRODNF, RPM_PROMPTING, missing_yes_hits, rpm_answered
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD044", slug="dnf-missing-yes", severity=Severity.WARNING,
      aliases=("DL3038",),
      summary="Use -y with dnf and microdnf install",
      why="A build has no terminal: without -y dnf asks 'Is this ok [y/N]', reads end-of-file and exits "
          "with an error.",
      bad="RUN dnf install httpd",
      good="RUN dnf install -y httpd-2.4.57 && dnf clean all",
      fixable=True,
      notes="dnf, dnf5, tdnf and microdnf; -y, --assumeyes and a `yes |` pipe count. Every prompting "
            "subcommand is checked, `dnf module install` included. The fix inserts ` -y` after the "
            "subcommand.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from missing_yes_hits(dockerfile, DNF, RPM_PROMPTING, rpm_answered)
    yield from missing_yes_hits(dockerfile, MICRODNF, RPM_PROMPTING, rpm_answered)
