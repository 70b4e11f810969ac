import pytest

from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD128"
KEY = "org.opencontainers.image.version"
SCHEMA = RuleOptions(label_schema={KEY: "semver"})


@pytest.mark.parametrize("value", ["v1.2.3", "1.2", "latest", "01.2.3", "1.2.3-", "1.2.3+"])
def test_invalid_values_are_reported(value):
    found = findings(RULE, f'FROM alpine:3.20\nLABEL {KEY}="{value}"\n', options=SCHEMA)
    assert [f.line for f in found] == [2]
    assert KEY in found[0].message


@pytest.mark.parametrize("value", ["1.2.3", "0.0.1", "2.0.0-rc.1", "1.0.0-alpha+001", "1.0.0+20130313144700"])
def test_valid_values_pass(value):
    assert lines(RULE, f'FROM alpine:3.20\nLABEL {KEY}="{value}"\n', options=SCHEMA) == []


def test_off_without_schema_and_for_labels_of_other_types():
    text = f'FROM alpine:3.20\nLABEL {KEY}="v1.2.3"\n'
    assert lines(RULE, text) == []
    assert lines(RULE, text, options=RuleOptions(label_schema={KEY: "text"})) == []


def test_value_is_checked_after_substitution_and_skipped_while_unresolved():
    text = f"""\
        FROM alpine:3.20
        ARG GOOD="1.2.3"
        ARG BAD="v1.2.3"
        ARG LATER
        LABEL {KEY}="$GOOD"
        LABEL {KEY}="${{BAD}}"
        LABEL {KEY}="$LATER"
        ONBUILD LABEL {KEY}="v1.2.3"
        """
    assert lines(RULE, text, options=SCHEMA) == [6, 8]


def test_reported_on_the_line_of_the_pair_in_a_continued_label():
    text = f'FROM alpine:3.20\nLABEL a=1 \\\n      {KEY}="v1.2.3"\n'
    assert lines(RULE, text, options=SCHEMA) == [3]


def test_empty_value_is_left_to_label_empty():
    assert lines(RULE, f'FROM alpine:3.20\nLABEL {KEY}=""\n', options=SCHEMA) == []
