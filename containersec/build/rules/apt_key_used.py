from collections.abc import Iterator
from urllib.parse import urlsplit

from containersec.build.rules._images import sources_and_destination
from containersec.build.rules._keys import GLOBAL_APT_KEYRINGS, GPG, apt_key_subcommand
from containersec.build.rules._sources import package_sources
from containersec.build.rules._tls import commands, script_matches, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_FIX = ("put the key in its own keyring (/etc/apt/keyrings/<name>.gpg) and name it in the source line "
        "with [signed-by=...]")
_WRITERS = frozenset({"tee", "cp", "mv", "install", "gpg", "gpg2", "curl", "wget"})
_REDIRECT = LazyPattern(rb">>?[ \t]*+[\"']?(/etc/apt/trusted\.gpg(?:\.d/[^\s\"';|&)]*+)?)")
# Distribution archives and their mirrors, signed by the keys the base image ships: no keyring to name.
_ARCHIVES = ("debian.org", "ubuntu.com", "debian.net", "raspbian.org", "kali.org", "devuan.org")


def _global_keyring_target(command: Command) -> ShellWord | None:
    """The word naming apt's global keyring as where `command` writes: the destination of tee/cp/mv/install,
    the output of curl/wget/gpg, or gpg's `--keyring` when it imports or receives keys."""
    if command.name in ("cp", "mv", "install"):
        candidates = command.positionals(frozenset({"-m", "--mode", "-o", "--owner", "-g", "--group", "-t"}))[-1:]
    elif command.name == "tee":
        candidates = command.positionals()
    elif command.name in GPG and not command.has_option("--import", "--recv-keys", "--recv", "--receive-keys",
                                                          "--dearmor", "--export"):
        return None
    else:
        candidates = [w for w in command.args if w.text.startswith(("--output=", "--output-document=",
                                                                    "--keyring="))]
        candidates += [command.args[i + 1] for i, w in enumerate(command.args[:-1])
                       if w.text in ("-o", "-O", "--output", "--output-document", "--keyring")]
    for word in candidates:
        text = word.text.partition("=")[2] if word.text.startswith("--") else word.text
        if text.startswith(GLOBAL_APT_KEYRINGS):
            return word
    return None


def _third_party(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return bool(host) and "$" not in url and "mirror" not in host and not any(
        host == archive or host.endswith("." + archive) for archive in _ARCHIVES)


@rule(id="CSD145", slug="apt-key-used", severity=Severity.WARNING,
      summary="Do not trust a repository's key for every apt repository",
      why="`apt-key add` and keys in /etc/apt/trusted.gpg(.d) are trusted for every repository, so a third-party "
          "key can sign packages that replace the distribution's own. apt-key is deprecated (gone in Debian 13 "
          "and Ubuntu 24.04); a keyring named by `signed-by` is trusted for its repository alone.",
      bad="RUN curl -fsSL https://example.com/key.gpg | apt-key add - \\\n"
          " && echo 'deb https://apt.example.com stable main' > /etc/apt/sources.list.d/example.list",
      good="COPY example.gpg /etc/apt/keyrings/example.gpg\n"
           "RUN echo 'deb [signed-by=/etc/apt/keyrings/example.gpg] https://apt.example.com stable main' \\\n"
           "    > /etc/apt/sources.list.d/example.list",
      notes="`apt-key add` and `apt-key adv`; keys written into /etc/apt/trusted.gpg or /etc/apt/trusted.gpg.d "
            "(gpg, curl, wget, tee, cp, mv or install with that destination, a shell redirect, COPY/ADD); "
            "`deb` lines and deb822 stanzas of third-party repositories without `signed-by` (written by RUN, "
            "`COPY <<EOF`, or COPYed from the build context). Distribution archives and mirrors (hosts under "
            "debian.org, ubuntu.com and similar, or with `mirror` in the name) use the keys the base image "
            "ships and are not flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "apt-key"):
        subcommand = apt_key_subcommand(command)
        if subcommand in ("add", "adv"):
            yield Hit(f"apt-key {subcommand} trusts the key for every apt repository (and apt-key is "
                      f"deprecated): {_FIX}", command.line, column=command.column)
    if b"/etc/apt/trusted.gpg" in dockerfile.lowered:
        yield from _global_keyring_hits(dockerfile)
    for source in package_sources(dockerfile):
        if source.signed_by is False and _third_party(source.url):
            yield Hit(f"{source.via} adds the repository {source.url} without signed-by, so any key apt trusts "
                      f"may sign its packages and its key signs everyone's: {_FIX}", source.line,
                      column=source.column)


def _global_keyring_hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    """Keys written into apt's global keyring by a command, a redirect, or COPY/ADD."""
    for run in dockerfile.runs():
        script = run.script
        if script is None or b"/etc/apt/trusted.gpg" not in script.source:
            continue
        for command in run.commands(*_WRITERS):
            word = _global_keyring_target(command)
            if word is not None:
                yield Hit(f"{command.name} puts a key into apt's global keyring ({word.text}), trusted for every "
                          f"repository: {_FIX}", word.line, column=word.column)
    for match, line, column in script_matches(dockerfile, _REDIRECT, (b"/etc/apt/trusted.gpg",)):
        yield Hit(f"a redirect writes a key into apt's global keyring ({match[1].decode('utf-8', 'replace')}): "
                  f"{_FIX}", line, column=column)
    for outer in dockerfile.instructions:
        arguments = sources_and_destination(outer.effective) if outer.effective.keyword in ("COPY", "ADD") else None
        if arguments is not None and arguments[1].startswith(GLOBAL_APT_KEYRINGS):
            yield Hit(f"{outer.effective.keyword} puts a key into apt's global keyring ({arguments[1]}): {_FIX}",
                      outer.line)
