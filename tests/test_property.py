"""Property tests: the parser and every rule accept any text without raising."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from containersec.build import engine
from containersec.catalogue import all_rules
from containersec.config import Config, active_rules, load_config, with_overrides
from containersec.dockerfile.parse import parse_dockerfile
from containersec.findings import Stage

KEYWORDS = [
    "FROM", "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "ENV", "ARG", "LABEL", "USER", "WORKDIR", "EXPOSE",
    "HEALTHCHECK", "SHELL", "ONBUILD", "STOPSIGNAL", "VOLUME", "MAINTAINER", "from", "run", "Copy", "FORM",
]
FLAGS = [
    "--from=build", "--from=0", "--chown=1000:1000", "--chmod=755", "--link", "--platform=$BUILDPLATFORM",
    "--mount=type=secret,id=token", "--mount=type=cache,target=/root/.cache", "--network=none",
    "--checksum=sha256:abc", "--interval=5s", "--retries=3", "--", "-", "--=", "--x=",
]
WORDS = [
    "alpine", "alpine:latest", "ubuntu:22.04@sha256:0123", "scratch", "AS", "build", "$IMAGE", "${TAG:-1}",
    "${X:+y}", "${", "$(", ")", "`id`", "`", "apt-get", "install", "-y", "curl=7.0", "update", "apk", "add",
    "--no-cache", "pip", "npm", "curl", "-fsSL", "https://x/y.sh", "|", "sh", "bash", "-c", "sudo", "&&",
    "||", ";", "&", ">", "<", "2>&1", "root", "0:0", "1000", "/app", "app", "22", "8080/tcp", "KEY=value",
    "PASSWORD=hunter2", "A=\"b c\"", "=", "NONE", "[", "]", '["a",', '"b"]', '["sh", "-c"]', "{}", "#", "\\",
    "'", '"', "\t", "é", "\u202e", "\x00", "\ufeff",
]
HEREDOCS = ["<<EOF", "<<-EOF", "<<'EOF'", '<<"EOF"', "<<EOT", "EOF", "EOT", "\tEOF", "<<", "<<-", "0<<EOF"]
DIRECTIVES = ["# syntax=docker/dockerfile:1", "# escape=`", "# escape=\\", "# check=skip=all", "# comment",
              "# hadolint ignore=DL3008", "# containersec: ignore=CSD008 -- reason"]
LINE_ENDS = ["\n", "\r\n", " \\\n", " `\n", "\\\n", "\n\n"]

known_token = st.sampled_from(FLAGS + WORDS + HEREDOCS)
token = st.one_of(known_token, known_token, known_token, st.text(max_size=8))
words = st.lists(token, max_size=8).map(" ".join)
instruction_line = st.builds(lambda keyword, rest: f"{keyword} {rest}", st.sampled_from(KEYWORDS), words)
# A heredoc with a body and (usually) its terminator, so that bodies are really read as scripts.
heredoc_block = st.builds(
    lambda keyword, marker, body, end: f"{keyword} {marker}\n" + "".join(f"{b}\n" for b in body) + end,
    st.sampled_from(["RUN", "COPY", "RUN bash", "RUN python3", "ADD"]),
    st.sampled_from([m for m in HEREDOCS if m.startswith(("<<", "0<<"))]),
    st.lists(words, max_size=4),
    st.sampled_from(["EOF", "\tEOF", "EOT", ""]),
)
line = st.one_of(
    instruction_line, instruction_line, instruction_line, heredoc_block,
    st.sampled_from(DIRECTIVES + HEREDOCS), words,
)
# Global ARGs with and without defaults before FROM lines that use them: a global ARG once silenced most rules.
GLOBAL_ARGS = ["ARG X", "ARG X=alpine", "ARG X=3.20", "ARG X=", "ARG X=${Y}", "ARG X Y=1", "ARG REGISTRY"]
ARG_FROMS = ["FROM ${X}", "FROM $X", "FROM img:$X", "FROM ${X:-alpine}:3.20", "FROM ${REGISTRY}/img:${X}",
             "FROM alpine$X", "FROM ${X}/app AS b", "FROM ${X:+x}scratch", "FROM $X AS $X"]
arg_from = st.builds(
    lambda args, froms: "".join(f"{a}\n" for a in args) + "".join(f"{f}\n" for f in froms),
    st.lists(st.sampled_from(GLOBAL_ARGS), max_size=3),
    st.lists(st.sampled_from(ARG_FROMS), min_size=1, max_size=2),
)
dockerfile_like = st.builds(
    lambda first, pairs: first + "".join(text + end for text, end in pairs),
    st.one_of(st.sampled_from(["", "FROM alpine:3.20\n", "ARG BASE=alpine\nFROM $BASE AS build\n",
                               "\ufeffFROM x\r\n"]), arg_from),
    st.lists(st.tuples(line, st.sampled_from(LINE_ENDS)), max_size=25),
)
any_text = st.text() | dockerfile_like

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def every_rule(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """Defaults (no config file in an empty directory) with every rule selected, even those off by default."""
    defaults = load_config(None, tmp_path_factory.mktemp("no-config"))
    return with_overrides(defaults, select=[rule.id for rule in all_rules(Stage.BUILD)])


def test_every_rule_is_active(every_rule: Config) -> None:
    # Guards the property below: it must exercise every Dockerfile rule, not a default subset.
    active = {rule.id for rule in active_rules(every_rule, Stage.BUILD)}
    assert active == {rule.id for rule in all_rules(Stage.BUILD)}
    assert active


@SETTINGS
@given(text=any_text)
def test_parser_never_raises(text: str) -> None:
    dockerfile = parse_dockerfile(text, "Dockerfile")
    assert dockerfile.path == "Dockerfile"


@SETTINGS
@given(text=any_text)
def test_rules_never_raise_and_point_inside_the_file(text: str, every_rule: Config) -> None:
    report = engine.lint_text(text, "Dockerfile", every_rule)
    assert not [e for e in report.errors if "internal error" in e.message], report.errors
    last_line = len(text.split("\n"))
    for finding in report.findings:
        assert finding.path == "Dockerfile"
        assert 1 <= finding.line <= (finding.end_line or finding.line) <= last_line, finding


@SETTINGS
@given(head=arg_from, body=st.lists(instruction_line, max_size=6).map("\n".join))
def test_a_global_arg_changes_no_finding_but_its_line(head: str, body: str, every_rule: Config) -> None:
    # Another global ARG in front only moves every finding down one line.
    text = head + body + "\n"
    before = sorted((f.rule, f.line) for f in engine.lint_text(text, "Dockerfile", every_rule).findings)
    after = engine.lint_text("ARG UNUSED_ARG=1\n" + text, "Dockerfile", every_rule)
    assert sorted((f.rule, f.line - 1) for f in after.findings) == before
    assert not [e for e in after.errors if "internal error" in e.message]


def test_heredoc_lines_are_counted_at_newlines_only(every_rule: Config) -> None:
    # Record separators, form feeds and U+2028 are line breaks to str.splitlines, not to a Dockerfile.
    text = "FROM alpine:3.20\nRUN <<EOF\necho a\x1eb\x0cc\u2028d\x1ce\nps\nEOF\n"
    report = engine.lint_text(text, "Dockerfile", every_rule)
    assert [finding.line for finding in report.findings if finding.rule == "CSD037"] == [4]
