from tests.rules._package_fix import fixed
from tests.rules.helpers import lines

RULE = "CSD048"


def test_add_without_no_cache_is_flagged():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN apk add curl
        RUN apk update && apk add --virtual .deps gcc
        RUN sh -c 'apk add git'
        ONBUILD RUN apk add vim
    """) == [2, 3, 4, 5]


def test_no_cache_forms_pass():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN apk add --no-cache curl
        RUN apk --no-cache add git
        RUN apk add --update --no-cache -X http://dl-cdn.alpinelinux.org/alpine/edge/testing vim
        RUN apk del curl && apk info
        RUN find /usr/local -type f | xargs -rt apk add --no-network --virtual .rundeps
    """) == []


def test_cache_mount_or_removal_satisfies():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN --mount=type=cache,target=/var/cache/apk apk add curl
        RUN --mount=type=tmpfs,target=/var/cache/apk/ apk add curl
        RUN apk add curl && rm -rf /var/cache/apk/*
        RUN rm -rf /var/cache/apk/* && apk add curl
    """) == [5]


def test_builder_stage_not_in_final_image_is_skipped():
    assert lines(RULE, """
        FROM alpine:3.19 AS build
        RUN apk add gcc
        FROM alpine:3.19
        COPY --from=build /out /out
        RUN apk add curl
    """) == [5]


def test_heredoc():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN <<EOF
        apk add curl
        EOF
    """) == [3]


def test_fix_inserts_no_cache_after_add():
    assert fixed(RULE, """
        FROM alpine:3.19
        RUN apk update && apk add curl && \\
            apk add --virtual .deps gcc
    """) == ("FROM alpine:3.19\nRUN apk update && apk add --no-cache curl && \\\n"
             "    apk add --no-cache --virtual .deps gcc\n")
