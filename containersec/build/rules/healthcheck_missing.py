from collections.abc import Iterator

from containersec.build.rules._images import lineage_has
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD024", slug="healthcheck-missing", severity=Severity.INFO,
      aliases=("DL3057", "CKV_DOCKER_2", "DS026", "CIS-DI-0006"),
      summary="The final image has no HEALTHCHECK",
      why="Without a health check the runtime only knows whether the process exists, not whether it "
          "serves; orchestrators that read Docker health cannot restart a hung service.",
      bad="FROM nginx:1.25\nCOPY site /usr/share/nginx/html",
      good="FROM nginx:1.25\nCOPY site /usr/share/nginx/html\n"
           "HEALTHCHECK CMD wget -qO- http://localhost/ || exit 1",
      enabled=False,
      notes="Checked on the final stage and the stages it is built FROM; a HEALTHCHECK in a builder "
            "stage does not count (Checkov and Trivy accept one anywhere). `HEALTHCHECK NONE` is an "
            "explicit opt-out, for images whose health is probed by the orchestrator. A HEALTHCHECK "
            "inherited from the base image cannot be seen. Off by default, as hadolint's DL3057 (a base image "
            "often brings its own, and many orchestrators probe health themselves); Checkov, Trivy and "
            "Dockle run it by default, so teams coming from them turn it on with `severity: {CSD024: info}` "
            "(or `select`).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    final = dockerfile.final_stage
    if final is not None and not lineage_has(final, "HEALTHCHECK"):
        yield Hit("the final stage has no HEALTHCHECK: add one (e.g. HEALTHCHECK CMD <probe> || exit 1), or "
                  "HEALTHCHECK NONE when the orchestrator probes health", final.line)
