import re
from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers

# (cache folder pattern, what it is, how to avoid it); a folder is reported once, with its files counted.
_CACHES = (
    (re.compile(r"^/var/lib/apt/lists(?=/)(?!/(?:lock|partial|auxfiles)(?:/|$))"), "apt package lists",
     "rm -rf /var/lib/apt/lists/* in the RUN that installs"),
    (re.compile(r"^/var/cache/apt(?=/)(?=.*\.(?:bin|deb)$)"), "apt package cache", "apt-get clean in the same RUN"),
    (re.compile(r"^/var/cache/apk(?=/)"), "apk package cache", "apk add --no-cache"),
    (re.compile(r"^(?:/root|/home/[^/]+)/\.cache/pip(?=/)"), "pip cache", "pip install --no-cache-dir"),
    (re.compile(r"^(?:/root|/home/[^/]+)/\.npm/_cacache(?=/)"), "npm cache",
     "npm cache clean --force, or a cache mount"),
    (re.compile(r"^/usr/local/share/\.cache/yarn(?=/)"), "yarn cache", "yarn cache clean"),
    (re.compile(r"^/var/cache/(?:yum|dnf)(?=/)"), "yum/dnf cache", "yum clean all / dnf clean all"),
)


@rule(id="CSI024", slug="image-package-cache-left", severity=Severity.INFO, stage=Stage.TEST,
      aliases=("DKL-DI-0005",),
      summary="No package manager lists or caches left in the image",
      why="Package lists and caches are megabytes every pull downloads and no container uses; stale lists also "
          "hide which versions the image was built from.",
      bad="RUN apt-get update && apt-get install -y curl",
      good="RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
      notes="Files on the merged filesystem under /var/lib/apt/lists, /var/cache/apt (*.bin, *.deb), "
            "/var/cache/apk, ~/.cache/pip, ~/.npm/_cacache, /usr/local/share/.cache/yarn and "
            "/var/cache/yum or dnf; one finding per cache folder.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    assert image.filesystem is not None
    found: dict[str, list[int]] = {}  # folder -> [files, bytes, first layer]
    labels: dict[str, tuple[str, str]] = {}
    for record in image.filesystem.files.values():
        if record.kind != "file":
            continue
        for pattern, what, fix in _CACHES:
            match = pattern.match(record.path)
            if match:
                counts = found.setdefault(match[0], [0, 0, record.layer])
                counts[0] += 1
                counts[1] += record.size
                counts[2] = min(counts[2], record.layer)
                labels[match[0]] = (what, fix)
                break
    for folder, (files, size, layer) in sorted(found.items()):
        what, fix = labels[folder]
        yield ImageHit(f"{what} left in {folder} ({files} files, {size:,} bytes): {fix}", path=folder, layer=layer)
