from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.network import DIRECTIONS, namespace_objects, policies
from containersec.infra.options import K8sOptions
from containersec.infra.rules._network import WORKLOAD, policy


@rule(id="CSK092", slug="namespace-without-default-deny", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      summary="Namespace has no default-deny NetworkPolicy",
      why="A default deny (`podSelector: {}` with no allow rules) makes every pod of the namespace isolated, "
          "including the ones added later; allow rules then open only what is needed. Without it, each new "
          "workload starts on a flat network.",
      bad=WORKLOAD,
      good=WORKLOAD + "\n---\n" + policy("podSelector: {}\npolicyTypes: [Ingress, Egress]", name="default-deny"),
      notes="One finding per namespace that runs workloads, naming the missing directions; it is placed on the "
            "Namespace object when the manifests define it, else on the namespace's first workload. The text "
            "and job summaries add a per-namespace table of isolated workloads (JSON: `namespaces`). None of "
            "the peers checks this.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    found = policies(bundle)
    for namespace, anchor in namespace_objects(bundle):
        own = [p for p in found if p.namespace == namespace]
        missing = [d.lower() for d in DIRECTIONS if not any(p.denies_all(d) for p in own)]
        if missing:
            written = anchor.kind == "Namespace" or any(w.object.namespace for w in bundle.workloads
                                                          if w.namespace == namespace)
            where = (f"namespace {namespace!r}" if written else
                     "the namespace these workloads are applied to (none is written; taken as 'default')")
            yield ManifestHit(f"{where} has no default-deny NetworkPolicy for {' or '.join(missing)}", anchor,
                              ("metadata",))
