"""Shared by the label rules (CSD120-CSD129): LABEL pairs with resolved values, checked against the schema.

The schema is config (`label-schema: {label: type}`), its types are in `containersec.labels`. A value that
still holds a variable after ARG/ENV substitution is unknown until build time and is never validated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from containersec.catalogue import Hit, RuleOptions
from containersec.dockerfile.model import Dockerfile, Instruction, Stage
from containersec.dockerfile.variables import has_variable
from containersec.labels import LABEL_TYPES, shown_label_value


@dataclass(frozen=True)
class Label:
    """One LABEL key and value of a stage, variables substituted where they are known."""

    key: str  # after variable substitution
    value: str | None  # after substitution; None when a variable is left unresolved
    line: int
    instruction: Instruction
    stage: Stage | None

    @property
    def key_known(self) -> bool:
        return not has_variable(self.key)


def labels(dockerfile: Dockerfile) -> Iterator[Label]:
    """Every LABEL pair of the file, ONBUILD LABEL included."""
    for instruction in dockerfile.instructions:
        target = instruction.effective
        if target.keyword != "LABEL":
            continue
        for key, value, line in target.pairs:
            resolved = dockerfile.resolve(value or "", instruction.stage)
            yield Label(dockerfile.resolve(key, instruction.stage), None if has_variable(resolved) else resolved,
                        line, instruction, instruction.stage)


def stage_labels(dockerfile: Dockerfile) -> dict[int, set[str]]:
    """Label keys each stage sets itself (ONBUILD LABEL excluded: it labels child images), by stage index."""
    found: dict[int, set[str]] = {stage.index: set() for stage in dockerfile.stages}
    for label in labels(dockerfile):
        if label.stage is not None and label.instruction.keyword == "LABEL":
            found[label.stage.index].add(label.key)
    return found


def invalid_values(dockerfile: Dockerfile, options: RuleOptions, type_name: str) -> Iterator[Hit]:
    """Hits for schema labels of `type_name` whose known, non-empty value does not match the type."""
    wanted = {key for key, kind in options.label_schema.items() if kind == type_name}
    if not wanted:
        return
    label_type = LABEL_TYPES[type_name]
    for label in labels(dockerfile):
        if label.key in wanted and label.value and not label_type.valid(label.value):
            yield Hit(f"label {label.key!r} is not {label_type.expected}: got {shown_label_value(label.value)!r}",
                      label.line)
