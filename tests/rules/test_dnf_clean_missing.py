from tests.rules.helpers import lines

RULE = "CSD050"


def test_install_without_clean_is_flagged():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install -y httpd
        RUN dnf -y module install nodejs:18
        RUN tdnf install -y git
        RUN yum install -y vim
        RUN microdnf install -y vim
    """) == [2, 3, 4]


def test_clean_forms_pass():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install -y httpd && dnf clean all
        RUN dnf install -y git && dnf clean packages metadata
        RUN dnf install -y vim && rm -rf /var/cache/dnf/*
        RUN --mount=type=cache,target=/var/cache/dnf dnf install -y curl
        RUN --mount=type=tmpfs,target=/var/cache/dnf/ dnf install -y wget
    """) == []


def test_clean_metadata_only_is_not_enough():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install -y httpd && dnf clean metadata
    """) == [2]


def test_nested_scripts_and_stages():
    assert lines(RULE, """
        FROM fedora:40 AS build
        RUN dnf install -y gcc
        FROM fedora:40
        COPY --from=build /out /out
        RUN bash -c "dnf install -y git"
        RUN <<EOF
        dnf install -y a
        dnf clean all
        EOF
    """) == [5]


def test_short_forms_leave_a_cache_too():
    assert lines(RULE, "FROM fedora:40\nRUN dnf -y in curl-8.6.0\nRUN dnf -y up-min\n") == [2, 3]
    assert lines(RULE, "FROM fedora:40\nRUN dnf -y in curl-8.6.0 && dnf clean all\n") == []
