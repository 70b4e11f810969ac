"""Every Kubernetes rule catches its bad example and passes its good one; behaviour beyond the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from containersec.catalogue import Rule, all_rules
from containersec.findings import Stage
from tests.k8s_helpers import check, of_rule

RULES = all_rules(Stage.INFRASTRUCTURE)
POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
{pod}  containers:
    - name: web
      image: registry.example.com/web:1.0
{container}"""


def pod(container: str = "", pod_spec: str = "") -> str:
    return POD.format(pod="".join(f"  {line}\n" for line in pod_spec.splitlines()),
                      container="".join(f"      {line}\n" for line in container.splitlines()))


def example_options() -> dict[str, object]:
    return {"trusted_registries": ["registry.example.com"], "allowed_images": ["registry.example.com/*"]}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.id}-{r.slug}")
def test_bad_example_is_caught_on_a_real_line(tmp_path: Path, rule: Rule) -> None:
    report = check(tmp_path, rule.bad, select=(rule.id,), **example_options())
    assert report.errors == []
    found = of_rule(report, rule.id)
    assert found, rule.bad
    lines = rule.bad.split("\n")
    for finding in found:
        assert 1 <= finding.line <= len(lines)
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1
        assert finding.extra["object"]["kind"]
        # The object is named in the message too: the text, SARIF and annotation formats carry no object field.
        named = finding.extra["object"]
        namespace = f"{named['namespace']}/" if named["namespace"] else ""
        assert (f"{named['kind']} {namespace}{named['name']}" in finding.message
                or f"namespace {named['namespace']!r}" in finding.message), finding.message


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.id}-{r.slug}")
def test_good_example_passes(tmp_path: Path, rule: Rule) -> None:
    report = check(tmp_path, rule.good, select=(rule.id,), **example_options())
    assert report.errors == []
    assert of_rule(report, rule.id) == []


def test_every_rule_is_documented_with_an_id_in_its_range() -> None:
    assert len(RULES) >= 40
    for rule in RULES:
        assert rule.id.startswith("CSK") and rule.stage is Stage.INFRASTRUCTURE
        assert rule.summary and rule.why and rule.bad != rule.good


# --- where findings point -------------------------------------------------------------------------------


def test_a_field_finding_points_at_the_key_line_and_column(tmp_path: Path) -> None:
    report = check(tmp_path, pod("securityContext:\n  privileged: true"), select=("CSK001",))
    (finding,) = of_rule(report, "CSK001")
    assert (finding.line, finding.column) == (11, 9)  # the `privileged:` key
    assert finding.extra["object"] == {"kind": "Pod", "namespace": "shop", "name": "web", "container": "web"}


def test_a_missing_field_points_at_the_container(tmp_path: Path) -> None:
    report = check(tmp_path, pod(), select=("CSK007",))
    (finding,) = of_rule(report, "CSK007")
    assert (finding.line, finding.column) == (8, 7)  # `- name: web`


# --- pod and container settings ---------------------------------------------------------------------------


def test_pod_level_settings_are_inherited_and_container_settings_win(tmp_path: Path) -> None:
    inherited = check(tmp_path, pod(pod_spec="securityContext:\n  runAsNonRoot: true"), select=("CSK003",))
    assert of_rule(inherited, "CSK003") == []
    overridden = check(tmp_path, pod("securityContext:\n  runAsNonRoot: false",
                                     pod_spec="securityContext:\n  runAsNonRoot: true"), select=("CSK003",))
    assert of_rule(overridden, "CSK003")[0].line == 13


def test_uid_zero_inherited_from_the_pod_is_reported_where_it_is_set(tmp_path: Path) -> None:
    report = check(tmp_path, pod(pod_spec="securityContext:\n  runAsUser: 0"), select=("CSK004",))
    assert [f.line for f in of_rule(report, "CSK004")] == [8]


def test_init_and_ephemeral_containers_are_checked(tmp_path: Path) -> None:
    text = pod(pod_spec="initContainers:\n  - name: setup\n    image: registry.example.com/setup:1\n"
                        "    securityContext:\n      privileged: true\n"
                        "ephemeralContainers:\n  - name: debug\n    image: registry.example.com/debug:1\n"
                        "    securityContext:\n      privileged: true")
    found = of_rule(check(tmp_path, text, select=("CSK001",)), "CSK001")
    assert sorted(f.extra["object"]["container"] for f in found) == ["debug", "setup"]


@pytest.mark.parametrize("kind, template", [
    ("apps/v1|Deployment", "spec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"),
    ("apps/v1|StatefulSet", "spec:\n  template:\n    spec:\n"),
    ("apps/v1|DaemonSet", "spec:\n  template:\n    spec:\n"),
    ("apps/v1|ReplicaSet", "spec:\n  template:\n    spec:\n"),
    ("v1|ReplicationController", "spec:\n  template:\n    spec:\n"),
    ("batch/v1|Job", "spec:\n  template:\n    spec:\n"),
    ("batch/v1|CronJob", "spec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"),
    ("argoproj.io/v1alpha1|Rollout", "spec:\n  template:\n    spec:\n"),
])
def test_every_workload_kind_is_read(tmp_path: Path, kind: str, template: str) -> None:
    api_version, name = kind.split("|")
    indent = " " * (len(template.splitlines()[-1]) - len(template.splitlines()[-1].lstrip()) + 2)
    containers = (f"{indent}containers:\n{indent}  - name: app\n{indent}    image: registry.example.com/a:1\n"
                  f"{indent}    securityContext:\n{indent}      privileged: true\n")
    text = f"apiVersion: {api_version}\nkind: {name}\nmetadata:\n  name: app\n{template}{containers}"
    (finding,) = of_rule(check(tmp_path, text, select=("CSK001",)), "CSK001")
    assert finding.extra["object"]["kind"] == name
    assert text.split("\n")[finding.line - 1].strip() == "privileged: true"


def test_custom_workload_kinds_come_from_the_config(tmp_path: Path) -> None:
    text = ("apiVersion: example.com/v1\nkind: Worker\nmetadata:\n  name: w\nspec:\n  pod:\n    containers:\n"
            "      - name: w\n        image: registry.example.com/w:1\n        securityContext:\n"
            "          privileged: true\n")
    assert of_rule(check(tmp_path, text, select=("CSK001",)), "CSK001") == []
    found = of_rule(check(tmp_path, text, select=("CSK001",), k8s={"workload-kinds": {"Worker": "spec.pod"}}),
                    "CSK001")
    assert [f.line for f in found] == [11]
    listed = ("apiVersion: example.com/v1\nkind: Worker\nmetadata:\n  name: w\nspec:\n  steps:\n    - pod:\n"
              "        containers:\n          - name: w\n            image: registry.example.com/w:1\n"
              "            securityContext:\n              privileged: true\n")
    found = of_rule(check(tmp_path, listed, select=("CSK001",),
                          k8s={"workload-kinds": {"Worker": "spec.steps.0.pod"}}), "CSK001")
    assert [f.line for f in found] == [12]


def test_capabilities_are_compared_without_prefix_or_case(tmp_path: Path) -> None:
    report = check(tmp_path, pod("securityContext:\n  capabilities:\n    add: [cap_sys_admin, chown]"),
                   select=("CSK009", "CSK008"))
    assert len(of_rule(report, "CSK009")) == 1 and "SYS_ADMIN" in of_rule(report, "CSK009")[0].message
    assert {f.message.split("adds capability ")[-1].split(":")[0] for f in of_rule(report, "CSK008")
            if "adds" in f.message} == {"SYS_ADMIN", "CHOWN"}


def test_net_raw_passes_when_all_is_dropped_and_fails_when_added_back(tmp_path: Path) -> None:
    dropped = pod("securityContext:\n  capabilities:\n    drop: [ALL]")
    assert of_rule(check(tmp_path, dropped, select=("CSK010",)), "CSK010") == []
    added = pod("securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_RAW]")
    assert of_rule(check(tmp_path, added, select=("CSK010",)), "CSK010")


def test_legacy_seccomp_annotation_counts(tmp_path: Path) -> None:
    text = pod().replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n"
                         "    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n")
    assert of_rule(check(tmp_path, text, select=("CSK011",)), "CSK011") == []
    unconfined = text.replace("runtime/default", "unconfined")
    report = check(tmp_path, unconfined, select=("CSK011", "CSK012"))
    assert of_rule(report, "CSK011") == [] and len(of_rule(report, "CSK012")) == 1


def test_runtime_socket_is_reported_once_not_also_as_host_path(tmp_path: Path) -> None:
    text = pod(pod_spec="volumes:\n  - name: d\n    hostPath:\n      path: /var/run/docker.sock/")
    report = check(tmp_path, text, select=("CSK019", "CSK020"))
    assert [f.rule for f in report.findings] == ["CSK020"]


def test_untagged_and_digest_pinned_images(tmp_path: Path) -> None:
    untagged = pod().replace("web:1.0", "web")
    assert "no tag" in of_rule(check(tmp_path, untagged, select=("CSK040",)), "CSK040")[0].message
    pinned = pod().replace("web:1.0", "web:latest@sha256:" + "a" * 64)
    assert check(tmp_path, pinned, select=("CSK040", "CSK041")).findings == []


def test_trusted_registries_are_the_shared_setting(tmp_path: Path) -> None:
    text = pod().replace("registry.example.com/web", "nginx")
    assert of_rule(check(tmp_path, text), "CSK042") == []  # off until configured
    found = of_rule(check(tmp_path, text, trusted_registries=["*.example.com"]), "CSK042")
    assert "'docker.io'" in found[0].message


def test_secret_values_are_reported_but_never_printed(tmp_path: Path) -> None:
    token = "ghp_" + "Zx9" * 12
    text = pod(f"env:\n  - name: SETTING\n    value: {token}\n  - name: API_TOKEN\n    value: $(FROM_FILE)")
    report = check(tmp_path, text, select=("CSK070",))
    (finding,) = of_rule(report, "CSK070")
    assert finding.secret and token not in finding.message and finding.line == 12


# --- identities ---------------------------------------------------------------------------------------------

ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n"


def test_token_automount_is_resolved_through_the_service_account(tmp_path: Path) -> None:
    workload = pod(pod_spec="serviceAccountName: web")
    assert of_rule(check(tmp_path, ACCOUNT, workload, select=("CSK050",)), "CSK050")
    off = ACCOUNT + "automountServiceAccountToken: false\n"
    assert of_rule(check(tmp_path, off, workload, select=("CSK050",)), "CSK050") == []
    pod_wins = pod(pod_spec="serviceAccountName: web\nautomountServiceAccountToken: true")
    (finding,) = of_rule(check(tmp_path, off, pod_wins, select=("CSK050",)), "CSK050")
    assert finding.path.endswith("m1.yaml") and finding.line == 8


def test_one_workload_written_twice_does_not_share_its_account_with_itself(tmp_path: Path) -> None:
    workload = pod(pod_spec="serviceAccountName: web")
    assert check(tmp_path, ACCOUNT, workload, workload, select=("CSK053",)).findings == []
    other = workload.replace("name: web\n  namespace", "name: api\n  namespace")
    found = of_rule(check(tmp_path, ACCOUNT, workload, other, select=("CSK053",)), "CSK053")
    assert len(found) == 2 and "Pod shop/api" in found[0].message + found[1].message


def test_missing_account_is_judged_per_namespace(tmp_path: Path) -> None:
    elsewhere = ACCOUNT.replace("namespace: shop", "namespace: other")
    (finding,) = of_rule(check(tmp_path, elsewhere, pod(pod_spec="serviceAccountName: web"),
                               select=("CSK052",)), "CSK052")
    assert "'shop'" in finding.message


ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
  namespace: shop
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
  - kind: ServiceAccount
    name: web
"""


def test_rbac_findings_name_the_workloads_that_hold_the_role(tmp_path: Path) -> None:
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
                  "  template:\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: w\n"
                  "          image: registry.example.com/w:1\n")
    (finding,) = of_rule(check(tmp_path, ROLE, deployment, select=("CSK061",)), "CSK061")
    assert finding.line == 7 and finding.path.endswith("m0.yaml")
    assert "held by Deployment shop/web (ServiceAccount web) via RoleBinding shop/reader" in finding.message
    unbound = of_rule(check(tmp_path, ROLE.split("---")[0], select=("CSK061",)), "CSK061")
    assert "no binding" in unbound[0].message


def test_a_role_binding_grants_only_within_its_namespace(tmp_path: Path) -> None:
    other = pod(pod_spec="serviceAccountName: web").replace("namespace: shop", "namespace: other")
    (finding,) = of_rule(check(tmp_path, ROLE, other, select=("CSK061",)), "CSK061")
    assert "no workload in these manifests via RoleBinding" in finding.message


# --- networks -----------------------------------------------------------------------------------------------

LABELLED = pod().replace("  name: web\n", "  name: web\n  labels:\n    app: web\n    tier: front\n")


def policy(spec: str, namespace: str = "shop") -> str:
    body = "".join(f"  {line}\n" for line in spec.splitlines())
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n"
            f"  namespace: {namespace}\nspec:\n{body}")


def test_ingress_and_egress_are_judged_separately(tmp_path: Path) -> None:
    rules = "podSelector:\n  matchLabels: {app: web}\ningress:\n  - from: [{podSelector: {}}]"
    report = check(tmp_path, LABELLED, policy(rules), select=("CSK090", "CSK091"))
    assert [f.rule for f in report.findings] == ["CSK091"]
    with_egress = policy(rules + "\negress:\n  - to: [{podSelector: {}}]")
    assert check(tmp_path, LABELLED, with_egress, select=("CSK090", "CSK091")).findings == []


def test_match_expressions_and_namespaces_decide_selection(tmp_path: Path) -> None:
    expression = policy("podSelector:\n  matchExpressions:\n    - {key: tier, operator: In, values: [front]}\n"
                        "policyTypes: [Ingress]")
    assert of_rule(check(tmp_path, LABELLED, expression, select=("CSK090",)), "CSK090") == []
    not_in = expression.replace("operator: In", "operator: NotIn")
    assert of_rule(check(tmp_path, LABELLED, not_in, select=("CSK090",)), "CSK090")
    other_namespace = policy("podSelector: {}\npolicyTypes: [Ingress]", namespace="other")
    assert of_rule(check(tmp_path, LABELLED, other_namespace, select=("CSK090",)), "CSK090")


def test_default_deny_and_the_namespace_summary(tmp_path: Path) -> None:
    deny_ingress = policy("podSelector: {}\npolicyTypes: [Ingress]")
    report = check(tmp_path, LABELLED, deny_ingress, select=("CSK092",))
    (finding,) = of_rule(report, "CSK092")
    assert finding.message.endswith("for egress")
    (row,) = report.extra["namespaces"]
    assert row == {"namespace": "shop", "workloads": 1, "isolated": {"ingress": 1, "egress": 0},
                   "default_deny": {"ingress": True, "egress": False}}
    unplaced = LABELLED.replace("  namespace: shop\n", "")
    (finding,) = of_rule(check(tmp_path, unplaced, select=("CSK092",)), "CSK092")
    assert finding.message.startswith("the namespace these workloads are applied to (none is written")
    allow_all = policy("podSelector: {}\npolicyTypes: [Ingress]\ningress:\n  - {}")
    assert check(tmp_path, LABELLED, allow_all, select=("CSK092",)).extra["namespaces"][0]["default_deny"][
        "ingress"] is False


def test_selectors_that_select_nothing(tmp_path: Path) -> None:
    typo = policy("podSelector:\n  matchLabels: {app: wbe}")
    service = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: shop\nspec:\n"
               "  selector: {app: web, tier: back}\n")
    report = check(tmp_path, LABELLED, typo, service, select=("CSK093", "CSK094"))
    assert sorted((f.rule, f.path.rsplit("/", 1)[1], f.line) for f in report.findings) == [
        ("CSK093", "m1.yaml", 7), ("CSK094", "m2.yaml", 7)]
    # A namespace without workloads in the manifests is not judged.
    assert check(tmp_path, typo.replace("shop", "elsewhere"), select=("CSK093",)).findings == []


def test_pods_an_operator_creates_from_a_custom_resource_are_selectable(tmp_path: Path) -> None:
    prometheus = ("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: k8s\n  namespace: shop\n"
                  "spec:\n  podMetadata:\n    labels: {app.kubernetes.io/part-of: stack}\n")
    by_operator_labels = policy("podSelector:\n  matchLabels: {app.kubernetes.io/name: prometheus, "
                                "app.kubernetes.io/instance: k8s, app.kubernetes.io/part-of: stack}")
    by_legacy_label = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: shop\nspec:\n"
                       "  selector: {prometheus: k8s}\n")
    rules = ("CSK093", "CSK094")
    assert check(tmp_path, LABELLED, prometheus, by_operator_labels, by_legacy_label, select=rules).findings == []
    # Without the resource, or with another name or another operator's API group, they select nothing.
    assert len(check(tmp_path, LABELLED, by_operator_labels, by_legacy_label, select=rules).findings) == 2
    renamed = prometheus.replace("name: k8s", "name: main")
    assert len(check(tmp_path, LABELLED, renamed, by_operator_labels, by_legacy_label, select=rules).findings) == 2
    foreign = prometheus.replace("monitoring.coreos.com", "example.com")
    assert len(check(tmp_path, LABELLED, foreign, by_operator_labels, by_legacy_label, select=rules).findings) == 2


def test_jobs_and_cronjobs_lifetimes(tmp_path: Path) -> None:
    cron = ("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '@daily'\n"
            "  jobTemplate:\n    spec:\n      activeDeadlineSeconds: 60\n      template:\n        spec:\n"
            "          containers:\n            - name: c\n              image: registry.example.com/c:1\n")
    (finding,) = of_rule(check(tmp_path, cron, select=("CSK095",)), "CSK095")
    assert "ttlSecondsAfterFinished" in finding.message and "activeDeadlineSeconds" not in finding.message
    assert finding.line == 8  # the job template's spec


def test_removed_api_versions(tmp_path: Path) -> None:
    text = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n"
    (finding,) = of_rule(check(tmp_path, text, select=("CSK081",)), "CSK081")
    assert "1.25" in finding.message and finding.line == 1
    current = text.replace("policy/v1beta1", "policy/v1")
    assert check(tmp_path, current, select=("CSK081",)).findings == []
    # A group version whose kinds moved to different groups, or were dropped, names each kind's way out.
    ingress = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n"
    (finding,) = of_rule(check(tmp_path, ingress, select=("CSK081",)), "CSK081")
    assert finding.message.endswith("removed in Kubernetes 1.22: use networking.k8s.io/v1")
    psp = text.replace("PodDisruptionBudget", "PodSecurityPolicy")
    (finding,) = of_rule(check(tmp_path, psp, select=("CSK081",)), "CSK081")
    assert "use Pod Security Admission" in finding.message and "policy/v1 " not in finding.message


def test_peer_ids_in_every_spelling_find_the_rules() -> None:
    from containersec.catalogue import resolve

    for name in ("KSV001", "KSV-0001", "AVD-KSV-0001", "ksv-0001"):
        assert [r.id for r in resolve(name)] == ["CSK002"], name
    assert [r.id for r in resolve("CKV_K8S_43")] == ["CSK041"]
    assert [r.id for r in resolve("non-isolated-pod")] == ["CSK090"]
    assert {r.id for r in resolve("pod-networkpolicy")} == {"CSK090", "CSK091"}


@pytest.mark.parametrize("value, flagged", [("hunter2-but-longer", True), ("8312341g-5678-abcd-4a2b2c-33bcsd", True),
                                            ("GOOGLE_API_KEY_VAL", False), ("<your key>", False),
                                            ("changeme", False), ("$(FROM_SECRET)", False),
                                            ("yourpassword", False)])
def test_placeholders_are_not_secrets(tmp_path: Path, value: str, flagged: bool) -> None:
    text = pod(f"env:\n  - name: API_KEY\n    value: '{value}'")
    assert bool(of_rule(check(tmp_path, text, select=("CSK070",)), "CSK070")) is flagged


CONFIG_FILE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: shop\ndata:\n{data}"


@pytest.mark.parametrize("data, flagged", [
    ("  app.ini: |\n    [db]\n    host = db\n    password = 'Zq8-vLm2pRt7'\n", True),
    ("  app.env: |\n    export API_TOKEN=Vh7kLm2pQ9zXw4R\n", True),
    ("  dbPassword: Zq8-vLm2pRt7\n", True),
    ("  app.ini: |\n    [db]\n    password_file = /run/secrets/db\n", False),
    ("  app.yaml: |\n    auth:\n      password: ${DB_PASSWORD}\n      token:\n        file: /run/token\n", False),
    ("  tokenUrl: https://auth.example.com/token\n", False),
])
def test_settings_of_a_config_file_in_a_configmap(tmp_path: Path, data: str, flagged: bool) -> None:
    found = of_rule(check(tmp_path, CONFIG_FILE.format(data=data), select=("CSK071",)), "CSK071")
    assert bool(found) is flagged
    for finding in found:
        assert finding.secret and "Zq8-" not in finding.message and "Vh7k" not in finding.message
        assert finding.line == 7
