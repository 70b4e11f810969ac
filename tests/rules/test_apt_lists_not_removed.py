from tests.rules._package_fix import fixed
from tests.rules.helpers import findings, lines

RULE = "CSD047"


def test_lists_left_behind_are_flagged():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl
        RUN apt-get install -y git
        RUN rm -rf /var/lib/apt/lists/* && apt-get update
    """) == [2, 4]  # the RUN that only installs wrote no lists


def test_one_finding_on_the_update_that_wrote_the_lists():
    found = findings(RULE, "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n")
    assert [(f.line, f.column) for f in found] == [(2, 5)]
    assert found[0].message.startswith("'apt-get update' leaves the apt lists")
    (same_run,) = findings(RULE, "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n")
    assert same_run.column == 5 and "'apt-get update'" in same_run.message


def test_removal_later_in_the_same_run_passes():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        RUN apt-get update \\
            && apt-get install -y git \\
            && apt-get clean \\
            && rm -rf /var/lib/apt/lists
        RUN apt-get update; apt-get install -y vim; rm -r /var/lib/apt/*
        RUN apt-get remove -y curl
        RUN apt-get update; apt-get install -y git; apt-get dist-clean
    """) == []


def test_removal_in_a_later_run_does_not_help():
    assert lines(RULE, """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl
        RUN rm -rf /var/lib/apt/lists/*
    """) == [2]


def test_cache_and_tmpfs_mounts_satisfy():
    assert lines(RULE, """
        FROM debian:12
        RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl
        RUN --mount=type=tmpfs,dst=/var/lib/apt apt-get update && apt-get install -y git
        RUN --mount=type=cache,destination=/var/lib/apt/,sharing=locked apt-get update
        RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y vim
        RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update
    """) == [5, 6]


def test_only_stages_in_the_final_image():
    assert lines(RULE, """
        FROM debian:12 AS base
        RUN apt-get update && apt-get install -y ca-certificates
        FROM debian:12 AS build
        RUN apt-get update && apt-get install -y gcc
        FROM base
        COPY --from=build /out /out
        RUN apt-get update && apt-get install -y curl
    """) == [2, 7]


def test_heredoc_sh_c_and_onbuild():
    assert lines(RULE, """
        FROM debian:12
        RUN <<EOF
        apt-get update
        apt-get install -y curl
        rm -rf /var/lib/apt/lists/*
        EOF
        RUN <<EOF
        apt-get update
        EOF
        RUN sh -c 'apt-get update && apt-get install -y git'
        ONBUILD RUN apt-get update
    """) == [8, 10, 11]


def test_fix_appends_cleanup_to_plain_chains_only():
    source = ("FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n"
              "RUN apt-get update && apt-get install -y git   \n")
    assert fixed(RULE, source) == (
        "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*   \n")
    for text in ("FROM debian:12\nRUN apt-get update; apt-get install -y curl\n",
                 "FROM debian:12\nRUN apt-get update && apt-get install -y curl || true\n",
                 "FROM debian:12\nRUN <<EOF\napt-get update\nEOF\n",
                 'FROM debian:12\nRUN ["apt-get", "update"]\n'):
        [finding] = findings(RULE, text)
        assert finding.edits == (), text
