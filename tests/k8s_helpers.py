"""Running the infrastructure stage in tests: manifests written to files, checked with a chosen config."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from containersec.catalogue import RuleOptions
from containersec.config import Config
from containersec.findings import Finding, Report
from containersec.infra import check_manifests


def config(select: tuple[str, ...] = (), k8s: dict[str, Any] | None = None, **options: Any) -> Config:
    return Config(select=list(select), options=dataclasses.replace(RuleOptions(), **options),
                  sections={"k8s": k8s} if k8s is not None else {})


def check(tmp_path: Path, *texts: str, select: tuple[str, ...] = (), k8s: dict[str, Any] | None = None,
          **options: Any) -> Report:
    """Each text written to its own file (m0.yaml, m1.yaml, ...) and all checked in one run."""
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"m{index}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return check_manifests(paths, config(select, k8s, **options))


def of_rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]
