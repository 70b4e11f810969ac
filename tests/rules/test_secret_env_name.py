from tests.rules.helpers import findings, lines


def test_secret_names_in_arg_and_env() -> None:
    text = """
        ARG GITHUB_TOKEN
        FROM debian:12
        ARG NPM_TOKEN
        ENV DB_PASSWORD=hunter2 APP_NAME=x
        ENV AWS_ACCESS_KEY_ID=AKIA
        ENV VITE_API_KEY=abc
        ENV db_pass secret
        ONBUILD ARG SIGNING_PASSPHRASE
        """
    assert lines("DL3064", text) == [1, 3, 4, 5, 6, 7, 8]


def test_exempt_names() -> None:
    text = """
        FROM python:3.12
        ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
        ENV PUBLIC_KEY=abc NEXT_PUBLIC_TOKEN=x
        ENV POSTGRES_PASSWORD_FILE=/run/secrets/pg
        ENV SSH_KEY_PATH=/keys KMS_KEY_ID=alias/x TOKEN_URL=https://auth/token
        ENV APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1
        ENV TOKENIZERS_PARALLELISM=false KEYCLOAK_HOST=k USR_LOCAL=/usr/local AUTH_URL=x
        ENV DB_PASSWORD=/run/secrets/db
        """
    assert lines("CSD095", text) == []


def test_messages_say_where_the_value_ends_up_and_never_show_it() -> None:
    text = """
        FROM golang:1.22 AS build
        ENV BUILD_TOKEN=s3cr3t-build
        ARG API_KEY=s3cr3t-arg
        FROM debian:12
        ENV DB_PASSWORD=s3cr3t-final
        """
    found = findings("secret-env-name", text)
    assert [f.line for f in found] == [2, 3, 5]
    assert "build stage build" in found[0].message
    assert "image history" in found[1].message
    assert "final image" in found[2].message
    assert all("s3cr3t" not in f.message and "--mount=type=secret" in f.message for f in found)


def test_env_of_a_stage_the_final_one_is_built_on_reaches_the_final_image() -> None:
    text = """
        FROM debian:12 AS base
        ENV API_TOKEN=x
        FROM base
        RUN true
        """
    [finding] = findings("CSD095", text)
    assert "final image" in finding.message


def test_credential_file_variables_hold_a_path_not_a_secret():
    assert lines("CSD095", """
        FROM alpine:3.20
        ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json AWS_SHARED_CREDENTIALS_FILE=/run/aws/credentials
        ARG KUBECONFIG
    """) == []
    assert lines("CSD095", "FROM alpine:3.20\nENV GOOGLE_CREDENTIALS=abc\n") == [2]
