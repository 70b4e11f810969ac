from tests.rules.helpers import lines

RULE = "CSD055"


def test_dist_upgrade_is_flagged():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper -n dist-upgrade
        RUN zypper --non-interactive dup --no-recommends
        RUN sh -c 'zypper -n dup'
        ONBUILD RUN zypper dup -y
    """) == [2, 3, 4, 5]


def test_other_subcommands_pass():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper -n update && zypper -n patch && zypper -n in dup
        RUN echo zypper dup
    """) == []
