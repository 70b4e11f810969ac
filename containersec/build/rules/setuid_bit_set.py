from collections.abc import Iterator

from containersec.build.rules._tls import commands
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_SYMBOLIC_SET = LazyPattern(r"[+=][rwxXtugo]*+s")
_OCTAL = LazyPattern(r"[0-7]{1,5}")
_FIX = "drop the bit, or grant the one capability needed with setcap"


def special_bits(mode: str) -> str | None:
    """'setuid', 'setgid' or 'setuid and setgid' when `mode` (octal or symbolic) sets them."""
    if _OCTAL.fullmatch(mode):
        special = int(mode, 8) >> 9
        names = [name for bit, name in ((4, "setuid"), (2, "setgid")) if special & bit]
        return " and ".join(names) or None
    found = set()
    for clause in mode.split(","):
        if _SYMBOLIC_SET.search(clause):
            who = clause[:len(clause) - len(clause.lstrip("ugoa"))] or "a"
            found.update(name for letters, name in (("ua", "setuid"), ("ga", "setgid")) if set(letters) & set(who))
    return " and ".join(sorted(found, reverse=True)) or None


@rule(id="CSD094", slug="setuid-bit-set", severity=Severity.WARNING, aliases=("CIS-DI-0008",),
      summary="Do not add setuid or setgid files to the image",
      why="A setuid/setgid executable runs with its owner's or group's rights whatever the caller; a bug in it "
          "turns into privilege escalation inside the container.",
      bad="RUN chmod u+s /usr/local/bin/tool",
      good="RUN setcap cap_net_bind_service=+ep /usr/local/bin/tool",
      notes="Dockle finds setuid/setgid files in a built image; statically we flag chmod with `+s`, `u+s`, "
            "`g+s`, `=s` or an octal mode with the 4000/2000 bits (4755, 2755, 6755, 04755), `install -m`, "
            "and COPY/ADD `--chmod`. `install -d` (directories) is not flagged. A setgid directory made by "
            "chmod (`chmod g+s /shared`) is flagged too: confirm with "
            "an ignore pragma.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "chmod", "install"):
        if command.name == "install":
            if command.has_option("-d", "--directory"):
                continue  # setuid means nothing on a directory; setgid there only sets the group of new files
            mode = command.option_value("-m", "--mode")
        else:
            positional = command.positionals()
            mode = positional[0].text if positional else None
        bits = special_bits(mode) if mode else None
        if bits:
            yield Hit(f"{command.name} {mode} sets the {bits} bit: {_FIX}", command.line, column=command.column)
    for instruction in (*dockerfile.all("COPY", onbuild=True), *dockerfile.all("ADD", onbuild=True)):
        mode = instruction.flag("chmod")
        bits = special_bits(mode) if mode else None
        if bits:
            yield Hit(f"{instruction.keyword} --chmod={mode} sets the {bits} bit: {_FIX}", instruction.line)
