from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD033", slug="user-not-numeric", severity=Severity.INFO, aliases=("DL3066",),
      summary="USER is a name, not a numeric UID",
      why="Kubernetes `runAsNonRoot` cannot verify a user name, and a name only resolves if the image's "
          "/etc/passwd has it. A numeric UID (and GID) works everywhere.",
      bad="USER app",
      good="USER 10001:10001",
      notes="The user part is judged; a USER given by a variable (`USER $APP_UID`) is not (hadolint "
            "flags it).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("USER", onbuild=True):
        value = instruction.value.strip("\"'")
        user = value.split(":", 1)[0]
        if user and "$" not in user and not user.isdigit():
            yield Hit(f"USER {value} is not numeric: use the UID (e.g. USER 10001) so runtimes can verify "
                      "it is not root", instruction.line)
