from tests.rules.helpers import findings, lines


def test_chpasswd_as_a_command() -> None:
    text = """
        FROM debian:12
        RUN echo 'app:changeme' | chpasswd
        RUN useradd app && echo "root:x" | sudo chpasswd -e
        RUN --mount=type=secret,id=pw chpasswd < /run/secrets/pw
        ONBUILD RUN sh -c 'echo a:b | chpasswd'
        """
    assert lines("CKV2_DOCKER_17", text) == [2, 3, 4, 5]


def test_the_word_chpasswd_as_an_argument_passes() -> None:
    text = """
        FROM debian:12
        RUN echo "do not use chpasswd" && apt-get install -y passwd
        RUN useradd --create-home app
        """
    assert lines("CSD092", text) == []


def test_message_says_what_to_do() -> None:
    [finding] = findings("chpasswd-used", "FROM a\nRUN echo a:b | chpasswd\n")
    assert "chpasswd" in finding.message and "container starts" in finding.message
