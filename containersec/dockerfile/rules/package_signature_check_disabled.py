import re
from collections.abc import Iterator

from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.rules._tls import commands, option_word, script_matches, unique
from containersec.findings import Severity
from containersec.registry import Hit, RuleOptions, rule

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
# Settings written into sources or config files, or passed with `-o`/`--setopt`.
_TEXT = re.compile(
    rb"(?i)\[[^\]\n]{0,200}?\btrusted=yes"
    rb"|(?:(?<![\w.-])|(?<=\\n))gpgcheck\s*+=\s*+[\"']?(?:0|false|no)\b"
    rb"|\b(?:AllowInsecureRepositories|AllowUnauthenticated|AllowDowngradeToInsecureRepositories)"
    rb"[\"'\s=]{1,4}(?:true|yes|1)\b")


@rule(id="CSD091", slug="package-signature-check-disabled", severity=Severity.ERROR,
      aliases=("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"),
      summary="Do not install packages without checking their signatures",
      why="Package signatures are what proves a package comes from its publisher. Turning the check off lets a "
          "compromised mirror or network path install anything.",
      bad="RUN apk add --allow-untrusted /tmp/tool.apk",
      good="COPY tool.rsa.pub /etc/apk/keys/\nRUN apk add --no-cache /tmp/tool.apk",
      notes="Covers the options of Checkov's five checks (apk --allow-untrusted, apt-get --allow-unauthenticated "
            "and --force-yes, yum/dnf/tdnf/microdnf --nogpgcheck, rpm --nodigest/--nosignature/--noverify/"
            "--nofiledigest) as options of the right command, plus gaps: apt `[trusted=yes]` sources lines, "
            "--allow-insecure-repositories and `-o Acquire::AllowInsecureRepositories=true`, `gpgcheck=0` "
            "in repo files or --setopt, and zypper --no-gpg-checks.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile, *_OPTIONS):
        for name in _OPTIONS[command.name]:
            word = option_word(command, name)
            if word is not None:
                yield Hit(f"{command.name} {name} turns package signature checks off: import the publisher's "
                          "key instead", word.line, column=word.column)
    for match, line, column in script_matches(dockerfile, _TEXT):
        setting = match[0].decode("utf-8", "replace")
        yield Hit(f"'{setting}' turns package signature checks off: import the repository's signing key "
                  "instead", line, column=column)
