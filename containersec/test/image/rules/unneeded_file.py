import posixpath
from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers

_UNNEEDED = {
    ".git": "a git repository (history, remotes, maybe credentials)", ".svn": "a Subversion working copy",
    ".hg": "a Mercurial repository", ".env": "an environment file (usually secrets)",
    "Dockerfile": "the Dockerfile", "Containerfile": "the Containerfile", ".dockerignore": "the .dockerignore",
    "docker-compose.yml": "a compose file", ".DS_Store": "macOS folder metadata", ".aws": "AWS CLI settings",
    ".ssh": "an SSH folder", ".idea": "IDE settings", ".vscode": "editor settings",
}
_ENV_TEMPLATES = (".example", ".sample", ".template", ".dist", ".defaults")


def _kind(name: str) -> str | None:
    if name in _UNNEEDED:
        return _UNNEEDED[name]
    if name.startswith(".env.") and not name.endswith(_ENV_TEMPLATES):
        return _UNNEEDED[".env"]
    return None


@rule(id="CSI025", slug="image-unneeded-file", severity=Severity.INFO, stage=Stage.TEST, aliases=("DKL-LI-0003",),
      summary="No build context leftovers in the image (.git, .env, Dockerfile, .DS_Store, .aws, .ssh)",
      why="A `COPY . .` without a .dockerignore ships the repository's history, local settings and credentials "
          "to everyone who pulls the image.",
      bad="COPY . /app", good="# .dockerignore: .git .env Dockerfile .DS_Store\nCOPY . /app",
      notes="On the merged filesystem; a folder is reported once, not its contents. Accept paths with "
            "`image.accept-files` (globs).")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    assert image.filesystem is not None
    reported: list[str] = []
    for path in sorted(image.filesystem.files):
        if any(path.startswith(folder + "/") for folder in reported[-1:]):
            continue
        kind = _kind(posixpath.basename(path))
        if kind and not options.file_accepted(path):
            record = image.filesystem.files[path]
            reported.append(path)
            yield ImageHit(f"{path} is {kind}: keep it out with .dockerignore", path=path, layer=record.layer)
