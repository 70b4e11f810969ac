from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD121"
SCHEMA = RuleOptions(label_schema={"org.opencontainers.image.source": "url", "com.example.team": "text"})


def test_missing_labels_reported_on_the_final_stage_from_line():
    found = findings(RULE, "FROM alpine:3.20\nLABEL com.example.team=core\nCMD [\"app\"]\n", options=SCHEMA)
    assert [f.line for f in found] == [1]
    assert "org.opencontainers.image.source" in found[0].message
    assert "com.example.team" not in found[0].message


def test_all_labels_present_passes():
    text = 'FROM alpine:3.20\nLABEL org.opencontainers.image.source="https://x.org/a" com.example.team=core\n'
    assert lines(RULE, text, options=SCHEMA) == []


def test_off_without_a_schema():
    assert lines(RULE, "FROM alpine:3.20\n") == []


def test_builder_used_only_by_copy_from_is_exempt():
    text = """\
        FROM golang:1.22 AS build
        RUN go build -o /app .
        FROM alpine:3.20
        LABEL org.opencontainers.image.source="https://x.org/a" com.example.team=core
        COPY --from=build /app /app
        """
    assert lines(RULE, text, options=SCHEMA) == []


def test_builder_used_by_a_mount_or_by_index_is_exempt():
    text = """\
        FROM golang:1.22 AS build
        FROM golang:1.22
        FROM alpine:3.20
        LABEL org.opencontainers.image.source="https://x.org/a" com.example.team=core
        RUN --mount=type=bind,from=build,target=/src true
        COPY --from=1 /x /x
        """
    assert lines(RULE, text, options=SCHEMA) == []


def test_labels_are_inherited_through_from_stage():
    text = """\
        FROM alpine:3.20 AS base
        LABEL org.opencontainers.image.source="https://x.org/a"
        FROM base AS app
        LABEL com.example.team=core
        """
    assert lines(RULE, text, options=SCHEMA) == []


def test_parent_labels_do_not_flow_the_other_way():
    text = """\
        FROM alpine:3.20 AS base
        FROM base AS app
        LABEL org.opencontainers.image.source="https://x.org/a" com.example.team=core
        FROM base AS debug
        LABEL com.example.team=core
        """
    found = findings(RULE, text, options=SCHEMA)
    # `base` is only a parent; `app` is labelled; `debug` is the final stage and lacks the source.
    assert [f.line for f in found] == [4]
    assert "'debug'" in found[0].message


def test_an_unused_earlier_stage_is_a_target_and_is_checked():
    text = """\
        FROM alpine:3.20 AS dev
        FROM alpine:3.20 AS prod
        LABEL org.opencontainers.image.source="https://x.org/a" com.example.team=core
        """
    assert lines(RULE, text, options=SCHEMA) == [1]


def test_onbuild_label_does_not_label_this_image():
    text = 'FROM alpine:3.20\nONBUILD LABEL org.opencontainers.image.source="https://x.org/a" com.example.team=x\n'
    assert lines(RULE, text, options=SCHEMA) == [1]
