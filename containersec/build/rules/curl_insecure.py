from collections.abc import Iterator

from containersec.build.rules._tls import commands, option_word
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

# curl short options that take a value: the rest of a cluster after one of them is that value.
_VALUE_LETTERS = "AbcCdDeEFhHKmoPQrtTuUwxXyYz"


@rule(id="CSD083", slug="curl-insecure", severity=Severity.ERROR, aliases=("CKV2_DOCKER_2",),
      summary="Do not disable TLS certificate checks in curl",
      why="`curl -k`/`--insecure` accepts any certificate, so anyone on the network path can replace what "
          "the build downloads.",
      bad="RUN curl -fsSLk https://example.com/tool.tgz -o /tmp/tool.tgz",
      good="RUN curl -fsSL --cacert /etc/ssl/certs/internal-ca.pem https://example.com/tool.tgz -o /tmp/tool.tgz",
      notes="Reads curl's own options, so `-k` in a cluster (`-fsSLk`) is found but a `k` inside an option "
            "value (`-Lokubectl`, `-H 'X-k: 1'`) or in another command of the same line is not, unlike "
            "Checkov's regex.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "curl"):
        word = option_word(command, "-k", "--insecure", value_letters=_VALUE_LETTERS)
        if word is not None:
            yield Hit(f"curl '{word.text}' turns off TLS certificate verification: remove it and trust the "
                      "server's CA with --cacert if it is private", word.line, column=word.column)
