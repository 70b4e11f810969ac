from tests.rules._package_fix import fixed
from tests.rules.helpers import findings, lines

RULE = "CSD042"


def test_install_without_yes_is_flagged():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install curl
        RUN apt-get -q install curl
        RUN apt install curl
        RUN apt-get purge curl
    """) == [2, 3, 4, 5]


def test_yes_forms_pass():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get install -y curl
        RUN apt-get -qy install curl
        RUN apt-get install --yes curl && apt-get install --assume-yes git
        RUN apt-get -qq install curl
        RUN apt-get -q=2 install curl
        RUN apt-get -o APT::Get::Assume-Yes=true install curl
        RUN yes | apt-get install curl
        RUN apt-get update && apt-get clean
    """) == []


def test_nested_and_onbuild():
    assert lines(RULE, """
        FROM debian:12
        RUN sh -c "apt-get install curl"
        ONBUILD RUN sudo apt-get install git
        RUN <<EOF
        apt-get install wget
        EOF
    """) == [2, 3, 5]


def test_message_names_the_command():
    [finding] = findings(RULE, "FROM debian:12\nRUN apt-get install curl\n")
    assert "'apt-get install'" in finding.message and finding.column == 5


def test_fix_inserts_yes_after_install():
    assert fixed(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install curl && \\
            apt-get install \\
              git
    """) == ("FROM debian:12\nRUN apt-get update && apt-get install -y curl && \\\n"
             "    apt-get install -y \\\n      git\n")


def test_quiet_level_two_implies_yes_however_it_is_spelled():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get -qq install curl
        RUN apt-get -q -q install curl
        RUN apt-get --quiet --quiet install curl
        RUN apt-get -q=2 install curl
        RUN apt-get install -qqy curl
    """) == []
    assert lines(RULE, "FROM debian:12\nRUN apt-get -q install curl\nRUN apt-get -q=1 install curl\n") == [2, 3]


def test_aptitude_prompts_too():
    assert lines(RULE, "FROM debian:12\nRUN aptitude install curl\nRUN aptitude -y install curl\n"
                       "RUN aptitude --assume-yes safe-upgrade\n") == [2]
    assert fixed(RULE, "RUN aptitude install curl\n") == "RUN aptitude install -y curl\n"
