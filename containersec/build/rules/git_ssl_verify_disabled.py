from collections.abc import Iterator
from itertools import pairwise

from containersec.build.rules._tls import FALSE_WORDS, commands, setting_hits, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_FIX = "remove it and add the server's CA with http.sslCAInfo if it is private"


def _is_ssl_verify(key: str) -> bool:
    # http.sslVerify, or the per-URL form http.https://host/.sslVerify
    lower = key.lower()
    return lower.startswith("http.") and lower.endswith("sslverify")


def _disabled_by_config(command: Command) -> bool:
    """`git config [--global] http.sslVerify false`."""
    words = [w.text for w in command.args]
    if "config" not in words:
        return False
    rest = [w for w in words[words.index("config") + 1:] if not w.startswith("-")]
    return len(rest) >= 2 and _is_ssl_verify(rest[0]) and rest[1].lower() in FALSE_WORDS


def _disabled_inline(command: Command) -> bool:
    """`git -c http.sslVerify=false clone ...`."""
    words = [w.text for w in command.args]
    for option, value in pairwise(words):
        key, _, setting = value.partition("=")
        if option == "-c" and _is_ssl_verify(key) and setting.lower() in FALSE_WORDS:
            return True
    return False


@rule(id="CSD089", slug="git-ssl-verify-disabled", severity=Severity.ERROR, aliases=("CKV2_DOCKER_14",),
      summary="Do not turn off git's TLS verification",
      why="GIT_SSL_NO_VERIFY or http.sslVerify=false make git accept any certificate, so cloned source can be "
          "replaced in transit.",
      bad="RUN git -c http.sslVerify=false clone https://git.internal/app.git",
      good="RUN git -c http.sslCAInfo=/etc/ssl/certs/internal-ca.pem clone https://git.internal/app.git",
      notes="GIT_SSL_NO_VERIFY set to any value in ENV, ARG defaults or RUN (as Checkov), plus what Checkov "
            "misses: `git -c http.sslVerify=false` and `git config [--global] http.sslVerify false`, "
            "per-URL keys included.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "git"):
        if _disabled_inline(command) or _disabled_by_config(command):
            yield Hit(f"git http.sslVerify=false turns TLS verification off: {_FIX}", command.line,
                      column=command.column)
    yield from setting_hits(dockerfile, "GIT_SSL_NO_VERIFY", lambda value: True,
                            "turns git's TLS verification off whatever its value", _FIX)
