from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, sequence
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod
from containersec.infra.rules._secret_values import secret_problem


@rule(id="CSK070", slug="secret-in-env", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("env-var-secret", "sensitiveContainerEnvVar"),
      summary="Container environment holds a literal secret",
      why="A secret written into the manifest is in the repository's history for good, readable by everyone "
          "who can read the repository or `get` the workload. Reference a Secret (`valueFrom.secretKeyRef`), "
          "or better mount it as a file.",
      bad=pod("env:\n  - name: DB_PASSWORD\n    value: hunter2-but-longer"),
      good=pod("env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n"
               "        key: password"),
      notes="Uses the same secret detector as the Dockerfile rules (names such as *_PASSWORD, *_TOKEN, and "
            "known token formats in any variable). A placeholder (`<your key>`, an upper-case name such as "
            "`API_KEY_VALUE`, `changeme`) is not a secret. A known token format's finding names its kind "
            "(`secret_kind` in JSON, `secret-kind` in SARIF). Reporters never print the line that holds the value.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        for index, variable in enumerate(sequence(container.data.get("env"))):
            variable = mapping(variable)
            name = str(variable.get("name", ""))
            problem = secret_problem(name, variable.get("value"))
            if problem:
                yield ManifestHit(f"container {container.name!r}: env {name} {problem.reason}: reference a Secret "
                                  "instead", container.workload.object, (*container.path, "env", index, "value"),
                                  container.name, secret=True, secret_kind=problem.kind)
