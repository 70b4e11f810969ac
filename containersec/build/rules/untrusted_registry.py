from collections.abc import Iterator

from containersec.build.rules._images import external_images
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.images import parse_image, registry_matches


@rule(id="CSD005", slug="untrusted-registry", severity=Severity.ERROR, aliases=("DL3026",),
      summary="Image pulled from a registry that is not trusted",
      why="Images from registries outside the organisation's list bypass its scanning, mirroring and "
          "retention policies. Configure `trusted_registries` to enforce where images come from.",
      bad="# trusted_registries: [registry.example.com]\nFROM docker.io/library/alpine:3.19",
      good="FROM registry.example.com/mirror/alpine:3.19",
      notes="Off until `trusted_registries` is configured. Covers FROM, `COPY --from=<image>` and "
            "`RUN --mount=...,from=<image>` like hadolint; ARG defaults are substituted first (hadolint "
            "flags `FROM ${BASE}`), and a bare name such as `alpine` is on docker.io. Patterns may use "
            "`*.gcr.io` and `*`; docker.io, index.docker.io and registry-1.docker.io are the same.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    trusted = options.trusted_registries
    if not trusted:
        return
    for image, instruction in external_images(dockerfile):
        registry = parse_image(image).registry
        if not registry_matches(registry, trusted):
            yield Hit(f"image {image!r} comes from registry {registry!r}, which is not in trusted_registries "
                      f"({', '.join(trusted)}): pull it through a trusted registry", instruction.line)
