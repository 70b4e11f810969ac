from collections.abc import Iterator

from containersec.build.rules._images import final_user
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD029", slug="user-missing", severity=Severity.WARNING, aliases=("CKV_DOCKER_3", "DS002", "CIS-DI-0001"),
      summary="The final image sets no USER, so it runs as the base image's user (root for most)",
      why="Without USER the container runs as whatever user the base image left, which is root for "
          "almost every base image; root in the container is root on the host's kernel. Create an "
          "unprivileged user and switch to it in the final stage.",
      bad="FROM alpine:3.19\nRUN apk add --no-cache curl",
      good="FROM alpine:3.19\nRUN adduser -D -u 10001 app\nUSER 10001",
      notes="hadolint has no rule for this: its DL3002 only fires on an explicit `USER root` (CSD001 "
            "root-user here). The final stage and the stages it is built FROM are searched for a USER; "
            "one in a builder stage does not count, a parent stage's ONBUILD USER does (it fires in the "
            "child). A base image whose default user is not root cannot "
            "be seen without the image, so the file is reported; ignore the rule for such a base.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    final = dockerfile.final_stage
    if final is not None and final_user(dockerfile) is None:
        yield Hit("no USER in the final stage: the image runs as root; add USER <non-root user> "
                  "after the steps that need root", final.line)
