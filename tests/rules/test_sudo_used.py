from tests.rules.helpers import findings, lines


def test_sudo_command_word_is_flagged() -> None:
    assert lines("CSD080", "FROM debian:12\nRUN sudo apt-get install -y curl\n") == [2]


def test_sudo_after_a_pipe_semicolon_and_in_sh_c() -> None:
    text = """
        FROM debian:12
        RUN curl -fsSL https://x.example/i.sh | sudo bash
        RUN true; sudo rm -rf /tmp/x
        RUN sh -c 'sudo id'
        RUN ["sudo", "id"]
        """
    assert lines("CSD080", text) == [2, 3, 4, 5]


def test_sudo_in_heredoc_and_onbuild() -> None:
    text = """
        FROM debian:12
        RUN <<EOF
        set -e
        sudo make install
        EOF
        ONBUILD RUN sudo id
        """
    assert lines("CSD080", text) == [4, 6]


def test_installing_the_sudo_package_is_not_flagged() -> None:
    text = """
        FROM debian:12
        RUN apt-get install -y sudo && echo sudo
        RUN apk add --no-cache sudo
        """
    assert lines("CSD080", text) == []


def test_message_and_alias_lookup() -> None:
    found = findings("DL3004", "FROM debian:12\nRUN sudo id\n")
    assert [f.rule for f in found] == ["CSD080"]
    assert "USER" in found[0].message
