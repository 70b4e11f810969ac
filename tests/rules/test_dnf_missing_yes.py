from tests.rules._package_fix import fixed
from tests.rules.helpers import lines

RULE = "CSD044"


def test_dnf_and_microdnf_without_yes_are_flagged():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install httpd
        RUN microdnf install git
        RUN dnf module install nodejs:18
        RUN tdnf install -q curl
    """) == [2, 3, 4, 5]


def test_yes_forms_pass():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install -y httpd
        RUN dnf -y --setopt=install_weak_deps=False install git && dnf clean all
        RUN microdnf --assumeyes install git
        RUN dnf makecache && dnf repolist
        RUN yum install git
    """) == []


def test_fix_inserts_yes():
    assert fixed(RULE, """
        FROM fedora:40
        RUN dnf --setopt=tsflags=nodocs install git && \\
            microdnf install curl
    """) == ("FROM fedora:40\nRUN dnf --setopt=tsflags=nodocs install -y git && \\\n"
             "    microdnf install -y curl\n")


def test_short_forms_prompt_like_the_subcommands():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf in curl-8.6.0
        RUN dnf up
        RUN dnf upgrade-minimal
        RUN dnf rei wget-1.21
        RUN dnf -y up && dnf in -y curl-8.6.0
    """) == [2, 3, 4, 5]
