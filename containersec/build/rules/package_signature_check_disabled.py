import re
from collections.abc import Iterator

from containersec.build.rules._tls import commands, option_word, script_matches, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity
from containersec.patterns import LazyPattern

# Options that install packages without checking their signatures, per package manager.
_OPTIONS = {
    "apk": ("--allow-untrusted",),
    "apt-get": ("--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"),
    "apt": ("--allow-unauthenticated", "--allow-insecure-repositories"),
    "aptitude": ("--allow-untrusted",),
    "yum": ("--nogpgcheck",),
    "dnf": ("--nogpgcheck",),
    "microdnf": ("--nogpgcheck",),
    "tdnf": ("--nogpgcheck",),
    "rpm": ("--nodigest", "--nosignature", "--noverify", "--nofiledigest"),
    "zypper": ("--no-gpg-checks",),
}
# Settings written into config files, or passed with `-o`/`--setopt`.
_TEXT = LazyPattern(
    rb"(?i)(?:(?<![\w.-])|(?<=\\n))gpgcheck\s*+=\s*+[\"']?(?:0|false|no)\b"
    rb"|\b(?:AllowInsecureRepositories|AllowUnauthenticated|AllowDowngradeToInsecureRepositories)"
    rb"[\"'\s=]{1,4}(?:true|yes|1)\b"
    rb"|(?P<trusted>\btrusted=yes)")
# The rest of a `[ ... trusted=yes ... ] file:` sources option list: a local repository of packages built
# in the same step, which is not flagged.
_LOCAL_SOURCE = LazyPattern(rb"(?i)[^\]\n]{0,200}+\]\s*+(?:file|copy):")
_TEXT_HINTS = (b"trusted=yes", b"gpgcheck", b"allowinsecurerepositories", b"allowunauthenticated",
               b"allowdowngradetoinsecurerepositories")


def _in_apt_options(match: re.Match[bytes]) -> bool:
    """`trusted=yes` inside the `[...]` options of a sources line for a remote repository."""
    text = match.string
    start = match.start()
    opening = text.rfind(b"[", max(start - 200, 0), start)
    if opening < 0 or b"]" in text[opening:start] or b"\n" in text[opening:start]:
        return False
    return _LOCAL_SOURCE.match(text, match.end()) is None


def _local_apk_files_only(command: Command) -> bool:
    """`apk add --allow-untrusted /tmp/pkgs/*.apk`: unsigned packages built in this build, nothing fetched."""
    if command.name != "apk":
        return False
    packages = command.positionals()[1:]
    return bool(packages) and all(p.text.endswith(".apk") and "/" in p.text for p in packages)


@rule(id="CSD091", slug="package-signature-check-disabled", severity=Severity.ERROR,
      aliases=("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"),
      summary="Do not install packages without checking their signatures",
      why="Package signatures are what proves a package comes from its publisher. Turning the check off lets a "
          "compromised mirror or network path install anything.",
      bad="RUN apk add --allow-untrusted --repository https://mirror.example.com/alpine tool",
      good="COPY mirror.rsa.pub /etc/apk/keys/\n"
           "RUN apk add --no-cache --repository https://mirror.example.com/alpine tool",
      notes="Covers the options of Checkov's five checks (apk --allow-untrusted, apt-get --allow-unauthenticated "
            "and --force-yes, yum/dnf/tdnf/microdnf --nogpgcheck, rpm --nodigest/--nosignature/--noverify/"
            "--nofiledigest) as options of the right command, plus gaps: apt `[trusted=yes]` sources lines, "
            "--allow-insecure-repositories and `-o Acquire::AllowInsecureRepositories=true`, `gpgcheck=0` "
            "in repo files or --setopt, and zypper --no-gpg-checks. Not flagged: `[trusted=yes]` on a "
            "file:/copy: source and apk --allow-untrusted when every package is a local .apk path "
            "(packages built in the same build, as in the official postgres and nginx images).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile, *_OPTIONS):
        for name in _OPTIONS[command.name]:
            word = option_word(command, name)
            if word is not None and not _local_apk_files_only(command):
                yield Hit(f"{command.name} {name} turns package signature checks off: import the publisher's "
                          "key instead", word.line, column=word.column)
    for match, line, column in script_matches(dockerfile, _TEXT, _TEXT_HINTS):
        if match["trusted"] and not _in_apt_options(match):
            continue
        setting = "[trusted=yes]" if match["trusted"] else match[0].decode("utf-8", "replace")
        yield Hit(f"'{setting}' turns package signature checks off: import the repository's signing key "
                  "instead", line, column=column)
