from collections.abc import Iterator

from containersec.build.rules._tls import FALSE_WORDS, commands, setting_hits, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_FIX = "remove it and configure the private CA with `npm config set cafile` or NODE_EXTRA_CA_CERTS"
_KEYS = frozenset({"strict-ssl", "enablestrictssl"})


def _disabling_config(words: list[str]) -> bool:
    """`config set strict-ssl false`, `set strict-ssl=false`, `config set enableStrictSsl false`."""
    for index, word in enumerate(words):
        key, sep, value = word.partition("=")
        if key.lower() in _KEYS:
            if not sep:
                value = words[index + 1] if index + 1 < len(words) else ""
            return value.lower() in FALSE_WORDS
    return False


@rule(id="CSD088", slug="npm-strict-ssl-disabled", severity=Severity.ERROR,
      aliases=("CKV2_DOCKER_12", "CKV2_DOCKER_13"),
      summary="Do not turn off npm/yarn strict-ssl",
      why="With strict-ssl off, npm, yarn and pnpm accept any certificate from the registry, so packages can be "
          "replaced in transit.",
      bad="RUN npm config set strict-ssl false && npm ci",
      good="RUN npm config set cafile /etc/ssl/certs/internal-ca.pem && npm ci",
      notes="Covers npm/yarn/pnpm `config set strict-ssl false` (also `npm set`, `key=value` form), "
            "`--strict-ssl=false`/`--no-strict-ssl`, yarn 2+ `enableStrictSsl false`, and NPM_CONFIG_STRICT_SSL "
            "(any case) or YARN_ENABLE_STRICT_SSL set to false in ENV, ARG defaults or RUN.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "npm", "yarn", "pnpm"):
        words = [w.text for w in command.args]
        if words and words[0] in ("config", "c", "set") and _disabling_config(words[1:]):
            yield Hit(f"{command.name} config turns strict-ssl off: {_FIX}", command.line, column=command.column)
        for word in command.args:
            if word.text == "--no-strict-ssl" or word.text.lower() in ("--strict-ssl=false", "--strict-ssl=0"):
                yield Hit(f"{command.name} {word.text} turns TLS verification off: {_FIX}", word.line,
                          column=word.column)
    yield from setting_hits(dockerfile, "NPM_CONFIG_STRICT_SSL|YARN_ENABLE_STRICT_SSL",
                            lambda value: value.strip().lower() in FALSE_WORDS,
                            "makes the package manager accept any registry certificate", _FIX)
