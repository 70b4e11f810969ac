from collections.abc import Iterator

from containersec.build.rules._images import exposed_ports
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_SSH = 22


@rule(id="CSD022", slug="expose-ssh-port", severity=Severity.WARNING, aliases=("CKV_DOCKER_1", "DS004"),
      summary="EXPOSE includes the SSH port 22",
      why="Running an SSH server in a container adds a long-lived credential and an attack surface; use "
          "`docker exec` / `kubectl exec` to get a shell.",
      bad="EXPOSE 22",
      good="EXPOSE 8080",
      notes="`22`, `22/tcp`, `22/udp` and ranges that contain 22 (`20-25`) are caught, also through ARG "
            "defaults (Checkov misses `22/udp` and ranges; Trivy misses ranges).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("EXPOSE", onbuild=True):
        for port in exposed_ports(dockerfile, instruction):
            if port.low is not None and port.high is not None and port.low <= _SSH <= port.high:
                yield Hit(f"EXPOSE {port.text} publishes the SSH port 22: use docker/kubectl exec for shell "
                          "access instead of an SSH server", instruction.line)
