from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_LONG_UID = 5  # digits; lastlog is a sparse file sized by the highest UID


@rule(id="CSD038", slug="useradd-high-uid-without-l", severity=Severity.WARNING, aliases=("DL3046",),
      summary="useradd with a high UID but without -l",
      why="useradd records the user in /var/log/lastlog and faillog, files indexed by UID; a UID such "
          "as 100000000 makes them gigabytes large in the layer. `-l`/`--no-log-init` skips them.",
      bad="RUN useradd -u 123456 app",
      good="RUN useradd -l -u 123456 app",
      notes="A UID longer than five digits counts as high, as in hadolint; a UID from a variable is not "
            "judged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in dockerfile.commands("useradd"):
        uid = command.option_value("-u", "--uid")
        if uid and uid.isdigit() and len(uid) > _LONG_UID and not command.has_option("-l", "--no-log-init"):
            yield Hit(f"useradd -u {uid} without -l writes a huge sparse lastlog/faillog: add -l "
                      "(--no-log-init)", command.line, column=command.column)
