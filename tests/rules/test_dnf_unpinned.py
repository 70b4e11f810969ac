from tests.rules.helpers import lines

RULE = "CSD064"


def test_unpinned_packages_are_flagged():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install -y git
        RUN microdnf install -y python3-devel
        RUN tdnf install -y curl
        RUN yum install -y vim
    """) == [2, 3, 4]


def test_pins_streams_and_provides_pass():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf install -y git-2.45.0 @nodejs:18 python3.11-3.11.7-1.fc40 'dnf-command(config-manager)'
        RUN dnf module install -y nodejs:18 && dnf module enable -y postgresql:15
        RUN microdnf install -y shadow-utils-4.9 /tmp/x.rpm $EXTRA
        RUN dnf install -y --setopt=install_weak_deps=False --repo fedora jq-1.7.1
    """) == []


def test_heredoc():
    assert lines(RULE, """
        FROM fedora:40
        RUN <<EOF
        dnf install -y \\
            git-2.45.0 \\
            make
        EOF
    """) == [5]


def test_module_streams_are_not_packages():
    assert lines(RULE, """
        FROM fedora:40
        RUN dnf module install -y nodejs:20/common && dnf -y module enable php:8.2
        RUN dnf -y module install nodejs && microdnf module enable -y ruby:3.1
    """) == []


def test_short_forms_are_the_subcommands():
    assert lines(RULE, "FROM fedora:40\nRUN dnf -y in curl && dnf -y rei wget\n") == [2, 2]
    assert lines(RULE, "FROM fedora:40\nRUN dnf -y in curl-8.6.0\n") == []
