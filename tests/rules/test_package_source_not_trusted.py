import json
import subprocess
import sys
from pathlib import Path

import pytest

from containersec.catalogue import RuleOptions
from containersec.config import ConfigError, load_config
from tests.rules.helpers import findings, lines

_TEXT = """
    FROM python:3.12
    ARG MIRROR=pypi.internal.example
    RUN pip install --index-url https://${MIRROR}/simple app==1
    RUN pip install --index-url https://pypi.org/simple app==1
    RUN npm install --registry https://registry.npmjs.org/ app@1.0.0
    RUN conda install -c conda-forge -c defaults numpy=1.26
    RUN echo "deb https://apt.example.com/debian bookworm main" > /etc/apt/sources.list.d/x.list
    """


def test_off_until_configured() -> None:
    assert lines("CSD147", _TEXT) == []


def test_sources_outside_the_allow_list_per_ecosystem() -> None:
    options = RuleOptions(trusted_package_sources={
        "pypi": ["*.internal.example"], "conda": ["https://conda.anaconda.org/conda-forge", "repo.anaconda.com"],
        "apt": ["apt.example.com/debian"]})
    found = findings("CSD147", _TEXT, options=options)
    assert [f.line for f in found] == [4]
    assert "https://pypi.org/simple" in found[0].message and "trusted-package-sources" in found[0].message


def test_url_globs() -> None:
    options = RuleOptions(trusted_package_sources={"npm": ["https://npm.example.com/*"]})
    text = """
        FROM node:22
        RUN npm install --registry https://NPM.example.com/acme/ app@1.0.0
        RUN npm install --registry http://npm.example.com/acme/ app@1.0.0
        """
    assert lines("CSD147", text, options=options) == [3]


def test_config_key_is_read_and_validated(tmp_path: Path) -> None:
    config = tmp_path / ".containersec.yaml"
    config.write_text("trusted-package-sources:\n  pypi: ['pypi.internal.example']\n  npm: []\n")
    assert load_config(str(config), tmp_path).options.trusted_package_sources == {
        "pypi": ["pypi.internal.example"], "npm": []}
    for text, problem in (("trusted-package-sources:\n  rubygem: [a]\n", "unknown package ecosystem (did you mean"),
                          ("trusted-package-sources: [a]\n", "expected a mapping"),
                          ("trusted-package-sources:\n  pypi: a\n", "expected a list of strings"),
                          ("trusted-package-sources:\n  pypi: ['']\n", "empty pattern")):
        config.write_text(text)
        with pytest.raises(ConfigError) as error:
            load_config(str(config), tmp_path)
        assert problem in str(error.value) and str(config) in str(error.value)


def test_command_line_with_the_config_file(tmp_path: Path) -> None:
    (tmp_path / ".containersec.yaml").write_text("trusted-package-sources:\n  pypi: [pypi.internal.example]\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n"
                                         "RUN pip install -i https://pypi.internal.example/simple app==1\n"
                                         "RUN pip install -i https://pypi.org/simple app==1\n")
    done = subprocess.run([sys.executable, "-m", "containersec", "lint", "-f", "json", "--select", "CSD147",
                           "Dockerfile"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert [f["line"] for f in json.loads(done.stdout)["findings"]] == [3]
    (tmp_path / ".containersec.yaml").write_text("trusted-package-sources:\n  pipy: [pypi.internal.example]\n")
    done = subprocess.run([sys.executable, "-m", "containersec", "lint", "Dockerfile"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "trusted-package-sources.pipy: unknown package ecosystem" in done.stderr
    assert "Traceback" not in done.stderr
