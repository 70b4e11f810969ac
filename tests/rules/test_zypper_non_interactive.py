from tests.rules._package_fix import fixed
from tests.rules.helpers import lines

RULE = "CSD045"


def test_zypper_without_non_interactive_is_flagged():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper install curl
        RUN zypper in git
        RUN zypper --root /x dup
        RUN sh -c 'zypper rm vim'
    """) == [2, 3, 4, 5]


def test_non_interactive_forms_pass():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper -n install curl
        RUN zypper --non-interactive in git
        RUN zypper install -y curl && zypper in --no-confirm git
        RUN zypper refresh && zypper clean -a
    """) == []


def test_fix_inserts_yes():
    assert fixed(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper in curl
    """) == "FROM opensuse/leap:15.5\nRUN zypper in -y curl\n"
