from tests.rules._package_fix import fixed
from tests.rules.helpers import lines

RULE = "CSD053"


def test_pip_install_without_option_is_flagged():
    assert lines(RULE, """
        FROM python:3.12
        RUN pip install requests==2.31.0
        RUN pip3 install -r requirements.txt
        RUN python3 -m pip install --upgrade pip
        RUN python3.12 -m pip install .
        RUN sh -c 'pip3.12 install flask==3.0.0'
        ONBUILD RUN pip install -r requirements.txt
    """) == [2, 3, 4, 5, 6, 7]


def test_satisfied_forms_pass():
    assert lines(RULE, """
        FROM python:3.12
        RUN pip install --no-cache-dir requests==2.31.0
        RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0
        RUN env PIP_NO_CACHE_DIR=off pip install flask==3.0.0
        RUN export PIP_NO_CACHE_DIR=1 && pip install flask==3.0.0
        RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
        RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install -r requirements.txt
        RUN pip install -r requirements.txt && rm -rf /root/.cache/pip
        RUN pip download requests && pip freeze && pipx install black
        RUN python -c "import pip"
    """) == []


def test_env_or_arg_in_the_stage_or_its_parents():
    assert lines(RULE, """
        FROM python:3.12 AS base
        ENV PIP_NO_CACHE_DIR=1
        FROM base
        RUN pip install flask==3.0.0
        FROM python:3.12
        ARG PIP_NO_CACHE_DIR=true
        RUN pip install flask==3.0.0
        FROM python:3.12
        RUN pip install flask==3.0.0
        ENV PIP_NO_CACHE_DIR=1
    """) == [9]


def test_builder_stage_only_copied_from_is_skipped():
    assert lines(RULE, """
        FROM python:3.12 AS build
        RUN pip wheel -w /wheels -r requirements.txt && pip install -r requirements.txt
        FROM python:3.12-slim
        COPY --from=build /wheels /wheels
        RUN <<EOF
        pip install /wheels/*
        EOF
    """) == [6]


def test_fix_inserts_option_after_install():
    assert fixed(RULE, """
        FROM python:3.12
        RUN python -m pip install -U pip && pip install -r requirements.txt
    """) == ("FROM python:3.12\n"
             "RUN python -m pip install --no-cache-dir -U pip && pip install --no-cache-dir -r requirements.txt\n")
