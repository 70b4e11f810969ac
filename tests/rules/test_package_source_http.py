from pathlib import Path

from tests.rules.helpers import findings, lines


def test_pip_uv_pipenv_options_and_config() -> None:
    text = """
        FROM python:3.12
        RUN pip install --index-url http://pypi.example.com/simple app==1
        RUN python3 -m pip install -i http://pypi.example.com/simple app==1
        RUN pip install --extra-index-url=http://pypi.example.com/simple app==1
        RUN pip install --no-index --find-links http://wheels.example.com/ app==1
        RUN pip config set global.index-url http://pypi.example.com/simple
        RUN uv pip install --default-index http://pypi.example.com/simple app==1
        RUN uv add --index internal=http://pypi.example.com/simple app
        RUN pipenv install --pypi-mirror http://pypi.example.com/simple
        RUN poetry source add --priority=primary internal http://pypi.example.com/simple
        ENV POETRY_REPOSITORIES_INTERNAL_URL=http://pypi.example.com/simple
        """
    assert lines("CSD140", text) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


def test_pip_and_uv_variables() -> None:
    text = """
        FROM python:3.12
        ENV PIP_INDEX_URL=http://pypi.example.com/simple
        ARG PIP_EXTRA_INDEX_URL="https://ok.example.com/simple http://pypi.example.com/simple"
        RUN UV_INDEX_URL=http://pypi.example.com/simple uv pip install app==1
        RUN export UV_EXTRA_INDEX_URL=http://pypi.example.com/simple && uv sync
        """
    assert lines("CSD140", text) == [2, 3, 4, 5]


def test_npm_yarn_pnpm() -> None:
    text = """
        FROM node:22
        RUN npm config set registry http://npm.example.com/ && npm ci
        RUN npm install --registry http://npm.example.com/ left-pad@1.3.0
        RUN yarn install --registry=http://npm.example.com/
        RUN pnpm install --@acme:registry=http://npm.example.com/
        RUN yarn config set npmRegistryServer http://npm.example.com/
        ENV NPM_CONFIG_REGISTRY=http://npm.example.com/
        ENV YARN_REGISTRY=http://npm.example.com/
        RUN echo "registry=http://npm.example.com/" > /root/.npmrc
        RUN echo "@acme:registry=http://npm.example.com/" >> .npmrc
        """
    assert lines("CSD140", text) == [2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_gem_go_conda() -> None:
    text = """
        FROM ruby:3.3
        RUN gem install --source http://gems.example.com/ rails -v 7.1.0
        RUN gem sources --add http://gems.example.com/
        RUN bundle config set mirror.https://rubygems.org http://gems.example.com/
        ENV GOPROXY=http://goproxy.example.com,direct
        RUN go env -w GOPROXY=http://goproxy.example.com
        RUN conda install -c http://conda.example.com/main numpy=1.26
        RUN conda config --add channels http://conda.example.com/main
        """
    assert lines("CSD140", text) == [2, 3, 4, 5, 6, 7, 8]


def test_written_pip_conf_condarc_maven_and_gradle() -> None:
    text = """
        FROM python:3.12
        RUN printf '[global]\\nindex-url = http://pypi.example.com/simple\\n' > /etc/pip.conf
        RUN cat > /etc/pip.conf <<EOF
        [global]
        extra-index-url = http://pypi.example.com/simple
        EOF
        RUN printf 'channels:\\n  - http://conda.example.com/main\\n' > /root/.condarc
        RUN echo '<settings><mirrors><mirror><url>http://maven.example.com/repo</url></mirror></mirrors></settings>' \\
              > /root/.m2/settings.xml
        RUN echo 'allprojects { repositories { maven { url "http://maven.example.com/repo" } } }' \\
              > /root/.gradle/init.gradle
        COPY <<EOF /etc/pip.conf
        [global]
        index-url = http://pypi.example.com/simple
        EOF
        """
    assert lines("CSD140", text) == [2, 5, 7, 8, 10, 14]


def test_config_file_copied_from_the_build_context(tmp_path: Path) -> None:
    (tmp_path / "pip.conf").write_text("[global]\nindex-url = http://pypi.example.com/simple\n")
    (tmp_path / "npmrc").write_text("registry=https://npm.example.com/\n")
    (tmp_path / "settings.xml").write_text("<settings>\n<url>http://maven.example.com/repo</url>\n</settings>\n")
    text = """
        FROM python:3.12
        COPY pip.conf /etc/pip.conf
        COPY npmrc /root/.npmrc
        COPY settings.xml /root/.m2/
        COPY ../outside/pip.conf /etc/pip.conf
        """
    found = findings("CSD140", text, path=str(tmp_path / "Dockerfile"))
    assert [f.line for f in found] == [2, 4]
    assert "pip.conf (line 2)" in found[0].message


def test_https_sources_loopback_and_signed_repositories_pass() -> None:
    text = """
        FROM python:3.12
        RUN pip install --index-url https://pypi.example.com/simple app==1
        RUN poetry source add --priority=supplemental internal https://pypi.example.com/simple
        RUN pip install --index-url http://localhost:3141/root/pypi/+simple/ app==1
        RUN npm config set registry https://registry.npmjs.org/ && npm ci
        ENV GOPROXY=https://proxy.golang.org,direct
        RUN conda install -c conda-forge numpy=1.26
        RUN gem sources --add https://gems.example.com/ --remove https://rubygems.org/
        RUN yarn config set npmRegistryServer https://npm.example.com/
        RUN echo '<settings><mirrors><mirror><url>https://maven.example.com/repo</url></mirror></mirrors></settings>' \
              > /root/.m2/settings.xml
        RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/bp.list
        RUN apk add --repository http://dl-cdn.alpinelinux.org/alpine/edge/main curl
        RUN echo "pip install --index-url http://pypi.example.com/simple"
        """
    assert lines("CSD140", text) == []


def test_message_names_source_and_fix() -> None:
    [finding] = findings("CSD140", "FROM a\nENV PIP_INDEX_URL=http://pypi.example.com/simple\n")
    assert "ENV PIP_INDEX_URL" in finding.message
    assert "http://pypi.example.com/simple" in finding.message
    assert "https://" in finding.message
