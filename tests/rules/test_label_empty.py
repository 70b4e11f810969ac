from containersec.catalogue import RuleOptions
from tests.rules.helpers import findings, lines

RULE = "CSD123"
SCHEMA = RuleOptions(label_schema={"org.opencontainers.image.revision": "hash", "com.example.team": "text"})


def test_empty_schema_label_is_reported():
    text = 'FROM alpine:3.20\nLABEL com.example.team=core \\\n      org.opencontainers.image.revision=""\n'
    found = findings(RULE, text, options=SCHEMA)
    assert [f.line for f in found] == [3]
    assert "org.opencontainers.image.revision" in found[0].message


def test_value_from_an_empty_arg_default_is_empty():
    text = 'FROM alpine:3.20\nARG TEAM=""\nLABEL com.example.team=$TEAM\n'
    assert lines(RULE, text, options=SCHEMA) == [3]


def test_build_argument_without_default_is_filled_at_build_time():
    text = "FROM alpine:3.20\nARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
    assert lines(RULE, text, options=SCHEMA) == []


def test_non_empty_and_non_schema_labels_pass():
    text = 'FROM alpine:3.20\nLABEL com.example.team=core other=""\n'
    assert lines(RULE, text, options=SCHEMA) == []


def test_off_without_schema():
    assert lines(RULE, 'FROM alpine:3.20\nLABEL com.example.team=""\n') == []


def test_empty_value_gives_one_finding_not_one_per_type_rule():
    text = 'FROM alpine:3.20\nLABEL org.opencontainers.image.revision=""\n'
    assert lines("CSD127", text, options=SCHEMA) == []
