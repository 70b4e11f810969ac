from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping
from containersec.infra.options import K8sOptions
from containersec.infra.rules._secret_values import secret_problem

_CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\ndata:\n"


@rule(id="CSK071", slug="secret-in-configmap", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV109", "KSV1010", "sensitiveConfigmapContent"),
      summary="ConfigMap holds a secret",
      why="ConfigMaps are not Secrets: they are readable by anyone who may read configuration, are printed by "
          "tools, and are committed in the clear. Move the value to a Secret.",
      bad=_CONFIG_MAP + "  api_token: ghp_" + "a1B2" * 9,
      good=_CONFIG_MAP + "  log_level: info",
      notes="Uses the same secret detector as the Dockerfile rules: known token formats in any value, and a "
            "secret-looking key (`db_password`, `apiKey`) with a literal value. A value of several lines is read "
            "as a configuration file: its `name = value`, `name: value` and `NAME=value` settings are judged the "
            "same way. References (`${DB_PASSWORD}`) and placeholders are not secrets. A known token format's "
            "finding names its kind (`secret_kind` in JSON, `secret-kind` in SARIF). Reporters never print the "
            "line.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for config_map in bundle.of_kind("ConfigMap"):
        for key, value in mapping(config_map.data.get("data")).items():
            problem = secret_problem(key, value)
            if problem:
                yield ManifestHit(f"{config_map.ref}: key {key} {problem.reason}: move it to a Secret", config_map,
                                  ("data", key), secret=True, secret_kind=problem.kind)
