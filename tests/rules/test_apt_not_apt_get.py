from tests.rules.helpers import findings, lines

RULE = "CSD041"


def test_apt_command_is_flagged():
    assert lines(RULE, """
        FROM debian:12
        RUN apt update && apt install -y curl
        RUN apt search curl
    """) == [2, 2, 3]
    messages = [f.message for f in findings(RULE, "FROM debian:12\nRUN apt search curl\n")]
    assert "apt-cache" in messages[0]


def test_apt_get_and_apt_as_argument_pass():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install -y apt-transport-https
        RUN echo apt && ls /etc/apt
        RUN apt-cache policy apt
    """) == []


def test_checkov_substring_misses_are_caught():
    # CKV_DOCKER_9 needs spaces around `apt`: it misses it at the start of a script, after `;` or a pipe.
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update;apt install -y curl
        RUN yes | apt install curl
    """) == [2, 3]


def test_nested_scripts_and_onbuild():
    assert lines(RULE, """
        FROM debian:12
        RUN sh -c 'apt install -y curl'
        ONBUILD RUN sudo apt install -y git
        RUN <<EOF
        apt install -y wget
        EOF
    """) == [2, 3, 5]
