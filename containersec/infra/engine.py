"""The infrastructure stage end to end: read manifests, run the rules over all objects, apply waivers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from containersec.catalogue import Rule
from containersec.config import Config, active_rules
from containersec.findings import Finding, InputError, Report, Stage, StageSummary
from containersec.infra import network, profiles
from containersec.infra.images import DeployedImage, images_of
from containersec.infra.model import Bundle, ManifestHit, Workload, workload_of
from containersec.infra.options import K8sOptions, k8s_options
from containersec.infra.source import STDIN, Loaded, load
from containersec.infra.waivers import (
    annotation_waivers,
    expired_notices,
    object_annotations,
    unknown_own_names,
    waived_by_annotation,
    waived_by_config,
)


def read_bundle(paths: Sequence[str], config: Config, options: K8sOptions, *, kustomize: bool = False,
                stdin_name: str = STDIN) -> tuple[Bundle, Loaded]:
    """Every object of the inputs (".", the working directory, when none is given) and the workloads."""
    loaded = load(paths or ["."], stdin_name=stdin_name, kustomize=kustomize, exclude=config.exclude)
    bundle = Bundle(objects=loaded.objects)
    for obj in loaded.objects:
        workload = workload_of(obj, options.workload_kinds)
        if workload is not None:
            bundle.workloads.append(workload)
    return bundle, loaded


def check_manifests(paths: Sequence[str], config: Config, *, kustomize: bool = False, stdin_name: str = STDIN,
                    profile: str | None = None) -> Report:
    """Check every object of the inputs as one bundle, as the cross-object rules see a repository."""
    options = k8s_options(config, profile)
    bundle, loaded = read_bundle(paths, config, options, kustomize=kustomize, stdin_name=stdin_name)
    report = Report(stages=(Stage.INFRASTRUCTURE,), errors=list(loaded.errors), files=loaded.files,
                    notices=list(loaded.notes), sources=dict(loaded.sources))
    rules = profiles.chosen(active_rules(config, Stage.INFRASTRUCTURE), options.profile)
    report.findings.extend(_findings(bundle, rules, options, report.errors, report.notices))
    report.extra["images"] = [image.to_json() for image in images_of(bundle)]
    today = dt.date.today()
    report.notices.extend(expired_notices(options, today))
    report.notices.extend(_unknown_annotation_notices(bundle))
    unread = {error.path for error in loaded.errors}
    if unread and bundle.objects:
        report.notices.append(f"{len(unread)} input(s) could not be read: the rules across objects (Services, "
                              "NetworkPolicies, ServiceAccounts, RBAC) judged the others without them")
    summary = network.namespace_summary(bundle)
    if summary:
        report.summaries.append(StageSummary(Stage.INFRASTRUCTURE, "network isolation per namespace",
                                             tuple((row.namespace, row.text) for row in summary)))
        report.extra["namespaces"] = [row.to_json() for row in summary]
    report.sort()
    return report


def _findings(bundle: Bundle, rules: Iterable[Rule], options: K8sOptions, errors: list[InputError],
              notices: list[str]) -> list[Finding]:
    workloads: dict[int, Workload] = {id(w.object): w for w in bundle.workloads}
    waivers: dict[int, set[str]] = {}
    # An explicit PSS profile asks the same question of every namespace; strict mode lets nothing in the
    # manifests waive a finding, the namespace labels included.
    levels = profiles.enforced_levels(bundle) if options.profile == "all" and not options.strict else {}
    admitted: Counter[str] = Counter()
    today = dt.date.today()
    findings = []
    for rule in rules:
        try:
            hits: list[ManifestHit] = list(rule.check(bundle, options))
        except Exception as exc:  # a rule bug must not hide the other rules' results
            errors.append(InputError("(manifests)", f"internal error in rule {rule.id} {rule.slug}: "
                                                    f"{type(exc).__name__}: {exc}", Stage.INFRASTRUCTURE))
            continue
        for hit in hits:
            obj = hit.object
            if id(obj) not in waivers:
                waivers[id(obj)] = annotation_waivers(object_annotations(obj, workloads.get(id(obj))))
            if (waived_by_annotation(rule.id, waivers[id(obj)], options)
                    or waived_by_config(rule.id, obj, hit.container, options, today)):
                continue
            if (id(obj) in workloads and rule.id not in options.strict_rules
                    and profiles.admitted(rule.id, obj.effective_namespace(), levels)):
                admitted[obj.effective_namespace()] += 1
                continue
            path, line, column = obj.location(hit.path)
            message = _naming_the_object(hit, workloads.get(id(obj)))
            if obj.template:
                message = f"{message} (rendered from {obj.template})"
            findings.append(Finding(
                rule=rule.id, name=rule.slug, severity=rule.severity, stage=rule.stage, path=path, line=line,
                column=column, message=message, aliases=rule.aliases, secret=hit.secret,
                secret_kind=hit.secret_kind,
                extra={"object": {"kind": obj.kind, "namespace": obj.namespace, "name": obj.name,
                                  "container": hit.container}}))
    notices.extend(f"namespace {namespace!r} enforces Pod Security level {levels[namespace]!r} "
                   f"({profiles.ENFORCE_LABEL}): {count} finding(s) of controls that level admits not reported "
                   "(--profile restricted or k8s.strict reports them)" for namespace, count in sorted(admitted.items()))
    return findings


def _naming_the_object(hit: ManifestHit, workload: Workload | None) -> str:
    """A finding inside a pod spec names its workload, so that every format (the text and SARIF ones have no
    object field) says which object of a multi-object file it is about."""
    inside_pod = workload is not None and hit.path[:len(workload.spec_path)] == workload.spec_path
    return f"{hit.object.ref}: {hit.message}" if inside_pod and hit.object.ref not in hit.message else hit.message


def _unknown_annotation_notices(bundle: Bundle) -> list[str]:
    return [f"{obj.path}: {obj.ref}: containersec.io/ignore names no rule: {name!r}"
            for obj in bundle.objects for name in unknown_own_names(obj.annotations)]


def deployed_images(paths: Sequence[str], config: Config, *, kustomize: bool = False,
                    stdin_name: str = STDIN) -> tuple[list[DeployedImage], list[InputError]]:
    """Every container image of the inputs, in file order, and the errors of inputs that could not be read."""
    bundle, loaded = read_bundle(paths, config, k8s_options(config), kustomize=kustomize, stdin_name=stdin_name)
    return images_of(bundle), loaded.errors
