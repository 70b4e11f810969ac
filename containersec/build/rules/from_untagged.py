from collections.abc import Iterator

from containersec.build.rules._images import pulled_bases
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD003", slug="from-untagged", severity=Severity.WARNING,
      aliases=("DL3006", "CKV_DOCKER_7", "DS001"),
      summary="Base image has no tag",
      why="An image without a tag means `latest`: builds are not reproducible and can silently pick up "
          "a new major version.",
      bad="FROM ubuntu",
      good="FROM ubuntu:24.04",
      notes="ARG defaults are substituted (`FROM ${BASE}` with `ARG BASE=ubuntu` is untagged); a "
            "reference that stays a variable, `scratch` and earlier stages are skipped. A registry port "
            "is not a tag (`host:5000/img` is untagged, which Checkov misses). A digest pins the image. "
            "A variable only in the registry part (`${REGISTRY}/ubuntu`) does not stop the check, and a "
            "name no global ARG declares is empty, as BuildKit expands it (`FROM alpine$TAG` is untagged).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage, image, reference in pulled_bases(dockerfile):
        if reference.tag is None and reference.digest is None:
            yield Hit(f"base image {image!r} has no tag: pin a version, e.g. {image}:<version>", stage.line)
