from collections.abc import Callable, Iterator

from containersec.build.rules._tls import FALSE_WORDS, commands, unique, variable_settings
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_FIX = "leave the checksum database on; name only your private module paths in GOPRIVATE"
# Hosts of public Go modules: a GONOSUMDB/GOPRIVATE pattern covering a whole one is not a private path.
_PUBLIC_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "golang.org", "google.golang.org",
                           "gopkg.in", "go.googlesource.com", "k8s.io", "sigs.k8s.io", "go.uber.org",
                           "cloud.google.com", "go.opentelemetry.io"})


def _is_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def _covers_public_modules(value: str) -> bool:
    """A GONOSUMDB/GOPRIVATE list with a pattern for every module (`*`) or a whole public host."""
    for pattern in value.replace(" ", ",").split(","):
        parts = pattern.strip().strip("/").split("/")
        if not parts[0]:
            continue
        if _is_glob(parts[0]) or (parts[0].lower() in _PUBLIC_HOSTS and (len(parts) == 1 or _is_glob(parts[1]))):
            return True
    return False


@rule(id="CSD143", slug="checksum-database-disabled", severity=Severity.ERROR,
      summary="Do not turn off Go's checksum database or secure module fetching",
      why="The checksum database is what proves a module version is the one everybody else got; with it off "
          "(or with modules fetched insecurely) a compromised proxy, repository or network path can serve "
          "different code for the same version.",
      bad="ENV GOSUMDB=off",
      good="ENV GOPRIVATE=git.example.com/team",
      notes="GOSUMDB=off; GONOSUMCHECK set; GONOSUMDB or GOPRIVATE patterns covering every module (`*`) or a "
            "whole public host (`github.com`, `github.com/*`); GOINSECURE set (fetches over plain HTTP or "
            "without certificate checks); GOFLAGS with -insecure and `go get -insecure`. Variables come from "
            "ENV, ARG defaults and RUN (`export`, prefixes, `go env -w`). GOPRIVATE/GONOSUMDB for your own "
            "module paths is Go's documented way to fetch private modules and is not flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


# Variable -> (whether its value turns a check off, what that does, the fix).
_SETTINGS: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "GOSUMDB": (lambda value: value.strip().lower() == "off", "turns Go's checksum database off", _FIX),
    "GONOSUMCHECK": (lambda value: value.strip().lower() not in (*FALSE_WORDS, ""),
                     "skips the checksum database for every module", _FIX),
    "GONOSUMDB": (_covers_public_modules, "skips the checksum database for public modules", _FIX),
    "GOPRIVATE": (_covers_public_modules, "skips the checksum database for public modules", _FIX),
    "GOINSECURE": (lambda value: bool(value.strip()),
                   "lets go fetch those modules over plain HTTP or without certificate checks",
                   "serve them over HTTPS with a trusted certificate"),
    "GOFLAGS": (lambda value: "-insecure" in value.split(),
                "lets go fetch modules over plain HTTP or without certificate checks",
                "remove -insecure and serve modules over HTTPS"),
}


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    for setting in variable_settings(dockerfile, "|".join(_SETTINGS)):
        disables, effect, fix = _SETTINGS[setting.name.upper()]
        if disables(setting.value):
            yield Hit(f"{setting.keyword} sets {setting.name}={setting.value}, which {effect}: {fix}",
                      setting.line, column=setting.column)
    for _, command in commands(dockerfile, "go"):
        word = next((w for w in command.args if w.text in ("-insecure", "--insecure")), None)
        if word is not None:
            yield Hit("go -insecure fetches modules over plain HTTP or without certificate checks: remove it and "
                      "serve modules over HTTPS", word.line, column=word.column)
