"""Waivers: containersec's object annotation, the peers' annotations, config exceptions, strict mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from containersec.config import ConfigError
from tests.k8s_helpers import check, of_rule

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
{annotations}spec:
  containers:
    - name: web
      image: registry.example.com/web:1
      securityContext:
        privileged: true
    - name: sidecar
      image: registry.example.com/sidecar:1
"""


def annotated(*pairs: str) -> str:
    lines = "".join(f"    {pair}\n" for pair in pairs)
    return POD.format(annotations=f"  annotations:\n{lines}" if pairs else "")


RULES = ("CSK001", "CSK007")


@pytest.mark.parametrize("annotation", [
    "containersec.io/ignore: CSK001 the node agent needs it",
    "containersec.io/ignore: privileged-container",
    "ignore-check.kube-linter.io/privileged-container: node agent",
    'polaris.fairwinds.com/runAsPrivileged-exempt: "true"',
    "checkov.io/skip1: CKV_K8S_16=node agent",
    "kube-score/ignore: container-security-context-privileged",
])
def test_each_annotation_waives_the_rule_it_names_only(tmp_path: Path, annotation: str) -> None:
    report = check(tmp_path, annotated(annotation), select=RULES)
    assert of_rule(report, "CSK001") == []
    assert len(of_rule(report, "CSK007")) == 2


@pytest.mark.parametrize("annotation", ["kube-linter.io/ignore-all: legacy", 'polaris.fairwinds.com/exempt: "true"'])
def test_ignore_all_annotations(tmp_path: Path, annotation: str) -> None:
    assert check(tmp_path, annotated(annotation), select=RULES).findings == []


def test_own_annotation_lists_several_rules_on_lines_and_flags_typos(tmp_path: Path) -> None:
    text = annotated("containersec.io/ignore: |", "  CSK001 needs the host", "  CSK007,CSK999 writes /tmp")
    report = check(tmp_path, text, select=RULES)
    assert report.findings == []
    assert any("names no rule: 'CSK999'" in notice for notice in report.notices)


def test_strict_mode_ignores_annotations_for_all_or_listed_rules(tmp_path: Path) -> None:
    text = annotated("kube-linter.io/ignore-all: legacy")
    assert len(check(tmp_path, text, select=RULES, k8s={"strict": True}).findings) == 3
    listed = check(tmp_path, text, select=RULES, k8s={"strict": ["privileged-container"]})
    assert [f.rule for f in listed.findings] == ["CSK001"]


def test_config_exceptions_match_kind_namespace_name_and_container(tmp_path: Path) -> None:
    entry = {"rules": ["CSK007"], "kind": "Pod", "namespace": "shop", "name": "w*", "container": "sidecar",
             "reason": "the sidecar writes its socket"}
    report = check(tmp_path, annotated(), select=RULES, k8s={"exceptions": [entry]})
    assert [f.extra["object"]["container"] for f in of_rule(report, "CSK007")] == ["web"]
    other = check(tmp_path, annotated(), select=RULES, k8s={"exceptions": [{**entry, "namespace": "prod"}]})
    assert len(of_rule(other, "CSK007")) == 2


def test_config_exceptions_expire_and_say_so(tmp_path: Path) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    entry = {"rules": ["CSK001"], "name": "web", "reason": "migration", "expires": yesterday}
    report = check(tmp_path, annotated(), select=RULES, k8s={"exceptions": [entry], "strict": True})
    assert of_rule(report, "CSK001")
    assert any("expired on" in notice for notice in report.notices)
    live = check(tmp_path, annotated(), select=RULES, k8s={"exceptions": [{**entry, "expires": "2999-01-01"}],
                                                           "strict": True})
    assert of_rule(live, "CSK001") == []  # config entries count in strict mode


@pytest.mark.parametrize("section, key", [
    ({"exceptions": [{"rules": ["CSK001"]}]}, "k8s.exceptions[0].reason"),
    ({"exceptions": [{"rules": ["CSK404"], "reason": "x"}]}, "k8s.exceptions[0].rules"),
    ({"exceptions": [{"rules": ["CSK001"], "reason": "x", "expires": "soon"}]}, "k8s.exceptions[0].expires"),
    ({"profile": "paranoid"}, "k8s.profile"),
    ({"workload-kinds": {"Rollout": 3}}, "k8s.workload-kinds.Rollout"),
    ({"unknown": 1}, "k8s.unknown"),
])
def test_bad_config_names_the_key(tmp_path: Path, section: dict, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check(tmp_path, annotated(), k8s=section)
    assert raised.value.key == key


def test_profiles_run_only_their_controls(tmp_path: Path) -> None:
    text = annotated().replace("privileged: true", "privileged: true\n        runAsUser: 0")
    baseline = check(tmp_path, text, k8s={"profile": "baseline"})
    assert {f.rule for f in baseline.findings} == {"CSK001"}
    restricted = check(tmp_path, text, k8s={"profile": "restricted"})
    assert {"CSK001", "CSK002", "CSK004", "CSK008", "CSK011"} <= {f.rule for f in restricted.findings}
    assert "CSK007" not in {f.rule for f in restricted.findings}


def namespace(level: str, name: str = "shop") -> str:
    return (f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n"
            f"    pod-security.kubernetes.io/enforce: {level}\n")


PSS_RULES = ("CSK001", "CSK002", "CSK008", "CSK007")  # baseline, restricted, restricted, beyond PSS


def test_a_namespace_enforce_label_sets_the_level_of_its_workloads(tmp_path: Path) -> None:
    unlabelled = {f.rule for f in check(tmp_path, annotated(), select=PSS_RULES).findings}
    assert unlabelled == set(PSS_RULES)
    privileged = check(tmp_path, namespace("privileged"), annotated(), select=PSS_RULES)
    assert {f.rule for f in privileged.findings} == {"CSK007"}
    assert any("'shop' enforces Pod Security level 'privileged'" in note for note in privileged.notices)
    baseline = check(tmp_path, namespace("baseline"), annotated(), select=PSS_RULES)
    assert {f.rule for f in baseline.findings} == {"CSK001", "CSK007"}
    for level in ("restricted", "no-such-level"):
        assert {f.rule for f in check(tmp_path, namespace(level), annotated(), select=PSS_RULES).findings} == unlabelled
    # Another namespace's label does not count.
    other = check(tmp_path, namespace("privileged", name="agents"), annotated(), select=PSS_RULES)
    assert {f.rule for f in other.findings} == unlabelled


@pytest.mark.parametrize("k8s", [{"profile": "restricted"}, {"strict": True}, {"strict": ["CSK001"]}],
                         ids=["explicit-profile", "strict", "strict-rule"])
def test_an_explicit_profile_or_strict_mode_ignores_the_label(tmp_path: Path, k8s: dict[str, object]) -> None:
    report = check(tmp_path, namespace("privileged"), annotated(), select=PSS_RULES, k8s=k8s)
    assert "CSK001" in {f.rule for f in report.findings}
