from tests.rules.helpers import findings, lines

RULE = "CSD058"


def test_unpinned_packages_are_flagged_at_their_words():
    found = findings(RULE, "FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0 git\n")
    assert [(f.line, f.column) for f in found] == [(2, 38)]
    assert "'git'" in found[0].message


def test_constraint_forms_and_exempt_words_pass():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN apk add --no-cache curl=8.5.0-r0 git~2.43 'openssl>=3.1' "zlib<2" musl\\>1.2 'tar<=1.35'
        RUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0 && apk add -t .x make=4.4.1-r2
        RUN apk add --no-cache --allow-untrusted /tmp/pkg.apk ./local.apk
        RUN apk add --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing foo=1.0-r0
        RUN apk add --no-cache --repository=http://x/y bar=1.0-r0 ${PKGS} "$EXTRA"
        RUN apk del curl && apk info git
    """) == []


def test_unquoted_constraint_is_a_shell_redirect():
    # `openssl>=3.1` unquoted installs `openssl` and writes apk's output to a file named `=3.1`.
    assert lines(RULE, "FROM alpine:3.19\nRUN apk add --no-cache openssl>=3.1\n") == [2]


def test_repository_tag_is_not_a_pin():
    assert lines(RULE, "FROM alpine:3.19\nRUN apk add --no-cache foo@testing\n") == [2]


def test_nested_scripts_and_onbuild():
    assert lines(RULE, """
        FROM alpine:3.19
        RUN sh -c 'apk add --no-cache curl'
        ONBUILD RUN apk add --no-cache git
        RUN <<EOF
        apk add --no-cache \\
            vim
        EOF
    """) == [2, 3, 6]
