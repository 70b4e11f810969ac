"""`lint --fix` / `lint --diff`: the fix engine with throwaway rules, then the real fixable rules on corpus files."""

from __future__ import annotations

import difflib
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from containersec import catalogue
from containersec.build.engine import lint_paths
from containersec.build.fix import apply_edits, apply_fixes, unified_diff
from containersec.catalogue import Hit, RuleOptions
from containersec.config import Config
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.parse import parse_dockerfile
from containersec.findings import Edit, Severity

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"

# --- the engine, with throwaway rules -------------------------------------------------------------

KEYWORD_RULE = "CSD990"  # lower-case instruction keyword -> upper case
YES_RULE = "CSD991"  # `apt-get install` without -y -> insert ` -y`
RECOMMENDS_RULE = "CSD992"  # `apt-get install` without --no-install-recommends -> insert it
REPORT_RULE = "CSD993"  # reports every FROM, with no fix
UNDECLARED_RULE = "CSD994"  # attaches edits but is not declared fixable
_INSTALL = re.compile(r"apt-get install")


def _keyword_case(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        word = dockerfile.text[instruction.start:instruction.start + len(instruction.keyword)]
        if word != instruction.keyword:
            yield Hit(f"write {word} in upper case", instruction.line,
                      edits=(Edit(instruction.start, instruction.start + len(word), instruction.keyword),))


def _every_from(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("FROM"):
        yield Hit("a FROM", instruction.line)


def _inserter(option: str):
    def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
        for instruction in dockerfile.runs():
            source = dockerfile.text[instruction.start:instruction.end]
            if option in source:
                continue
            for match in _INSTALL.finditer(source):
                at = instruction.start + match.end()
                yield Hit(f"add {option}", instruction.line, edits=(Edit(at, at, " " + option),))
    return check


@pytest.fixture
def throwaway_rules() -> Iterator[list[str]]:
    catalogue.all_rules()  # load the built-in rules first, so ours are additions
    added = [KEYWORD_RULE, YES_RULE, RECOMMENDS_RULE, REPORT_RULE, UNDECLARED_RULE]
    try:
        common = {"why": "test", "bad": "x", "good": "y", "fixable": True}
        catalogue.rule(id=KEYWORD_RULE, slug="test-keyword-case", severity=Severity.STYLE,
                      summary="keyword case", **common)(_keyword_case)
        catalogue.rule(id=YES_RULE, slug="test-apt-yes", severity=Severity.WARNING,
                      summary="apt -y", **common)(_inserter("-y"))
        catalogue.rule(id=RECOMMENDS_RULE, slug="test-apt-recommends", severity=Severity.WARNING,
                      summary="recommends", **common)(_inserter("--no-install-recommends"))
        catalogue.rule(id=REPORT_RULE, slug="test-every-from", severity=Severity.INFO, summary="FROM",
                      why="test", bad="x", good="y")(_every_from)
        catalogue.rule(id=UNDECLARED_RULE, slug="test-undeclared", severity=Severity.INFO, summary="case",
                      why="test", bad="x", good="y")(_keyword_case)
        yield added
    finally:
        for rule_id in added:
            catalogue._RULES.pop(rule_id, None)


def _config(*rules: str) -> Config:
    return Config(select=list(rules))


def _fix(path: Path, config: Config, *, write: bool = True, diff: io.StringIO | None = None):
    report = lint_paths([str(path)], config)
    return apply_fixes(report, config, write=write, diff_out=diff)


def test_fix_changes_only_the_edited_bytes(tmp_path: Path, throwaway_rules: list[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"from debian:12\n# a comment  \nrun echo hi \\\n    && true\nCMD [\"sh\"]\n")
    remaining = _fix(path, _config(KEYWORD_RULE))
    assert path.read_bytes() == b"FROM debian:12\n# a comment  \nRUN echo hi \\\n    && true\nCMD [\"sh\"]\n"
    assert remaining.findings == []


def test_edits_of_a_rule_not_declared_fixable_are_not_applied(tmp_path: Path, throwaway_rules: list[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("from debian:12\n")
    remaining = _fix(path, _config(UNDECLARED_RULE))
    assert path.read_text() == "from debian:12\n"
    assert [(f.rule, f.fixable) for f in remaining.findings] == [(UNDECLARED_RULE, False)]


def test_crlf_and_bom_are_kept(tmp_path: Path, throwaway_rules: list[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbffrom debian:12\r\nrun apt-get install curl\r\n")
    _fix(path, _config(KEYWORD_RULE, YES_RULE))
    assert path.read_bytes() == b"\xef\xbb\xbfFROM debian:12\r\nRUN apt-get install -y curl\r\n"


def test_a_replacement_with_a_newline_follows_the_file_line_ends() -> None:
    assert apply_edits("a\r\nb\r\n", [(Edit(1, 1, " \\\n  c"),)]) == "a \\\r\n  c\r\nb\r\n"
    assert apply_edits("a\nb\n", [(Edit(1, 1, " \\\n  c"),)]) == "a \\\n  c\nb\n"


def test_overlapping_fixes_converge_over_rounds(tmp_path: Path, throwaway_rules: list[str]) -> None:
    # Both rules insert at the same point; one waits for the next round, and both land.
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt-get install curl && apt-get install git\n")
    config = _config(YES_RULE, RECOMMENDS_RULE)
    remaining = _fix(path, config)
    fixed = path.read_text()
    assert remaining.findings == []
    assert fixed.count("-y") == 2 and fixed.count("--no-install-recommends") == 2
    assert fixed.startswith("FROM debian:12\nRUN apt-get install ")
    before = path.read_bytes()
    again = _fix(path, config)
    assert path.read_bytes() == before and again.findings == []


def test_overlapping_groups_keep_the_first_by_position() -> None:
    text = "abcdef"
    first, second = (Edit(1, 3, "X"),), (Edit(2, 4, "Y"),)
    assert apply_edits(text, [second, first]) == "aXdef"
    # A group is all or nothing: its second edit overlaps, so none of it applies this round.
    assert apply_edits(text, [first, (Edit(5, 6, "Z"), Edit(2, 3, "W"))]) == "aXdef"
    # Identical edits from two rules apply once.
    assert apply_edits(text, [first, first]) == "aXdef"


def test_edits_outside_the_text_are_ignored() -> None:
    assert apply_edits("abc", [(Edit(2, 9, "X"),), (Edit(0, 1, "Z"),)]) == "Zbc"
    assert apply_edits("abc", [(Edit(2, 1, "X"),)]) == "abc"


def test_diff_prints_a_patch_and_writes_nothing(tmp_path: Path, throwaway_rules: list[str]) -> None:
    path = tmp_path / "Dockerfile"
    original = b"FROM debian:12\nRUN apt-get install curl\nUSER nobody"
    path.write_bytes(original)
    out = io.StringIO()
    remaining = _fix(path, _config(YES_RULE), write=False, diff=out)
    assert path.read_bytes() == original
    shown = str(path).lstrip("/")
    assert out.getvalue().splitlines() == [
        f"--- a/{shown}", f"+++ b/{shown}", "@@ -1,3 +1,3 @@", " FROM debian:12",
        "-RUN apt-get install curl", "+RUN apt-get install -y curl", " USER nobody",
        "\\ No newline at end of file"]
    assert remaining.findings == []


def test_the_returned_report_keeps_other_findings_and_files(tmp_path: Path, throwaway_rules: list[str]) -> None:
    fixable, clean = tmp_path / "a.Dockerfile", tmp_path / "b.Dockerfile"
    fixable.write_text("FROM debian:12\nRUN apt-get install curl\n")
    clean.write_text("FROM debian:12\n")
    config = _config(YES_RULE, REPORT_RULE)
    report = lint_paths([str(fixable), str(clean)], config)
    before_mtime = clean.stat().st_mtime_ns
    remaining = apply_fixes(report, config, write=True, diff_out=None)
    assert sorted((Path(f.path).name, f.rule) for f in remaining.findings) == [
        ("a.Dockerfile", REPORT_RULE), ("b.Dockerfile", REPORT_RULE)]
    assert remaining.files == 2
    assert remaining.sources[str(fixable)] == fixable.read_text()
    assert clean.stat().st_mtime_ns == before_mtime


def test_ignored_findings_are_not_fixed(tmp_path: Path, throwaway_rules: list[str]) -> None:
    path = tmp_path / "Dockerfile"
    text = f"FROM debian:12\n# containersec: ignore={YES_RULE} -- interactive on purpose\nRUN apt-get install curl\n"
    path.write_text(text)
    _fix(path, _config(YES_RULE))
    assert path.read_text() == text


def test_unified_diff_of_crlf_text_keeps_the_line_ends() -> None:
    patch = unified_diff("Dockerfile", "a\r\nb\r\n", "a\r\nc\r\n")
    assert "-b\r\n+c\r\n" in patch
    assert patch.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")


# --- the real fixable rules, end to end through the CLI, on corpus files ----------------------------

def _replacing(old: str, new: str):
    """A real corpus file with one line changed, for fixes the corpus has no example of."""
    def derive(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return derive


# (corpus file, rule, text that the fixed lines must contain, change to the file first or None)
CORPUS_CASES = [
    ("jessfraz__dockerfiles/consul__Dockerfile", "CSD030", "LABEL org.opencontainers.image.authors=", None),
    ("jessfraz__dockerfiles/httpie__Dockerfile", "CSD013", "COPY httpie.json /etc/httpie/config.json",
     _replacing("\nRUN apk", "\nADD httpie.json /etc/httpie/config.json\nRUN apk")),
    ("jessfraz__dockerfiles/wee-slack__Dockerfile", "CSD028", 'CMD ["weechat"]',
     _replacing('CMD [ "weechat" ]', "CMD weechat")),
    ("jessfraz__dockerfiles/openbmc__Dockerfile", "CSD046", "--no-install-recommends", None),
    ("jessfraz__dockerfiles/zoom-us__Dockerfile", "CSD042", "-y", None),
    ("jessfraz__dockerfiles/skype__Dockerfile", "CSD047", "rm -rf /var/lib/apt/lists/*", None),
    ("jessfraz__dockerfiles/httpie__Dockerfile", "CSD048", "--no-cache",
     _replacing("RUN apk --no-cache add", "RUN apk add")),
    ("jessfraz__dockerfiles/httpie__Dockerfile", "CSD053", "--no-cache-dir", None),
]


def _lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", "lint", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def _findings(path: Path, *select: str) -> list[dict[str, object]]:
    args = [a for rule in select for a in ("--select", rule)]
    result = _lint("--format", "json", "--fail-on", "none", *args, str(path), cwd=path.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["findings"]


def _require_fixable(rule: str) -> None:
    assert any(r.fixable for r in catalogue.resolve(rule)), f"{rule} should be fixable"


def _instruction_spans(text: str, lines: set[int]) -> set[int]:
    """Every source line of the instructions that contain one of `lines`."""
    spans: set[int] = set()
    for instruction in parse_dockerfile(text, "Dockerfile").instructions:
        if any(instruction.line <= line <= instruction.end_line for line in lines):
            spans.update(range(instruction.line, instruction.end_line + 1))
    return spans


def _changed_lines(before: str, after: str) -> tuple[set[int], list[str]]:
    """1-based lines of `before` that changed, and the lines that replaced them."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    changed: set[int] = set()
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            changed.update(range(i1 + 1, max(i2, i1 + 1) + 1))
            added.extend(new[j1:j2])
    return changed, added


@pytest.mark.parametrize(("name", "rule", "marker", "derive"), CORPUS_CASES, ids=[c[1] for c in CORPUS_CASES])
def test_fix_on_a_corpus_file(tmp_path: Path, name: str, rule: str, marker: str, derive) -> None:
    _require_fixable(rule)
    path = tmp_path / Path(name).name
    text = (CORPUS / name).read_text(encoding="utf-8")
    path.write_text(derive(text) if derive else text, encoding="utf-8", newline="")
    before = path.read_bytes()
    found = [f for f in _findings(path, rule) if f["rule"] == rule]
    assert found and all(f["fixable"] for f in found), found

    diff = _lint("--diff", "--select", rule, str(path), cwd=tmp_path)
    assert path.read_bytes() == before, "--diff must not write"
    assert diff.stdout.startswith(f"--- a/{str(path).lstrip('/')}\n+++ b/{str(path).lstrip('/')}\n")

    fixed = _lint("--fix", "--select", rule, "--fail-on", "none", str(path), cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    after = path.read_bytes()
    assert diff.stdout == unified_diff(str(path), before.decode(), after.decode())

    changed, added = _changed_lines(before.decode(), after.decode())
    allowed = _instruction_spans(before.decode(), {int(f["line"]) for f in found})  # type: ignore[call-overload]
    assert changed and changed <= allowed, f"lines {sorted(changed - allowed)} changed outside the findings"
    assert any(marker in line for line in added), added
    assert [f for f in _findings(path, rule) if f["rule"] == rule] == []

    again = _lint("--fix", "--select", rule, "--fail-on", "none", str(path), cwd=tmp_path)
    assert again.returncode == 0 and path.read_bytes() == after, "a second --fix must change nothing"


def test_fix_keeps_crlf_and_bom_on_a_corpus_file(tmp_path: Path) -> None:
    _require_fixable("CSD046")
    source = (CORPUS / "jessfraz__dockerfiles/openbmc__Dockerfile").read_bytes()
    plain, windows = tmp_path / "plain" / "Dockerfile", tmp_path / "windows" / "Dockerfile"
    plain.parent.mkdir()
    windows.parent.mkdir()
    plain.write_bytes(source)
    windows.write_bytes(b"\xef\xbb\xbf" + source.replace(b"\n", b"\r\n"))
    for path in (plain, windows):
        result = _lint("--fix", "--select", "CSD046", "--fail-on", "none", str(path), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert plain.read_bytes() != source
    assert windows.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes().replace(b"\n", b"\r\n")


def test_fix_whole_corpus_converges_and_touches_only_fixable_findings(tmp_path: Path) -> None:
    copies = []
    for source in sorted(CORPUS.glob("*/*Dockerfile*")):
        target = tmp_path / source.parent.name / source.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        copies.append(target)
    before = {path: path.read_text(encoding="utf-8") for path in copies}
    report = json.loads(_lint("--format", "json", "--fail-on", "none", *map(str, copies), cwd=tmp_path).stdout)
    fixable_lines: dict[str, set[int]] = {}
    for finding in report["findings"]:
        if finding["fixable"]:
            fixable_lines.setdefault(finding["path"], set()).add(finding["line"])

    first = _lint("--fix", "--format", "json", "--fail-on", "none", *map(str, copies), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    remaining = json.loads(first.stdout)
    assert remaining["errors"] == []
    assert [f for f in remaining["findings"] if f["fixable"]] == []
    changed_files = 0
    for path in copies:
        after = path.read_text(encoding="utf-8")
        if after == before[path]:
            continue
        changed_files += 1
        changed, _ = _changed_lines(before[path], after)
        allowed = _instruction_spans(before[path], fixable_lines.get(str(path), set()))
        assert changed <= allowed, f"{path}: lines {sorted(changed - allowed)} changed outside fixable findings"
    assert changed_files == len(fixable_lines)

    snapshot = {path: path.read_bytes() for path in copies}
    second = _lint("--fix", "--fail-on", "none", *map(str, copies), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert {path: path.read_bytes() for path in copies} == snapshot, "a second --fix must change nothing"


def test_fix_keeps_reporting_shellcheck_findings_of_the_fixed_file(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\nMAINTAINER Jane\nRUN echo $1 > /x\n")
    done = subprocess.run([sys.executable, "-m", "containersec", "lint", "--fix", "--shellcheck", "on",
                           "--format", "json", str(dockerfile)], capture_output=True, text=True, check=False)
    rules = {f["rule"] for f in json.loads(done.stdout)["findings"]}
    assert "CSD030" not in rules and "SC2086" in rules
    assert dockerfile.read_text().splitlines()[1] == 'LABEL org.opencontainers.image.authors="Jane"'
