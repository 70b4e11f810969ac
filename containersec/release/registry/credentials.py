"""Where registry credentials come from: environment variables, then Docker's config.json.

Docker's order is kept: a `credHelpers` entry for the host, else the `credsStore` program, else the
`auths` entry. Credential programs are run as `docker-credential-<name> get` with the host on stdin.
Environment variables (`CONTAINERSEC_REGISTRY_USERNAME`/`_PASSWORD`) are only offered to
`CONTAINERSEC_REGISTRY_HOST` when it is set, else only to the registries named on the command line, so
a base image's registry never receives them.
"""

from __future__ import annotations

import base64
import binascii
import os
import subprocess
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from containersec.release.registry.reference import DOCKER_HUB, DOCKER_HUB_API, DOCKER_HUB_AUTH_KEY
from containersec.untrusted import DocumentError, json_data

ENV_USERNAME = "CONTAINERSEC_REGISTRY_USERNAME"
ENV_PASSWORD = "CONTAINERSEC_REGISTRY_PASSWORD"
ENV_HOST = "CONTAINERSEC_REGISTRY_HOST"
HELPER_TIMEOUT = 30


class CredentialError(Exception):
    """Credentials that were configured but cannot be read; never holds a secret."""


@dataclass(frozen=True)
class Credential:
    username: str
    password: str = field(repr=False)
    source: str = ""  # where it came from, for messages: never the secret itself


def _docker_config_path(environ: Mapping[str, str]) -> Path:
    directory = environ.get("DOCKER_CONFIG")
    if directory:
        return Path(directory) / "config.json"
    return Path(environ.get("HOME") or Path.home()) / ".docker" / "config.json"


def _keys_for(host: str) -> list[str]:
    """The keys Docker uses for a host in `auths` and `credHelpers`."""
    if host in (DOCKER_HUB, DOCKER_HUB_API):
        return [DOCKER_HUB_AUTH_KEY, "docker.io", "index.docker.io", DOCKER_HUB_API]
    return [host, f"https://{host}", f"http://{host}", f"https://{host}/v1/", f"https://{host}/v2/"]


def _run_helper(name: str, host: str, shown: str) -> Credential | None:
    program = f"docker-credential-{name}"
    try:
        result = subprocess.run([program, "get"], input=host, capture_output=True, text=True,
                                timeout=HELPER_TIMEOUT, check=False)
    except FileNotFoundError:
        raise CredentialError(f"{shown}: credential helper {program} is not installed") from None
    except subprocess.TimeoutExpired:
        raise CredentialError(f"{shown}: credential helper {program} did not answer in {HELPER_TIMEOUT} s") from None
    if result.returncode:
        # The protocol's answer for an unknown host; any other failure is the helper's to explain.
        if "credentials not found" in (result.stdout + result.stderr).lower():
            return None
        raise CredentialError(f"{shown}: credential helper {program} failed (exit {result.returncode})")
    try:
        answer = json_data.loads(result.stdout)
        return Credential(str(answer["Username"]), str(answer["Secret"]), program)
    except (DocumentError, KeyError, TypeError):
        raise CredentialError(f"{shown}: credential helper {program} gave no Username/Secret JSON") from None


def _from_auths_entry(entry: object, shown: str, key: str) -> Credential | None:
    if not isinstance(entry, dict):
        return None
    if entry.get("username") and entry.get("password"):
        return Credential(str(entry["username"]), str(entry["password"]), f"{shown} auths")
    encoded = entry.get("auth")
    if not encoded:
        return None
    try:
        username, sep, password = base64.b64decode(str(encoded), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise CredentialError(f"{shown}: auths[{key!r}].auth is not base64 of user:password") from None
    if not sep:
        raise CredentialError(f"{shown}: auths[{key!r}].auth is not base64 of user:password")
    return Credential(username, password, f"{shown} auths")


def from_docker_config(host: str, environ: Mapping[str, str]) -> Credential | None:
    path = _docker_config_path(environ)
    if not path.is_file():
        return None
    shown = str(path)
    try:
        config = json_data.loads(path.read_bytes())
    except (OSError, DocumentError) as exc:
        raise CredentialError(f"{shown}: cannot read Docker's config: {exc}") from None
    if not isinstance(config, dict):
        raise CredentialError(f"{shown}: not a JSON object")
    keys = _keys_for(host)
    helpers = config.get("credHelpers") or {}
    for key in keys:
        if isinstance(helpers, dict) and isinstance(helpers.get(key), str):
            return _run_helper(helpers[key], key, shown)
    store = config.get("credsStore")
    if isinstance(store, str) and store:
        found = _run_helper(store, keys[0], shown)
        if found is not None:
            return found
    auths = config.get("auths") or {}
    for key in keys:
        if isinstance(auths, dict) and key in auths:
            found = _from_auths_entry(auths[key], shown, key)
            if found is not None:
                return found
    return None


def find_credential(host: str, environ: Mapping[str, str] | None = None,
                    named_hosts: Collection[str] = ()) -> Credential | None:
    """The credential to offer `host` (an API host such as 127.0.0.1:5000 or registry-1.docker.io), if any."""
    environ = os.environ if environ is None else environ
    username, password = environ.get(ENV_USERNAME, ""), environ.get(ENV_PASSWORD, "")
    if username and password:
        wanted = environ.get(ENV_HOST, "").strip().lower()
        if (wanted and _same_host(wanted, host)) or (not wanted and host in named_hosts):
            return Credential(username, password, f"{ENV_USERNAME}/{ENV_PASSWORD}")
    return from_docker_config(host, environ)


def _same_host(a: str, b: str) -> bool:
    hub = {DOCKER_HUB, DOCKER_HUB_API, "index.docker.io"}
    return a == b or (a in hub and b in hub)
