from collections.abc import Iterator

from containersec.build.rules._packages import Manager, is_path_or_url, unpinned_hits, vcs_ref
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

NPM = Manager("npm", frozenset({"npm"}),
              frozenset({"--prefix", "--registry", "--cache", "-w", "--workspace", "--tag", "--userconfig",
                         "--loglevel", "--omit", "--include", "--install-strategy", "--before"}))
_INSTALL = frozenset({"install", "i", "in", "add", "isntall"})
_GIT = ("git+", "git:", "github:", "gitlab:", "bitbucket:", "gist:")
_LOCAL = ("file:", "npm:")


def _is_pinned(word: str) -> bool:
    if word.startswith(_GIT) or ("/" in word and not word.startswith(("@", *_LOCAL)) and not is_path_or_url(word)):
        # A git source or the `user/repo` GitHub shorthand: the default branch moves, `#<commit|tag>` pins.
        return bool(vcs_ref(word, "#"))
    if is_path_or_url(word) or word.startswith(_LOCAL) or word.endswith((".tgz", ".tar.gz", ".tar")):
        return True
    at = word.rfind("@")
    return at > 0 and word[at + 1:] not in ("", "latest")


def _example(command: Command, name: str) -> str:
    base = name[:name.rfind("@")] if name.rfind("@") > 0 else name
    return f"npm install {base}@<version>"


@rule(id="CSD060", slug="npm-unpinned", severity=Severity.WARNING,
      aliases=("DL3016",),
      summary="Pin versions in npm install",
      why="Without a version, every build installs the newest release on the registry: builds stop being "
          "reproducible and a compromised or breaking release reaches the image unnoticed.",
      bad="RUN npm install -g typescript",
      good="RUN npm install -g typescript@5.4.5",
      notes="`pkg@version` and `@scope/pkg@version` count; `@latest` does not (it is the default, not a "
            "pin), unlike hadolint DL3016. Git sources (`git+ssh://...`, `github:user/repo`, `user/repo`) "
            "need a `#<commit or tag>`, as in hadolint. Not flagged: `npm install`/`npm ci` from "
            "package.json, tarball, folder and URL sources, and words with a variable.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, NPM, _INSTALL, _is_pinned, _example)
