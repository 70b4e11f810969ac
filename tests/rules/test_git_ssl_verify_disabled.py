from tests.rules.helpers import lines


def test_environment_any_value() -> None:
    text = """
        FROM alpine:3.20
        ENV GIT_SSL_NO_VERIFY=1
        ARG GIT_SSL_NO_VERIFY=true
        RUN GIT_SSL_NO_VERIFY=false git clone https://git.internal/app.git
        """
    assert lines("CKV2_DOCKER_14", text) == [2, 3, 4]


def test_git_config_and_inline_option() -> None:
    text = """
        FROM alpine:3.20
        RUN git -c http.sslVerify=false clone https://git.internal/app.git
        RUN git config --global http.sslverify false
        RUN git config --global http.https://git.internal/.sslVerify false
        RUN sh -c 'git -c http.sslVerify=0 fetch'
        """
    assert lines("CSD089", text) == [2, 3, 4, 5]


def test_verification_on_passes() -> None:
    text = """
        FROM alpine:3.20
        RUN git -c http.sslVerify=true clone https://git.internal/app.git
        RUN git config --global http.sslCAInfo /etc/ca.pem
        ARG GIT_SSL_NO_VERIFY
        """
    assert lines("CSD089", text) == []
