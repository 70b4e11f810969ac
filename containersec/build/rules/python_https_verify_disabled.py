from collections.abc import Iterator

from containersec.build.rules._tls import setting_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD086", slug="python-https-verify-disabled", severity=Severity.ERROR, aliases=("CKV2_DOCKER_5",),
      summary="Do not set PYTHONHTTPSVERIFY=0",
      why="PYTHONHTTPSVERIFY=0 turns off certificate verification for every HTTPS connection made by Python's "
          "standard library, in the build and, when set with ENV, in the running container.",
      bad="ENV PYTHONHTTPSVERIFY=0",
      good="COPY internal-ca.pem /usr/local/share/ca-certificates/internal-ca.crt\nRUN update-ca-certificates",
      notes="Found in ENV, ARG defaults and RUN scripts (`export`, `VAR=0 cmd`, heredocs, `sh -c`).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from setting_hits(dockerfile, "PYTHONHTTPSVERIFY", lambda value: value.strip() == "0",
                            "turns off HTTPS certificate checks in Python",
                            "remove it and add the private CA to the trust store instead")
