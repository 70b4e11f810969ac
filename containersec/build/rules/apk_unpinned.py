from collections.abc import Iterator

from containersec.build.rules._packages import APK, is_path_or_url, unpinned_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity


def _is_pinned(word: str) -> bool:
    return any(c in word for c in "=<>~") or word.endswith(".apk") or is_path_or_url(word)


def _example(command: Command, name: str) -> str:
    return f"apk add {name}=<version> or {name}~<major.minor>"


@rule(id="CSD058", slug="apk-unpinned", severity=Severity.WARNING,
      aliases=("DL3018",),
      summary="Pin versions in apk add",
      why="Without a version, every build installs whatever the mirror has that day: builds stop being "
          "reproducible. Alpine removes old package versions, so a fuzzy pin (`pkg~3.1`, `pkg>=3.1`) "
          "often ages better than an exact one.",
      bad="RUN apk add --no-cache curl",
      good="RUN apk add --no-cache curl~8.5",
      notes="Accepts every apk constraint: `=`, `~` (fuzzy), `>=`, `<`, `>`, `<=` (hadolint rejects `>=`, "
            "#782). Not flagged: .apk files and paths, the names given to --virtual/-t and the repository "
            "of -X/--repository (hadolint #408), and words with a variable. `pkg@tag` selects a repository, "
            "not a version, and is flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, APK, frozenset({"add"}), _is_pinned, _example)
