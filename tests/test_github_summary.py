"""Markdown escaping, the job summary within its size budget, GITHUB_OUTPUT blocks and log annotations."""

from __future__ import annotations

import re
import uuid

import pytest

from containersec.findings import Finding, InputError, Severity, Stage
from containersec.github.log_annotations import PER_LEVEL_CAP, emit_annotations
from containersec.github.markdown import escape_markdown
from containersec.github.outputs import output_block, write_outputs
from containersec.github.summary import CHECK_SUMMARY_LIMIT, SummaryFacts, blob_link, render_summary

HEAD_SHA = "3f786850e387550fdab836ed7e6dc881de23001b"
HOSTILE = ("50% off\n::add-mask::secret\r\n::stop-commands::tok | `x` <script>alert(1)</script> "
           "](javascript:alert(1)) ![i](http://e/x.png) @admin #1 *b* _i_ ~s~")


def finding(line: int, severity: Severity = Severity.WARNING, message: str = "m", path: str = "Dockerfile"):
    return Finding("CSD999", "test-rule", severity, Stage.BUILD, path, line, message)


def facts(findings, *, total=None, errors=(), fail_on=Severity.WARNING) -> SummaryFacts:
    return SummaryFacts("failure", fail_on, "added", (Stage.BUILD,), findings,
                        len(findings) if total is None else total, list(errors), "out.sarif",
                        blob_link("https://ghe.example.com", "org/app", HEAD_SHA))


def test_escaped_text_renders_literally():
    escaped = escape_markdown(HOSTILE)
    assert "\n" not in escaped and "\r" not in escaped
    assert "<" not in escaped and ">" not in escaped
    assert re.search(r"(?<!\\)[|`\[\]()*_~!]", escaped) is None  # every Markdown mark is escaped
    assert "@admin" not in escaped and "#1" not in escaped
    assert "&lt;script&gt;" in escaped


def test_summary_escapes_untrusted_text_and_links_to_the_head_commit():
    text = render_summary(facts([finding(3, message=HOSTILE, path="we,ird:dir/a b#c/Dockerfile")],
                                errors=[InputError("x|y", HOSTILE)]), CHECK_SUMMARY_LIMIT)
    assert "<script>" not in text and "@admin" not in text and "](javascript" not in text
    assert f"(https://ghe.example.com/org/app/blob/{HEAD_SHA}/we%2Cird%3Adir/a%20b%23c/Dockerfile#L3)" in text
    rows = [line for line in text.splitlines() if line.startswith("| warning ")]
    assert len(rows) == 1 and len(re.findall(r"(?<!\\)\|", rows[0])) == 5  # 4 cells, none split
    assert "x\\|y" in text


def test_summary_counts_by_severity_and_folds_the_rest_into_details():
    findings = [finding(i, Severity.ERROR) for i in range(1, 8)] + [finding(i) for i in range(8, 61)]
    text = render_summary(facts(findings, total=80), 10**6)
    assert "| build | 7 | 53 | 0 | 0 | 60 |" in text
    assert "60 of 80 findings in scope; the other 20 are in the SARIF file only" in text
    assert "<details><summary>10 more findings</summary>" in text
    assert len(re.findall(r"^\| (error|warning) \| CSD999", text, re.MULTILINE)) == 60


@pytest.mark.parametrize("limit", [CHECK_SUMMARY_LIMIT, 20_000])
def test_summary_fits_its_budget_and_counts_what_it_left_out(limit):
    findings = [finding(i, message="x" * 300) for i in range(1, 2001)]
    text = render_summary(facts(findings), limit)
    assert len(text.encode()) <= limit
    shown = len(re.findall(r"^\| warning \| CSD999", text, re.MULTILINE))
    assert 0 < shown < 2000
    assert f"**{2000 - shown} more findings not shown**" in text


def test_fail_on_none_is_stated():
    assert "Never fails on findings" in render_summary(facts([], fail_on=None), CHECK_SUMMARY_LIMIT)


def test_output_block_uses_a_fresh_random_delimiter():
    value = "line1\nEOF\nfindings=999\n"
    first, second = output_block("findings", value), output_block("findings", value)
    delimiter = first.split("\n", 1)[0].split("<<", 1)[1]
    assert delimiter.startswith("ghadelimiter_") and first != second
    assert first == f"findings<<{delimiter}\n{value}\n{delimiter}\n"


def test_output_value_holding_the_delimiter_is_refused(monkeypatch):
    fixed = uuid.UUID(int=7)
    monkeypatch.setattr(uuid, "uuid4", lambda: fixed)
    with pytest.raises(ValueError, match="delimiter"):
        output_block("x", f"a\nghadelimiter_{fixed}\nb")


def test_outputs_append(tmp_path):
    path = tmp_path / "out"
    path.write_text("earlier<<D\nv\nD\n")
    write_outputs(path, {"a": "1", "b": ""})
    assert path.read_text().startswith("earlier<<D\nv\nD\na<<ghadelimiter_")


def test_log_annotations_errors_first_capped_and_escaped():
    findings = ([finding(i, Severity.WARNING, HOSTILE, "we,ird:dir/Dockerfile") for i in range(1, 16)]
                + [finding(i, Severity.ERROR, HOSTILE) for i in range(20, 33)]
                + [finding(40, Severity.STYLE)])
    lines: list[str] = []
    left_out = emit_annotations(findings, [InputError("bad,file", "not UTF-8\n::error::forged")], "r.sarif",
                                lines.append)
    levels = [line[2:].split(" ", 1)[0] for line in lines if line.startswith("::")]
    assert levels == ["error"] * PER_LEVEL_CAP + ["warning"] * PER_LEVEL_CAP + ["notice"]
    assert left_out == (13 + 1 - PER_LEVEL_CAP) + (15 - PER_LEVEL_CAP)
    assert lines[-1].startswith(f"containersec: {left_out} more findings") and "r.sarif" in lines[-1]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert "file=we%2Cird%3Adir/Dockerfile" in "".join(lines)
    assert "file=bad%2Cfile" in lines[0] and "%0A::error::forged" in lines[0]


def test_summary_counts_agree_in_number():
    findings = [finding(i) for i in range(1, 52)]  # one more than the table shows
    text = render_summary(facts(findings, total=52), 10**6)
    assert "51 of 52 findings in scope; the other 1 is in the SARIF file only" in text
    assert "<details><summary>1 more finding</summary>" in text
    one = render_summary(facts([], total=1), 10**6)
    assert "0 of 1 finding in scope; the other 1 is in the SARIF file only" in one


def test_an_input_error_annotation_points_at_its_line_when_known():
    lines: list[str] = []
    emit_annotations([], [InputError("Dockerfile", "line 3: unterminated heredoc", line=3),
                          InputError("other/Dockerfile", "not valid UTF-8 at byte 12")], "r.sarif", lines.append)
    assert lines == ["::error file=Dockerfile,line=3,title=input error::unterminated heredoc",
                     "::error file=other/Dockerfile,title=input error::not valid UTF-8 at byte 12"]
