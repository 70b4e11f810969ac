from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD005"


def trusted(*registries: str) -> RuleOptions:
    return RuleOptions(trusted_registries=list(registries))


def test_off_without_configuration() -> None:
    assert lines(RULE, "FROM evil.example.com/x:1\n") == []


def test_bare_name_is_docker_hub() -> None:
    assert lines(RULE, "FROM alpine:3.19\n", options=trusted("docker.io")) == []
    found = findings(RULE, "FROM alpine:3.19\n", options=trusted("registry.example.com"))
    assert [f.line for f in found] == [1]
    assert "'docker.io'" in found[0].message


def test_hub_aliases_are_equal() -> None:
    assert lines(RULE, "FROM index.docker.io/library/alpine:3.19\n", options=trusted("docker.io")) == []
    assert lines(RULE, "FROM alpine:3.19\n", options=trusted("index.docker.io")) == []


def test_wildcards() -> None:
    assert lines(RULE, "FROM eu.gcr.io/p/app:1\n", options=trusted("*.gcr.io")) == []
    assert lines(RULE, "FROM gcr.io.evil.com/p/app:1\n", options=trusted("*.gcr.io")) == [1]
    assert lines(RULE, "FROM quay.io/x/y:1\n", options=trusted("*")) == []


def test_registry_with_port() -> None:
    assert lines(RULE, "FROM host:5000/app:1\n", options=trusted("host:5000")) == []
    assert lines(RULE, "FROM host:5000/app:1\n", options=trusted("host")) == [1]


def test_copy_from_image_and_mount_from_image() -> None:
    text = """
        FROM registry.example.com/base:1 AS build
        COPY --from=quay.io/org/tool:1 /bin/tool /bin/tool
        COPY --from=build /x /x
        RUN --mount=type=bind,from=ghcr.io/org/src:1,target=/src make
        RUN --mount=type=cache,target=/root/.cache --mount=from=build,target=/b make
        """
    assert lines(RULE, text, options=trusted("registry.example.com")) == [2, 4]


def test_arg_substituted_and_unresolved_skipped() -> None:
    options = trusted("registry.example.com")
    assert lines(RULE, "ARG REG=registry.example.com\nFROM ${REG}/app:1\n", options=options) == []
    assert lines(RULE, "ARG REG=docker.io\nFROM ${REG}/app:1\n", options=options) == [2]
    assert lines(RULE, "ARG REG\nFROM ${REG}/app:1\n", options=options) == []


def test_scratch_and_stages_skipped() -> None:
    text = "FROM scratch AS a\nFROM a\n"
    assert lines(RULE, text, options=trusted("registry.example.com")) == []
