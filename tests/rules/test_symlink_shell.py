from tests.rules.helpers import findings, lines

RULE = "CSD035"


def test_relinking_sh_flagged() -> None:
    found = findings(RULE, "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n")
    assert [f.line for f in found] == [2]
    assert '"/bin/bash"' in found[0].message


def test_variants() -> None:
    text = """
        FROM debian:12
        RUN apt-get update && ln -s -f bash /usr/bin/sh
        RUN sh -c 'ln -snf /bin/dash /bin/sh/'
        ONBUILD RUN ln -sf /bin/bash /bin/sh
        """
    assert lines(RULE, text) == [2, 3, 4]


def test_linking_sh_elsewhere_passes() -> None:
    assert lines(RULE, "FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/mysh && echo /bin/sh\n") == []
