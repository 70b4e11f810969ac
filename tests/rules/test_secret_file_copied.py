from tests.rules.helpers import findings, lines


def test_credential_files_by_name() -> None:
    text = """
        FROM debian:12
        COPY id_rsa /root/.ssh/id_rsa
        COPY .env /app/.env
        ADD credentials.json .npmrc /app/
        COPY --chown=app config/.aws/credentials /home/app/.aws/credentials
        COPY ["server.key", "/etc/tls/"]
        COPY .ssh /root/.ssh
        ONBUILD COPY .env.production /app/
        COPY --from=build /src/.git-credentials /root/
        """
    assert lines("CSD097", text) == [2, 3, 4, 4, 5, 6, 7, 8, 9]


def test_certificates_public_keys_and_templates_pass() -> None:
    text = """
        FROM debian:12
        COPY ca.pem /usr/local/share/ca-certificates/
        COPY server-cert.pem fullchain.pem /etc/tls/
        COPY id_ed25519.pub /root/.ssh/authorized_keys
        COPY .env.example /app/
        COPY repo.gpg.key /tmp/
        COPY environment.py keys.py /app/
        COPY <<EOF /app/.env
        A=1
        EOF
        """
    assert lines("CSD097", text) == []


def test_credential_variable_pointing_into_a_copy_destination() -> None:
    text = """
        FROM python:3.12
        WORKDIR /app
        COPY . .
        ENV GOOGLE_APPLICATION_CREDENTIALS=/app/sa.json
        ENV AWS_CONFIG_FILE=/etc/aws/config
        """
    found = findings("CSD097", text)
    assert [f.line for f in found] == [4]
    assert "COPY on line 3" in found[0].message


def test_variable_into_a_builder_copy_only_counts_for_stages_built_on_it() -> None:
    text = """
        FROM python:3.12 AS base
        COPY sa.json /secrets/sa.json
        FROM python:3.12
        ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json
        FROM base
        ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json
        """
    assert lines("CSD097", text) == [6]


def test_copy_to_a_credential_file_variable():
    found = lines("CSD097", """
        FROM alpine:3.20
        ENV AWS_CONFIG_FILE=/run/aws/config
        COPY config $AWS_CONFIG_FILE
        COPY sa.json ${GOOGLE_APPLICATION_CREDENTIALS:-/sa.json}
        USER 10001
    """)
    assert found == [3, 4]


def test_a_destination_resolved_from_env_points_at_the_credential_file():
    assert lines("CSD097", """
        FROM alpine:3.20
        ENV CONF_DIR=/etc/gcloud
        COPY key.json $CONF_DIR/
        ENV GOOGLE_APPLICATION_CREDENTIALS=/etc/gcloud/key.json
    """) == [4]
    assert lines("CSD097", "FROM alpine:3.20\nENV AWS_CONFIG_FILE=/run/aws/config\nCOPY app /app\n") == []


def test_windows_paths_name_the_same_files():
    text = ("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY keys\\id_rsa C:\\Users\\app\\.ssh\\\n"
            "COPY C:\\build\\.env C:\\app\\\nCOPY C:\\build\\app.exe C:\\app\\\n")
    assert lines("CSD097", text) == [3, 4]
