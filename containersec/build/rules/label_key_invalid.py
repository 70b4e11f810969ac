from collections.abc import Iterator

from containersec.build.rules._labels import labels
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")
_ILLEGAL = LazyPattern(r"[^a-z0-9._/-]")


def key_problem(key: str) -> str | None:
    """Why `key` breaks Docker's label-key guidelines, or None when it follows them."""
    reserved = next((prefix for prefix in _RESERVED if key.startswith(prefix)), None)
    if reserved:
        return f"uses the namespace {reserved!r} reserved for Docker"
    illegal = _ILLEGAL.search(key)
    if illegal:
        return f"contains {illegal[0]!r} (allowed: lower-case letters, digits, '.', '-', '_', '/')"
    if not key[:1].isalpha():
        return "must start with a lower-case letter"
    if not (key[-1].isalpha() or key[-1].isdigit()):
        return "must end with a lower-case letter or a digit"
    if ".." in key or "--" in key:
        return "has consecutive separators ('..' or '--')"
    return None


@rule(id="CSD120", slug="label-key-invalid", severity=Severity.STYLE, aliases=("DL3048",),
      summary="Label keys follow Docker's key format",
      why="Tools that read labels (registries, scanners, `docker inspect --format`) expect lower-case "
          "reverse-DNS keys; upper case, spaces and other characters make keys hard to query, and the "
          "com.docker., io.docker. and org.dockerproject. namespaces are reserved for Docker itself.",
      bad='LABEL Version="1.0" com.docker.tool="x"',
      good='LABEL org.opencontainers.image.version="1.0" com.example.tool="x"',
      notes="Same key format as hadolint 2.15 (lower-case letters, digits, `.`, `-`, `_`, `/`; starts with "
            "a letter, ends with a letter or digit; no `..`/`--`; no reserved namespace). Keys are checked "
            "after ARG/ENV substitution; a key that still holds a variable is not checked. Runs without a "
            "label schema.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for label in labels(dockerfile):
        if label.key_known:
            problem = key_problem(label.key)
            if problem:
                yield Hit(f"label key {label.key!r} {problem}: use a lower-case reverse-DNS key such as "
                          "org.opencontainers.image.title", label.line)
