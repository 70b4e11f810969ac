"""Command line: one subcommand per job. Exit codes: 0 clean, 1 findings at the threshold, 2 bad input."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from containersec import __version__
from containersec.report import FORMATS

SEVERITIES = ("error", "warning", "info", "style")
LEVELS = (*SEVERITIES, "none")
PIN_RULE = "CSD004"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="containersec", description="Container security checks before shipping.")
    parser.add_argument("--version", action="version", version=f"containersec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    lint = commands.add_parser("lint", help="lint Dockerfiles (build stage)")
    _add_lint_options(lint)
    lint.add_argument("--format", "-f", choices=FORMATS, default="text",
                      help="text (default), compact (path:line:col: severity RULE message), json, sarif, ...")
    lint.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    lint.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    lint.add_argument("--fix", action="store_true", help="apply safe automatic fixes in place")
    lint.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")
    lint.add_argument("--shellcheck", choices=("auto", "on", "off"), default="auto",
                      help="ShellCheck over RUN scripts: auto (default: when installed, which it is with "
                           "containersec), on (an error when it is missing) or off")
    lint.add_argument("--stdin-filename", metavar="NAME", default="-",
                      help="the name to report for the Dockerfile read from standard input (PATH -)")
    lint.set_defaults(run=_run_lint)

    pin = commands.add_parser("pin", help="check that FROM base images are pinned by digest")
    pin.add_argument("paths", nargs="*", metavar="PATH")
    pin.add_argument("--config", metavar="FILE")
    pin.add_argument("--check", action="store_true", help="exit 1 when a base image is not pinned by digest")
    pin.add_argument("--format", "-f", choices=FORMATS, default="text")
    pin.set_defaults(run=_run_pin)

    rules = commands.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("rule", nargs="?", metavar="RULE", help="an ID, slug or peer alias (e.g. DL3008)")
    rules.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text")
    rules.set_defaults(run=_run_rules)

    action = commands.add_parser("action", help="run as the GitHub Action (reads INPUT_* and GITHUB_*)")
    action.set_defaults(run=_run_action)
    return parser


def _add_lint_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--config", "-c", metavar="FILE", help="config file (.containersec.yaml or .hadolint.yaml)")
    parser.add_argument("--fail-on", choices=LEVELS, help="lowest severity that fails the run (default: warning)")
    parser.add_argument("--select", action="append", default=[], metavar="RULES",
                        help="run only these rules (IDs, slugs or peer aliases; comma-separated, repeatable)")
    parser.add_argument("--ignore", action="append", default=[], metavar="RULES",
                        help="skip these rules (comma-separated, repeatable)")
    for level in SEVERITIES:
        parser.add_argument(f"--{level}", action="append", default=[], metavar="RULES", dest=f"level_{level}",
                            help=f"report these rules at severity {level}, as hadolint's --{level} (repeatable)")
    parser.add_argument("--trusted-registry", action="append", default=[], metavar="REGISTRY",
                        help="a registry base images may come from (enables the untrusted-registry rule; "
                             "wildcards allowed; repeatable)")
    parser.add_argument("--require-label", action="append", default=[], metavar="LABEL:TYPE",
                        help="a label every image must have, TYPE one of text, url, semver, hash, rfc3339, spdx, "
                             "email (repeatable)")


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
    )


def _config_or_exit(args: argparse.Namespace, **overrides: object):
    from containersec.config import ConfigError

    try:
        return _load(args, **overrides)  # type: ignore[arg-type]
    except ConfigError as exc:
        print(f"containersec: config error: {exc}", file=sys.stderr)
        return None


def _run_lint(args: argparse.Namespace) -> int:
    from containersec.build.engine import STDIN, lint_paths
    from containersec.config import ConfigError

    config = _config_or_exit(args)
    if config is None:
        return 2
    problem = _output_problem(args.output)
    if problem:
        print(f"containersec: --output {args.output}: {problem}", file=sys.stderr)
        return 2
    if STDIN in args.paths and (args.fix or args.diff):
        print("containersec: --fix and --diff need files; standard input (-) cannot be rewritten", file=sys.stderr)
        return 2
    notes: list[str] = []
    try:
        report = lint_paths(args.paths, config, shellcheck=args.shellcheck, stdin_name=args.stdin_filename,
                            notes=notes)
    except ConfigError as exc:
        print(f"containersec: {exc}", file=sys.stderr)
        return 2
    _print_notes(notes)
    if args.fix or args.diff:
        from containersec.build.fix import apply_fixes

        report = apply_fixes(report, config, write=args.fix, diff_out=sys.stdout if args.diff else None,
                             shellcheck=args.shellcheck)
        if args.diff:
            return report.exit_code(config.fail_on)
    if not _emit(report, args.format, args.output, args.color):
        return 2
    return report.exit_code(config.fail_on)


def _print_notes(notes: list[str]) -> None:
    from containersec.report.text import safe

    for note in notes:
        print(f"containersec: {safe(note)}", file=sys.stderr)


def _output_problem(output: str | None) -> str | None:
    """Why the report cannot be written to `output`, checked before any work is done."""
    if not output:
        return None
    if os.path.isdir(output):
        return "is a directory; give a file name"
    parent = os.path.dirname(output) or "."
    if not os.path.isdir(parent):
        return f"no such directory: {parent}"
    return None


def _run_pin(args: argparse.Namespace) -> int:
    from containersec.build.engine import lint_paths

    # Any unpinned base image fails --check, whatever severity the config gives the rule.
    config = _config_or_exit(args, select=[PIN_RULE], fail_on="style" if args.check else "none")
    if config is None:
        return 2
    notes: list[str] = []
    report = lint_paths(args.paths, config, notes=notes)
    _print_notes(notes)
    _emit(report, args.format, None, "auto")
    return report.exit_code(config.fail_on)


def _emit(report, fmt: str, output: str | None, color: str) -> bool:
    """Write the report; False (after saying why on stderr) when the output file cannot be written."""
    from containersec.report import render
    from containersec.report.text import error_location, safe

    use_color = color == "always" or (
        color == "auto" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    text = render(report, fmt, color=use_color)
    if output:
        try:
            with open(output, "w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(text)
        except OSError as exc:
            print(f"containersec: --output {output}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            return False
    else:
        sys.stdout.write(text)
    if fmt not in ("text", "compact") or output:
        for error in report.errors:
            print(f"containersec: {safe(error_location(error))}: {safe(error.problem)}", file=sys.stderr)
    return True


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
