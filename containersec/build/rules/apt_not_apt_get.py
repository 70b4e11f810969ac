from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD041", slug="apt-not-apt-get", severity=Severity.WARNING,
      aliases=("DL3027", "CKV_DOCKER_9"),
      summary="Use apt-get or apt-cache instead of apt",
      why="`apt` is meant for people at a terminal: its command-line interface is not stable between "
          "releases and it warns about exactly that when used in scripts. `apt-get` and `apt-cache` are "
          "the stable interfaces for builds.",
      bad="RUN apt install -y curl",
      good="RUN apt-get install -y --no-install-recommends curl",
      notes="`apt` must be the command word (also after `;`, `|`, in `sh -c`, heredocs and behind "
            "`sudo`/`env`); Checkov CKV_DOCKER_9 matches ` apt ` as a substring, so it misses `apt` at the "
            "start of a line and flags it as an argument.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in dockerfile.commands("apt"):
        action = command.args[0].text if command.args else ""
        replacement = "apt-cache" if action in ("search", "show", "policy", "depends", "rdepends") else "apt-get"
        invoked = " ".join(w.text for w in command.argv[:2])
        yield Hit(f"'{invoked}' in a build: use {replacement}, whose interface is stable for scripts",
                  command.line, column=command.column)
