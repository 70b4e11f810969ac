from tests.rules.helpers import findings, lines

RULE = "CSD009"


def test_duplicate_flagged_on_second() -> None:
    found = findings(RULE, "FROM golang:1.22 AS build\nFROM node:20 AS build\n")
    assert [f.line for f in found] == [2]
    assert "line 1" in found[0].message


def test_case_insensitive() -> None:
    assert lines(RULE, "FROM golang:1.22 as Build\nFROM node:20 AS build\n") == [2]


def test_unique_names_pass() -> None:
    assert lines(RULE, "FROM golang:1.22 AS a\nFROM node:20 AS b\nFROM alpine:3.19\nFROM alpine:3.19\n") == []
