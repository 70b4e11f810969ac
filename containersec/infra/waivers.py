"""Which findings are waived: object annotations (containersec's own and the peers') and config exceptions.

Annotations read: `containersec.io/ignore: CSK010,CSK007 reason`, kube-linter's
`ignore-check.kube-linter.io/<check>` and `kube-linter.io/ignore-all`, Polaris's
`polaris.fairwinds.com/<check>-exempt` and `polaris.fairwinds.com/exempt`, Checkov's `checkov.io/skip<N>:
CKV_K8S_20=reason` and kube-score's `kube-score/ignore: check,...`. A peer's check name counts for each of our
rules that lists it as an alias. In strict mode (or for the rules listed as strict) annotations waive nothing;
config exceptions, which live in the reviewed config file with a reason and an expiry, always apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from containersec.catalogue import resolve
from containersec.infra.model import K8sObject, Workload
from containersec.infra.options import K8sOptions

EVERY_RULE = "*"
OWN = "containersec.io/ignore"
_KUBE_LINTER_CHECK = "ignore-check.kube-linter.io/"
_KUBE_LINTER_ALL = "kube-linter.io/ignore-all"
_POLARIS = "polaris.fairwinds.com/"
_CHECKOV = "checkov.io/skip"
_KUBE_SCORE = "kube-score/ignore"


def annotation_waivers(annotations: dict[str, Any]) -> set[str]:
    """Rule IDs the annotations waive (EVERY_RULE for an ignore-all); names of no rule of ours are left out."""
    waived: set[str] = set()
    for key, value in annotations.items():
        for name in _names(key, value if isinstance(value, str) else str(value)):
            if name == EVERY_RULE:
                waived.add(EVERY_RULE)
            else:
                waived.update(rule.id for rule in resolve(name))
    return waived


def unknown_own_names(annotations: dict[str, Any]) -> list[str]:
    """Names in containersec's own annotation that name no rule: a typo that would waive nothing."""
    value = annotations.get(OWN)
    if not isinstance(value, str):
        return []
    return [name for name in _names(OWN, value) if not resolve(name)]


def _names(key: str, value: str) -> Iterator[str]:
    if key == OWN:
        for line in value.splitlines():
            words = line.split(None, 1)
            if words:
                yield from (name.strip() for name in words[0].split(",") if name.strip())
    elif key.startswith(_KUBE_LINTER_CHECK):
        yield key[len(_KUBE_LINTER_CHECK):]
    elif key == _KUBE_LINTER_ALL:
        yield EVERY_RULE
    elif key.startswith(_POLARIS) and value.strip().lower() == "true":
        check = key[len(_POLARIS):]
        if check == "exempt":
            yield EVERY_RULE
        elif check.endswith("-exempt"):
            yield check.removesuffix("-exempt")
    elif key.startswith(_CHECKOV):
        yield value.split("=", 1)[0].strip()
    elif key == _KUBE_SCORE:
        yield from (name.strip() for name in value.split(",") if name.strip())


def object_annotations(obj: K8sObject, workload: Workload | None) -> dict[str, Any]:
    """The object's annotations, and for a workload its pod template's (where Polaris users put theirs)."""
    if workload is None or workload.object is not obj:
        return obj.annotations
    return {**workload.pod_annotations, **obj.annotations}


def waived_by_annotation(rule_id: str, waivers: set[str], options: K8sOptions) -> bool:
    if options.strict or rule_id in options.strict_rules:
        return False
    return rule_id in waivers or EVERY_RULE in waivers


def waived_by_config(rule_id: str, obj: K8sObject, container: str | None, options: K8sOptions,
                     today: dt.date) -> bool:
    for entry in options.exceptions:
        if rule_id not in entry.rules or (entry.expires is not None and entry.expires < today):
            continue
        if (fnmatchcase(obj.kind, entry.kind) and fnmatchcase(obj.effective_namespace(), entry.namespace)
                and fnmatchcase(obj.name, entry.name)
                and (entry.container == "*" or (container is not None and fnmatchcase(container, entry.container)))):
            return True
    return False


def expired_notices(options: K8sOptions, today: dt.date) -> list[str]:
    return [f"k8s.exceptions[{e.index}] ({', '.join(sorted(e.rules))}) expired on {e.expires}; not applied"
            for e in options.exceptions if e.expires is not None and e.expires < today]
