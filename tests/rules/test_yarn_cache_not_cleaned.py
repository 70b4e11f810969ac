from tests.rules.helpers import lines

RULE = "CSD054"


def test_install_without_clean_is_flagged():
    assert lines(RULE, """
        FROM node:20
        RUN yarn install --frozen-lockfile
        RUN yarn
        RUN yarn --cwd app add left-pad@1.3.0
        RUN sh -c 'yarn install'
        ONBUILD RUN yarn install
    """) == [2, 3, 4, 5, 6]


def test_clean_forms_pass():
    assert lines(RULE, """
        FROM node:20
        RUN yarn install --frozen-lockfile && yarn cache clean
        RUN yarn && yarn cache clean --all
        RUN yarn install && rm -rf /usr/local/share/.cache/yarn/*
        RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install
        RUN --mount=type=cache,target=/home/node/.cache/yarn,uid=1000 yarn install
        RUN yarn build && yarn run test && yarn --version && yarn -v
    """) == []


def test_clean_in_a_later_run_does_not_help():
    assert lines(RULE, """
        FROM node:20
        RUN yarn install
        RUN yarn cache clean
    """) == [2]


def test_only_final_image_stages():
    assert lines(RULE, """
        FROM node:20 AS build
        RUN yarn install && yarn build
        FROM nginx:1.25
        COPY --from=build /app/dist /usr/share/nginx/html
    """) == []
    assert lines(RULE, """
        FROM node:20 AS deps
        RUN <<EOF
        yarn install --production
        EOF
        FROM deps
        CMD ["node", "index.js"]
    """) == [3]
