from tests.rules.helpers import lines

RULE = "CSD038"


def test_flagged() -> None:
    text = "FROM debian:12\nRUN useradd -u 123456 app\nRUN useradd --uid=1000000 -m b\nRUN sh -c 'useradd -u123456 c'\n"
    assert lines(RULE, text) == [2, 3, 4]


def test_passes() -> None:
    text = ("FROM debian:12\nRUN useradd -l -u 123456 a\nRUN useradd --no-log-init -u 123456 b\n"
            "RUN useradd -u 10001 c\nRUN useradd -u $UID d\nRUN useradd -mlu 123456 e\n")
    assert lines(RULE, text) == []
