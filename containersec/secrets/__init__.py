"""Secret detection shared by the secret rules: names, values (with masking), files, .dockerignore matching.

Nothing here returns a secret value unmasked: callers put only `Secret.masked` in messages.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import lru_cache

from containersec.secrets.detector import Secret, detect, mask
from containersec.secrets.names import CREDENTIAL_FILE_VARIABLES, is_secret_name, may_name_secret
from containersec.untrusted import DocumentError
from containersec.untrusted.patterns import LinearPattern, regex

__all__ = ["CREDENTIAL_FILE_VARIABLES", "Secret", "dockerignored", "find_secrets", "is_secret_name", "mask",
           "may_name_secret", "secret_file_kind"]

def find_secrets(text: str) -> Iterator[Secret]:
    """Known credential formats in `text`, each with a masked form safe to print."""
    yield from detect(text)


# Files that hold credentials, by base name, by the end of their path, and by extension.
_SECRET_FILES = {
    "id_rsa": "a private SSH key", "id_dsa": "a private SSH key", "id_ecdsa": "a private SSH key",
    "id_ed25519": "a private SSH key", ".env": "an environment file with secrets",
    "credentials.json": "a credentials file", "credentials": "a credentials file",
    "credentials.xml": "a credentials file", ".npmrc": "an npm config that can hold registry tokens",
    ".pypirc": "a PyPI config with upload credentials", ".netrc": "a .netrc with passwords",
    ".git-credentials": "stored git credentials", ".dockercfg": "Docker registry credentials",
    ".htpasswd": "a password file", ".pgpass": "a PostgreSQL password file", ".my.cnf": "a MySQL client config",
    "password.txt": "a password file", "passwords.txt": "a password file", "secret_token.rb": "a Rails secret",
    "secrets.yml": "a secrets file", "secrets.yaml": "a secrets file", "secrets.json": "a secrets file",
    ".s3cfg": "S3 credentials", ".boto": "cloud credentials",
}
_SECRET_PATH_ENDS = {
    ".aws/credentials": "AWS credentials", ".docker/config.json": "Docker registry credentials",
    ".kube/config": "a kubeconfig with cluster credentials", ".ssh": "an SSH directory", ".aws": "AWS credentials",
    ".gnupg": "a GnuPG keyring", ".docker": "Docker registry credentials",
}
_KEY_EXTENSIONS = {".pem": "a PEM file (private key?)", ".key": "a private key", ".p12": "a PKCS#12 key store",
                   ".pfx": "a PKCS#12 key store", ".ppk": "a PuTTY private key"}
# Tokens in a .pem/.key name that say it is a certificate or a public/signing key, not a private key.
_PUBLIC_KEY_TOKENS = frozenset({"cert", "certs", "certificate", "crt", "ca", "cacert", "chain", "fullchain",
                                "bundle", "pub", "public", "root", "intermediate", "gpg", "pgp", "asc", "signing",
                                "release", "repo", "archive", "keyring", "trust", "trusted"})
_ENV_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tpl", ".test")


def secret_file_kind(source: str) -> str | None:
    """What a COPY/ADD source is when it looks like a credential file or directory, else None."""
    # Windows paths (a backtick escape keeps their backslashes) name the same files.
    path = posixpath.normpath(source.strip().replace("\\", "/")).lstrip("/")
    base = posixpath.basename(path)
    if base in _SECRET_FILES:
        return _SECRET_FILES[base]
    for end, kind in _SECRET_PATH_ENDS.items():
        if path == end or path.endswith("/" + end) or fnmatchcase(end, path):
            return kind
    if base.startswith(".env.") and not base.endswith(_ENV_TEMPLATE_SUFFIXES):
        return _SECRET_FILES[".env"]
    if base.startswith("id_") and not base.endswith(".pub") and base.split(".")[0] in _SECRET_FILES:
        return "a private SSH key"
    extension = posixpath.splitext(base)[1].lower()
    if extension in _KEY_EXTENSIONS:
        tokens = set(re.split(r"[-_.]", base.lower()))
        if not tokens & _PUBLIC_KEY_TOKENS:
            return _KEY_EXTENSIONS[extension]
    return None


@lru_cache(maxsize=256)
def _pattern_regex(pattern: str) -> LinearPattern | None:
    """A .dockerignore pattern (Go filepath.Match syntax plus `**`) as an RE2 pattern, None when invalid.

    RE2, because the file comes with the repository: `**/**/**/x` as a Python regex backtracks for minutes
    on a deep path. BuildKit refuses an invalid pattern; here it matches nothing.
    """
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            if pattern.startswith("**/", index):
                out.append("(?:.*/)?")
                index += 3
            else:
                out.append(".*")
                index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            close = pattern.find("]", index + 1)
            if close < 0:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1:close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                index = close
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    try:
        return regex("(?s)" + "".join(out))
    except DocumentError:
        return None


def dockerignored(patterns: list[str], path: str) -> bool:
    """Whether BuildKit leaves `path` (relative to the context) out, given .dockerignore `patterns`.

    Later patterns win; `!` re-includes; a pattern that matches a parent directory matches its files too.
    """
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = posixpath.normpath(raw[1:].strip() if negate else raw.strip()).lstrip("/")
        if pattern in ("", "."):
            continue
        compiled = _pattern_regex(pattern)
        if compiled is not None and any(compiled.fullmatch(prefix) for prefix in prefixes):
            excluded = not negate
    return excluded
