from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Stage
from containersec.findings import Severity
from containersec.secrets import is_secret_name, may_name_secret

_FIX = "pass it with RUN --mount=type=secret,id=... (or an env secret) instead"


def _where(keyword: str, stage: Stage | None, final: set[int]) -> str:
    if keyword == "ENV":
        if stage is None or stage.index in final:
            return "is stored in the final image's config, readable by anyone who can pull it"
        return f"is stored in build {stage.title}'s image and build cache"
    return "is recorded in the image history of every RUN that sees it (docker history shows the value)"


@rule(id="CSD095", slug="secret-env-name", severity=Severity.WARNING, aliases=("DL3064", "DS031", "CIS-DI-0010"),
      summary="Do not pass secrets in ARG or ENV",
      why="ENV values are saved in the image config and ARG values in the build history of each RUN that uses "
          "them; both can be read by anyone with the image. Build secrets belong in secret mounts.",
      bad="ARG GITHUB_TOKEN\nRUN git clone https://$GITHUB_TOKEN@github.com/org/private.git",
      good="RUN --mount=type=secret,id=github_token \\\n"
           "    git clone https://$(cat /run/secrets/github_token)@github.com/org/private.git",
      notes="A name is secret when one of its `_`-separated words is password, passwd, pass, pword, psw, secret, "
            "token, key, apikey, passphrase or credential(s) (BuildKit's word rule), or it is a known name such "
            "as AWS_ACCESS_KEY_ID or PGPASSWORD; VITE_ and REACT_APP_ prefixes are stripped as Trivy does. Not "
            "secret: names with public/pub or gpg/pgp (GPG_KEY, as Dockle), and names whose last word says the "
            "value is a reference or a setting (*_FILE, *_PATH, *_ID such as KMS_KEY_ID, *_URL, *_LENGTH, ...). "
            "Variables that name a credential file (GOOGLE_APPLICATION_CREDENTIALS, AWS_CONFIG_FILE, KUBECONFIG, "
            "...) hold a path, not the secret; CSD097 checks whether the file is copied in. "
            "`usr`, `auth` and `access` are not secret words (USR_LOCAL, AUTH_URL, ACCESS_LOG). Unlike Trivy "
            "DS031 every stage is checked: an ARG in a builder stage still lands in that stage's history and "
            "cache; the message says when an ENV reaches the final image.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    final = {stage.index for stage in dockerfile.final_stage.ancestry()} if dockerfile.final_stage else set()
    for outer in dockerfile.instructions:
        instruction = outer.effective
        if instruction.keyword not in ("ARG", "ENV") or not may_name_secret(instruction.logical):
            continue
        for name, value, line in instruction.pairs:
            if is_secret_name(name) and not (value or "").startswith("/run/secrets/"):
                where = _where(instruction.keyword, outer.stage, final)
                yield Hit(f"{instruction.keyword} {name} looks like a secret and {where}: {_FIX}", line, secret=True)
