from collections.abc import Iterator

from containersec.build.rules._packages import Manager, package_words, unpinned_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Severity

GO = Manager("go", frozenset({"go"}),
             frozenset({"-o", "-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-modfile", "-p",
                        "-buildmode", "-compiler", "-gccgoflags", "-installsuffix", "-pkgdir", "-toolexec",
                        "-overlay", "-pgo", "-exec", "-C", "-covermode", "-coverpkg"}))
_FLOATING = frozenset({"latest", "upgrade", "patch", "master", "main", "HEAD"})


def _is_pinned(word: str) -> bool:
    path, at, version = word.partition("@")
    if at:
        return version not in _FLOATING
    first = path.split("/", 1)[0]
    # Only module paths with a domain are downloaded; std packages, local paths and .go files are not.
    return "." not in first or first in (".", "..") or path.endswith(".go")


def _packages(command: Command) -> list[ShellWord]:
    words = package_words(command, GO)
    # `go run pkg args...`: only the first word names what is run.
    return words[:1] if command.positionals(GO.value_options)[0].text == "run" else words


def _example(command: Command, name: str) -> str:
    base = name.partition("@")[0]
    return f"go {command.positionals(GO.value_options)[0].text} {base}@<version>"


@rule(id="CSD062", slug="go-unpinned", severity=Severity.WARNING,
      aliases=("DL3062",),
      summary="Pin versions in go install, go get and go run",
      why="Without a version, `go install`/`go get`/`go run` fetch whatever the module's default branch "
          "or newest tag is that day: builds stop being reproducible.",
      bad="RUN go install golang.org/x/tools/gopls@latest",
      good="RUN go install golang.org/x/tools/gopls@v0.15.3",
      notes="`@latest`, `@upgrade`, `@patch` and branch names (`@master`, `@main`, `@HEAD`) are not pins, "
            "unlike hadolint DL3062. Not flagged: `go get`/`go install` without arguments, local paths "
            "(`.`, `./...`), standard-library packages, .go files, program arguments after `go run pkg`, "
            "and words with a variable.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, GO, frozenset({"install", "get", "run"}), _is_pinned, _example,
                             _packages)
