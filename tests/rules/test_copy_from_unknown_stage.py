from tests.rules.helpers import findings, lines

RULE = "CSD011"


def test_typo_flagged() -> None:
    found = findings(RULE, "FROM golang:1.22 AS build\nFROM alpine:3.19\nCOPY --from=biuld /app /app\n")
    assert [f.line for f in found] == [3]
    assert "biuld" in found[0].message


def test_earlier_stage_name_and_index_pass() -> None:
    text = "FROM golang:1.22 AS Build\nFROM alpine:3.19\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\n"
    assert lines(RULE, text) == []


def test_external_images_pass() -> None:
    text = """
        FROM alpine:3.19
        COPY --from=nginx:1.25 /etc/nginx /etc/nginx
        COPY --from=ghcr.io/org/tool /bin/tool /bin/tool
        COPY --from=busybox@sha256:abc /bin/sh /bin/sh
        """
    assert lines(RULE, text) == []


def test_bare_image_name_flagged() -> None:
    # hadolint #859: `hello-world` is a bare word, indistinguishable from a stage typo.
    assert lines(RULE, "FROM alpine:3.19\nCOPY --from=hello-world /hello /hello\n") == [2]


def test_later_stage_and_missing_index() -> None:
    text = "FROM alpine:3.19 AS a\nCOPY --from=b /x /x\nCOPY --from=5 /y /y\nFROM alpine:3.19 AS b\n"
    found = findings(RULE, text)
    assert [f.line for f in found] == [2, 3]
    assert "later" in found[0].message


def test_current_stage_left_to_its_own_rule() -> None:
    assert lines(RULE, "FROM alpine:3.19 AS a\nCOPY --from=a /x /x\n") == []


def test_arg_substitution() -> None:
    text = "ARG SRC=build\nFROM golang:1.22 AS build\nFROM alpine:3.19\nCOPY --from=${SRC} /a /a\n"
    assert lines(RULE, text) == []
    assert lines(RULE, "ARG SRC\nFROM alpine:3.19\nCOPY --from=${SRC} /a /a\n") == []
