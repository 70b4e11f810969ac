"""The values every stage produces and every reporter consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Severity(IntEnum):
    """Ordered so that a threshold compares with `>=`."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in sorted(cls, reverse=True))
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


class Stage(StrEnum):
    BUILD = "build"
    TEST = "test"
    RELEASE = "release"


@dataclass(frozen=True)
class Edit:
    """Replace `text[start:end]` of the source (character offsets) with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass
class Finding:
    rule: str
    name: str
    severity: Severity
    stage: Stage
    path: str
    line: int
    message: str
    end_line: int | None = None
    column: int = 1
    aliases: tuple[str, ...] = ()
    fixable: bool = False
    edits: tuple[Edit, ...] = ()
    secret: bool = False  # its source line holds a secret; never printed, not part of the JSON contract

    def __post_init__(self) -> None:
        if self.end_line is None or self.end_line < self.line:
            self.end_line = self.line

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "name": self.name,
            "aliases": list(self.aliases),
            "severity": self.severity.label,
            "stage": self.stage.value,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "column": self.column,
            "message": self.message,
            "fixable": self.fixable,
        }


@dataclass(frozen=True)
class InputError:
    """An input that could not be checked; it makes the run exit 2."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class Report:
    """Everything one run found, after policy, in a stable order."""

    stage: Stage = Stage.BUILD
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    files: int = 0
    notices: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: e.path)

    def by_severity(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for severity in sorted(Severity, reverse=True):
            n = sum(1 for f in self.findings if f.severity is severity)
            if n:
                counts[severity.label] = n
        return counts

    def exit_code(self, fail_on: Severity | None) -> int:
        """2 for unreadable input, 1 for a finding at or above `fail_on`, else 0."""
        if self.errors:
            return 2
        if fail_on is not None and any(f.severity >= fail_on for f in self.findings):
            return 1
        return 0
