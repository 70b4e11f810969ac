from tests.rules.helpers import lines


def test_zero_in_env_arg_and_run() -> None:
    text = """
        FROM python:3.12
        ENV PYTHONHTTPSVERIFY=0
        ENV A=1 PYTHONHTTPSVERIFY="0"
        ARG PYTHONHTTPSVERIFY=0
        RUN PYTHONHTTPSVERIFY=0 python fetch.py
        RUN sh -c 'export PYTHONHTTPSVERIFY=0; python fetch.py'
        ONBUILD ENV PYTHONHTTPSVERIFY 0
        """
    assert lines("CKV2_DOCKER_5", text) == [2, 3, 4, 5, 6, 7]


def test_other_values_pass() -> None:
    text = """
        FROM python:3.12
        ENV PYTHONHTTPSVERIFY=1
        ARG PYTHONHTTPSVERIFY
        ENV MY_PYTHONHTTPSVERIFY=0
        """
    assert lines("CSD086", text) == []
