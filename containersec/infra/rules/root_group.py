from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, sequence, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK006", slug="root-group", severity=Severity.INFO, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV116", "KSV029"),
      summary="Container runs with group 0 (root) as primary, fs or supplementary group",
      why="Group 0 owns much of a typical filesystem: files writable by root's group become writable.",
      bad=pod(pod_spec="securityContext:\n  fsGroup: 0"),
      good=pod(pod_spec="securityContext:\n  fsGroup: 10001"))
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        pod_context = workload.security_context
        for key in ("fsGroup", "supplementalGroups"):
            values = sequence(pod_context.get(key)) if key == "supplementalGroups" else [pod_context.get(key)]
            if any(value == 0 and not isinstance(value, bool) for value in values):
                first = workload.containers[0].name if len(workload.containers) == 1 else None
                yield ManifestHit(f"the pod's securityContext.{key} includes group 0 (root): use a non-zero group",
                                  workload.object, workload.field("securityContext", key), first)
        for container in workload.containers:
            value, where = container.setting("runAsGroup")
            if value == 0 and not isinstance(value, bool):
                yield setting_hit(container, f"container {container.name!r} runs with group 0 (root): use a "
                                             "non-zero runAsGroup", where)
