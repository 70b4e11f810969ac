"""Outside data built to hurt: deep nesting, alias bombs, impossible dates, backtracking patterns, injected
line breaks. Each is a clear error naming the file (exit 2, the other inputs still reported) or the right
answer, within a bound of time and, where memory is the point, under an address-space limit."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import FORMATS, render
from containersec.untrusted import MAX_DEPTH, DocumentError, json_data, yaml_data
from containersec.untrusted.patterns import doublestar, regex

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ALPINE = str(SHARED / "fixtures" / "scan-reports" / "trivy-alpine-3.10.json")
MEMORY_LIMIT = 512 * 1024 * 1024  # a run needs about 100 MiB; the attacks below took gigabytes


def limited_cli(*arguments: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`containersec ...` in a process that cannot map more than MEMORY_LIMIT bytes."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    done = subprocess.run([sys.executable, "-m", "containersec", *arguments], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit, check=False)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    return done


def nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


# --- the shared readers ------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_json_nested_past_the_limit_is_a_document_error(depth: int) -> None:
    with pytest.raises(DocumentError, match=f"nested {depth} levels deep, more than the {MAX_DEPTH} allowed"):
        json_data.loads(nested(depth))
    assert json_data.loads(nested(MAX_DEPTH)) is not None


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = json.dumps({"a": "[" * 10_000, "b": ["]]]\\\"[[[", {"c": "{{{"}]})
    assert json_data.nesting(text.encode()) == 3
    assert json_data.loads(text)["a"] == "[" * 10_000


def test_json_larger_than_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(DocumentError, match="larger than the 1,000 bytes allowed"):
        json_data.loads(b" " * 1001 + b"1", max_bytes=1000)


def test_the_streaming_reader_stops_at_the_limit_with_linear_memory() -> None:
    import io

    events = json_data.events(io.BytesIO(nested(100_000)), prefix_depth=4)
    with pytest.raises(DocumentError, match=f"nested more than the {MAX_DEPTH} levels allowed"):
        for _ in events:
            pass


@pytest.mark.parametrize(("text", "problem"), [
    ("[" * 100_000, f"nested more than the {MAX_DEPTH} levels allowed"),
    ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)) + "  " * 200 + "v: 1\n",
     f"nested more than the {MAX_DEPTH} levels allowed"),
    ("expires: 2024-02-30\n", "line 1, column 10: not a real date or time '2024-02-30'"),
    ("".join(f"- &a{i} [{', '.join([f'*a{i - 1}'] * 10) if i else 'x'}]\n" for i in range(8)),
     "more than 1,000,000 nodes once its aliases are expanded"),
])
def test_yaml_attacks_are_document_errors(text: str, problem: str) -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match=problem.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        yaml_data.load(text)
    assert time.monotonic() - started < 5


def test_multi_document_yaml_keeps_node_positions() -> None:
    documents = yaml_data.compose_all("kind: Pod\nmetadata: {name: a}\n---\nkind: Service\nspec:\n  ports: [80]\n")
    assert [d.start_mark.line for d in documents] == [0, 3]
    service = yaml_data.construct(documents[1])
    assert service == {"kind": "Service", "spec": {"ports": [80]}}
    ports = documents[1].value[1][1].value[0][1]
    assert (ports.start_mark.line, ports.start_mark.column) == (5, 9)


def test_regex_runs_in_linear_time_and_an_invalid_one_is_an_error() -> None:
    started = time.monotonic()
    assert regex("(a|aa)+$").fullmatch("a" * 40 + "b") is None  # 25 s with Python's backtracking engine
    assert regex("(a|aa)+$").fullmatch("a" * 41) is not None
    assert time.monotonic() - started < 1
    with pytest.raises(DocumentError, match=r"not a valid regular expression '\(': missing \)"):
        regex("(")


def test_doublestar_glob_runs_in_linear_time() -> None:
    target = "a/" * 2048 + "y"  # 4 KB: 38 s with the pattern as a Python regex
    started = time.monotonic()
    assert doublestar("**/**/**/x").fullmatch(target) is None
    assert doublestar("**/**/**/y").fullmatch(target) is not None
    assert doublestar("usr/**/lib*.so").fullmatch("usr/lib/x86_64/libc.so") is not None
    assert doublestar("usr/*/lib*.so").fullmatch("usr/lib/x86_64/libc.so") is None
    assert time.monotonic() - started < 1


# --- every reader of outside data uses them ---------------------------------------------------------------


def test_a_report_nested_40000_deep_is_an_error_in_bounded_memory_and_the_others_are_reported(tmp_path) -> None:
    # 80 KB: ijson's per-event prefixes made this cost 4 GB.
    (tmp_path / "deep.json").write_bytes(b'{"SchemaVersion": 2, "Results": ' + nested(40_000, b"{}") + b"}")
    done = limited_cli("vulns", "-f", "json", ALPINE, "deep.json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 2
    assert [(e["path"], e["message"]) for e in report["errors"]] == [
        ("deep.json", f"nested more than the {MAX_DEPTH} levels allowed")]
    assert [r["path"] for r in report["reports"]] == [ALPINE] and report["findings"]


def test_vex_and_ignore_files_nested_too_deep_are_config_errors_naming_the_file(tmp_path) -> None:
    (tmp_path / "deep.vex.json").write_bytes(nested(100_000))
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  vex: [deep.vex.json]\n")
    done = limited_cli("vulns", ALPINE, cwd=tmp_path)
    assert done.returncode == 2 and "deep.vex.json" in done.stderr and "nested 100000 levels deep" in done.stderr
    (tmp_path / ".trivyignore.yaml").write_text("vulnerabilities: " + "[" * 100_000 + "\n")
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  ignore-files: [.trivyignore.yaml]\n")
    done = limited_cli("vulns", ALPINE, cwd=tmp_path)
    assert done.returncode == 2 and ".trivyignore.yaml" in done.stderr and "nested more than" in done.stderr


def test_impossible_dates_are_errors_naming_the_file(tmp_path) -> None:
    (tmp_path / ".containersec.yaml").write_text(
        "vulns:\n  exceptions:\n    - {id: CVE-2019-14697, reason: r, expires: 2024-02-30}\n")
    done = limited_cli("vulns", ALPINE, cwd=tmp_path)
    assert done.returncode == 2
    assert ".containersec.yaml" in done.stderr and "not a real date or time '2024-02-30'" in done.stderr
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  ignore-files: [.trivyignore.yaml]\n")
    (tmp_path / ".trivyignore.yaml").write_text("vulnerabilities:\n  - id: CVE-1\n    expired_at: 2023-13-01\n")
    done = limited_cli("vulns", ALPINE, cwd=tmp_path)
    assert done.returncode == 2 and ".trivyignore.yaml" in done.stderr and "line 3" in done.stderr


def grype_report(package: str) -> dict:
    return {"matches": [{"vulnerability": {"id": "CVE-2099-0001", "severity": "High", "namespace": "nvd",
                                           "fix": {"versions": [], "state": "unknown"}},
                         "artifact": {"name": package, "version": "1.0", "type": "npm", "locations": []},
                         "matchDetails": []}],
            "source": {"type": "image", "target": {"userInput": "x"}}, "descriptor": {"name": "grype"}}


def test_a_grype_package_pattern_never_backtracks_and_an_invalid_one_names_its_key(tmp_path) -> None:
    (tmp_path / "r.json").write_text(json.dumps(grype_report("a" * 41 + "b")))
    (tmp_path / ".grype.yaml").write_text("ignore:\n  - package:\n      name: '(a|aa)+$'\n")
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  ignore-files: [.grype.yaml]\n")
    started = time.monotonic()
    done = limited_cli("vulns", "-f", "json", "r.json", cwd=tmp_path)
    assert time.monotonic() - started < 20
    assert done.returncode == 1 and json.loads(done.stdout)["findings"]  # not matched, so not ignored
    (tmp_path / ".grype.yaml").write_text("ignore:\n  - package:\n      name: '(unclosed'\n")
    done = limited_cli("vulns", "r.json", cwd=tmp_path)
    assert done.returncode == 2
    assert ".grype.yaml: ignore[0].package.name: not a valid regular expression '(unclosed'" in done.stderr


def test_a_registry_release_pattern_is_compiled_with_a_clear_error(tmp_path) -> None:
    (tmp_path / ".containersec.yaml").write_text("registry:\n  release-tags: 'v(\\d+'\n")
    done = limited_cli("registry", "audit", "127.0.0.1:9/app:v1", cwd=tmp_path)
    assert done.returncode == 2 and "registry.release-tags: not a valid regular expression" in done.stderr


def test_an_event_payload_nested_too_deep_is_noted_and_the_runner_variables_used(tmp_path) -> None:
    from containersec.github.context import read_context

    (tmp_path / "event.json").write_bytes(b'{"pull_request": ' + nested(100_000) + b"}")
    context = read_context({"GITHUB_EVENT_PATH": str(tmp_path / "event.json"), "GITHUB_EVENT_NAME": "push",
                            "GITHUB_SHA": "3f786850e387550fdab836ed7e6dc881de23001b"})
    assert any("nested 100001 levels deep" in note for note in context.fallbacks)
    assert context.head_sha == "3f786850e387550fdab836ed7e6dc881de23001b"


# --- no crash looks like a verdict -------------------------------------------------------------------------


def test_an_unexpected_exception_exits_2_with_one_line_asking_for_a_bug_report(monkeypatch, capsys) -> None:
    from containersec import cli

    def broken(args):
        raise KeyError("boom\nsecond line")

    monkeypatch.setattr(cli, "_run_lint", broken)
    assert cli.main(["lint", "some/Dockerfile"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("containersec lint: internal error checking some/Dockerfile: KeyError")
    assert "please report it" in err


def test_a_reader_bug_is_that_report_s_error_and_the_others_are_still_reported(tmp_path, monkeypatch) -> None:
    from containersec.config import Config
    from containersec.test.vulns import engine
    from containersec.vulnerabilities import read

    real = read.read_report

    def flaky(path: str):
        if path.endswith("bug.json"):
            raise ZeroDivisionError("division by zero")
        return real(path)

    monkeypatch.setattr(engine, "read_report", flaky)
    report = engine.check_reports([ALPINE, str(tmp_path / "bug.json")], Config())
    assert report.findings and report.exit_code(Severity.ERROR) == 2
    [error] = report.errors
    assert error.path.endswith("bug.json") and error.message.startswith("internal error: ZeroDivisionError")


# --- reporters on stdout: no untrusted text starts a line -------------------------------------------------

INJECTED = "pin it\n::set-output name=conclusion::success\r\n::error::forged\u202e\x1b[2J\x07"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_reporter_lets_untrusted_text_start_a_line(fmt: str) -> None:
    finding = Finding("CSD008", "apt-unpinned", Severity.WARNING, Stage.BUILD, "app/Dockerfile", 3, INJECTED)
    report = Report(findings=[finding], errors=[InputError("bad\n::warning::x", INJECTED)], files=1,
                    sources={"app/Dockerfile": "FROM a\nRUN x\nRUN y\n"})
    for line in render(report, fmt).splitlines():
        stripped = line.lstrip()
        assert not stripped.startswith(("::set-output", "::error::forged", "::warning::x")), (fmt, line)
        if fmt in ("text", "compact", "github"):  # read by people in a terminal or the Actions log
            assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line, (fmt, line)


def test_summary_and_workflow_commands_show_controls_and_bidi_overrides_as_escapes() -> None:
    from containersec.github.markdown import escape_markdown
    from containersec.report.workflow_commands import command

    assert escape_markdown("a\x1b[31mb\x07c\u202ed") == "a\\x1b\\[31mb\\x07c\\u202ed"
    line = command("error", INJECTED, {"file": "a\nb"})
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert line.endswith("::pin it%0A::set-output name=conclusion::success%0A::error::forged\\u202e\\x1b[2J\\x07")


# --- lint: deep shell nesting and many RUNs --------------------------------------------------------------


@pytest.mark.parametrize(("script", "notes"), [
    ("echo " + "$(echo " * 1000 + "x" + ")" * 1000, ["nested 1000 deep, 1000 of them $(...)"]),
    ("if true; then " * 1000 + "echo x; " + "fi; " * 1000, ["more than 200 levels deep",
                                                             "nested 1000 deep, 0 of them $(...)"]),
])
def test_deeply_nested_shell_is_checked_in_bounded_time_and_memory_with_a_note(tmp_path, script, notes) -> None:
    # 1,000 nested $(...) took 20 s and 2 GB (ShellCheck past its 120 s batch timeout); 1,000 nested if 17 s.
    (tmp_path / "Dockerfile").write_text(f"FROM alpine:3.20\nRUN {script} && sudo true\n")
    started = time.monotonic()
    done = limited_cli("lint", "--shellcheck", "on", "Dockerfile", cwd=tmp_path)
    assert time.monotonic() - started < 20
    for note in notes:
        assert note in done.stdout, done.stdout
    assert "sudo" in done.stdout and "input error" not in done.stdout  # the command after the nesting is read


def test_the_walk_stops_at_its_depth_and_commands_above_it_are_still_read() -> None:
    from containersec.dockerfile.parse import parse_dockerfile
    from containersec.dockerfile.shell import MAX_SYNTAX_DEPTH

    deep = "sudo a; echo " + "$(echo " * 20_000 + "x" + ")" * 20_000  # 1.6 GB before the bound
    dockerfile = parse_dockerfile(f"FROM alpine:3.20\nRUN {deep}\n", "Dockerfile")
    [run] = [i for i in dockerfile.instructions if i.keyword == "RUN"]
    names = [command.name for command in run.commands()]
    assert names[:3] == ["sudo", "a", "echo"] and len(names) < MAX_SYNTAX_DEPTH
    assert run.script is not None and run.script.too_deep


def test_the_apt_lists_rule_answers_once_per_file_not_once_per_run() -> None:
    from containersec.build.rules import apt_lists_not_removed
    from containersec.config import Config
    from containersec.dockerfile.parse import parse_dockerfile

    runs = "".join("RUN apt-get update && apt-get install -y curl\n" for _ in range(3000))
    dockerfile = parse_dockerfile(f"FROM debian:12 AS base\n{runs}FROM base\nRUN apt-get install -y vim\n",
                                  "Dockerfile")
    started = time.monotonic()
    hits = list(apt_lists_not_removed.check(dockerfile, Config().options))
    assert time.monotonic() - started < 10  # 3,000 RUNs: about 4.5 million instruction visits before
    # Each base RUN is followed by one that updates first, so it may remove the lists, except the last: the
    # stage built on it installs without updating.
    assert [bool(hit.edits) for hit in hits if hit.line <= 3001] == [True] * 2999 + [False]


def test_dockerignore_patterns_match_in_linear_time_and_an_invalid_one_matches_nothing() -> None:
    from containersec.secrets import dockerignored

    started = time.monotonic()
    assert not dockerignored(["**/**/**/**/**/x"], "a/" * 500 + "y")  # minutes as a Python regex
    assert dockerignored(["**/**/**/**/**/y"], "a/" * 500 + "y")
    assert time.monotonic() - started < 1
    assert dockerignored(["[z-a]", "**/*.pem"], "certs/site.pem") and not dockerignored(["[z-a]"], "z")


def test_a_kubernetes_manifest_nested_too_deep_is_that_document_s_error(tmp_path) -> None:
    (tmp_path / "deep.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: "
                                        + "[" * 990 + "]" * 990 + "\n")
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n"
                                      "  containers: [{name: c, image: nginx}]\n")
    done = limited_cli("k8s", "-f", "json", "deep.yaml", "ok.yaml", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 2
    assert [(e["path"], e["message"]) for e in report["errors"]] == [
        ("deep.yaml", f"line 4: nested more than the {MAX_DEPTH} levels allowed")]
    assert {f["path"] for f in report["findings"]} == {"ok.yaml"}
