"""What a file's bytes say about secrets, judged as each layer streams past (the content is then dropped).

Private keys are found by their PEM or OpenSSH header, not by the file name; credential files by their path
and a credential inside them, or by a credential of a file kind (Docker, Maven, npm, PyPI, netrc, NuGet,
Google service accounts) wherever they are; tokens by the secret catalogue's formats, in text files only.
"""

from __future__ import annotations

import re

from containersec.secrets.detector import detect
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
# PKCS#12 key stores (a private key with its certificate) by extension and their DER start (a SEQUENCE
# with a two-byte length); Java trust stores (.jks) hold public certificates and are left out.
_KEY_STORE_EXTENSIONS = (".p12", ".pfx")
_DER_SEQUENCE = b"\x30\x82"
# A Google service account key: a JSON file with these two members, whatever its name.
_SERVICE_ACCOUNT = (b'"type": "service_account"', b'"private_key"')
# Credential kinds that make the whole file a credential file, wherever it is.
_FILE_KINDS = frozenset({"putty-private-key", "gcp-service-account", "docker-config-auth", "dockerconfig-secret",
                         "maven-settings-password", "npmrc-auth", "netrc-password", "pypirc-password",
                         "nuget-config-password"})
_BINARY_PROBE = 8192


def sightings(path: str, data: bytes, layer: int) -> list[Sighting]:
    """Secrets in one file's content; `path` is the normalised image path.

    A credential file (a private key, a known credential path, or a file whose content is one of the file
    kinds) is one finding, which names the first credential found in it; other files give one finding per
    token.
    """
    secrets = [] if b"\0" in data[:_BINARY_PROBE] else detect(data.decode("utf-8", "replace"))
    if all(marker in data for marker in _SERVICE_ACCOUNT):
        file_kind: str | None = "a Google service account key"
    elif key := _PRIVATE_KEY.search(data):
        kind = (key[1].decode().strip() or "PEM").replace("ENCRYPTED", "encrypted").strip()
        return [Sighting(path, layer, CREDENTIAL_FILE, f"a private key ({kind})", kind_id="private-key")]
    elif path.lower().endswith(_KEY_STORE_EXTENSIONS) and data.startswith(_DER_SEQUENCE):
        return [Sighting(path, layer, CREDENTIAL_FILE, "a PKCS#12 key store")]
    else:
        file_kind = next((kind for end, pattern, kind in _CREDENTIAL_FILES
                          if path.endswith(end) and path[-len(end) - 1] == "/" and pattern.search(data)), None)
    if file_kind is None:
        file_kind = next((secret.kind for secret in secrets if secret.id in _FILE_KINDS), None)
    if file_kind is not None:
        first = next((secret for secret in secrets if secret.id in _FILE_KINDS), secrets[0] if secrets else None)
        return [Sighting(path, layer, CREDENTIAL_FILE, file_kind, first.masked if first else "",
                         first.id if first else "")]
    return [Sighting(path, layer, TOKEN, secret.kind, secret.masked, secret.id) for secret in secrets]
