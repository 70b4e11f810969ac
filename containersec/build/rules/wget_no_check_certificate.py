from collections.abc import Iterator

from containersec.build.rules._tls import commands, option_word
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD084", slug="wget-no-check-certificate", severity=Severity.ERROR, aliases=("CKV2_DOCKER_3",),
      summary="Do not disable TLS certificate checks in wget",
      why="`wget --no-check-certificate` accepts any certificate, so anyone on the network path can replace "
          "what the build downloads.",
      bad="RUN wget --no-check-certificate https://example.com/tool.tgz",
      good="RUN wget --ca-certificate=/etc/ssl/certs/internal-ca.pem https://example.com/tool.tgz")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "wget"):
        word = option_word(command, "--no-check-certificate")
        if word is not None:
            yield Hit("wget --no-check-certificate turns off TLS certificate verification: remove it and trust "
                      "the server's CA with --ca-certificate if it is private", word.line, column=word.column)
