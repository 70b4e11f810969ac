from tests.rules.helpers import lines

RULE = "CSD018"


def test_root_to_root_flagged() -> None:
    text = "FROM alpine:3.19 AS b\nFROM alpine:3.19\nCOPY --from=b / /\nCOPY --from=b /. /\n"
    assert lines(RULE, text) == [3, 4]


def test_subdirectories_pass() -> None:
    text = "FROM alpine:3.19 AS b\nFROM alpine:3.19\nCOPY --from=b / /rootfs/\nCOPY --from=b /app /\nCOPY . /\n"
    assert lines(RULE, text) == []
