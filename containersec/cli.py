"""Command line: one subcommand per job. Exit codes: 0 clean, 1 findings at the threshold, 2 bad input."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from containersec import __version__
from containersec.report import FORMATS

if TYPE_CHECKING:
    from containersec.config import Config
    from containersec.findings import Report

SEVERITIES = ("error", "warning", "info", "style")
LEVELS = (*SEVERITIES, "none")
PIN_RULE = "CSD004"
MANIFEST_PIN_RULE = "CSK041"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_command(arguments))
    args, unknown = parser.parse_known_args(arguments)
    if unknown:
        # argparse leaves a subcommand's unknown options to the top-level parser, whose usage is no help.
        _chosen_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug must never look like a verdict (exit 1) nor print a traceback
        from containersec.findings import unexpected_message

        inputs = " ".join(_inputs(args))
        print(f"containersec {args.command}: {unexpected_message(exc, f'checking {inputs}' if inputs else '')}",
              file=sys.stderr)
        return 2


def _inputs(args: argparse.Namespace) -> list[str]:
    """What the command was checking, for a message about a failure no input error explains."""
    for name in ("paths", "reports", "references"):
        if getattr(args, name, None):
            return list(getattr(args, name))
    repository = getattr(args, "repository", None)
    return [repository] if repository else []


def run() -> NoReturn:
    """The console entry point: `main`, then exit without tearing the interpreter down.

    Everything a command writes is closed or flushed by then; Python's own shutdown (freeing every module
    and object) would add 15-25 ms to a cold run, a seventh of linting one Dockerfile.
    """
    # A run is short and most of its objects live to its end: looking for garbage cycles every 700
    # allocations (Python's default) cost a cold run several milliseconds and freed almost nothing.
    gc.set_threshold(50_000, 10, 10)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, or a closed stream
            stream.flush()
    os._exit(code)


def _chosen_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the subcommand (at any depth: `registry prune`) the arguments chose: its usage helps."""
    while True:
        commands = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        chosen = getattr(args, commands.dest, None) if commands is not None else None
        if commands is None or chosen not in commands.choices:
            return parser
        parser = commands.choices[chosen]


def _command(arguments: list[str]) -> str | None:
    """The command named first on the command line, if it is one; after `-h` or `--version`, none."""
    first = arguments[0] if arguments else None
    return first if first in _COMMANDS else None


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; given `command`, only that command's parser is built (without one, all are).

    Building every command's parser and options costs about 10 ms at each start, before `lint` can start
    ShellCheck.
    """
    parser = argparse.ArgumentParser(prog="containersec", description="Container security checks before shipping.")
    parser.add_argument("--version", action="version", version=f"containersec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (text, add_options) in _COMMANDS.items():
        if command in (None, name):
            subcommand = commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
            add_options(subcommand)
    return parser


COLORS = ("auto", "always", "never")
CONFIG_HELP = ("config file: .containersec.yaml, pyproject.toml or a .hadolint.yaml (default: the first found "
               "from the working directory upwards)")


def add_shared_options(parser: argparse.ArgumentParser, *, formats: Sequence[str] = FORMATS,
                       config_help: str = CONFIG_HELP) -> None:
    """The options every checking subcommand takes, spelled and explained the same way.

    `-c/--config`, `-f/--format`, `-o/--output`, `--fail-on` and `--color`; `_run_stage` and `_emit` read
    them back from the parsed arguments. A new subcommand calls this from its options function.
    """
    parser.add_argument("--config", "-c", metavar="FILE", help=config_help)
    parser.add_argument("--format", "-f", choices=formats, default="text", metavar="FORMAT",
                        help=f"report format: {', '.join(formats)} (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--fail-on", choices=LEVELS,
                        help="lowest severity that fails the run (default: the config's, else warning)")
    parser.add_argument("--color", choices=COLORS, default="auto",
                        help="colour the text report: auto (on a terminal, unless NO_COLOR is set), always or never")


def add_rule_selection(parser: argparse.ArgumentParser) -> None:
    """`--select`, `--ignore` and hadolint's re-levelling flags, for subcommands whose rules come from the catalogue."""
    parser.add_argument("--select", action="append", default=[], metavar="RULES",
                        help="run only these rules (IDs, slugs or peer aliases; comma-separated, repeatable)")
    parser.add_argument("--ignore", action="append", default=[], metavar="RULES",
                        help="skip these rules (comma-separated, repeatable)")
    for level in SEVERITIES:
        parser.add_argument(f"--{level}", action="append", default=[], metavar="RULES", dest=f"level_{level}",
                            help=f"report these rules at severity {level}, as hadolint's --{level} (repeatable)")


def _add_image_policy_options(parser: argparse.ArgumentParser, images: str, label: str) -> None:
    parser.add_argument("--trusted-registry", action="append", default=[], metavar="REGISTRY",
                        help=f"a registry {images} may come from (enables the untrusted-registry rule; "
                             "wildcards allowed; repeatable)")
    parser.add_argument("--require-label", action="append", default=[], metavar="LABEL:TYPE",
                        help=f"{label}, TYPE one of text, url, semver, hash, rfc3339, spdx, email (repeatable)")


def _lint_options(lint: argparse.ArgumentParser) -> None:
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="Dockerfiles or directories to search (default: .); - reads standard input")
    add_shared_options(lint)
    add_rule_selection(lint)
    _add_image_policy_options(lint, "base images", "a label every image must have")
    lint.add_argument("--fix", action="store_true",
                      help="apply safe automatic fixes in place (with PATH -, print the fixed text on standard "
                           "output and the report on standard error)")
    lint.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")
    lint.add_argument("--shellcheck", choices=("auto", "on", "off"), default="auto",
                      help="ShellCheck over RUN scripts: auto (default: when installed, which it is with "
                           "containersec), on (an error when it is missing) or off")
    lint.add_argument("--show-suppressed", action="store_true",
                      help="also list the findings inline ignores suppress, marked as suppressed (they never fail)")
    lint.add_argument("--stdin-filename", metavar="NAME",
                      help="read the Dockerfile from standard input and report it as NAME (implies PATH -)")
    lint.set_defaults(run=_run_lint)


def _pin_options(pin: argparse.ArgumentParser) -> None:
    pin.add_argument("paths", nargs="*", metavar="PATH", help="Dockerfiles or directories to search (default: .)")
    add_shared_options(pin)
    pin_mode = pin.add_mutually_exclusive_group()
    pin_mode.add_argument("--check", action="store_true",
                          help="change nothing, no network: exit 1 when an image a Dockerfile pulls (FROM, "
                               "COPY --from, RUN --mount=from) is not pinned by digest")
    pin_mode.add_argument("--update", action="store_true",
                          help="also re-resolve pinned references and replace digests whose tag has moved")
    pin.set_defaults(run=_run_pin)


def _vulns_options(vulns: argparse.ArgumentParser) -> None:
    vulns.add_argument("reports", nargs="+", metavar="REPORT", help="Trivy JSON, Grype JSON or SARIF files")
    add_shared_options(vulns, config_help=CONFIG_HELP + "; its vulns: section sets the policy")
    vulns.add_argument("--dockerfile", metavar="PATH", help="the Dockerfile the image was built from")
    vulns.add_argument("--severity", metavar="LIST", type=_scanner_severities,
                       help="report only these scanner severities, comma-separated, as Trivy's --severity "
                            "(e.g. CRITICAL,HIGH)")
    vulns.add_argument("--ignore-unfixed", action="store_true",
                       help="suppress vulnerabilities without a fixed version, as Trivy's --ignore-unfixed "
                            "(the config's vulns.only-fixed)")
    vulns.add_argument("--show-suppressed", action="store_true",
                       help="also list suppressed vulnerabilities, marked as suppressed (they never fail)")
    vulns.set_defaults(run=_run_vulns)


def _policy_check_options(policy: argparse.ArgumentParser) -> None:
    add_shared_options(policy, config_help=CONFIG_HELP + "; its vulns: section holds the exceptions")
    policy.add_argument("--days", type=int, default=14, help="fail on exceptions expiring within DAYS (default 14)")
    policy.set_defaults(run=_run_policy_check)


def _image_options(image: argparse.ArgumentParser) -> None:
    image.add_argument("paths", nargs="*", metavar="IMAGE",
                       help="docker-archive tarballs (docker save, skopeo), OCI layouts or OCI archives; "
                            "ARCHIVE:NAME:TAG or LAYOUT@DIGEST picks one image of several")
    add_shared_options(image, config_help=CONFIG_HELP + "; its image: section sets the checks' options")
    add_rule_selection(image)
    image.add_argument("--dockerfile", metavar="PATH", help="place findings on the Dockerfile lines that made them")
    image.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", type=_platform,
                       help="the platform to check in an index of several (e.g. linux/arm64); an image of "
                            "another platform is an error")
    image.add_argument("--show-suppressed", action="store_true",
                       help="also list the findings image.exceptions suppress, marked as suppressed (they never fail)")
    image.add_argument("--list", action="store_true",
                       help="list the images inside each archive or layout (names, tags, digests, platforms) "
                            "and check nothing")
    image.set_defaults(run=_run_image)


def _registry_options(registry: argparse.ArgumentParser) -> None:
    registry_commands = registry.add_subparsers(dest="registry_command", metavar="COMMAND", required=True)
    audit = registry_commands.add_parser("audit", help="check tags, age, signatures, SBOMs and labels",
                                         description="Check tags, age, signatures, SBOMs and labels.")
    audit.add_argument("references", nargs="+", metavar="REF",
                       help="host/name (every tag), host/name:tag, host/name@digest or host/ (every repository)")
    add_shared_options(audit, config_help=CONFIG_HELP + "; its registry: section sets the checks' options")
    add_rule_selection(audit)
    audit.add_argument("--state", metavar="FILE", help="remember tag digests here to report tags that moved")
    audit.add_argument("--shard", metavar="K/N",
                       help="audit only shard K of N: each repository always falls on the same shard (by a hash of "
                       "its name), so N jobs of a matrix share a catalogue; join them with `report merge`")
    audit.set_defaults(run=_run_audit)
    prune = registry_commands.add_parser("prune", help="plan which digests may be deleted (dry run unless --apply)",
                                         description="Plan which digests may be deleted (dry run unless --apply).")
    prune.add_argument("repository", metavar="REPO", help="host/name")
    add_shared_options(prune, config_help=CONFIG_HELP + "; its registry: section sets the retention policy")
    prune.add_argument("--keep-last", type=int, default=None, metavar="N", help="keep the N newest tagged digests")
    prune.add_argument("--keep-days", type=int, default=None, metavar="D", help="keep digests built in the last D days")
    prune.add_argument("--keep-tags", default=None, metavar="REGEX",
                       help="keep digests with a tag REGEX matches as a whole ('v1\\..*' keeps v1.2, 'v1\\.' keeps "
                       "nothing); a pattern that matches no tag is reported")
    prune.add_argument("--apply", action="store_true",
                       help="delete what the plan lists, checking the registry after each delete; refused when the "
                       "plan deletes every tagged digest or more than --max-delete")
    prune.add_argument("--max-delete", type=int, default=None, metavar="N",
                       help="with --apply, refuse a plan that deletes more than N digests")
    prune.add_argument("--allow-empty", action="store_true",
                       help="with --apply, allow a plan that deletes every tagged digest of the repository")
    prune.add_argument("--delete-vulnerable", metavar="SEVERITY",
                       help="also delete a digest whose scan has a fixable vulnerability at SEVERITY or above (a "
                       "scanner severity, any case) that a later kept tag no longer has; never one --keep-tags or "
                       "--in-use keeps, never an unscanned one")
    prune.add_argument("--in-use", metavar="FILE",
                       help="digests or image references deployed, one a line (containersec k8s --list-images): "
                       "always kept")
    for command in (audit, prune):
        command.add_argument("--scan-reports", metavar="DIR",
                             help="Trivy, Grype or SARIF reports a pipeline wrote, matched to images by the digest "
                             "they name")
        command.add_argument("--scanner", choices=("trivy", "grype"),
                             help="scan each distinct digest with this scanner (cached by digest and database "
                             "version)")
    prune.set_defaults(run=_run_prune)


def _k8s_options(k8s: argparse.ArgumentParser) -> None:
    k8s.add_argument("paths", nargs="*", metavar="PATH",
                     help="manifest files (YAML or JSON) or directories to search (default: .); - reads standard input")
    add_shared_options(k8s)
    add_rule_selection(k8s)
    _add_image_policy_options(k8s, "deployed images", "with --registry: a label every deployed image must have")
    k8s.add_argument("--kustomize", action="store_true",
                     help="render directories holding a kustomization.yaml with `kubectl kustomize` first")
    k8s.add_argument("--profile", choices=("all", "baseline", "restricted"),
                     help="all rules (default), or only the Pod Security Standards baseline or restricted controls")
    k8s.add_argument("--list-images", action="store_true",
                     help="print every image the manifests deploy, one per line (for registry prune --in-use)")
    k8s.add_argument("--stdin-filename", metavar="NAME",
                     help="read manifests from standard input and report them as NAME (implies PATH -)")
    k8s.add_argument("--registry", action="store_true",
                     help="also audit the deployed images in their registries (release-stage rules), reported on "
                          "the manifest lines that deploy them")
    k8s.add_argument("--registry-host", action="append", default=[], metavar="HOST",
                     help="audit only the deployed images of this registry (implies --registry; repeatable)")
    k8s.set_defaults(run=_run_k8s)


def _rules_options(rules: argparse.ArgumentParser) -> None:
    rules.add_argument("rule", nargs="?", metavar="RULE", help="an ID, slug or peer alias (e.g. DL3008)")
    rules.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text",
                       help="text (default), markdown (as docs/rules.md) or json")
    rules.set_defaults(run=_run_rules)


def _report_options(report: argparse.ArgumentParser) -> None:
    report_commands = report.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    merge = report_commands.add_parser("merge", help="join JSON reports (the shards of a registry audit) into one",
                                       description="Join JSON reports (the shards of a registry audit) into one.")
    merge.add_argument("reports", nargs="+", metavar="FILE", help="reports written with --format json")
    add_shared_options(merge)
    merge.add_argument("--github-issues", action="store_true",
                       help="keep one GitHub issue per audited repository holding its patch plan (GITHUB_TOKEN, "
                       "GITHUB_REPOSITORY and GITHUB_API_URL name where)")
    merge.set_defaults(run=_run_merge)


def _action_options(action: argparse.ArgumentParser) -> None:
    action.set_defaults(run=_run_action)


_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "lint": ("lint Dockerfiles (build stage)", _lint_options),
    "pin": ("pin the images Dockerfiles pull to their digests (or --check)", _pin_options),
    "vulns": ("vulnerability policy over Trivy/Grype/SARIF reports (test stage)", _vulns_options),
    "policy-check": ("fail on vulnerability exceptions that expired or expire soon", _policy_check_options),
    "image": ("check built images: docker-archive tarballs, OCI layouts (test stage)", _image_options),
    "registry": ("audit an OCI registry, plan retention (release stage)", _registry_options),
    "k8s": ("check Kubernetes manifests (infrastructure stage)", _k8s_options),
    "rules": ("list the rules, or explain one", _rules_options),
    "report": ("work on JSON reports: merge the shards of an audit", _report_options),
    "action": ("run as the GitHub Action (reads INPUT_* and GITHUB_*)", _action_options),
}
# Subcommands that check something and so take every option of `add_shared_options`; `rules` prints the
# catalogue and `action` takes its settings from the workflow's inputs.
CHECKING_COMMANDS = ("lint", "pin", "vulns", "policy-check", "image", "registry audit", "registry prune", "k8s",
                     "report merge")


def _platform(text: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not OS/ARCH[/VARIANT] (e.g. linux/amd64, linux/arm64/v8)")
    return text


def _scanner_severities(text: str) -> list[str]:
    from containersec.vulnerabilities.records import SEVERITY_RANK

    names = [name.strip().upper() for name in text.split(",") if name.strip()]
    if not names or any(name not in SEVERITY_RANK for name in names):
        raise argparse.ArgumentTypeError(f"expected scanner severities from {', '.join(SEVERITY_RANK)}, "
                                         "comma-separated")
    return names


def _names(values: list[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _load(args: argparse.Namespace, *, select: list[str] | None = None, fail_on: str | None = None):
    from containersec.config import load_config, with_overrides

    config = load_config(args.config, Path.cwd())
    return with_overrides(
        config,
        select=select if select is not None else _names(getattr(args, "select", [])) or None,
        ignore=_names(getattr(args, "ignore", [])) or None,
        fail_on=fail_on or getattr(args, "fail_on", None),
        levels={level: getattr(args, f"level_{level}", []) for level in SEVERITIES},
        trusted_registries=getattr(args, "trusted_registry", []),
        required_labels=getattr(args, "require_label", []),
        show_suppressed=getattr(args, "show_suppressed", False),
    )


def _config_or_exit(args: argparse.Namespace, **overrides: object):
    from containersec.config import ConfigError

    try:
        return _load(args, **overrides)  # type: ignore[arg-type]
    except ConfigError as exc:
        print(f"containersec: config error: {exc}", file=sys.stderr)
        return None


def _run_lint(args: argparse.Namespace) -> int:
    from containersec.build.engine import lint_paths
    from containersec.config import ConfigError
    from containersec.dockerfile.files import STDIN

    config = _config_or_exit(args)
    if config is None:
        return 2
    if not _output_usable(args.output):
        return 2
    stdin_name = _stdin_name(args)
    if STDIN in args.paths and (args.fix or args.diff) and len(args.paths) > 1:
        print("containersec: --fix and --diff read standard input (-) alone; name no other PATH", file=sys.stderr)
        return 2
    notes: list[str] = []
    try:
        report = lint_paths(args.paths, config, shellcheck=args.shellcheck, stdin_name=stdin_name, notes=notes)
    except ConfigError as exc:
        print(f"containersec: {exc}", file=sys.stderr)
        return 2
    _print_notes(notes)
    if args.fix or args.diff:
        from containersec.build.fix import apply_fixes

        reading_stdin = STDIN in args.paths
        before = report
        report = apply_fixes(report, config, write=args.fix and not reading_stdin,
                             diff_out=sys.stdout if args.diff else None, shellcheck=args.shellcheck)
        if args.diff:
            return report.exit_code(config.fail_on)
        print(f"containersec: {_fix_summary(before, report)}", file=sys.stderr)
        if reading_stdin:
            # For editors: the fixed text on standard output, the report of what is left on standard error.
            sys.stdout.write(report.sources.get(stdin_name, ""))
            return _emit(report, args, config, stream=sys.stderr)
    return _emit(report, args, config)


def _stdin_name(args: argparse.Namespace) -> str:
    """The name standard input is reported as; as ruff's --stdin-filename, giving one implies reading it (`-`)."""
    if args.stdin_filename is None:
        return "-"
    if "-" not in args.paths:
        args.paths.append("-")
    return args.stdin_filename


def _fix_summary(before: Report, after: Report) -> str:
    """`fixed 6 findings in 1 file, 15 remain`, as ruff says it."""
    from collections import Counter

    def kinds(report: Report) -> Counter[tuple[str, str, str]]:
        return Counter((f.path, f.rule, f.message) for f in report.findings)

    gone = kinds(before) - kinds(after)
    fixed = sum(gone.values())
    files = len({path for path, _, _ in gone})
    return (f"fixed {fixed} finding{'' if fixed == 1 else 's'} in {files} file{'' if files == 1 else 's'}, "
            f"{len(after.findings)} remain{'s' if len(after.findings) == 1 else ''}")


def _print_notes(notes: list[str]) -> None:
    from containersec.report.text import safe

    for note in notes:
        print(f"containersec: {safe(note)}", file=sys.stderr)


def _output_usable(output: str | None) -> bool:
    """Whether the report can be written to `output`, checked before any work is done; if not, says why."""
    if not output:
        return True
    problem = None
    if os.path.isdir(output):
        problem = "is a directory; give a file name"
    elif not os.path.isdir(os.path.dirname(output) or "."):
        problem = f"no such directory: {os.path.dirname(output)}"
    if problem:
        print(f"containersec: --output {output}: {problem}", file=sys.stderr)
    return problem is None


MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _run_pin(args: argparse.Namespace) -> int:
    # Kubernetes manifests are named as files; everything else is a Dockerfile or a folder of them.
    manifests = [path for path in args.paths if path.endswith(MANIFEST_SUFFIXES) and os.path.isfile(path)]
    dockerfiles = [path for path in args.paths if path not in manifests]
    if not args.check:
        from containersec.infra.images import image_spans
        from containersec.release.pin import pin_paths

        return _run_stage(args, lambda config: pin_paths(dockerfiles, config, update=args.update, others=manifests,
                                                         spans_of=image_spans))
    from containersec.build.engine import lint_paths
    from containersec.findings import Report as Reports

    # Any unpinned image fails --check, whatever severity the config gives the rule, unless --fail-on says.
    config = _config_or_exit(args, select=[PIN_RULE, MANIFEST_PIN_RULE], fail_on=args.fail_on or "style")
    if config is None or not _output_usable(args.output):
        return 2
    notes: list[str] = []
    reports = [lint_paths(dockerfiles, config, notes=notes)] if dockerfiles or not manifests else []
    if manifests:
        from containersec.infra import check_manifests

        reports.append(check_manifests(manifests, config))
    _print_notes(notes)
    report = Reports.merged(reports)
    report.sort()
    return _emit(report, args, config)


def _run_stage(args: argparse.Namespace, check: Callable[[Config], Report]) -> int:
    """Run one stage's check and report it: config errors (its own section's included) exit 2, never a traceback."""
    from containersec.config import ConfigError

    config = _config_or_exit(args)
    if config is None or not _output_usable(args.output):
        return 2
    try:
        report = check(config)
    except ConfigError as exc:
        print(f"containersec: config error: {exc}", file=sys.stderr)
        return 2
    config.settle(report.findings)
    return _emit(report, args, config)


def _run_vulns(args: argparse.Namespace) -> int:
    from containersec.test.vulns import check_reports

    def check(config: Config) -> Report:
        # The flags are Trivy's spellings of two keys of the config's vulns: section, and win over the file.
        flags = {"severities": args.severity, "only-fixed": args.ignore_unfixed or None}
        config.sections["vulns"] = {**config.section("vulns"), **{k: v for k, v in flags.items() if v}}
        return check_reports(args.reports, config, dockerfile=args.dockerfile, show_suppressed=args.show_suppressed)

    return _run_stage(args, check)


def _run_policy_check(args: argparse.Namespace) -> int:
    from containersec.test.vulns import check_exceptions

    return _run_stage(args, lambda config: check_exceptions(config, args.days))


def _run_audit(args: argparse.Namespace) -> int:
    from containersec.release.registry.audit import audit_references
    from containersec.test.image import config_findings

    return _run_stage(args, lambda config: audit_references(args.references, config, config_checks=config_findings,
                                                            state=args.state, scan_reports=args.scan_reports,
                                                            scanner=args.scanner, shard=args.shard))


def _run_prune(args: argparse.Namespace) -> int:
    from containersec.release.registry.prune import prune_repository

    return _run_stage(args, lambda config: prune_repository(
        args.repository, config, keep_last=args.keep_last, keep_days=args.keep_days, keep_tags=args.keep_tags,
        apply=args.apply, max_delete=args.max_delete, allow_empty=args.allow_empty,
        delete_vulnerable=args.delete_vulnerable, in_use=args.in_use, scan_reports=args.scan_reports,
        scanner=args.scanner))


def _run_merge(args: argparse.Namespace) -> int:
    from containersec.report.load import load_reports

    def merged(config: Config) -> Report:
        report = load_reports(args.reports)
        if "patch_plan" in report.extra:
            from containersec.release.registry.patch_plan import plan_summary, publish_issues, repository_tables

            report.summaries += [*repository_tables(report.extra.get("inventory", [])),  # type: ignore[arg-type]
                                 plan_summary(report.extra["patch_plan"], report.extra.get("scanning", []))]  # type: ignore[arg-type]
            if args.github_issues:
                done, problem = _with_github(lambda repo: publish_issues(
                    repo, report.extra["patch_plan"], report.extra.get("registry", [])))  # type: ignore[arg-type]
                _print_notes(done)
                if problem:
                    from containersec.findings import InputError, Stage

                    report.errors.append(InputError("--github-issues", problem, Stage.RELEASE))
        return report

    return _run_stage(args, merged)


def _with_github(publish: Callable[[object], list[str]]) -> tuple[list[str], str | None]:
    """Run `publish` with the repository GITHUB_REPOSITORY names, through the Action's client; (what it did,
    why it could not)."""
    from containersec.github.client import connect, describe

    token, name = os.environ.get("GITHUB_TOKEN", ""), os.environ.get("GITHUB_REPOSITORY", "")
    if not token or not name:
        return [], "needs GITHUB_TOKEN and GITHUB_REPOSITORY; no issue was touched"
    try:
        return publish(connect(os.environ.get("GITHUB_API_URL", "https://api.github.com"), token,
                               os.environ).get_repo(name)), None
    except Exception as exc:  # any failure of GitHub's: the report is still written, the error says why
        return [], f"the patch-plan issues were not all updated: {describe(exc)}"


def _emit(report: Report, args: argparse.Namespace, config: Config, stream: TextIO | None = None) -> int:
    """Write the report as the shared options ask; the exit code (2 when the output file cannot be written)."""
    from containersec.report import render
    from containersec.report.text import error_location, safe

    fmt, output = args.format, args.output
    stream = stream or sys.stdout
    use_color = args.color == "always" or (
        args.color == "auto" and output is None and stream.isatty() and "NO_COLOR" not in os.environ)
    report.threshold = report.threshold or config.threshold_text()  # a stage's own policy may say it better
    text = render(report, fmt, color=use_color)
    if output:
        try:
            with open(output, "w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(text)
        except OSError as exc:
            print(f"containersec: --output {output}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        stream.write(text)
    if fmt not in ("text", "compact") or output:
        for error in report.errors:
            print(f"containersec: {safe(error_location(error))}: {safe(error.problem)}", file=sys.stderr)
    if fmt not in ("text", "json", "sarif"):
        _print_notes(report.notices)  # formats with no place for them
    return report.exit_code(config.fail_on)


def _run_image(args: argparse.Namespace) -> int:
    from containersec.test.image import check_images, list_contents

    if not args.paths:
        print("containersec: image: name at least one image (tarball, OCI layout or OCI archive)", file=sys.stderr)
        return 2
    if args.list:
        return _run_stage(args, lambda config: list_contents(args.paths))
    return _run_stage(args, lambda config: check_images(args.paths, config, dockerfile=args.dockerfile,
                                                        platform=args.platform))


def _run_k8s(args: argparse.Namespace) -> int:
    if args.require_label and not (args.registry or args.registry_host):
        print("containersec: k8s: --require-label judges the labels of the deployed images in their registry: "
              "add --registry", file=sys.stderr)
        return 2
    if args.list_images:
        return _list_images(args)
    from containersec.infra import check_manifests

    def check(config: Config) -> Report:
        report = check_manifests(args.paths, config, kustomize=args.kustomize, stdin_name=_stdin_name(args),
                                 profile=args.profile)
        if not (args.registry or args.registry_host):
            return report
        from containersec.action import audit_deployed_images

        return audit_deployed_images(report, config, hosts=args.registry_host or None)

    return _run_stage(args, check)


def _list_images(args: argparse.Namespace) -> int:
    """One image reference per line, each once, in the order the manifests deploy them; unreadable inputs on
    stderr and exit 2 (a partial list must not let retention delete a deployed image unnoticed)."""
    from containersec.config import ConfigError
    from containersec.infra import deployed_images
    from containersec.report.text import error_location, safe

    config = _config_or_exit(args)
    if config is None:
        return 2
    try:
        images, errors = deployed_images(args.paths, config, kustomize=args.kustomize,
                                         stdin_name=_stdin_name(args))
    except ConfigError as exc:
        print(f"containersec: config error: {exc}", file=sys.stderr)
        return 2
    for reference in dict.fromkeys(image.reference for image in images):
        print(safe(reference))
    for error in errors:
        print(f"containersec: {safe(error_location(error))}: {safe(error.problem)}", file=sys.stderr)
    return 2 if errors else 0


def _run_rules(args: argparse.Namespace) -> int:
    from containersec.catalogue import all_rules, resolve
    from containersec.report.rules_doc import render_rules

    if args.rule:
        found = resolve(args.rule)
        if not found:
            print(f"containersec: unknown rule {args.rule!r} (see `containersec rules`)", file=sys.stderr)
            return 2
        sys.stdout.write(render_rules(found, args.format, detailed=True))
        return 0
    sys.stdout.write(render_rules(all_rules(), args.format, detailed=args.format == "markdown"))
    return 0


def _run_action(args: argparse.Namespace) -> int:
    from containersec.action import main as action_main

    return action_main()
