from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD122"
STRICT = RuleOptions(label_schema={"org.opencontainers.image.version": "semver"}, strict_labels=True)


def test_label_outside_the_schema_is_reported_with_strict_labels():
    text = "FROM alpine:3.20\nLABEL org.opencontainers.image.version=1.0.0 \\\n      version=1.0.0\n"
    found = findings(RULE, text, options=STRICT)
    assert [f.line for f in found] == [3]
    assert "'version'" in found[0].message


def test_only_schema_labels_pass():
    assert lines(RULE, "FROM alpine:3.20\nLABEL org.opencontainers.image.version=1.0.0\n", options=STRICT) == []


def test_off_without_strict_labels_or_without_schema():
    text = "FROM alpine:3.20\nLABEL version=1.0.0\n"
    assert lines(RULE, text, options=RuleOptions(label_schema={"a": "text"})) == []
    assert lines(RULE, text, options=RuleOptions(strict_labels=True)) == []


def test_onbuild_label_counts_and_unknown_variable_key_does_not():
    text = "FROM alpine:3.20\nARG K\nONBUILD LABEL extra=1\nLABEL ${K}=1\n"
    assert lines(RULE, text, options=STRICT) == [3]
