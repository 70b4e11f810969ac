from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

ALLOWED_TYPES = frozenset({"container_t", "container_init_t", "container_kvm_t", "container_engine_t"})


@rule(id="CSK014", slug="selinux-custom-options", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV025",),
      summary="SELinux options set a type outside the container types, or a user or role",
      why="A custom SELinux type, user or role can lift the confinement that keeps a container from the host. "
          "Pod Security Standards baseline allows only the container types.",
      bad=pod("securityContext:\n  seLinuxOptions:\n    type: spc_t"),
      good=pod("securityContext:\n  seLinuxOptions:\n    level: s0:c123,c456"),
      notes="PSS baseline.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        value, where = container.setting("seLinuxOptions")
        selinux = mapping(value)
        kind = selinux.get("type")
        problems = [f"type {kind}"] if kind and kind not in ALLOWED_TYPES else []
        problems += [f"{key} {selinux[key]}" for key in ("user", "role") if selinux.get(key)]
        if problems:
            yield setting_hit(container, f"container {container.name!r} sets SELinux {', '.join(problems)}: only "
                                         f"the types {', '.join(sorted(ALLOWED_TYPES))} are allowed", where)
