from tests.rules.helpers import lines

RULE = "CSD049"


def test_install_without_clean_is_flagged():
    assert lines(RULE, """
        FROM centos:7
        RUN yum install -y httpd
        RUN yum install -y git && yum clean all && yum install -y vim
        RUN sh -c 'yum -y update'
        ONBUILD RUN yum install -y curl
    """) == [2, 3, 4, 5]


def test_clean_or_removal_after_install_passes():
    assert lines(RULE, """
        FROM centos:7
        RUN yum install -y httpd && yum clean all
        RUN yum -y install git; yum -y clean all
        RUN yum install -y vim && rm -rf /var/cache/yum
        RUN yum install -y curl && dnf clean all
        RUN yum remove -y vim
    """) == []


def test_clean_in_a_later_run_does_not_help():
    assert lines(RULE, """
        FROM centos:7
        RUN yum install -y httpd
        RUN yum clean all
    """) == [2]


def test_cache_mount_and_final_image_stages():
    assert lines(RULE, """
        FROM centos:7 AS build
        RUN yum install -y gcc
        FROM centos:7
        RUN --mount=type=cache,target=/var/cache/yum yum install -y httpd
        RUN <<EOF
        yum install -y git
        EOF
    """) == [6]
