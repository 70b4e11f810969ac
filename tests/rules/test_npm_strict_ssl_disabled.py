from tests.rules.helpers import lines


def test_config_commands_and_options() -> None:
    text = """
        FROM node:22
        RUN npm config set strict-ssl false
        RUN yarn config set strict-ssl false && yarn install
        RUN npm set strict-ssl=false
        RUN yarn config set enableStrictSsl false
        RUN npm install --strict-ssl=false
        RUN pnpm install --no-strict-ssl
        """
    assert lines("CKV2_DOCKER_13", text) == [2, 3, 4, 5, 6, 7]


def test_environment_forms() -> None:
    text = """
        FROM node:22
        ENV NPM_CONFIG_STRICT_SSL=false
        ENV npm_config_strict_ssl=false
        ARG YARN_ENABLE_STRICT_SSL=false
        RUN NPM_CONFIG_STRICT_SSL=false npm ci
        """
    assert lines("CKV2_DOCKER_12", text) == [2, 3, 4, 5]


def test_strict_ssl_on_passes() -> None:
    text = """
        FROM node:22
        RUN npm config set strict-ssl true && npm config set cafile /etc/ca.pem
        ENV NPM_CONFIG_STRICT_SSL=true
        RUN npm config get strict-ssl
        """
    assert lines("CSD088", text) == []
