from tests.rules.helpers import findings, lines


def test_pip_extra_indexes_and_find_links() -> None:
    text = """
        FROM python:3.12
        RUN pip install --extra-index-url https://pypi.internal.example/simple mylib==1.2.3
        RUN pip install -f https://wheels.example.com/ mylib==1.2.3
        ENV PIP_EXTRA_INDEX_URL=https://pypi.internal.example/simple
        RUN pip config set global.extra-index-url https://pypi.internal.example/simple
        RUN printf '[global]\\nextra-index-url = https://pypi.internal.example/simple\\n' > /etc/pip.conf
        RUN pipenv install --extra-index-url https://pypi.internal.example/simple
        """
    assert lines("CSD142", text) == [2, 3, 4, 5, 6, 7]


def test_uv_only_with_an_unsafe_index_strategy() -> None:
    text = """
        FROM python:3.12
        RUN uv pip install --extra-index-url https://pypi.internal.example/simple mylib==1.2.3
        RUN uv pip install --index-strategy unsafe-best-match --extra-index-url https://x.example/simple mylib
        """
    assert lines("CSD142", text) == [3]
    unsafe = """
        FROM python:3.12
        ENV UV_INDEX_STRATEGY=unsafe-best-match
        ENV UV_EXTRA_INDEX_URL=https://pypi.internal.example/simple
        """
    assert lines("CSD142", unsafe) == [3]


def test_gem_sources_merged() -> None:
    text = """
        FROM ruby:3.3
        RUN gem sources --add https://gems.internal.example/
        RUN gem install --source https://gems.internal.example/ --source https://rubygems.org/ mylib -v 1.0
        """
    assert lines("CSD142", text) == [2, 3, 3]
    replaced = """
        FROM ruby:3.3
        RUN gem sources --add https://gems.internal.example/ --remove https://rubygems.org/
        RUN gem install --source https://gems.internal.example/ mylib -v 1.0
        """
    assert lines("CSD142", replaced) == []


def test_single_index_hashes_and_no_index_pass() -> None:
    text = """
        FROM python:3.12
        RUN pip install --index-url https://pypi.internal.example/simple mylib==1.2.3
        RUN pip install --require-hashes --extra-index-url https://x.example/simple -r requirements.txt
        RUN pip install --no-index --find-links https://wheels.example.com/ mylib==1.2.3
        RUN pip install --no-index --find-links /wheels mylib==1.2.3
        RUN npm install --registry https://npm.internal.example/ mylib@1.0.0
        """
    assert lines("CSD142", text) == []
    hashes = """
        FROM python:3.12
        ENV PIP_REQUIRE_HASHES=1 PIP_EXTRA_INDEX_URL=https://pypi.internal.example/simple
        """
    assert lines("CSD142", hashes) == []


def test_message_says_what_to_do_instead() -> None:
    [finding] = findings("CSD142", "FROM a\nRUN pip install --extra-index-url https://x.example/simple a==1\n")
    assert "dependency confusion" in finding.message
    assert "--require-hashes" in finding.message and "one index that proxies" in finding.message
