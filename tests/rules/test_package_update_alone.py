from tests.rules.helpers import lines

RULE = "CSD040"


def test_update_alone_is_flagged_per_run():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update
        RUN apt-get install -y curl
    """) == [2]


def test_update_followed_by_install_passes():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl
        RUN apt update; apt full-upgrade -y
    """) == []


def test_install_before_update_does_not_count():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get install -y curl && apt-get update
    """) == [2]


def test_each_manager_separately():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN apk update && apt-get install -y curl
        RUN yum makecache && dnf install -y git
        RUN zypper refresh
        RUN zypper --non-interactive ref && zypper in -y git
        RUN microdnf makecache
    """) == [2, 4, 6]


def test_checkov_counter_quirks_do_not_trigger():
    assert lines(RULE, """
        FROM debian:12
        RUN update-locale LANG=C.UTF-8
        RUN apk update --no-cache
        RUN echo apt-get update
    """) == []


def test_heredoc_sh_c_onbuild_and_wrappers():
    assert lines(RULE, """
        FROM debian:12
        RUN <<EOF
        set -e
        apt-get update
        EOF
        RUN sh -c 'apt-get update'
        ONBUILD RUN sudo apt-get update
        RUN <<EOF
        apt-get update
        apt-get install -y curl
        EOF
    """) == [4, 6, 7]


def test_multi_stage_each_run_checked():
    assert lines(RULE, """
        FROM debian:12 AS build
        RUN apt-get update
        FROM debian:12
        RUN apt-get update && apt-get install -y ca-certificates
    """) == [2]
