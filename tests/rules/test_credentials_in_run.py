from tests.rules.helpers import findings, lines


def test_credential_commands() -> None:
    text = """
        FROM debian:12
        RUN aws configure set aws_access_key_id "$KEY" --profile ci
        RUN gcloud auth activate-service-account --key-file=/sa.json
        RUN az login --service-principal -u "$ID" -p "$SECRET" --tenant t
        RUN doctl auth init -t "$DO_TOKEN"
        RUN docker login -u bot -p "$PW" registry.example.com
        RUN npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"
        RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
        RUN sh -c 'sudo helm registry login r.example.com --password "$P"'
        """
    assert lines("CSD098", text) == [2, 3, 4, 5, 6, 7, 8, 9]


def test_secret_mount_and_harmless_commands_pass() -> None:
    text = """
        FROM debian:12
        RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws configure set aws_session_token x
        RUN aws configure set region eu-west-1
        RUN aws s3 cp s3://bucket/x /x
        RUN docker login --password-stdin -u bot registry.example.com < /dev/null
        RUN npm config set registry https://registry.example.com
        RUN gcloud config set project p
        """
    assert lines("CSD098", text) == []


def test_message_names_the_command() -> None:
    [finding] = findings("credentials-in-run", "FROM a\nRUN doctl auth init --access-token x\n")
    assert finding.message.startswith("doctl auth init --access-token")
    assert "--mount=type=secret" in finding.message
