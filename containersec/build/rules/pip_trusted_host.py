from collections.abc import Iterator

from containersec.build.rules._tls import commands, option_word, setting_hits, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_PIP = LazyPattern(r"(?:pip[\d.]*|python[\d.]*|pipenv|pipx|uv)")
_FIX = "use an HTTPS index with a valid certificate (pip --cert for a private CA)"


@rule(id="CSD085", slug="pip-trusted-host", severity=Severity.ERROR, aliases=("CKV2_DOCKER_4", "CKV2_DOCKER_16"),
      summary="Do not make pip trust a host without TLS verification",
      why="`--trusted-host` (or PIP_TRUSTED_HOST) lets pip fetch packages from that host over plain HTTP or "
          "with an invalid certificate, so the packages can be swapped in transit.",
      bad="RUN pip install --trusted-host pypi.internal -i http://pypi.internal/simple app",
      good="RUN pip install --cert /etc/ssl/certs/internal-ca.pem -i https://pypi.internal/simple app",
      notes="Covers `--trusted-host` on pip, `python -m pip`, pipenv and pipx; `pip config set "
            "global.trusted-host`; PIP_TRUSTED_HOST in ENV, ARG defaults and RUN (`export`, prefixes); uv's "
            "`--allow-insecure-host` and UV_INSECURE_HOST.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile):
        if not _PIP.fullmatch(command.name):
            continue
        word = option_word(command, "--trusted-host", "--allow-insecure-host")
        if word is not None:
            yield Hit(f"{command.name} {word.text.split('=', 1)[0]} skips TLS verification for that host: {_FIX}",
                      word.line, column=word.column)
        words = [w.text for w in command.args]
        if "config" in words and any(w.endswith(".trusted-host") or w.endswith(".trusted-host=") for w in words):
            yield Hit(f"{command.name} config sets trusted-host, which skips TLS verification: {_FIX}",
                      command.line, column=command.column)
    yield from setting_hits(dockerfile, "PIP_TRUSTED_HOST|UV_INSECURE_HOST", bool,
                            "skips TLS verification for those hosts", _FIX)
