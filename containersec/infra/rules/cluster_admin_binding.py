from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import RBAC_GROUP, binding_role, rbac
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions

_BINDING = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: web\nroleRef:\n"
            "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {role}\nsubjects:\n"
            "  - kind: ServiceAccount\n    name: web\n    namespace: shop")


@rule(id="CSK065", slug="cluster-admin-binding", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV111", "cluster-admin-role-binding", "clusterrolebindingClusterAdmin",
               "rolebindingClusterAdminClusterRole"),
      summary="A binding grants cluster-admin",
      why="cluster-admin is every right on every object: a workload holding it owns the cluster, so a "
          "compromise of that workload is a compromise of everything. The finding names the workloads.",
      bad=_BINDING.format(role="cluster-admin"),
      good=_BINDING.format(role="web-reader"))
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    graph = rbac(bundle)
    for binding in bundle.of_kind("RoleBinding", "ClusterRoleBinding"):
        kind, name = binding_role(binding)
        if binding.group == RBAC_GROUP and kind == "ClusterRole" and name == "cluster-admin":
            holders = list(graph.holders(binding))
            who = ", ".join(w.object.ref for w in holders) or "no workload in these manifests"
            yield ManifestHit(f"{binding.ref} grants cluster-admin; held by {who}", binding, ("roleRef", "name"))
