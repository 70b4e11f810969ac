from collections.abc import Iterator

from containersec.build.rules._labels import stage_labels
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Stage
from containersec.findings import Severity


def _referenced_stages(dockerfile: Dockerfile) -> set[int]:
    """Stages another stage builds on or copies/mounts from: they are not images of their own."""
    used: set[int] = set()
    for stage in dockerfile.stages:
        if stage.parent is not None:
            used.add(stage.parent.index)
        for instruction in stage.instructions:
            target = instruction.effective
            sources = [target.flag("from")] if target.keyword in ("COPY", "ADD") else []
            sources += [part.partition("=")[2] for mount in target.flag_values("mount")
                        for part in mount.split(",") if part.startswith("from=")]
            for source in sources:
                found = dockerfile.stage_named(source, before=stage.index) if source else None
                if found is not None:
                    used.add(found.index)
    return used


def image_stages(dockerfile: Dockerfile) -> list[Stage]:
    """The stages that can end up as an image: the final one and any other that nothing uses (a --target)."""
    used = _referenced_stages(dockerfile)
    return [s for s in dockerfile.stages if s.is_final or s.index not in used]


@rule(id="CSD121", slug="label-missing", severity=Severity.INFO, aliases=("DL3049",),
      summary="Images carry every label the label schema requires",
      why="Release tooling, registries and scanners read provenance from labels (source, revision, "
          "version, licence); an image without them cannot be traced back to its code.",
      bad="# label-schema: {org.opencontainers.image.source: url}\nFROM alpine:3.20\nCMD [\"app\"]",
      good="FROM alpine:3.20\nLABEL org.opencontainers.image.source=\"https://github.com/org/app\"",
      notes="Only active with a `label-schema` in config. Checked on each stage that becomes an image: the "
            "final stage, plus any stage nothing else builds on, copies or mounts from (a `--target`). "
            "Labels set in a stage are inherited through `FROM <stage>`. hadolint also reports intermediate "
            "stages that a labelled stage is built on; here their labels reach the image through the child.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    if not options.label_schema:
        return
    own = stage_labels(dockerfile)
    for stage in image_stages(dockerfile):
        present = set().union(*(own[s.index] for s in stage.ancestry()))
        missing = [key for key in options.label_schema if key not in present]
        if missing:
            where = f"stage {stage.name!r}" if stage.name else stage.title
            names = ", ".join(missing)
            yield Hit(f"{where} lacks the label{'s' if len(missing) > 1 else ''} {names} required by the label "
                      f"schema: add LABEL {missing[0]}=<value>", stage.line)
