from collections.abc import Iterator

from containersec.build.rules._tls import commands, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import SHELLS, Command, Script
from containersec.findings import Severity
from containersec.patterns import LazyPattern

DOWNLOADERS = frozenset({"curl", "wget"})
_INTERPRETER = LazyPattern(r"(?:python[\d.]*|perl|ruby|node|nodejs)")
_VALUE_OPTIONS = frozenset({"-o", "-O", "-W", "-X", "-r", "--require", "-I"})
_SOURCING = frozenset({"eval", "source", "."})
# `"$(curl ...)"`, `<(wget ...)` or a backtick form as a whole argument word.
_DOWNLOAD_SUBSTITUTION = LazyPattern(r"""^["']?(?:\$\(|<\(|`)\s*+(?:sudo\s++(?:-\S++\s++)*+)?(?:\S*/)?(curl|wget)\s""")


def _is_receiver(command: Command) -> bool:
    return command.name in SHELLS or _INTERPRETER.fullmatch(command.name) is not None


def _reads_stdin(command: Command) -> bool:
    """`bash`, `sh -s -- args`, `python3 -`: the program comes from standard input."""
    shell = command.name in SHELLS
    for option in command.options():
        letters = option[1:]
        if not option.startswith("--") and ("c" in letters or (not shell and ("m" in letters or "e" in letters))):
            return False
    if shell and command.has_option("-s"):
        return True
    positional = command.positionals(_VALUE_OPTIONS)
    return not positional or positional[0].text in ("-", "/dev/stdin")


def _inner_names(script: Script) -> dict[int, set[str]]:
    """For each wrapper command (by id), the names of the commands it runs, however deeply wrapped."""
    names: dict[int, set[str]] = {}
    for inner in script.commands:
        wrapper = inner.wrapper
        while wrapper is not None:
            names.setdefault(id(wrapper), set()).add(inner.name)
            wrapper = wrapper.wrapper
    return names


def _piped_download(command: Command, inner_names: dict[int, set[str]]) -> str | None:
    index = command.pipe_index
    for element in command.pipeline[:max(index, 0)]:
        found = ({element.name} | inner_names.get(id(element), set())) & DOWNLOADERS
        if found:
            return sorted(found)[0]
    return None


@rule(id="CSD081", slug="download-piped-to-shell", severity=Severity.ERROR,
      summary="Do not pipe a downloaded script into a shell or interpreter",
      why="`curl ... | sh` runs whatever the server (or anyone between it and the build) sends, with no "
          "checksum or signature check, and a truncated download runs half a script. Download to a file, "
          "verify it, then run it.",
      bad="RUN curl -fsSL https://get.example.com/install.sh | sh",
      good="RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \\\n"
           "    && echo \"<sha256>  /tmp/install.sh\" | sha256sum -c - \\\n    && sh /tmp/install.sh",
      notes="None of hadolint, Checkov or Trivy has this check. Recognised forms: curl/wget piped (through "
            "any number of pipeline steps, and behind sudo/env wrappers) into sh, bash, ash, dash, zsh, ksh, "
            "python, perl, ruby or node reading the program from standard input; `sh -c \"$(curl ...)\"`, "
            "`bash <(curl ...)`, `eval \"$(curl ...)\"` and `source <(curl ...)`. A shell that runs a "
            "script file or `-c` string of its own while reading the download as data is not flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    wrapped: dict[int, dict[int, set[str]]] = {}  # per script, computed when first needed
    for _, command in commands(dockerfile):
        receiver = _is_receiver(command)
        if receiver and command.pipeline and _reads_stdin(command):
            script = command.script
            if id(script) not in wrapped:
                wrapped[id(script)] = _inner_names(script)
            downloader = _piped_download(command, wrapped[id(script)])
            if downloader is not None:
                yield Hit(f"'{downloader}' output piped into '{command.name}': download to a file, verify its "
                          "checksum or signature, then run it", command.line, column=command.column)
                continue
        if receiver or command.name in _SOURCING:
            for word in command.args:
                match = _DOWNLOAD_SUBSTITUTION.match(word.raw)
                if match:
                    yield Hit(f"'{command.name}' runs a script downloaded by '{match[1]}': download to a file, "
                              "verify its checksum or signature, then run it", command.line,
                              column=command.column)
                    break
