from tests.rules.helpers import findings, lines

RULE = "CSD036"


def test_consecutive_flagged_across_comments() -> None:
    found = findings(RULE, "FROM alpine:3.19\nRUN a\n# why\n\nRUN b\nRUN c\n")
    assert [f.line for f in found] == [5, 6]
    assert "line 2" in found[0].message


def test_other_instruction_separates() -> None:
    assert lines(RULE, "FROM alpine:3.19\nRUN a\nENV X=1\nRUN b\n") == []


def test_different_flags_separate() -> None:
    text = "FROM alpine:3.19\nRUN a\nRUN --mount=type=cache,target=/c b\nRUN --mount=type=cache,target=/c c\n"
    assert lines(RULE, text) == [4]


def test_heredoc_runs_and_stage_boundary() -> None:
    text = "FROM alpine:3.19 AS a\nRUN <<EOF\na\nEOF\nRUN <<EOF\nb\nEOF\nFROM a\nRUN c\n"
    assert lines(RULE, text) == [5]


def test_chained_runs_are_deliberate_layers() -> None:
    text = "FROM alpine:3.19\nRUN a && b\nRUN d\nRUN e\nRUN <<EOF\nf\ng\nEOF\nRUN i\nRUN j | k\nRUN l\n"
    assert lines(RULE, text) == [4]


def test_wrapped_command_counts_once() -> None:
    assert lines(RULE, "FROM alpine:3.19\nRUN sudo c\nRUN sh -c 'd'\n") == [3]
