"""Shared knowledge about signing keys for the key rules: who imports a key, where keyrings live, downloads."""

from __future__ import annotations

from collections.abc import Iterator

from containersec.dockerfile.model import Instruction
from containersec.dockerfile.shell import Command, ShellWord

DOWNLOADERS = frozenset({"curl", "wget"})
GPG = frozenset({"gpg", "gpg2", "gpg1"})
KEY_IMPORTERS = (*sorted(GPG), "apt-key", "rpm", "rpmkeys")
# Where apt, dnf and apk read trusted keys from; the first two are apt's global keyrings.
GLOBAL_APT_KEYRINGS = ("/etc/apt/trusted.gpg.d/", "/etc/apt/trusted.gpg")
KEYRING_PATHS = (*GLOBAL_APT_KEYRINGS, "/usr/share/keyrings/", "/etc/apt/keyrings/", "/etc/pki/rpm-gpg/",
                 "/etc/apk/keys/")
KEY_SUFFIXES = (".gpg", ".asc", ".key", ".pub", ".pgp", "gpgkey", "-key", "_key", "/key")
_OUTPUT_OPTIONS = ("-o", "--output", "-O", "--output-document")


def imports_key(command: Command) -> bool:
    """`gpg --import`/`--dearmor`, `apt-key add`/`adv --fetch-keys`, `rpm --import`, `rpmkeys --import`."""
    name = command.name
    if name in GPG:
        return command.has_option("--import", "--dearmor", "--enarmor")
    if name == "apt-key":
        return apt_key_subcommand(command) == "add" or command.has_option("--fetch-keys")
    if name in ("rpm", "rpmkeys"):
        return command.has_option("--import")
    return False


def apt_key_subcommand(command: Command) -> str | None:
    return command.subcommand(frozenset({"--keyring", "--keyserver"}))


def output_path(command: Command) -> str | None:
    """Where a download or gpg writes its output (`-o`, `--output`, `-O`, `--output-document`)."""
    values = command.option_values(*_OUTPUT_OPTIONS)
    return values[-1] if values else None


def is_keyring_path(path: str) -> bool:
    return path.startswith(KEYRING_PATHS) or path.endswith((".gpg", ".asc"))


def urls(command: Command) -> Iterator[ShellWord]:
    """Argument words that are http(s) URLs."""
    for word in command.args:
        text = word.text.partition("=")[2] if word.text.startswith("--") else word.text
        if text.lower().startswith(("http://", "https://")):
            yield word


def url_text(word: ShellWord) -> str:
    return word.text.partition("=")[2] if word.text.startswith("--") else word.text


def fetches_key(command: Command, run_imports_key: bool) -> bool:
    """A download whose output is a key: piped into a key import, saved into a keyring, or a key file's URL
    in a RUN that imports a key (`run_imports_key`)."""
    if command.name not in DOWNLOADERS:
        return False
    if any(imports_key(c) or c.name in GPG for c in command.pipeline[command.pipe_index + 1:]):
        return True
    path = output_path(command)
    if path is not None and is_keyring_path(path):
        return True
    return run_imports_key and any(url_text(w).rstrip("/").lower().endswith(KEY_SUFFIXES) for w in urls(command))


def run_imports_key(run: Instruction) -> bool:
    return any(imports_key(c) for c in run.commands(*KEY_IMPORTERS))
