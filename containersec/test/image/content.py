"""What a file's bytes say about secrets, judged as each layer streams past (the content is then dropped).

Private keys are found by their PEM or OpenSSH header, not by the file name; credential files by their path
and a credential inside them; tokens by their known formats (the build stage's detection), in text files only.
"""

from __future__ import annotations

import re

from containersec.secrets import find_secrets
from containersec.test.image.model import CREDENTIAL_FILE, TOKEN, Sighting

_PRIVATE_KEY = re.compile(rb"-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----")
# Paths (ends of) of credential files, with what in their content makes them hold a credential.
_CREDENTIAL_FILES: tuple[tuple[str, re.Pattern[bytes], str], ...] = (
    (".aws/credentials", re.compile(rb"(?im)^\s*aws_secret_access_key\s*=\s*\S"), "AWS credentials"),
    (".npmrc", re.compile(rb"(?im)(?:_authToken|_auth|_password)\s*=\s*[^\s$]"), "an npm config with a registry token"),
    (".pypirc", re.compile(rb"(?im)^\s*password\s*[=:]\s*\S"), "a .pypirc with an upload password"),
    (".netrc", re.compile(rb"(?im)\bpassword\s+\S"), "a .netrc with a password"),
    (".git-credentials", re.compile(rb"://[^\s:/@]+:[^\s@]+@"), "stored git credentials"),
    (".docker/config.json", re.compile(rb'"auth"\s*:\s*"[^"]+"'), "Docker registry credentials"),
    (".kube/config", re.compile(rb"(?m)^\s*(?:token|client-key-data|password):\s*\S"), "a kubeconfig with credentials"),
)
# A Google service account key: a JSON file with these two members, whatever its name.
_SERVICE_ACCOUNT = (b'"type": "service_account"', b'"private_key"')
# Cheap byte tests before decoding: the token formats all contain one of these.
_TOKEN_HINTS = (b"AKIA", b"ASIA", b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_", b"xox", b"eyJ",
                b"AIza", b"k_live_", b"://")
_BINARY_PROBE = 8192


def sightings(path: str, data: bytes, layer: int) -> list[Sighting]:
    """Secrets in one file's content; `path` is the normalised image path."""
    found: list[Sighting] = []
    key = _PRIVATE_KEY.search(data)
    if key:
        kind = (key[1].decode().strip() or "PEM").replace("ENCRYPTED", "encrypted").strip()
        found.append(Sighting(path, layer, CREDENTIAL_FILE, f"a private key ({kind})"))
    for end, pattern, kind in _CREDENTIAL_FILES:
        if path.endswith(end) and path[-len(end) - 1] == "/" and pattern.search(data):
            found.append(Sighting(path, layer, CREDENTIAL_FILE, kind))
    if all(marker in data for marker in _SERVICE_ACCOUNT):
        found.append(Sighting(path, layer, CREDENTIAL_FILE, "a Google service account key"))
    if b"\0" in data[:_BINARY_PROBE] or not any(hint in data for hint in _TOKEN_HINTS):
        return found
    text = data.decode("utf-8", "replace")
    for secret in find_secrets(text):
        if secret.id != "private-key":  # reported above, by its header
            found.append(Sighting(path, layer, TOKEN, secret.kind, secret.masked))
    return found
