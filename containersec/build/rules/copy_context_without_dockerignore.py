from collections.abc import Iterator

from containersec.build.rules._images import sources_and_destination
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.secrets import dockerignored

# Context entries that must never reach an image: history (with any secret ever committed) and local secrets.
REQUIRED_EXCLUSIONS = (".git", ".env")
_WHOLE_CONTEXT = frozenset({".", "./", "*", "./*"})


@rule(id="CSD099", slug="copy-context-without-dockerignore", severity=Severity.WARNING, aliases=("DKL-LI-0003",),
      summary="Exclude .git and .env from the build context when copying all of it",
      why="`COPY . .` copies everything the .dockerignore does not exclude: the .git directory (with every "
          "secret ever committed) and local .env files end up in the image.",
      bad="COPY . /app   # with no .dockerignore",
      good="# .dockerignore:\n#   .git\n#   .env*\nCOPY . /app",
      notes="Static form of Dockle DKL-LI-0003: flags COPY/ADD of the whole context (`.`, `./`, `*`) when the "
            "build's ignore file (`<Dockerfile>.dockerignore` or `.dockerignore` beside it) is missing or does "
            "not exclude .git and .env, following .dockerignore semantics (last match wins, `!` re-includes, "
            "`**`, a directory pattern covers its contents). COPY --from another stage is not the context.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    patterns = dockerfile.dockerignore
    missing = list(REQUIRED_EXCLUSIONS) if patterns is None else [
        entry for entry in REQUIRED_EXCLUSIONS if not dockerignored(patterns, entry)]
    if not missing:
        return
    for outer in dockerfile.instructions:
        instruction = outer.effective
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        arguments = sources_and_destination(instruction)
        if arguments is None or not _WHOLE_CONTEXT.intersection(arguments[0]):
            continue
        names = " and ".join(missing)
        if patterns is None:
            message = f"{instruction.keyword} copies the whole build context and there is no .dockerignore"
        else:
            message = f"{instruction.keyword} copies the whole build context and .dockerignore does not exclude"
            message += f" {names}"
        yield Hit(f"{message}: add {names} to .dockerignore so they stay out of the image", outer.line)
