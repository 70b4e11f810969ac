from tests.rules.helpers import lines

RULE = "CSD017"


def test_relative_without_workdir_flagged() -> None:
    assert lines(RULE, "FROM node:20\nCOPY package.json .\nADD a b/\nCOPY <<EOF app.conf\nx\nEOF\n") == [2, 3, 4]


def test_workdir_before_passes() -> None:
    assert lines(RULE, "FROM node:20\nWORKDIR /app\nCOPY package.json .\n") == []


def test_workdir_after_does_not_help() -> None:
    assert lines(RULE, "FROM node:20\nCOPY a .\nWORKDIR /app\nCOPY b .\n") == [2]


def test_workdir_inherited_from_parent_stage_only() -> None:
    text = "FROM node:20 AS base\nWORKDIR /app\nFROM base\nCOPY a .\nFROM node:20\nCOPY b .\n"
    assert lines(RULE, text) == [6]


def test_absolute_and_variable_destinations_pass() -> None:
    text = "FROM node:20\nCOPY a /app/\nCOPY b $HOME/x\nCOPY c C:\\\\x\nCOPY [\"d\", \"/e\"]\n"
    assert lines(RULE, text) == []
