from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_SYSTEM_SHELLS = frozenset({"/bin/sh", "/usr/bin/sh"})


@rule(id="CSD035", slug="symlink-shell", severity=Severity.WARNING, aliases=("DL4005",),
      summary="RUN replaces /bin/sh with a symlink; use SHELL",
      why="Relinking /bin/sh changes the shell for every program in the image, including package "
          "scripts that expect a POSIX sh. SHELL changes only what the Dockerfile's RUNs use.",
      bad="RUN ln -sf /bin/bash /bin/sh",
      good='SHELL ["/bin/bash", "-c"]',
      notes="Only a link whose name is /bin/sh (the last argument of `ln`) is flagged; linking "
            "/bin/sh elsewhere is harmless (hadolint flags any `ln` mentioning /bin/sh).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in dockerfile.commands("ln"):
        positionals = command.positionals({"-S", "--suffix", "-t", "--target-directory"})
        if len(positionals) >= 2 and positionals[-1].text.rstrip("/") in _SYSTEM_SHELLS:
            yield Hit(f"ln replaces {positionals[-1].text} with {positionals[0].text}: use "
                      f'SHELL ["{positionals[0].text}", "-c"] instead', command.line, column=command.column)
