"""`containersec action`: check every stage the inputs name, like the CLI does, then report to GitHub.

Always written: the SARIF file (every finding), the job summary and the step outputs. Then the chosen
reporter publishes the findings in scope (filter-mode); when GitHub refuses (fork pull requests, read-only
tokens) or keeps failing, they go to the log as workflow commands. The exit code is the gate:
1 when a finding in scope reaches fail-on, 2 for configuration or input errors, else 0.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from containersec.findings import Finding, InputError, Report, Severity, unexpected_message
from containersec.github.client import describe, is_denied, log
from containersec.github.context import ActionError, Inputs, RunContext, read_context, read_inputs
from containersec.github.diff import Changes, normalise, scope
from containersec.github.log_annotations import emit_annotations
from containersec.github.outputs import append_summary, write_outputs
from containersec.github.summary import (
    CHECK_SUMMARY_LIMIT,
    STEP_SUMMARY_LIMIT,
    SummaryFacts,
    blob_link,
    render_error_summary,
    render_summary,
)
from containersec.report.workflow_commands import command

if TYPE_CHECKING:
    from containersec.config import Config

FORK_HINT = ("the pull request comes from a fork, whose token is read-only; publish with the two-workflow "
             "pattern (README: GitHub Action)")


@dataclass(frozen=True)
class Outcome:
    report: Report  # everything the lint found
    in_scope: list[Finding]
    changes: Changes | None
    fail_on: Severity | None
    exit_code: int

    @property
    def conclusion(self) -> str:
        return "failure" if self.exit_code else "success"


def expand_paths(patterns: Sequence[str]) -> list[str]:
    paths = []
    for pattern in patterns:
        if os.path.lexists(pattern) or not any(char in pattern for char in "*?["):
            paths.append(pattern)
            continue
        matches = sorted(glob.glob(pattern, recursive=True, include_hidden=True))
        if not matches:
            log(f"paths: {pattern} matches nothing")
        paths.extend(matches)
    return paths


def repository_path(path: str, workspace: Path) -> str:
    """A finding's path as GitHub names files: relative to the workspace, `/`-separated, no `./`.

    A name whose bytes are not UTF-8 shows them as `\\xe9` escapes: the summary, outputs, SARIF and the
    API all need valid Unicode, and the escape still tells the user which file it is.
    """
    if os.path.isabs(path):
        with contextlib.suppress(ValueError):
            path = str(Path(path).relative_to(workspace))
    return normalise(os.fsencode(path).decode("utf-8", "backslashreplace"))


def with_repository_paths(report: Report, workspace: Path) -> Report:
    def fix(path: str) -> str:
        return repository_path(path, workspace)

    return dataclasses.replace(
        report,
        findings=[dataclasses.replace(finding, path=fix(finding.path)) for finding in report.findings],
        errors=[dataclasses.replace(error, path=fix(error.path)) for error in report.errors],
        sources={fix(path): text for path, text in report.sources.items()},
    )


def _print(line: str) -> None:
    print(line, flush=True)


def check(inputs: Inputs, workspace: Path) -> tuple[Report, Severity | None]:
    """Every stage the inputs ask for, in one report; `fail-on` applies to all of them together."""
    from containersec.build.engine import lint_paths
    from containersec.config import load_config, with_overrides

    config = load_config(inputs.config, workspace)
    if inputs.fail_on is not None:
        config = with_overrides(config, fail_on=inputs.fail_on)
    reports = []
    paths = expand_paths(inputs.paths)
    if paths:
        reports.append(lint_paths(paths, config, shellcheck=inputs.shellcheck))
    scan_reports = expand_paths(inputs.scan_reports)
    if scan_reports:
        from containersec.test.vulns import check_reports

        reports.append(check_reports(scan_reports, config, dockerfile=inputs.dockerfile_for_reports))
    images = expand_paths(inputs.images)
    if images:
        from containersec.test.image import check_images

        reports.append(check_images(images, config))
    environ = dict(os.environ)
    if inputs.registry_refs:
        from containersec.release.registry.audit import audit_references
        from containersec.release.registry.credentials import ENV_PASSWORD, ENV_USERNAME
        from containersec.test.image import config_findings

        if inputs.registry_username and inputs.registry_password:
            environ |= {ENV_USERNAME: inputs.registry_username, ENV_PASSWORD: inputs.registry_password}
        reports.append(audit_references(inputs.registry_refs, config, config_checks=config_findings,
                                          environ=environ, scanner=inputs.registry_scanner,
                                          scan_reports=inputs.registry_scan_reports))
        if inputs.registry_prune:
            from containersec.release.registry.prune import prune_repository

            # The config's registry.retention rules, the same policy `registry prune` runs from the CLI.
            reports += [prune_repository(reference, config, apply=inputs.registry_prune == "apply", environ=environ)
                        for reference in inputs.registry_refs if not reference.endswith("/")]
    manifests = expand_paths(inputs.manifests)
    if manifests:
        reports.append(_check_manifests(manifests, inputs, config, environ))
    report = Report.merged(reports) if reports else Report()
    config.settle(report.findings)  # under a .hadolint.yaml, as on the command line
    return with_repository_paths(report, workspace), config.fail_on


def _check_manifests(manifests: list[str], inputs: Inputs, config: Config, environ: dict[str, str]) -> Report:
    """The infrastructure stage; with registry-refs, the deployed images on those registries audited too."""
    from containersec.images import parse_image
    from containersec.infra import check_manifests

    report = check_manifests(manifests, config)
    if not inputs.registry_refs:
        return report
    hosts = sorted({parse_image(reference.rstrip("/") + "/x").registry for reference in inputs.registry_refs})
    return audit_deployed_images(report, config, hosts=hosts, environ=environ)


def audit_deployed_images(report: Report, config: Config, *, hosts: Sequence[str] | None = None,
                          environ: dict[str, str] | None = None) -> Report:
    """The infrastructure report joined by the release stage's audit of the images its manifests deploy (those
    on `hosts`, when given), each audit finding placed on the manifest lines that deploy the image.

    Composed here, in a front door (the CLI's `k8s --registry` uses it too), so that neither stage imports the
    other.
    """
    from containersec.images import parse_image
    from containersec.infra import on_manifest_lines
    from containersec.release.registry.audit import audit_references
    from containersec.test.image import config_findings

    images = report.extra.get("images", [])
    references = [str(reference) for reference in dict.fromkeys(image["reference"] for image in images)
                  if not any(mark in str(reference) for mark in ("{{", "$(", "${"))
                  and (hosts is None or parse_image(str(reference)).registry in hosts)]
    if not references:
        return report
    audit = audit_references(references, config, config_checks=config_findings, environ=environ)
    audit.findings = on_manifest_lines(audit.findings, images)  # type: ignore[arg-type]
    combined = Report.merged([report, audit])
    combined.sort()
    return combined


def find_changes(ctx: RunContext, inputs: Inputs, environ: Mapping[str, str]) -> Changes | None:
    """The pull request's changed lines, when the filter mode or the review comments need them."""
    if ctx.pull is None:
        if inputs.filter_mode != "nofilter":
            log(f"filter-mode {inputs.filter_mode} needs a pull request; {ctx.event_name or 'this run'} is not "
                "one, so every finding is in scope")
        return None
    if inputs.filter_mode == "nofilter" and inputs.reporter != "github-pr-review":
        return None
    if ctx.pull.number is None:
        log(f"the pull request's number is not known, so its changed lines are not either; filter-mode "
            f"{inputs.filter_mode} keeps every finding in scope")
        return None
    from containersec.github.changes import pull_request_changes

    repo = _repository(ctx, inputs, environ) if _can_call_api(ctx, inputs) else None
    return pull_request_changes(repo, ctx.pull.number, ctx.workspace, ctx.pull.base_sha, ctx.pull.head_sha)


def _can_call_api(ctx: RunContext, inputs: Inputs) -> bool:
    return bool(inputs.token and ctx.api_url and ctx.repository and ctx.head_sha)


def _repository(ctx: RunContext, inputs: Inputs, environ: Mapping[str, str]):  # type: ignore[no-untyped-def]
    from containersec.github.client import connect

    return connect(ctx.api_url, inputs.token, environ).get_repo(ctx.repository)


def publish(ctx: RunContext, inputs: Inputs, outcome: Outcome, check_summary: str,
            environ: Mapping[str, str]) -> str:
    """Report the findings in scope through the chosen reporter; returns the check run's URL, if any."""
    findings = outcome.in_scope
    if inputs.reporter == "workflow-commands":
        emit_annotations(findings, outcome.report.errors, inputs.sarif_file, _print)
        return ""
    if not _can_call_api(ctx, inputs):
        log(f"reporter {inputs.reporter} needs github-token, GITHUB_API_URL, GITHUB_REPOSITORY and a head "
            "commit; writing workflow commands instead")
        emit_annotations(findings, outcome.report.errors, inputs.sarif_file, _print)
        return ""
    repo = _repository(ctx, inputs, environ)
    # Check-run annotations need a file; registry findings are workflow-command annotations without one.
    unplaced = [finding for finding in findings if not finding.in_file]
    for_check: list[Finding] = [finding for finding in findings if finding.in_file]
    if inputs.reporter == "github-pr-review":
        for_check = [finding for finding in _publish_review(ctx, repo, outcome) if finding.in_file]
    from containersec.github.checks import publish_check_run

    try:
        url = publish_check_run(repo, ctx.head_sha, ctx.external_id, for_check, outcome.conclusion,
                                check_summary)
    except Exception as exc:
        _explain_failure("check run", exc, ctx)
        log(f"{len(for_check)} findings not published as check annotations; writing workflow commands")
        emit_annotations([*for_check, *unplaced], outcome.report.errors, inputs.sarif_file, _print)
        return ""
    emit_annotations(unplaced, outcome.report.errors, inputs.sarif_file, _print)
    return url


def publish_patch_plan(ctx: RunContext, inputs: Inputs, report: Report, environ: Mapping[str, str]) -> None:
    """One issue per audited repository holding its patch plan (patch-plan-issues: true)."""
    if not _can_call_api(ctx, inputs):
        log("patch-plan-issues needs github-token, GITHUB_API_URL and GITHUB_REPOSITORY; no issue was touched")
        return
    from containersec.release.registry.patch_plan import publish_issues

    try:
        for line in publish_issues(_repository(ctx, inputs, environ), report.extra["patch_plan"],  # type: ignore[arg-type]
                                   report.extra.get("registry", [])):  # type: ignore[arg-type]
            log(f"patch-plan issue of {line}")
    except Exception as exc:
        _explain_failure("patch-plan issues", exc, ctx)


def _publish_review(ctx: RunContext, repo, outcome: Outcome) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Post review comments; returns what is left for the check run."""
    if ctx.pull is None or ctx.pull.number is None:
        log(f"reporter github-pr-review needs a pull request and its number; {ctx.event_name or 'this run'} "
            "does not give them, so the findings go to the check run")
        return outcome.in_scope
    from containersec.github.review import publish_review
    from containersec.report import line_fingerprints

    fingerprints = {id(finding): f"{digest}:{count}" for finding, (digest, count)
                    in zip(outcome.report.findings, line_fingerprints(outcome.report), strict=True)}
    try:
        return publish_review(repo, ctx.pull.number, ctx.head_sha, outcome.in_scope, fingerprints,
                              outcome.changes)
    except Exception as exc:
        _explain_failure("review", exc, ctx)
        log("review comments not posted; their findings go to the check run")
        return outcome.in_scope


def _explain_failure(what: str, exc: Exception, ctx: RunContext) -> None:
    if is_denied(exc):
        hint = FORK_HINT if ctx.pull and ctx.pull.from_fork else (
            "give the job the permissions this reporter needs (README: GitHub Action)")
        log(f"GitHub refused the {what} ({describe(exc)}): {hint}")
    else:
        log(f"could not publish the {what}: {describe(exc)}")


def _outputs(outcome: Outcome, inputs: Inputs, check_run_url: str) -> dict[str, str]:
    return {
        "findings": str(len(outcome.in_scope)),
        "errors": str(sum(1 for f in outcome.in_scope if f.severity is Severity.ERROR)),
        "warnings": str(sum(1 for f in outcome.in_scope if f.severity is Severity.WARNING)),
        "conclusion": outcome.conclusion,
        "sarif-file": inputs.sarif_file,
        "check-run-url": check_run_url,
    }


def run(ctx: RunContext, inputs: Inputs, environ: Mapping[str, str]) -> int:
    from containersec.config import ConfigError
    from containersec.report import render

    try:
        report, fail_on = check(inputs, ctx.workspace)
    except ConfigError as exc:
        return fail(f"configuration error: {exc}", environ)
    except Exception as exc:  # a bug: still write the SARIF, summary and outputs, which then say so (exit 2)
        report, fail_on = Report(errors=[InputError.unexpected("containersec action", exc)]), None
    sarif = Path(inputs.sarif_file)
    try:
        sarif.parent.mkdir(parents=True, exist_ok=True)
        sarif.write_text(render(report, "sarif"), encoding="utf-8")
    except OSError as exc:
        return fail(f"sarif-file {inputs.sarif_file}: cannot write: {exc.strerror}", environ)
    for notice in report.notices:
        log(notice)
    try:
        changes = find_changes(ctx, inputs, environ)
    except Exception as exc:  # never "nothing changed": every finding stays in scope
        log(f"the pull request's changed lines: {unexpected_message(exc)}; findings are not filtered by the diff")
        changes = None
    in_scope = scope(report.findings, inputs.filter_mode, changes)
    exit_code = Report(stages=report.stages, findings=in_scope, errors=report.errors).exit_code(fail_on)
    outcome = Outcome(report, in_scope, changes, fail_on, exit_code)
    facts = SummaryFacts(outcome.conclusion, fail_on, inputs.filter_mode, report.stages, sorted(
        in_scope, key=lambda f: -f.severity), len(report.findings), report.errors, inputs.sarif_file,
        blob_link(ctx.server_url, ctx.repository, ctx.head_sha), report.summaries)
    try:
        check_run_url = publish(ctx, inputs, outcome, render_summary(facts, CHECK_SUMMARY_LIMIT), environ)
    except Exception as exc:  # the summary, outputs and exit code still follow
        log(f"publishing the findings: {unexpected_message(exc)}; writing workflow commands instead")
        emit_annotations(outcome.in_scope, outcome.report.errors, inputs.sarif_file, _print)
        check_run_url = ""
    if inputs.patch_plan_issues and "patch_plan" in report.extra:
        try:
            publish_patch_plan(ctx, inputs, report, environ)
        except Exception as exc:
            log(f"publishing the patch plan: {unexpected_message(exc)}")
    if ctx.step_summary:
        _write("GITHUB_STEP_SUMMARY", ctx.step_summary,
               lambda path: append_summary(path, render_summary(facts, STEP_SUMMARY_LIMIT)))
    if ctx.output_file:
        _write("GITHUB_OUTPUT", ctx.output_file,
               lambda path: write_outputs(path, _outputs(outcome, inputs, check_run_url)))
    log(f"{len(in_scope)} of {len(report.findings)} findings in scope (filter-mode {inputs.filter_mode}), "
        f"{len(report.errors)} input errors; conclusion {outcome.conclusion}; SARIF: {inputs.sarif_file}")
    return exit_code


def _write(variable: str, path: Path, write: Callable[[Path], None]) -> None:
    """Write one of the runner's files; a failure is reported and the other files are still written."""
    try:
        write(path)
    except OSError as exc:
        print(command("warning", f"containersec: {variable} {path}: cannot write: {exc.strerror or exc}",
                      {"title": "containersec could not write a runner file"}), file=sys.stderr, flush=True)


def fail(problem: str, environ: Mapping[str, str]) -> int:
    """A configuration or input error: an `::error` annotation, a job summary saying so, exit 2."""
    # The runner reads workflow commands on stderr too, where the other diagnostics go.
    print(command("error", f"containersec: {problem}", {"title": "containersec configuration error"}),
          file=sys.stderr, flush=True)
    summary = environ.get("GITHUB_STEP_SUMMARY", "")
    if summary:
        with contextlib.suppress(OSError):
            append_summary(Path(summary), render_error_summary(problem))
    output = environ.get("GITHUB_OUTPUT", "")
    if output:
        with contextlib.suppress(OSError):
            write_outputs(Path(output), {"conclusion": "failure"})
    return 2


def main(environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    try:
        ctx = read_context(environ)
        inputs = read_inputs(environ, on_pull_request=ctx.pull is not None)
    except ActionError as exc:
        return fail(str(exc), environ)
    for note in ctx.fallbacks:
        log(note)
    if inputs.registry_password:
        # Before anything could print it: the runner then hides the password in every later log line.
        from containersec.report.workflow_commands import command

        _print(command("add-mask", inputs.registry_password))
    if not ctx.workspace.is_dir():
        return fail(f"GITHUB_WORKSPACE {ctx.workspace} is not a directory", environ)
    with contextlib.chdir(ctx.workspace):
        try:
            return run(ctx, inputs, environ)
        except Exception as exc:  # every phase of run guards itself; this is the last line, never a traceback
            return fail(unexpected_message(exc), environ)
