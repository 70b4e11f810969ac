from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod, unless_set


@rule(id="CSK007", slug="writable-root-filesystem", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_22", "KSV014", "no-read-only-root-fs", "notReadOnlyRootFilesystem",
               "container-security-context-readonlyrootfilesystem"),
      summary="Container root filesystem is writable",
      why="A writable root lets an intruder replace binaries and drop tools that survive until the container "
          "is replaced. Mount an emptyDir where the program must write.",
      bad=pod(),
      good=pod("securityContext:\n  readOnlyRootFilesystem: true"))
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    return unless_set(bundle, "readOnlyRootFilesystem", True, "has a writable root filesystem")
