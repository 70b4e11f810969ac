from collections.abc import Iterator

from containersec.build.rules._images import sources_and_destination
from containersec.build.rules._keys import (
    DOWNLOADERS,
    KEY_IMPORTERS,
    KEY_SUFFIXES,
    fetches_key,
    imports_key,
    is_keyring_path,
    run_imports_key,
    url_text,
    urls,
)
from containersec.build.rules._sources import PackageSource
from containersec.build.rules._tls import script_matches, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_FIX = "fetch it over https:// and check its fingerprint"
_GPGKEY = LazyPattern(rb"(?i)(?:(?<![\w.-])|(?<=\\n))gpgkey[ \t]*+=[ \t]*+[\"']?(http://[^\s\"'\\;|&)<>`]++)")


def _plain(url: str) -> bool:
    return PackageSource("", url, "", 0).plain_http


@rule(id="CSD144", slug="signing-key-over-http", severity=Severity.ERROR,
      summary="Do not fetch package signing keys over plain HTTP",
      why="A signing key decides which packages the package manager accepts. Fetched over plain HTTP, anyone on "
          "the network path can hand over their own key and sign whatever they like.",
      bad="RUN curl -fsSL http://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg",
      good="RUN curl -fsSL https://example.com/key.gpg -o /tmp/key.gpg \\\n"
           " && gpg --show-keys --with-colons /tmp/key.gpg \\\n"
           "    | grep -q '^fpr:::::::::B42F6819007F00F88E364FD4036A9C25BF357DD4:' \\\n"
           " && gpg --dearmor -o /usr/share/keyrings/example.gpg /tmp/key.gpg",
      notes="curl/wget of an http:// URL piped into gpg, apt-key or rpm, saved into a keyring (/usr/share/"
            "keyrings, /etc/apt/keyrings, /etc/apt/trusted.gpg.d, /etc/pki/rpm-gpg, /etc/apk/keys, or any "
            ".gpg/.asc file), or naming a key file in a RUN that imports a key; `apt-key adv --fetch-keys`, "
            "`rpm --import` and `rpmkeys --import` of an http:// URL; `gpgkey=http://` in .repo text a RUN "
            "writes; ADD of an http:// key URL. Keyserver look-ups (`--recv-keys`) are left to "
            "signing-key-unverified: with a full fingerprint gpg checks the key it receives.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    if b"http://" not in dockerfile.lowered:
        return  # every finding here is an http:// URL
    for run in dockerfile.runs():
        script = run.script
        if script is None or b"http://" not in script.lowered:
            continue  # every finding here is an http:// URL
        imports = run_imports_key(run)
        for command in run.commands(*DOWNLOADERS, *KEY_IMPORTERS):
            if fetches_key(command, imports) or imports_key(command):
                for word in urls(command):
                    if _plain(url_text(word)):
                        yield Hit(f"{command.name} fetches the signing key {url_text(word)} over plain HTTP: "
                                  f"{_FIX}", word.line, column=word.column)
    for match, line, column in script_matches(dockerfile, _GPGKEY, (b"gpgkey",), written_only=True):
        yield Hit(f"gpgkey={match[1].decode('utf-8', 'replace')} makes yum/dnf fetch the repository's signing key "
                  f"over plain HTTP: {_FIX}", line, column=column)
    for outer in dockerfile.instructions:
        instruction = outer.effective
        plain = instruction.keyword == "ADD" and "http://" in instruction.logical.lower()
        arguments = sources_and_destination(instruction) if plain else None
        for source in arguments[0] if arguments else ():
            if _plain(source) and (source.rstrip("/").lower().endswith(KEY_SUFFIXES)
                                   or is_keyring_path(arguments[1])):
                yield Hit(f"ADD fetches the signing key {source} over plain HTTP: {_FIX}", outer.line)
