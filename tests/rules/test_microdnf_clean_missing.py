from tests.rules.helpers import lines

RULE = "CSD051"


def test_install_without_clean_is_flagged():
    assert lines(RULE, """
        FROM registry.access.redhat.com/ubi9/ubi-minimal
        RUN microdnf install -y httpd
        RUN microdnf update -y && microdnf clean all && microdnf install -y git
        RUN dnf install -y vim
    """) == [2, 3]


def test_clean_forms_pass():
    assert lines(RULE, """
        FROM registry.access.redhat.com/ubi9/ubi-minimal
        RUN microdnf install -y httpd && microdnf clean all
        RUN microdnf install -y git && rm -rf /var/cache/yum
        RUN --mount=type=cache,target=/var/cache/yum microdnf install -y vim
        ONBUILD RUN microdnf install -y curl && microdnf clean all
    """) == []


def test_onbuild_and_heredoc():
    assert lines(RULE, """
        FROM registry.access.redhat.com/ubi9/ubi-minimal
        ONBUILD RUN microdnf install -y curl
        RUN <<EOF
        microdnf install -y git
        EOF
    """) == [2, 4]


def test_hadolint_code_selects_it_with_the_dnf_rule():
    from containersec.catalogue import resolve

    assert sorted(r.id for r in resolve("DL3040")) == ["CSD050", "CSD051"]
    assert lines("DL3040", "FROM ubi9-minimal\nRUN microdnf install -y httpd-2.4.57\n") == [2]
