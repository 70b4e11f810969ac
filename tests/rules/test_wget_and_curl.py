from tests.rules.helpers import findings, lines

RULE = "CSD066"


def test_both_in_one_stage_reported_once_at_the_second_tool():
    found = findings(RULE, """
        FROM debian:12
        RUN wget -q https://example.com/a
        RUN curl -fsSLO https://example.com/b && curl -O https://example.com/c
        RUN wget -q https://example.com/d
    """)
    assert [(f.line, f.column) for f in found] == [(3, 5)]
    assert "line 2" in found[0].message


def test_one_tool_per_stage_passes():
    assert lines(RULE, """
        FROM debian:12 AS fetch
        RUN apt-get install -y wget curl && wget -q https://example.com/a
        FROM debian:12
        RUN curl -fsSLO https://example.com/b
        RUN echo wget && ls /usr/bin/wget
        ONBUILD RUN wget -q https://example.com/c
    """) == []


def test_nested_scripts_count():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN sh -c 'curl -fsSL https://example.com/a'
        RUN <<EOF
        set -e
        wget -q https://example.com/b
        EOF
    """) == [5]


def test_onbuild_runs_count_where_they_run():
    text = """
        FROM debian:12 AS base
        ONBUILD RUN curl -fsSO https://example.com/a
        FROM base
        RUN wget -q https://example.com/b
    """
    assert lines(RULE, text) == [4]
    assert lines(RULE, "FROM debian:12\nONBUILD RUN curl -fsSO https://x/a\nRUN wget -q https://x/b\n") == []
