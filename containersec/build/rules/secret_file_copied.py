import posixpath
from collections.abc import Iterator

from containersec.build.rules._images import sources_and_destination
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction, Stage
from containersec.findings import Severity
from containersec.patterns import LazyPattern
from containersec.secrets import CREDENTIAL_FILE_VARIABLES, secret_file_kind

# `$AWS_CONFIG_FILE` or `${AWS_CONFIG_FILE}` (with any modifier) as a COPY destination.
_CREDENTIAL_TARGET = LazyPattern(r"\$\{?(" + "|".join(sorted(CREDENTIAL_FILE_VARIABLES)) + r")\b")
_FIX = "mount it at build time with RUN --mount=type=secret (type=ssh for SSH keys) and add it to .dockerignore"


def _copies(dockerfile: Dockerfile, stage: Stage) -> Iterator[tuple[Instruction, str]]:
    """COPY/ADD of a stage with their destinations resolved (ARG/ENV values) and made absolute against the
    WORKDIR in force; a destination that is a credential-file variable is reported on its own, so left out."""
    workdir = "/"
    for instruction in stage.instructions:
        if instruction.keyword == "WORKDIR":
            workdir = posixpath.join(workdir, instruction.value.strip().strip("\"'"))
        elif instruction.keyword in ("COPY", "ADD"):
            arguments = sources_and_destination(instruction)
            if arguments is not None and not _CREDENTIAL_TARGET.search(arguments[1]):
                destination = dockerfile.resolve(arguments[1], stage)
                yield instruction, posixpath.normpath(posixpath.join(workdir, destination))


@rule(id="CSD097", slug="secret-file-copied", severity=Severity.ERROR,
      aliases=("DS031", "CIS-DI-0010", "DKL-LI-0003"),
      summary="Do not copy credential files into the image",
      why="A key or credentials file copied into a layer stays in the image even if a later step deletes it; "
          "anyone with the image can extract it.",
      bad="COPY id_rsa /root/.ssh/id_rsa",
      good="RUN --mount=type=ssh git clone git@github.com:org/private.git",
      notes="Static form of Dockle's credential-file check: COPY/ADD sources named like private SSH keys, "
            ".env (not .env.example and other templates), *.pem/*.key/*.p12/*.pfx whose name does not say "
            "certificate, CA or public/signing key, credentials(.json), .npmrc, .pypirc, .netrc, "
            ".git-credentials, .aws/credentials, .docker/config.json, .kube/config and .ssh/.aws/.gnupg "
            "directories. Also Trivy DS031's file part: GOOGLE_APPLICATION_CREDENTIALS, AWS_CONFIG_FILE, "
            "AWS_SHARED_CREDENTIALS_FILE, HF_TOKEN_PATH or KUBECONFIG pointing into a COPY/ADD destination "
            "of the same stage (or a stage it is built on), or named as the destination itself "
            "(`COPY config $AWS_CONFIG_FILE`); Trivy checks only the final stage.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for outer in dockerfile.instructions:
        instruction = outer.effective
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        arguments = sources_and_destination(instruction)
        for source in arguments[0] if arguments else ():
            kind = secret_file_kind(source)
            if kind is not None:
                yield Hit(f"{instruction.keyword} puts '{source}' ({kind}) into the image: {_FIX}", outer.line)
        target = _CREDENTIAL_TARGET.search(arguments[1]) if arguments else None
        if target is not None:
            yield Hit(f"{instruction.keyword} writes the credential file that {target[1]} names into the image: "
                      f"{_FIX}", outer.line)
    for stage in dockerfile.stages:
        copied = [copy for ancestor in stage.ancestry() for copy in _copies(dockerfile, ancestor)]
        for instruction in stage.all("ENV"):
            if not any(variable in instruction.logical.upper() for variable in CREDENTIAL_FILE_VARIABLES):
                continue
            for name, value, line in instruction.pairs:
                if name.upper() in CREDENTIAL_FILE_VARIABLES and value and value.startswith("/"):
                    target = posixpath.normpath(value)
                    for copy, destination in copied:
                        if target == destination or target.startswith(destination.rstrip("/") + "/"):
                            yield Hit(f"ENV {name} points to {value}, which {copy.keyword} on line {copy.line} "
                                      f"puts into the image: {_FIX}", line)
                            break
