from tests.rules._package_fix import fixed
from tests.rules.helpers import findings, lines

RULE = "CSD046"


def test_install_without_option_is_flagged():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl
        RUN apt install -y git
        RUN sh -c "apt-get -y install wget"
        ONBUILD RUN apt-get install -y vim
    """) == [2, 3, 4, 5]
    assert findings(RULE, "FROM debian:12\nRUN apt-get install -y curl\n")[0].severity.label == "info"


def test_option_forms_pass():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get install -y --no-install-recommends curl
        RUN apt-get -o APT::Install-Recommends=false install -y curl
        RUN apt-get --option=APT::Install-Recommends=0 install -y curl
        RUN apt-get update && apt-get upgrade -y && apt-get remove -y curl
    """) == []


def test_heredoc():
    assert lines(RULE, """
        FROM debian:12
        RUN <<EOF
        apt-get update
        apt-get install -y curl
        EOF
    """) == [4]


def test_fix_inserts_option_after_install():
    assert fixed(RULE, """
        FROM debian:12
        RUN apt-get update && \\
            apt-get install -y curl git && \\
            rm -rf /var/lib/apt/lists/*
    """) == ("FROM debian:12\nRUN apt-get update && \\\n    apt-get install --no-install-recommends -y curl git && \\\n"
             "    rm -rf /var/lib/apt/lists/*\n")


def test_simulated_installs_install_nothing() -> None:
    assert lines("CSD046", """
        FROM debian:12
        RUN apt-get install -s -y postgresql && apt-get install --dry-run curl
    """) == []
