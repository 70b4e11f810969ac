from collections.abc import Iterator

from containersec.build.rules._tls import setting_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD087", slug="node-tls-verify-disabled", severity=Severity.ERROR, aliases=("CKV2_DOCKER_6",),
      summary="Do not set NODE_TLS_REJECT_UNAUTHORIZED=0",
      why="NODE_TLS_REJECT_UNAUTHORIZED=0 makes Node.js (and npm, yarn) accept any TLS certificate, in the "
          "build and, when set with ENV, in the running container.",
      bad="ENV NODE_TLS_REJECT_UNAUTHORIZED=0",
      good="COPY internal-ca.pem /etc/ssl/internal-ca.pem\nENV NODE_EXTRA_CA_CERTS=/etc/ssl/internal-ca.pem",
      notes="Found in ENV, ARG defaults and RUN scripts (`export`, `VAR=0 cmd`, heredocs, `sh -c`).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from setting_hits(dockerfile, "NODE_TLS_REJECT_UNAUTHORIZED", lambda value: value.strip() == "0",
                            "makes Node.js accept any TLS certificate",
                            "remove it and point NODE_EXTRA_CA_CERTS at the private CA instead")
