from tests.rules.helpers import findings, lines

RULE = "CSD063"


def test_unpinned_packages_are_flagged():
    found = findings(RULE, "FROM centos:7\nRUN yum install -y httpd-2.4.6 python3-devel epel-release\n")
    assert [f.message.split("'")[1] for f in found] == ["python3-devel", "epel-release"]
    assert "yum install python3-devel-<version>" in found[0].message


def test_pins_and_exempt_words_pass():
    assert lines(RULE, """
        FROM centos:7
        ARG VERSION=1.2
        RUN yum install -y nginx-1.20.1-1.el7 openssl-1:1.0.2k tar-1.26*
        RUN yum install -y /tmp/pkg.rpm https://example.com/x.rpm ./local.rpm
        RUN yum install -y @development "perl(Data::Dumper)" app-${VERSION} $PKGS
        RUN yum groupinstall -y "Development Tools" && yum update -y && yum remove -y vim
        RUN yum install -y --enablerepo epel --setopt=tsflags=nodocs jq-1.6
    """) == []


def test_nested_and_onbuild():
    assert lines(RULE, """
        FROM centos:7
        RUN sh -c 'yum install -y git'
        ONBUILD RUN yum -y install vim
        RUN dnf install -y git
    """) == [2, 3]


def test_module_streams_are_not_packages():
    assert lines(RULE, "FROM rockylinux:8\nRUN yum module install -y php:8.1 && yum -y module reset php\n") == []
