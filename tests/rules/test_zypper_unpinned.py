from tests.rules.helpers import findings, lines

RULE = "CSD065"


def test_unpinned_packages_are_flagged():
    found = findings(RULE, "FROM opensuse/leap:15.5\nRUN zypper -n in curl=8.0.1 git\n")
    assert [(f.line, f.column, f.message.split("'")[1]) for f in found] == [(2, 29, "git")]


def test_pins_and_exempt_words_pass():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN zypper -n install curl=8.0.1 'git>=2.40' 'vim<10' tar\\>1.30 gzip\\<=2
        RUN zypper -n install -t pattern devel_basis && zypper -n in --type product SLES
        RUN zypper -n in /tmp/pkg.rpm https://example.com/x.rpm ${PKGS}
        RUN zypper -n rm vim && zypper -n up
    """) == []


def test_nested_and_onbuild():
    assert lines(RULE, """
        FROM opensuse/leap:15.5
        RUN sh -c 'zypper -n in git'
        ONBUILD RUN zypper --non-interactive install -r oss vim
    """) == [2, 3]
