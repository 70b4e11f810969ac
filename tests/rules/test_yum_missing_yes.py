from tests.rules._package_fix import fixed
from tests.rules.helpers import lines

RULE = "CSD043"


def test_yum_without_yes_is_flagged():
    assert lines(RULE, """
        FROM centos:7
        RUN yum install httpd
        RUN yum --enablerepo epel install htop
        RUN sudo yum remove vim
        RUN sh -c 'yum groupinstall "Development Tools"'
    """) == [2, 3, 4, 5]


def test_yes_forms_pass():
    assert lines(RULE, """
        FROM centos:7
        RUN yum install -y httpd
        RUN yum -y install httpd && yum --assumeyes update
        RUN yum -qy install git
        RUN yes | yum install git
        RUN yum clean all && yum makecache
        RUN dnf install git
    """) == []


def test_onbuild_and_heredoc():
    assert lines(RULE, """
        FROM centos:7
        ONBUILD RUN yum install git
        RUN <<EOF
        yum install -y a
        yum install b
        EOF
    """) == [2, 5]


def test_fix_inserts_yes():
    assert fixed(RULE, """
        FROM centos:7
        RUN yum install httpd && yum clean all
    """) == "FROM centos:7\nRUN yum install -y httpd && yum clean all\n"
