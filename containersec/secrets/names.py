"""Whether a variable or key name says it holds a secret (the word rule of BuildKit, Dockle and Trivy)."""

from __future__ import annotations

# Whole `_`-separated words that make a variable name look secret (BuildKit's SecretsUsedInArgOrEnv words,
# plus Dockle's PASS/PASSWD and Trivy's PSW). `usr`, `auth` and `access` are left out: USR_LOCAL, AUTH_URL
# and ACCESS_LOG are far more common than secrets named that way.
SECRET_WORDS = frozenset({"password", "passwd", "pass", "pword", "psw", "secret", "secrets", "token", "key",
                          "apikey", "passphrase", "credential", "credentials", "privatekey"})
# Names the word test misses (or exempts) that hold credentials all the same.
KNOWN_SECRET_NAMES = frozenset({"AWS_ACCESS_KEY_ID", "PGPASSWORD", "MYSQL_PWD", "DOCKER_AUTH_CONFIG",
                                "SLACK_WEBHOOK_URL", "SENTRY_DSN", "HOMEBREW_GITHUB_API_TOKEN"})
# Any of these words makes the name not a secret: public keys, GPG key fingerprints (Dockle allows GPG_KEY).
_ALLOW_WORDS = frozenset({"public", "pub", "gpg", "pgp"})
# A last word that says the value is about the secret, not the secret: a path, an ID, a setting.
_DESCRIPTIVE_LAST_WORDS = frozenset({
    "file", "path", "dir", "directory", "id", "name", "names", "url", "uri", "endpoint", "host", "port", "type",
    "length", "len", "size", "algorithm", "alg", "version", "header", "enabled", "policy", "server", "field",
    "prefix", "location", "ttl", "expiry", "timeout", "format", "mode", "usage", "store", "ring",
})
_FRONTEND_PREFIXES = ("VITE_", "REACT_APP_")
# Variables that name a credential file the program will read: their value is a path, not the secret
# (what matters is whether the file itself is copied into the image).
CREDENTIAL_FILE_VARIABLES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS", "AWS_CONFIG_FILE",
                                       "AWS_SHARED_CREDENTIALS_FILE", "HF_TOKEN_PATH", "KUBECONFIG"})


# Substrings of every secret word and known name: an instruction without any of them names no secret.
_NAME_HINTS = ("pass", "psw", "pword", "secret", "token", "key", "credential", "pwd", "dsn", "webhook", "auth")


def may_name_secret(text: str) -> bool:
    lower = text.lower()
    return any(hint in lower for hint in _NAME_HINTS)


def is_secret_name(name: str) -> bool:
    """Whether an ARG/ENV name looks like it holds a secret."""
    upper = name.upper()
    for prefix in _FRONTEND_PREFIXES:
        if upper.startswith(prefix):
            upper = upper[len(prefix):]
    if upper in KNOWN_SECRET_NAMES:
        return True
    if upper in CREDENTIAL_FILE_VARIABLES:
        return False
    words = [w for w in upper.lower().split("_") if w]
    if not words or _ALLOW_WORDS.intersection(words):
        return False
    return bool(SECRET_WORDS.intersection(words)) and words[-1] not in _DESCRIPTIVE_LAST_WORDS
