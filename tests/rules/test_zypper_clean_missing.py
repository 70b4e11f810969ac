from tests.rules.helpers import lines

RULE = "CSD052"


def test_install_without_clean_is_flagged():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper install -y curl
        RUN zypper -n in git
        RUN zypper --non-interactive refresh
        RUN sh -c 'zypper -n dup'
    """) == [2, 3, 4, 5]


def test_clean_forms_pass():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper -n in curl && zypper clean --all
        RUN zypper -n in git && zypper cc -a
        RUN zypper -n in vim && zypper clean
        RUN zypper -n in wget && rm -rf /var/cache/zypp/*
        RUN --mount=type=cache,target=/var/cache/zypp zypper -n in tar
        RUN zypper -n rm vim
    """) == []


def test_install_after_clean_is_flagged():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper clean -a && zypper -n in curl
        ONBUILD RUN zypper -n in git
    """) == [2, 3]


def test_every_spelling_of_the_clean_up_counts():
    assert lines(RULE, """
        FROM opensuse/leap:15.6
        RUN zypper -n in curl-8.6.0 && zypper cc
        RUN zypper --non-interactive install curl-8.6.0 && zypper -n clean --all
        RUN zypper -n in curl-8.6.0 && zypper --quiet cc --all
    """) == []
