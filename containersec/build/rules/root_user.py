from collections.abc import Iterator

from containersec.build.rules._images import final_user, resolve
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.variables import has_variable
from containersec.findings import Severity

_ROOT = frozenset({"root", "0"})


@rule(id="CSD001", slug="root-user", severity=Severity.WARNING, aliases=("DL3002", "CKV_DOCKER_8", "DS002"),
      summary="The last USER of the final image is root",
      why="A process running as root in the container is root on the host's kernel: one container "
          "escape or writable host mount away from the host. Switch to an unprivileged user in the "
          "final stage.",
      bad="FROM alpine:3.19\nRUN apk add --no-cache curl\nUSER root",
      good="FROM alpine:3.19\nRUN adduser -D -u 10001 app\nUSER 10001",
      notes="Only the final stage decides (with the stages it is built FROM): a USER in a builder "
            "stage does not make the image non-root, which Checkov and Trivy miss. hadolint DL3002 "
            "checks the last USER of every stage; builder stages running as root are not flagged here. "
            "`0`, `root:<group>` and `0:<gid>` count as root (Checkov only knows `root`); ARG/ENV "
            "defaults are substituted and a user that stays a variable is not judged. A final image "
            "with no USER at all is CSD029 user-missing.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    found = final_user(dockerfile)
    if found is None:
        return
    stage, user = found
    value = resolve(dockerfile, user.value, stage).strip("\"'")
    name = value.split(":", 1)[0].strip()
    if name in _ROOT and not has_variable(value):
        yield Hit(f"the last USER of the final stage is root ({user.value!r}): switch to an "
                  "unprivileged user, e.g. USER 10001", user.line)
