from tests.rules.helpers import findings, lines

RULE = "CSD056"


def test_dist_upgrade_is_flagged():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get dist-upgrade -y
        RUN apt-get -y full-upgrade
        RUN apt full-upgrade -y
        RUN <<EOF
        apt-get -o Dpkg::Options::=--force-confold dist-upgrade -y
        EOF
    """) == [2, 3, 4, 6]
    assert findings(RULE, "FROM debian:12\nRUN apt-get dist-upgrade -y\n")[0].severity.label == "info"


def test_upgrade_and_arguments_pass():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get upgrade -y
        RUN apt-get install -y dist-upgrade-helper
        RUN echo apt-get dist-upgrade
    """) == []
