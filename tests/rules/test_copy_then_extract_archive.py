from tests.rules.helpers import findings, lines

RULE = "CSD015"


def test_copy_then_tar_x_flagged_on_copy() -> None:
    text = "FROM alpine:3.19\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n"
    found = findings(RULE, text)
    assert [f.line for f in found] == [2]
    assert "line 3" in found[0].message


def test_old_style_and_long_option_and_sh_c() -> None:
    assert lines(RULE, "FROM alpine:3.19\nCOPY a.tar /\nRUN tar xf /a.tar\n") == [2]
    assert lines(RULE, "FROM alpine:3.19\nCOPY a.tgz /\nRUN sh -c 'tar --extract -f /a.tgz'\n") == [2]


def test_heredoc_run() -> None:
    text = "FROM alpine:3.19\nCOPY a.tar.xz /\nRUN <<EOF\nset -e\ntar -xJf /a.tar.xz\nEOF\n"
    assert lines(RULE, text) == [2]


def test_not_extracted_or_other_stage_or_zip_pass() -> None:
    assert lines(RULE, "FROM alpine:3.19\nCOPY a.tar.gz /\nRUN ls /a.tar.gz\n") == []
    assert lines(RULE, "FROM alpine:3.19\nCOPY a.tar.gz /\nFROM alpine:3.19\nRUN tar -xf /a.tar.gz\n") == []
    assert lines(RULE, "FROM alpine:3.19\nCOPY a.zip /\nRUN unzip /a.zip\n") == []
    assert lines(RULE, "FROM alpine:3.19\nCOPY --from=b /a.tar /\nRUN tar -xf /a.tar\n") == []
    assert lines(RULE, "FROM alpine:3.19\nCOPY a.tar.gz /\nRUN tar -czf /b.tar.gz /a.tar.gz\n") == []


def test_extracted_under_the_name_the_copy_gives_it():
    assert lines(RULE, "FROM alpine:3.20\nCOPY app-1.0.tar.gz /tmp/app.tgz\nRUN tar -xzf /tmp/app.tgz -C /opt\n") == [2]
    assert lines(RULE, "FROM alpine:3.20\nCOPY app-1.0.tar.gz /tmp/app.tgz\nRUN tar -xzf app-1.0.tar.gz\n") == []


def test_windows_paths():
    text = ("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY tools.tar C:\\tmp\\\n"
            "RUN tar -xf C:\\tmp\\tools.tar -C C:\\tools\n")
    assert lines(RULE, text) == [3]


def test_onbuild_copy_and_extract_count_in_the_child_stage():
    text = """
        FROM alpine:3.20 AS base
        ONBUILD COPY app.tar.gz /tmp/
        ONBUILD RUN tar -xzf /tmp/app.tar.gz -C /opt
        FROM base
        USER 10001
    """
    assert lines(RULE, text) == [2]
    assert lines(RULE, "FROM alpine:3.20\nONBUILD COPY app.tar.gz /tmp/\nONBUILD RUN tar -xzf /tmp/app.tar.gz\n") == []
