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
    INFRASTRUCTURE = "infrastructure"


@dataclass(frozen=True)
class Edit:
    """Replace `text[start:end]` of the source (character offsets) with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Suppression:
    """Why a reported finding does not count: an accepted risk, a VEX statement, an ignore file or comment.

    `kind` is SARIF's: `external` (a config, ignore or VEX file says so) or `inSource` (a comment in the file).
    """

    kind: str
    justification: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "justification": self.justification}


@dataclass
class Finding:
    """One problem found by a rule, at a place in a file, image or registry."""

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
    # Added to the finding's JSON object, additively to the contract (e.g. a "vulnerability" object).
    extra: dict[str, object] = field(default_factory=dict)
    # A stage's own policy may decide whether this finding fails the run (a vulnerability inside its patch
    # window is reported but does not fail yet); None leaves it to the severity threshold.
    fails: bool | None = None
    # 0.0-10.0 for code scanning's ranking (e.g. a CVSS base score); None: derived from the severity.
    security_severity: float | None = None
    # Shown (e.g. `vulns --show-suppressed`) but accepted: it never fails a run, and reports count it apart.
    suppression: Suppression | None = None
    # The credential kind of a secret finding (a secret catalogue ID, "github-pat"); added to the JSON object.
    secret_kind: str | None = None

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
            **({"suppression": self.suppression.to_json()} if self.suppression else {}),
            **({"secret_kind": self.secret_kind} if self.secret_kind else {}),
            **self.extra,
        }

    @property
    def in_file(self) -> bool:
        """False for a finding about an image in a registry whose path is still the reference audited, not a
        file to point at (one placed on the manifest line that deploys the image is in that file)."""
        image = self.extra.get("registry")
        return not isinstance(image, dict) or image.get("reference") != self.path

    def reaches(self, fail_on: Severity | None) -> bool:
        """Whether this finding fails a run whose threshold is `fail_on`."""
        if self.suppression is not None:
            return False
        if self.fails is not None:
            return self.fails and fail_on is not None
        return fail_on is not None and self.severity >= fail_on


BUG_REPORTS = "https://github.com/containersec/containersec/issues"


def unexpected_message(exc: BaseException, during: str = "") -> str:
    """One line naming an unexpected exception, asking for a bug report; the caller names the input."""
    detail = " ".join(str(exc).split())[:200]
    where = f" {during}" if during else ""
    return (f"internal error{where}: {type(exc).__name__}{': ' + detail if detail else ''} (a bug in containersec: "
            f"please report it with the input that caused it at {BUG_REPORTS})")


@dataclass(frozen=True)
class InputError:
    """An input that could not be checked; it makes the run exit 2."""

    path: str
    message: str  # "line 3: unterminated heredoc" when the line is known, as every format shows it
    stage: Stage = Stage.BUILD  # whose SARIF run reports it; not part of the JSON contract
    line: int | None = None  # where known; added to the JSON object, additively to the contract

    @classmethod
    def unexpected(cls, path: str, exc: BaseException, stage: Stage = Stage.BUILD, *, during: str = "") -> InputError:
        """An exception nobody expected while checking `path`: a bug, told on one line, never a verdict."""
        return cls(path, unexpected_message(exc, during), stage)

    @property
    def problem(self) -> str:
        """The message without its leading `line N: `, for formats that show the line as a location."""
        return self.message.removeprefix(f"line {self.line}: ") if self.line else self.message

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "message": self.message, **({"line": self.line} if self.line else {})}


@dataclass(frozen=True)
class StageSummary:
    """Facts a stage wants shown beside its findings (text report, job summary): plain, untrusted text."""

    stage: Stage
    title: str
    rows: tuple[tuple[str, str], ...] = ()
    # A table with its own columns, for Markdown summaries (a row per tag of a repository); `rows` still say it
    # in two columns for text.
    columns: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclass
class Report:
    """Everything one run found, after policy, in a stable order; one or several stages."""

    stages: tuple[Stage, ...] = (Stage.BUILD,)
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    files: int = 0
    notices: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    # Top-level JSON members a stage adds to the envelope (e.g. "reports" of the vulns stage).
    extra: dict[str, list[object]] = field(default_factory=dict)
    summaries: list[StageSummary] = field(default_factory=list)
    # What the text report says after its totals: the threshold in effect and where it was set.
    threshold: str = ""
    # A stage's own totals line (pin, prune), said instead of counting findings.
    footer: str = ""

    @property
    def open_findings(self) -> list[Finding]:
        """The findings not suppressed: the ones totals and severities count."""
        return [f for f in self.findings if f.suppression is None]

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppression is not None)

    @classmethod
    def merged(cls, reports: list[Report]) -> Report:
        """One report of several stages' reports, in the order given."""
        merged = cls(stages=tuple(dict.fromkeys(stage for r in reports for stage in r.stages)))
        for report in reports:
            merged.findings.extend(report.findings)
            merged.errors.extend(report.errors)
            merged.files += report.files
            merged.notices.extend(report.notices)
            merged.sources.update(report.sources)
            for key, values in report.extra.items():
                merged.extra.setdefault(key, []).extend(values)
            merged.summaries.extend(report.summaries)
        return merged

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: e.path)

    def by_severity(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for severity in sorted(Severity, reverse=True):
            n = sum(1 for f in self.open_findings if f.severity is severity)
            if n:
                counts[severity.label] = n
        return counts

    def exit_code(self, fail_on: Severity | None) -> int:
        """2 for unreadable input, 1 for a finding that reaches `fail_on`, else 0."""
        if self.errors:
            return 2
        if any(f.reaches(fail_on) for f in self.findings):
            return 1
        return 0
