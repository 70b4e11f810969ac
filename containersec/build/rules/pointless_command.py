from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_POINTLESS = ("ssh", "vim", "vi", "nano", "emacs", "shutdown", "reboot", "halt", "poweroff", "service", "ps",
              "free", "top", "htop", "kill", "killall", "mount", "ifconfig")
_INFORMATIONAL = frozenset({"--version", "-V", "--help"})


@rule(id="CSD037", slug="pointless-command", severity=Severity.INFO, aliases=("DL3001",),
      summary="Command that makes no sense during an image build",
      why="Interactive tools (vim, top), service management (service, shutdown) and process or mount "
          "commands act on the throw-away build container, not on the image or the running container.",
      bad="RUN service nginx start",
      good='CMD ["nginx", "-g", "daemon off;"]',
      notes="Only command words count (installing a package called vim is fine). A version or help "
            "check (`vim --version`) and `ssh` in a RUN with an SSH mount (`--mount=type=ssh`) are "
            "accepted.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for run, command in dockerfile.commands(*_POINTLESS):
        if any(word.text in _INFORMATIONAL for word in command.args):
            continue
        if command.name == "ssh" and any("type=ssh" in mount for mount in run.flag_values("mount")):
            continue
        yield Hit(f"`{command.name}` makes no sense in an image build: it acts on the temporary build "
                  "container; remove it", command.line, column=command.column)
