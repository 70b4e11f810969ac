from collections.abc import Iterator

from containersec.build.rules._sources import TRANSPORT_ONLY, source_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD140", slug="package-source-http", severity=Severity.ERROR,
      summary="Do not fetch packages from an index or registry over plain HTTP",
      why="pip, npm, gem, the Go module proxy, conda and Maven trust whatever the index serves: over plain HTTP "
          "anyone on the network path can swap a package for their own.",
      bad="RUN pip install --index-url http://pypi.internal.example/simple mylib==1.2.3",
      good="RUN pip install --index-url https://pypi.internal.example/simple mylib==1.2.3",
      notes="Reads every way a Dockerfile names a package source: pip/pipenv/pipx/uv `-i`/`--index-url`/"
            "`--extra-index-url`/`--find-links`/`--default-index`/`--index`, `pip config set`, PIP_INDEX_URL, "
            "PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, UV_INDEX_URL, UV_DEFAULT_INDEX, UV_EXTRA_INDEX_URL, UV_INDEX, "
            "PIPENV_PYPI_MIRROR, `poetry source add`, POETRY_REPOSITORIES_<NAME>_URL; npm/yarn/pnpm `--registry` "
            "(scoped too), `config set registry`, "
            "NPM_CONFIG_REGISTRY, YARN_REGISTRY, YARN_NPM_REGISTRY_SERVER; gem `--source`, `gem sources --add`, "
            "`bundle config mirror.*`; GOPROXY; conda/mamba `-c` and `config --add channels`; Maven and Gradle "
            "repository URLs. Variables come from ENV, ARG defaults and RUN (`export`, prefixes, `go env -w`); "
            "config text (pip.conf, .npmrc, .yarnrc, .condarc, .gemrc, settings.xml, init.gradle) counts when a "
            "RUN writes it (echo/printf to a file, tee, heredoc), when `COPY <<EOF` writes it, and when COPY "
            "brings the file in from the build context. A loopback URL (localhost, 127.x, [::1]) is not "
            "flagged. apt, apk and yum/dnf repositories sign their metadata: see package-repo-http.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from source_hits(
        dockerfile, lambda source: source.ecosystem in TRANSPORT_ONLY and source.plain_http,
        lambda source: f"{source.via} fetches {source.ecosystem} packages from {source.url} over plain HTTP: "
                       "anyone on the network path can replace them; use https://")
