from tests.rules.helpers import findings, lines


def test_zero_in_env_arg_and_run() -> None:
    text = """
        FROM node:22
        ENV NODE_TLS_REJECT_UNAUTHORIZED=0
        ARG NODE_TLS_REJECT_UNAUTHORIZED='0'
        RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci
        RUN <<EOF
        export NODE_TLS_REJECT_UNAUTHORIZED=0
        EOF
        """
    assert lines("CKV2_DOCKER_6", text) == [2, 3, 4, 6]


def test_other_values_pass() -> None:
    text = """
        FROM node:22
        ENV NODE_TLS_REJECT_UNAUTHORIZED=1
        ENV NODE_EXTRA_CA_CERTS=/etc/ca.pem
        """
    assert lines("CSD087", text) == []


def test_message() -> None:
    [finding] = findings("CSD087", "FROM a\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n")
    assert "ENV sets NODE_TLS_REJECT_UNAUTHORIZED=0" in finding.message
    assert "NODE_EXTRA_CA_CERTS" in finding.message
