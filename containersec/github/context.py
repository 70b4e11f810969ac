"""The action's inputs (`INPUT_<NAME>`, upper-case, hyphens kept) and the runner's `GITHUB_*` variables."""

from __future__ import annotations

import functools
import re
import shlex
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from containersec.findings import Severity
from containersec.untrusted import DocumentError, json_data

REPORTERS = ("github-check", "github-pr-review", "workflow-commands")
FILTER_MODES = ("added", "diff_context", "file", "nofilter")
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
# A git object name (SHA-1 or SHA-256): anything else in a payload never reaches git, a URL or Markdown.
OBJECT_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
SHELLCHECK_MODES = ("auto", "on", "off")


class ActionError(Exception):
    """An input or runner variable the action cannot work with; the action exits 2."""


@dataclass(frozen=True)
class Inputs:
    paths: list[str]
    config: str | None
    fail_on: str | None  # None: take the config file's threshold
    filter_mode: str
    reporter: str
    sarif_file: str
    token: str
    scan_reports: list[str] = field(default_factory=list)  # scanner reports for the test stage (paths or globs)
    dockerfile_for_reports: str | None = None
    images: list[str] = field(default_factory=list)  # image tarballs and OCI layouts (test stage)
    registry_refs: list[str] = field(default_factory=list)
    registry_username: str = ""
    registry_password: str = field(default="", repr=False)
    shellcheck: str = "auto"
    registry_scanner: str | None = None  # trivy | grype: scan each digest (release stage)
    registry_scan_reports: str | None = None  # a folder of reports matched to digests
    patch_plan_issues: bool = False  # one GitHub issue per audited repository
    registry_prune: str | None = None  # plan | apply: the config's registry.retention rules on each repository
    manifests: list[str] = field(default_factory=list)  # Kubernetes manifests (infrastructure stage)


@dataclass(frozen=True)
class PullRequest:
    number: int | None  # None: neither the payload nor GITHUB_REF says; no review, no changed-lines filter
    head_sha: str
    base_sha: str  # "" when unknown: the changed lines come from the API only
    head_repo: str
    base_repo: str

    @property
    def from_fork(self) -> bool:
        return self.head_repo != self.base_repo


@dataclass(frozen=True)
class RunContext:
    event_name: str
    repository: str
    head_sha: str
    api_url: str
    server_url: str
    workspace: Path
    step_summary: Path | None
    output_file: Path | None
    external_id: str
    pull: PullRequest | None
    # What the event payload lacked and where it was taken from instead, for the log.
    fallbacks: tuple[str, ...] = ()


def read_input(environ: Mapping[str, str], name: str) -> str:
    return environ.get(f"INPUT_{name.upper()}", "").strip()


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = read_input(environ, name) or default
    if value not in choices:
        raise ActionError(f"input {name}: {value!r} is not one of: {', '.join(choices)}")
    return value


def split_paths(text: str, name: str = "paths") -> list[str]:
    """One or more paths per line; quote a path that holds spaces."""
    try:
        return [word for line in text.splitlines() for word in shlex.split(line, comments=True)]
    except ValueError as exc:
        raise ActionError(f"input {name}: {exc}") from None


def read_inputs(environ: Mapping[str, str], *, on_pull_request: bool) -> Inputs:
    fail_on = read_input(environ, "fail-on").lower() or None
    if fail_on is not None and fail_on != "none":
        try:
            Severity.parse(fail_on)
        except ValueError as exc:
            raise ActionError(f"input fail-on: {exc} or none") from None
    registry_refs = split_paths(read_input(environ, "registry-refs"))
    return Inputs(
        # A registry-only run (a scheduled audit) lints nothing unless paths are given.
        paths=split_paths(read_input(environ, "paths")) or ([] if registry_refs else ["."]),
        config=read_input(environ, "config") or None,
        fail_on=fail_on,
        filter_mode=_choice(environ, "filter-mode", FILTER_MODES, "added" if on_pull_request else "nofilter"),
        reporter=_choice(environ, "reporter", REPORTERS, "github-check"),
        sarif_file=read_input(environ, "sarif-file") or "containersec.sarif",
        token=read_input(environ, "github-token"),
        scan_reports=split_paths(read_input(environ, "scan-reports"), "scan-reports"),
        dockerfile_for_reports=read_input(environ, "dockerfile-for-reports") or None,
        images=split_paths(read_input(environ, "images"), "images"),
        registry_refs=registry_refs,
        registry_username=read_input(environ, "registry-username"),
        registry_password=environ.get("INPUT_REGISTRY-PASSWORD", ""),  # not stripped: any byte may be a secret's
        shellcheck=_choice(environ, "shellcheck", SHELLCHECK_MODES, "auto"),
        registry_scanner=_choice(environ, "registry-scanner", ("", "trivy", "grype"), "") or None,
        registry_scan_reports=read_input(environ, "registry-scan-reports") or None,
        patch_plan_issues=_choice(environ, "patch-plan-issues", ("true", "false"), "false") == "true",
        registry_prune=_choice(environ, "registry-prune", ("", "plan", "apply"), "") or None,
        manifests=split_paths(read_input(environ, "manifests"), "manifests"),
    )


def _load_event(path: str, notes: list[str]) -> dict[str, object]:
    """The event payload; an unreadable one counts as empty, so the runner's variables take over."""
    if not path:
        return {}
    try:
        event = json_data.loads(Path(path).read_bytes())
    except (OSError, DocumentError) as exc:
        notes.append(f"{path}: cannot read the event payload ({exc}); using the runner's variables")
        return {}
    if not isinstance(event, dict):
        notes.append(f"{path}: the event payload is not a JSON object; using the runner's variables")
        return {}
    return event


def _lookup(event: Mapping[str, object], dotted: str) -> object | None:
    value: object = event
    for key in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return None if value in (None, "") or isinstance(value, Mapping | list) else value


def _git_commit(workspace: Path, revision: str) -> str:
    """The full sha of `revision` in the workspace's repository, or "" when git cannot tell."""
    try:
        done = subprocess.run(["git", "-C", str(workspace), "rev-parse", "--verify", "--quiet", "--end-of-options",
                               f"{revision}^{{commit}}"], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _pull_request(event: Mapping[str, object], environ: Mapping[str, str], workspace: Path,
                  notes: list[str]) -> PullRequest:
    """The pull request of the event; a field the payload lacks comes from the runner's variables or git.

    `actions/checkout` checks out the merge commit GITHUB_SHA, whose parents are the base and the head.
    """
    def field(dotted: str, fallback: Callable[[], str], source: str) -> str:
        value = _lookup(event, dotted)
        if value is not None:
            return str(value)
        found = fallback()
        notes.append(f"the event payload has no {dotted}; " + (f"using {source}: {found}" if found
                                                               else f"{source} does not tell either"))
        return found

    merge = environ.get("GITHUB_SHA", "")
    ref = re.fullmatch(r"refs/pull/(\d+)/(merge|head)", environ.get("GITHUB_REF", ""))
    number = field("pull_request.number", lambda: str(_lookup(event, "number") or (ref.group(1) if ref else "")),
                   "the event's number or GITHUB_REF")
    if number and not re.fullmatch(r"[0-9]{1,18}", number):  # "²".isdigit(), but int("²") fails
        notes.append(f"pull_request.number is not a number: {number!r}; reviews and diff filtering are off")
        number = ""

    @functools.cache
    def parents() -> tuple[str, str]:
        """(base, head) when GITHUB_SHA is a merge commit, else empty."""
        head = _git_commit(workspace, f"{merge}^2") if OBJECT_NAME.fullmatch(merge) else ""
        return (_git_commit(workspace, f"{merge}^1"), head) if head else ("", "")

    def commit(dotted: str, fallback: Callable[[], str], source: str) -> str:
        value = field(dotted, fallback, source)
        if value and not OBJECT_NAME.fullmatch(value):
            notes.append(f"{dotted} is not a commit's object name: {value[:80]!r}; taken as unknown")
            return ""
        return value

    return PullRequest(
        number=int(number) if number else None,
        head_sha=commit("pull_request.head.sha", lambda: parents()[1] or merge,
                        "GITHUB_SHA's second parent, else GITHUB_SHA"),
        base_sha=commit("pull_request.base.sha", lambda: parents()[0], "GITHUB_SHA's first parent"),
        head_repo=str(_lookup(event, "pull_request.head.repo.full_name") or ""),  # empty: fork deleted
        base_repo=field("pull_request.base.repo.full_name", lambda: environ.get("GITHUB_REPOSITORY", ""),
                        "GITHUB_REPOSITORY"),
    )


def _optional_path(environ: Mapping[str, str], name: str) -> Path | None:
    value = environ.get(name, "")
    return Path(value) if value else None


def read_context(environ: Mapping[str, str]) -> RunContext:
    event_name = environ.get("GITHUB_EVENT_NAME", "")
    notes: list[str] = []
    event = _load_event(environ.get("GITHUB_EVENT_PATH", ""), notes)
    workspace = Path(environ.get("GITHUB_WORKSPACE") or ".").absolute()
    pull = _pull_request(event, environ, workspace, notes) if event_name in PULL_REQUEST_EVENTS else None
    head_sha = pull.head_sha if pull else environ.get("GITHUB_SHA", "")
    if head_sha and not OBJECT_NAME.fullmatch(head_sha):
        notes.append(f"GITHUB_SHA is not a commit's object name: {head_sha[:80]!r}; taken as unknown")
        head_sha = ""
    run = ":".join(environ.get(name, "") for name in ("GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_JOB",
                                                       "GITHUB_ACTION"))
    return RunContext(
        event_name=event_name,
        repository=environ.get("GITHUB_REPOSITORY", ""),
        head_sha=head_sha,
        api_url=environ.get("GITHUB_API_URL", "").rstrip("/"),
        server_url=environ.get("GITHUB_SERVER_URL", "").rstrip("/"),
        workspace=workspace,
        step_summary=_optional_path(environ, "GITHUB_STEP_SUMMARY"),
        output_file=_optional_path(environ, "GITHUB_OUTPUT"),
        external_id=f"containersec:{head_sha}:{run}",
        pull=pull,
        fallbacks=tuple(notes),
    )
