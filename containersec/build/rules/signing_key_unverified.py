from collections.abc import Iterator

from containersec.build.rules._keys import DOWNLOADERS, GPG, KEY_IMPORTERS, imports_key, urls
from containersec.build.rules._tls import commands, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_FIX = ("compare its fingerprint before trusting it (gpg --show-keys --with-colons FILE | grep the full "
        "fingerprint, or sha256sum -c), or receive it with gpg --recv-keys <full fingerprint>")
# A full OpenPGP v4 fingerprint (40 hex digits, as written or in groups of four), or a SHA-256/512 digest.
_CHECKED = LazyPattern(rb"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{4}[ \t]?+){9}[0-9A-Fa-f]{4}(?![0-9A-Fa-f])"
                       rb"|(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}")
_SUMS = frozenset({"sha256sum", "sha384sum", "sha512sum", "shasum"})
_SHOWS = ("--show-keys", "--fingerprint", "--with-fingerprint", "--with-colons", "--import-options")
_COMPARES = frozenset({"grep", "test", "[", "[[", "diff", "cmp"})
_RECEIVE = ("--recv-keys", "--recv-key", "--recv", "--receive-keys")
_SHORT_ID = LazyPattern(r"(?:0x)?+(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{16})")


def _checks_key(run: Instruction) -> bool:
    """A fingerprint or digest is compared in the RUN: written out in full, `sha256sum -c`, or gpg showing
    the key's fingerprint to a grep or test."""
    script = run.script
    if script is None or _CHECKED.search(script.source):
        return True
    names = {c.name for c in run.commands()}
    if any(c.has_option("-c", "--check") for c in run.commands(*_SUMS)):
        return True
    return bool(names & _COMPARES) and any(c.has_option(*_SHOWS) for c in run.commands(*GPG))


@rule(id="CSD146", slug="signing-key-unverified", severity=Severity.WARNING,
      summary="Check a downloaded signing key's fingerprint before trusting it",
      why="A key fetched from the same server as the packages proves nothing when that server is the one "
          "compromised: only a fingerprint known in advance ties the key to its publisher. Short key IDs "
          "(8 or 16 hex digits) can be forged with a key of the same ID.",
      bad="RUN curl -fsSL https://example.com/key.asc | gpg --import",
      good="RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "
           "B42F6819007F00F88E364FD4036A9C25BF357DD4",
      notes="Per RUN: a key downloaded with curl or wget (or by `rpm --import URL`, `apt-key adv --fetch-keys`) "
            "and imported by gpg --import/--dearmor, apt-key add or rpm/rpmkeys --import, with no fingerprint "
            "check in the same RUN: a 40-hex fingerprint or SHA-256 digest written out, `sha256sum -c`, or gpg "
            "--show-keys/--fingerprint/--with-colons output compared with grep or test (the fingerprint may "
            "then come from a variable). Also `--recv-keys` with a short key ID. Keys imported from the build "
            "context (COPY) are not downloads and are not flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    if not any(name.encode() in dockerfile.lowered for name in KEY_IMPORTERS):
        return
    for run in dockerfile.runs():
        importers = [c for c in run.commands(*KEY_IMPORTERS) if imports_key(c)]
        if not importers or _checks_key(run):
            continue
        downloads = any(c.name in DOWNLOADERS for c in run.commands())
        reported: set[int] = set()
        for command in importers:
            # One key per pipeline: `curl | gpg --dearmor | apt-key add -` imports it once.
            pipeline = id(command.pipeline[0]) if command.pipeline else id(command)
            if (downloads or any(urls(command))) and pipeline not in reported:
                reported.add(pipeline)
                yield Hit(f"{_describe(command)} trusts a downloaded key without checking its fingerprint: {_FIX}",
                          command.line, column=command.column)
    for _, command in commands(dockerfile, *GPG, "apt-key"):
        for word in _received(command):
            if _SHORT_ID.fullmatch(word.text):
                yield Hit(f"{command.name} receives key {word.text} by a short key ID, which another key can "
                          "share: name the full 40-hex fingerprint", word.line, column=word.column)


def _describe(command: Command) -> str:
    option = next((o for o in ("--import", "--dearmor", "--enarmor", "--fetch-keys") if command.has_option(o)), "")
    return f"{command.name} {option or 'add'}"


def _received(command: Command) -> Iterator[ShellWord]:
    words = command.args
    taking = False
    for word in words:
        if word.text in _RECEIVE:
            taking = True
        elif word.is_option:
            taking = False
        elif taking:
            yield word
