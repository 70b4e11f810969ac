from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.secrets import find_secrets


def _message(kind: str, masked: str, keyword: str) -> str:
    return (f"{kind} '{masked}' written in {keyword}: it is stored in the image or its history; revoke it and "
            "pass it with RUN --mount=type=secret instead")


@rule(id="CSD096", slug="secret-value", severity=Severity.ERROR,
      summary="Do not write credentials into the Dockerfile",
      why="A token, key or password written in the Dockerfile is in every copy of the image (config, history "
          "or layers) and in the source repository; treat it as leaked.",
      bad="ENV GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
      good="RUN --mount=type=secret,id=github_token GITHUB_TOKEN=$(cat /run/secrets/github_token) make fetch",
      notes="None of the peers' Dockerfile checks looks at values. Found in every instruction (ENV, ARG "
            "defaults, LABEL, RUN and COPY heredoc bodies, ...) by the secret catalogue (docs/secrets.md): every "
            "format of Trivy's built-in secret rules and gitleaks' default config, private keys, credential "
            "files' entries, URLs and connection strings with a password (not when the password is a "
            "$VARIABLE or a placeholder such as `password`), and generic secrets only where the name says "
            "secret and the value has high entropy. Each finding names its kind (`secret_kind` in JSON, "
            "`secret-kind` in SARIF); values are masked in every message: at most the first four characters "
            "are shown.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for outer in dockerfile.instructions:
        instruction = outer.effective
        keyword = instruction.keyword
        for secret in find_secrets(outer.logical):
            yield Hit(_message(secret.kind, secret.masked, keyword), outer.line_of(secret.start),
                      column=outer.line_map.column_of(secret.start), secret=True, secret_kind=secret.id)
        for heredoc in instruction.heredocs:
            body = heredoc.body
            for secret in find_secrets(body):
                line_start = body.rfind("\n", 0, secret.start) + 1
                yield Hit(_message(secret.kind, secret.masked, keyword), heredoc.line + body.count(
                    "\n", 0, secret.start), column=secret.start - line_start + 1, secret=True, secret_kind=secret.id)
