import pytest

from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD127"
KEY = "org.opencontainers.image.revision"
SCHEMA = RuleOptions(label_schema={KEY: "hash"})


@pytest.mark.parametrize(
    "value", ["main", "4b825d", "zz825dc642cb6eb9a060e54bf8d69288fbee4904", "4b825dc642cb6eb9a060e54bf8d69288fbee49041"]
)
def test_invalid_values_are_reported(value):
    found = findings(RULE, f'FROM alpine:3.20\nLABEL {KEY}="{value}"\n', options=SCHEMA)
    assert [f.line for f in found] == [2]
    assert KEY in found[0].message


@pytest.mark.parametrize(
    "value",
    [
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "4b825dc6",
        "4B825DC642CB",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ],
)
def test_valid_values_pass(value):
    assert lines(RULE, f'FROM alpine:3.20\nLABEL {KEY}="{value}"\n', options=SCHEMA) == []


def test_off_without_schema_and_for_labels_of_other_types():
    text = f'FROM alpine:3.20\nLABEL {KEY}="main"\n'
    assert lines(RULE, text) == []
    assert lines(RULE, text, options=RuleOptions(label_schema={KEY: "text"})) == []


def test_value_is_checked_after_substitution_and_skipped_while_unresolved():
    text = f"""\
        FROM alpine:3.20
        ARG GOOD="4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        ARG BAD="main"
        ARG LATER
        LABEL {KEY}="$GOOD"
        LABEL {KEY}="${{BAD}}"
        LABEL {KEY}="$LATER"
        ONBUILD LABEL {KEY}="main"
        """
    assert lines(RULE, text, options=SCHEMA) == [6, 8]


def test_reported_on_the_line_of_the_pair_in_a_continued_label():
    text = f'FROM alpine:3.20\nLABEL a=1 \\\n      {KEY}="main"\n'
    assert lines(RULE, text, options=SCHEMA) == [3]


def test_empty_value_is_left_to_label_empty():
    assert lines(RULE, f'FROM alpine:3.20\nLABEL {KEY}=""\n', options=SCHEMA) == []
