from collections.abc import Iterator

from containersec.build.rules._tls import commands, option_word, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity
from containersec.patterns import LazyPattern

# `user:` alone on a line of what echo/printf feed to chpasswd (`\n` as printf writes it, too).
_EMPTY_ENTRY = LazyPattern(r"(?:^|\n|\\n)[\w.-]++:(?:$|\n|\\n)")


def _empty_chpasswd_entry(command: Command) -> bool:
    for element in command.pipeline[:max(command.pipe_index, 0)]:
        if element.name in ("echo", "printf") and any(_EMPTY_ENTRY.search(w.text) for w in element.args):
            return True
    return False


@rule(id="CSD093", slug="empty-password", severity=Severity.ERROR, aliases=("DKL-LI-0001",),
      summary="Do not leave an account with an empty password",
      why="An account with an empty password can be logged into (su, login, ssh with PermitEmptyPasswords) "
          "without any credential; anyone with a shell in the container becomes that user.",
      bad="RUN passwd -d root",
      good="RUN passwd -l root",
      notes="Dockle finds empty passwords in a built image's /etc/shadow; statically we flag `passwd -d`, "
            "`usermod`/`useradd -p ''` and `user:` entries fed to chpasswd by echo or printf.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "passwd", "usermod", "useradd", "chpasswd"):
        if command.name == "passwd":
            word = option_word(command, "-d", "--delete")
            if word is not None:
                yield Hit(f"passwd {word.text} leaves the account without a password: lock it with passwd -l "
                          "instead", word.line, column=word.column)
        elif command.name == "chpasswd":
            if _empty_chpasswd_entry(command):
                yield Hit("chpasswd is given an entry with an empty password: lock the account with passwd -l "
                          "instead", command.line, column=command.column)
        elif command.option_value("-p", "--password") == "":
            yield Hit(f"{command.name} -p '' sets an empty password: leave -p out (the account stays locked)",
                      command.line, column=command.column)
