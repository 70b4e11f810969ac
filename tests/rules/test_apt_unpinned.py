from tests.rules.helpers import findings, lines

RULE = "CSD057"


def test_each_unpinned_package_is_reported_at_its_word():
    found = findings(RULE, """
        FROM debian:12
        RUN apt-get install -y --no-install-recommends \\
              curl=7.88.1-10 \\
              git \\
              ca-certificates
    """)
    assert [(f.line, f.column) for f in found] == [(4, 7), (5, 7)]
    assert found[0].message == "pin a version for 'git' (apt-get install git=<version>)"


def test_pinned_and_exempt_words_pass():
    assert lines(RULE, """
        FROM debian:12
        ARG CURL_VERSION=7.88.1-10
        RUN apt-get install -y curl=${CURL_VERSION} git=1:2.39.2-1.1
        RUN apt-get install -y ./local.deb /tmp/pkg.deb
        RUN apt-get install -y -t bookworm-backports -o Dpkg::Options::=--force-confold nginx=1.22.1-9
        RUN apt-get install -y $PACKAGES ${EXTRA}
        RUN apt-get update && apt-get remove -y curl && apt-get purge -y git
    """) == []


def test_release_selection_is_not_a_pin():
    assert lines(RULE, "FROM debian:12\nRUN apt-get install -y nginx/bookworm-backports\n") == [2]


def test_apt_nested_and_onbuild():
    assert lines(RULE, """
        FROM debian:12
        RUN apt install -y curl
        RUN sh -c 'apt-get install -y git'
        ONBUILD RUN sudo apt-get install -y vim
        RUN <<EOF
        apt-get install -y wget
        EOF
    """) == [2, 3, 4, 6]


def test_aptitude_takes_the_same_pins():
    assert lines(RULE, "FROM debian:12\nRUN aptitude install -y curl wget=1.21.3-1+b2\n") == [2]
    assert lines(RULE, "FROM debian:12\nRUN aptitude -y install curl=7.88.1-10+deb12u5 ~nlibfoo\n") == []
