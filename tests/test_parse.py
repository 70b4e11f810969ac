"""The Dockerfile model: line spans, continuations, heredocs, directives, flags, exec form, stages."""

from __future__ import annotations

import textwrap

from containersec.dockerfile.parse import parse_dockerfile


def parse(text: str):
    return parse_dockerfile(textwrap.dedent(text).lstrip("\n"), "Dockerfile")


def test_continuations_keep_exact_spans_and_drop_inner_comments() -> None:
    df = parse("""
        FROM debian:12
        RUN apt-get update \\
            # refresh first
            && apt-get install -y curl

        CMD ["curl"]
    """)
    run = df.instructions[1]
    assert (run.keyword, run.line, run.end_line) == ("RUN", 2, 4)
    assert "# refresh" not in run.logical
    assert run.line_of(run.logical.index("install")) == 4
    assert df.instructions[2].line == 6
    assert df.text[run.start:run.end] == "RUN apt-get update \\\n    # refresh first\n    && apt-get install -y curl"


def test_escape_directive_switches_to_backtick() -> None:
    df = parse("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN dir C:\\ `
            && echo done
        WORKDIR C:\\app
    """)
    assert df.escape == "`"
    assert df.directives == {"escape": "`"}
    run = df.instructions[1]
    assert (run.line, run.end_line) == (3, 4)
    assert run.value.startswith("dir C:\\")


def test_syntax_directive_and_comment_after_instruction_is_not_a_directive() -> None:
    df = parse("""
        # syntax=docker/dockerfile:1.7
        FROM alpine:3.20
        # escape=`
        RUN echo a \\
          b
    """)
    assert df.directives == {"syntax": "docker/dockerfile:1.7"}
    assert df.escape == "\\"
    assert df.instructions[1].end_line == 5


def test_heredocs_are_content_not_instructions() -> None:
    df = parse("""
        FROM alpine:3.20
        RUN <<EOF
        apk add --no-cache curl
        FROM fake
        EOF
        COPY <<-"EOT" /etc/motd
        \tUSER root
        \tEOT
        USER app
    """)
    keywords = [i.keyword for i in df.instructions]
    assert keywords == ["FROM", "RUN", "COPY", "USER"]
    run, copy, user = df.instructions[1:]
    assert (run.line, run.end_line) == (2, 5)
    assert run.heredocs[0].body == "apk add --no-cache curl\nFROM fake\n"
    assert (run.heredocs[0].line, run.heredocs[0].end_line) == (3, 5)
    assert copy.heredocs[0].strip_tabs and copy.heredocs[0].quoted
    assert (copy.line, copy.end_line) == (6, 8)
    assert user.line == 9 and not df.problems


def test_several_heredocs_in_one_instruction() -> None:
    df = parse("""
        FROM alpine:3.20
        RUN <<A cat > /a && <<B cat > /b
        one
        A
        two
        B
        USER app
    """)
    run = df.instructions[1]
    assert [(h.delimiter, h.body, h.line, h.end_line) for h in run.heredocs] == [
        ("A", "one\n", 3, 4), ("B", "two\n", 5, 6)]
    assert df.instructions[2].line == 7


def test_here_string_and_quoted_markers_are_not_heredocs() -> None:
    df = parse("""
        FROM alpine:3.20
        RUN cat <<<"text" && echo "<<EOF"
        USER app
    """)
    assert df.instructions[1].heredocs == []
    assert df.instructions[2].line == 3


def test_unterminated_heredoc_is_a_problem_with_its_line() -> None:
    df = parse("""
        FROM alpine:3.20
        RUN <<EOF
        echo never closed
    """)
    assert [p.line for p in df.problems] == [2]
    assert "unterminated heredoc <<EOF" in df.problems[0].message


def test_flags_and_value() -> None:
    df = parse("""
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build ./...
        COPY --from=build --chown=app:app --chmod=0755 /out/app /usr/local/bin/app
        HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-q", "-O-", "http://localhost/health"]
    """)
    from_, run, copy, health = df.instructions
    assert from_.flag("platform") == "$BUILDPLATFORM"
    assert run.flag_values("mount") == ["type=cache,target=/root/.cache/go-build"]
    assert run.flag("network") == "none" and run.value == "go build ./..."
    assert copy.flag("from") == "build" and copy.flag("chmod") == "0755"
    assert health.flag("interval") == "30s"
    assert health.exec_form == ["wget", "-q", "-O-", "http://localhost/health"]


def test_exec_form_and_broken_json() -> None:
    df = parse("""
        FROM alpine:3.20
        CMD ["nginx", "-g", "daemon off;"]
        RUN [ -f /etc/os-release ] && echo ok
        ENTRYPOINT ["broken",
    """)
    assert df.instructions[1].exec_form == ["nginx", "-g", "daemon off;"]
    assert df.instructions[2].exec_form is None
    assert [p.line for p in df.problems] == [4]
    assert "not valid JSON" in df.problems[0].message


def test_unknown_instruction_is_a_problem_and_parsing_goes_on() -> None:
    df = parse("""
        FORM alpine
        FROM alpine:3.20
    """)
    assert [p.message for p in df.problems] == ["unknown instruction 'FORM'"]
    assert len(df.stages) == 1


def test_onbuild_wraps_an_instruction() -> None:
    df = parse("""
        FROM alpine:3.20
        ONBUILD RUN apk add curl
    """)
    onbuild = df.instructions[1]
    assert onbuild.keyword == "ONBUILD"
    assert onbuild.inner is not None and onbuild.inner.keyword == "RUN"
    assert onbuild.inner.value == "apk add curl"
    assert [i.keyword for i in df.runs()] == ["RUN"]


def test_stages_aliases_parents_and_arg_defaults() -> None:
    df = parse("""
        ARG BASE=python
        ARG TAG=3.12-slim
        FROM ${BASE}:${TAG} AS Build
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN echo build
        FROM build AS final
        RUN echo final
        FROM ${MISSING:-alpine}:3.20
    """)
    build, final, last = df.stages
    assert build.image == "python:3.12-slim" and build.name == "Build"
    assert final.parent is build and final.base == "build"
    assert final.instructions[0].shell == ("/bin/bash", "-o", "pipefail", "-c")
    assert last.image == "alpine:3.20" and last.is_final and not final.is_final
    assert df.global_args == {"BASE": "python", "TAG": "3.12-slim"}
    assert df.stage_named("BUILD") is build and df.stage_named("0") is build


def test_crlf_lines_parse_like_lf() -> None:
    df = parse_dockerfile("FROM alpine:3.20\r\nRUN apk add \\\r\n  curl\r\nUSER app\r\n", "Dockerfile")
    assert [(i.keyword, i.line, i.end_line) for i in df.instructions] == [
        ("FROM", 1, 1), ("RUN", 2, 3), ("USER", 4, 4)]
    assert df.instructions[1].value == "apk add   curl"


def test_comments_are_recorded_with_their_lines() -> None:
    df = parse("""
        # hadolint global ignore=DL3008
        FROM alpine:3.20
        # containersec: ignore=CSD080
        RUN sudo true
    """)
    assert df.comments == [(1, "# hadolint global ignore=DL3008"), (3, "# containersec: ignore=CSD080")]


def test_instructions_before_the_first_from_form_an_implicit_stage() -> None:
    df = parse("""
        RUN apk add curl
        ARG VERSION=3.20
        USER app
        FROM alpine:${VERSION} AS build
        FROM build
        COPY --from=0 /a /b
    """)
    implicit, build, final = df.stages
    assert (implicit.implicit, implicit.line, implicit.number) == (True, 1, None)
    assert [i.keyword for i in implicit.instructions] == ["RUN", "USER"]
    assert df.instructions[0].stage is implicit
    # An ARG before the first FROM stays global, as in BuildKit, even after other instructions.
    assert df.global_args == {"VERSION": "3.20"} and df.instructions[1].stage is None
    assert (build.image, build.number, final.number, final.parent) == ("alpine:3.20", 0, 1, build)
    assert df.stage_named("0") is build and final.is_final


def test_a_file_of_global_args_and_froms_has_no_implicit_stage() -> None:
    df = parse("""
        ARG BASE
        FROM ${BASE:-alpine:3.20}
    """)
    assert [(s.implicit, s.number) for s in df.stages] == [(False, 0)]


def test_onbuild_onbuild_is_read_one_level_deep() -> None:
    df = parse("ONBUILD ONBUILD ONBUILD RUN echo hi\n")
    (onbuild,) = df.instructions
    assert onbuild.inner is not None and onbuild.inner.keyword == "ONBUILD" and onbuild.inner.inner is None


def test_exec_form_nested_arrays_are_shell_form() -> None:
    df = parse(f"FROM alpine:3.20\nCMD {'[' * 5000}{']' * 5000}\nCMD [[\"a\"]]\n")
    assert [i.exec_form for i in df.instructions[1:]] == [None, None]


def test_backtick_escape_keeps_backslashes_in_words() -> None:
    df = parse("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY --chown=app C:\\src\\app.exe "C:\\Program Files\\app\\" `
            C:\\dest\\
    """)
    copy = df.instructions[1]
    assert copy.flag("chown") == "app"
    assert [w.text for w in copy.words()] == ["C:\\src\\app.exe", "C:\\Program Files\\app\\", "C:\\dest\\"]


def test_backslash_escape_is_the_default() -> None:
    df = parse('FROM alpine:3.20\nCOPY a\\ b "c\\"d" /x/\n')
    assert [w.text for w in df.instructions[1].words()] == ["a b", 'c"d', "/x/"]


def test_env_and_label_pairs_keep_windows_paths_under_a_backtick_escape() -> None:
    df = parse("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        ENV APP_HOME=C:\\app PATH="C:\\tools;${PATH}" `
            MODE=prod
        LABEL org.example.dir="C:\\data"
        ENV LEGACY some value
    """)
    assert [i.pairs for i in df.instructions[1:]] == [
        [("APP_HOME", "C:\\app", 3), ("PATH", "C:\\tools;${PATH}", 3), ("MODE", "prod", 4)],
        [("org.example.dir", "C:\\data", 5)],
        [("LEGACY", "some value", 6)],
    ]
