from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod
from containersec.infra.rules._volumes import volumes

ALLOWED = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                     "projected", "secret"})


@rule(id="CSK022", slug="volume-type-not-allowed", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV028",),
      summary="Pod uses a volume type outside the restricted profile's list",
      why="Volume types other than configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, "
          "projected and secret reach node or storage-system resources directly (hostPath, nfs, iscsi, ...), "
          "outside what the cluster's storage classes govern.",
      bad=pod(pod_spec="volumes:\n  - name: shared\n    nfs:\n      server: nfs.example.com\n      path: /export"),
      good=pod(pod_spec="volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data"),
      notes="PSS restricted.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        for index, volume in volumes(workload):
            for kind in volume:
                if kind != "name" and kind not in ALLOWED:
                    yield ManifestHit(f"volume {volume.get('name')!r} is of type {kind}, outside the restricted "
                                      "profile's list", workload.object, workload.field("volumes", index, kind))
