from tests.rules.helpers import findings, lines


def test_trusted_host_options_and_config() -> None:
    text = """
        FROM python:3.12
        RUN pip install --trusted-host pypi.internal -i http://pypi.internal/simple app
        RUN python3 -m pip install --trusted-host=pypi.internal app
        RUN pip3 config set global.trusted-host pypi.internal
        RUN uv pip install --allow-insecure-host pypi.internal app
        """
    assert lines("CKV2_DOCKER_4", text) == [2, 3, 4, 5]


def test_trusted_host_variable_in_env_arg_and_run() -> None:
    text = """
        FROM python:3.12
        ENV PIP_TRUSTED_HOST=pypi.internal
        ARG PIP_TRUSTED_HOST="a b"
        RUN export PIP_TRUSTED_HOST=pypi.internal && pip install app
        RUN PIP_TRUSTED_HOST=pypi.internal pip install app
        """
    assert lines("CKV2_DOCKER_16", text) == [2, 3, 4, 5]


def test_secure_pip_passes() -> None:
    text = """
        FROM python:3.12
        RUN pip install --no-cache-dir --cert /etc/ca.pem -i https://pypi.internal/simple app
        ARG PIP_TRUSTED_HOST
        ENV PIP_INDEX_URL=https://pypi.internal/simple
        RUN echo "--trusted-host is insecure"
        """
    assert lines("CSD085", text) == []


def test_message_names_the_variable() -> None:
    [finding] = findings("CSD085", "FROM a\nENV PIP_TRUSTED_HOST=pypi.internal\n")
    assert "PIP_TRUSTED_HOST" in finding.message
