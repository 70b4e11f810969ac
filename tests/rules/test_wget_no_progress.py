from tests.rules.helpers import findings, lines

RULE = "CSD067"


def test_wget_without_progress_is_flagged():
    assert lines(RULE, """
        FROM debian:12
        RUN wget https://example.com/a.tgz
        RUN wget -O /tmp/a.tgz https://example.com/a.tgz
        RUN sh -c 'wget -c https://example.com/a.tgz'
        ONBUILD RUN wget https://example.com/b
    """) == [2, 3, 4, 5]
    assert findings(RULE, "FROM debian:12\nRUN wget https://x\n")[0].severity.label == "info"


def test_quiet_forms_pass():
    assert lines(RULE, """
        FROM debian:12
        RUN wget --progress=dot:giga https://example.com/a.tgz
        RUN wget -q https://example.com/a.tgz && wget -qO- https://example.com/b | tar xz
        RUN wget -nv https://example.com/a && wget --no-verbose https://example.com/b
        RUN wget --quiet https://example.com/a && wget -o /tmp/log https://example.com/b
        RUN wget -a /tmp/log https://example.com/a && wget --output-file=/tmp/log https://example.com/b
        RUN curl -fsSLO https://example.com/a && echo wget
    """) == []


def test_output_document_cluster_is_not_quiet():
    # In -Oq the `q` is the file name given to -O, not --quiet.
    assert lines(RULE, "FROM debian:12\nRUN wget -Oq https://example.com/a\n") == [2]
