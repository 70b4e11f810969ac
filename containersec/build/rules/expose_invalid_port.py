from collections.abc import Iterator

from containersec.build.rules._images import exposed_ports
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_MAX_PORT = 65535
_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


@rule(id="CSD023", slug="expose-invalid-port", severity=Severity.ERROR, aliases=("DL3011", "DS008"),
      summary="EXPOSE has an invalid port",
      why="Ports are 0-65535 with an optional /tcp, /udp or /sctp; anything else fails the build or is "
          "silently meaningless.",
      bad="EXPOSE 80800",
      good="EXPOSE 8080",
      notes="Ranges (`8000-8010`) are checked at both ends and must not be reversed; ARG/ENV defaults are "
            "substituted and a port that stays a variable is skipped.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("EXPOSE", onbuild=True):
        for port in exposed_ports(dockerfile, instruction):
            problem = _problem(port.low, port.high, port.protocol)
            if problem:
                yield Hit(f"EXPOSE {port.text}: {problem}", instruction.line)


def _problem(low: int | None, high: int | None, protocol: str) -> str:
    if low is None or high is None:
        return "not a port (expected PORT, PORT/PROTOCOL or FIRST-LAST)"
    if high > _MAX_PORT:
        return f"port {high} is out of range 0-{_MAX_PORT}"
    if low > high:
        return f"range {low}-{high} is reversed"
    if protocol not in _PROTOCOLS:
        return f"unknown protocol {protocol!r} (use tcp, udp or sctp)"
    return ""
