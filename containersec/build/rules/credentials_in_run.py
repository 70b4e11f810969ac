from collections.abc import Iterator

from containersec.build.rules._tls import commands, has_secret_mount, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_LOGIN_TOOLS = frozenset({"docker", "podman", "buildah", "nerdctl", "helm", "skopeo", "oras", "crane"})
_AWS_VALUE_OPTIONS = frozenset({"--profile", "--region", "--output", "--endpoint-url"})
_NPM_AUTH_KEYS = ("_authtoken", "_auth", "_password", "npmauthtoken", "npmauthident")
_FIX = "pass it with RUN --mount=type=secret and remove any file it writes in the same RUN"


def _words(command: Command) -> list[str]:
    return [w.text for w in command.positionals()]


def credential_setup(command: Command) -> str | None:
    """A short description of what the command stores or uses as a credential, or None."""
    name = command.name
    if name == "aws":
        words = [w.text for w in command.positionals(_AWS_VALUE_OPTIONS)]
        if words[:2] == ["configure", "set"] and len(words) > 2 and words[2].lower().startswith("aws_"):
            return f"aws configure set {words[2]}"
    elif name == "gcloud":
        if _words(command)[:2] == ["auth", "activate-service-account"]:
            return "gcloud auth activate-service-account"
    elif name == "az":
        if _words(command)[:1] == ["login"] and command.has_option("-p", "--password", "--federated-token"):
            return "az login with a password"
    elif name == "doctl":
        if _words(command)[:2] == ["auth", "init"] and command.has_option("-t", "--access-token"):
            return "doctl auth init --access-token"
    elif name in _LOGIN_TOOLS:
        if "login" in _words(command) and command.has_option("-p", "--password"):
            return f"{name} login --password"
    elif name in ("npm", "yarn", "pnpm"):
        words = _words(command)
        if words[:1] in (["config"], ["set"], ["c"]) and any(
                key in word.lower() for word in words for key in _NPM_AUTH_KEYS):
            return f"{name} config set of a registry token"
    elif name in ("echo", "printf"):
        if any("_authtoken=" in w.text.lower() for w in command.args):
            return "a registry _authToken written by " + name
    elif name == "gh" and _words(command)[:2] == ["auth", "login"]:
        return "gh auth login"
    return None


@rule(id="CSD098", slug="credentials-in-run", severity=Severity.ERROR, aliases=("DS031",),
      summary="Do not set up credentials in RUN without a secret mount",
      why="Credentials given on a RUN line are recorded in the image history, and the files these commands "
          "write (~/.aws/credentials, ~/.docker/config.json, ~/.npmrc) stay in the layer.",
      bad="RUN aws configure set aws_secret_access_key \"$AWS_SECRET_ACCESS_KEY\"",
      good="RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://bucket/file /file",
      notes="Trivy DS031's RUN part (aws configure set aws_*, gcloud auth activate-service-account, az login "
            "-p, doctl auth init -t) plus docker/podman/helm/... login --password, npm/yarn/pnpm config set of "
            "_authToken/_auth/_password, `echo //registry/:_authToken=...` and gh auth login. A RUN with "
            "--mount=type=secret is trusted to take the credential from the mount, as in Trivy.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    hits = []
    for run, command in commands(dockerfile):
        if has_secret_mount(run):
            continue
        setup = credential_setup(command)
        if setup is not None:
            hits.append(Hit(f"{setup} puts a credential into the image history or a layer: {_FIX}", command.line,
                            column=command.column, secret=True))
    yield from unique(hits)
