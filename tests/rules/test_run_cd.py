from tests.rules.helpers import findings, lines

RULE = "CSD021"


def test_top_level_cd_flagged_with_column() -> None:
    found = findings(RULE, "FROM alpine:3.19\nRUN make && cd /app && make install\n")
    assert [(f.line, f.column) for f in found] == [(2, 13)]
    assert "WORKDIR /app" in found[0].message


def test_cd_on_continuation_line_and_after_semicolon() -> None:
    assert lines(RULE, "FROM alpine:3.19\nRUN true; \\\n    cd /x\n") == [3]


def test_heredoc_body() -> None:
    assert lines(RULE, "FROM alpine:3.19\nRUN <<EOF\nset -e\ncd /src\nmake\nEOF\n") == [4]


def test_subshell_substitution_and_sh_c_pass() -> None:
    text = """
        FROM alpine:3.19
        RUN (cd /src && make) && echo done
        RUN x=$(cd /src && pwd) && echo $x
        RUN sh -c 'cd /src && make'
        RUN echo cd /x
        """
    assert lines(RULE, text) == []


def test_onbuild_and_exec_form() -> None:
    assert lines(RULE, 'FROM alpine:3.19\nONBUILD RUN cd /x && make\nRUN ["cd", "/x"]\n') == [2, 3]


def test_nested_subshell_in_list() -> None:
    assert lines(RULE, "FROM alpine:3.19\nRUN if true; then (cd /a; make); fi && cd /b\n") == [2]
