from tests.rules.helpers import findings, lines

RULE = "CSD059"


def test_unpinned_packages_are_flagged():
    found = findings(RULE, "FROM python:3.12\n"
                           "RUN pip install --no-cache-dir flask requests==2.31 'uvicorn[standard]'\n")
    assert [f.message.split("'")[1] for f in found] == ["flask", "uvicorn[standard]"]
    assert [f.column for f in found] == [32, 53]


def test_specifiers_and_sources_pass():
    assert lines(RULE, """
        FROM python:3.12
        RUN pip install a==1.0 'b>=2' c~=3.1 "d<4" e!=5 f===6 "g>=1,<2" "h[extra]==1.0"
        RUN pip install -r requirements.txt -c constraints.txt --requirement=dev.txt
        RUN pip install . ./src /opt/pkg ~/pkg dist/app-1.0-py3-none-any.whl app-1.0.tar.gz
        RUN pip install git+https://github.com/x/y@v1.0 https://example.com/p.zip
        RUN pip install -e . -e git+https://github.com/x/y#egg=y
        RUN pip install "pkg @ https://example.com/pkg.whl" pkg2 @ https://example.com/pkg2.whl
        RUN pip install $PACKAGES "flask==${FLASK_VERSION}" ${TOOL}
        RUN pip install --no-index --find-links /wheels app
        RUN pip install --upgrade pip && python -m pip install -U pip
        RUN pip download flask && pipx run black
    """) == []


def test_python_m_pip_and_upgrades_of_other_packages():
    assert lines(RULE, """
        FROM python:3.12
        RUN python3 -m pip install flask
        RUN pip install --upgrade pip setuptools
        RUN pip3.12 install --index-url https://pypi.example.com/simple --target /opt/lib flask
        ONBUILD RUN sh -c 'pip install flask'
    """) == [2, 3, 4, 5]


def test_version_control_sources_need_a_commit_or_tag():
    assert lines(RULE, """
        FROM python:3.12
        RUN pip install git+https://github.com/x/y.git#egg=y
        RUN pip install git+ssh://git@github.com/x/y.git
        RUN pip install "y @ git+https://github.com/x/y" hg+https://hg.example.com/y#egg=y
    """) == [2, 3, 4, 4]


def test_version_control_sources_with_a_ref_pass():
    assert lines(RULE, """
        FROM python:3.12
        RUN pip install git+https://github.com/x/y.git@v1.2.0#egg=y
        RUN pip install git+ssh://git@github.com/x/y.git@4b825dc642cb6eb9a060e54bf8d69288fbee4904
        RUN pip install "y @ git+https://github.com/x/y@v1" svn+https://svn.example.com/y@1234
    """) == []


def test_a_constraints_file_pins():
    assert lines(RULE, "FROM python:3.12\nRUN pip install -c constraints.txt flask\n"
                       "RUN pip install --constraint=/c.txt flask\n") == []


def test_pipx_installs_are_pip_installs():
    found = findings(RULE, """
        FROM python:3.12
        RUN pipx install black && pipx install --python python3.12 "poetry==1.8.5"
        RUN pipx inject poetry poetry-plugin-export ruff==0.6.0
    """)
    assert [(f.line, f.message.split("'")[1]) for f in found] == [(2, "black"), (3, "poetry-plugin-export")]
    assert "pipx install black==<version>" in found[0].message
