from collections.abc import Iterator

from containersec.build.rules._sources import source_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_FIX = {
    "pypi": "serve every package from one index that proxies the others (pip --index-url), or pin hashes "
            "with --require-hashes",
    "rubygems": "use one source that proxies the others (or a Gemfile `source` block per private gem)",
}


@rule(id="CSD142", slug="extra-package-index", severity=Severity.WARNING,
      summary="Do not merge package indexes by version (dependency confusion)",
      why="pip takes the highest version of a name from all of its indexes, so anyone who publishes a private "
          "package's name on the public index with a higher version has it installed (dependency confusion; "
          "the torchtriton attack on PyTorch's extra index in 2022).",
      bad="RUN pip install --extra-index-url https://pypi.internal.example/simple mylib==1.2.3",
      good="RUN pip install --index-url https://pypi.internal.example/simple mylib==1.2.3",
      notes="pip/pipenv `--extra-index-url`, `--find-links` URLs (unless `--no-index`), PIP_EXTRA_INDEX_URL, "
            "PIP_FIND_LINKS, `extra-index-url`/`find-links` in pip.conf text and `pip config set`; uv's extra "
            "indexes only with `--index-strategy`/UV_INDEX_STRATEGY `unsafe-best-match` or `unsafe-any-match` "
            "(uv's default, first-index, takes a name from the first index that has it); `gem sources --add` "
            "unless rubygems.org is removed, and more than one `gem install --source`. Not flagged: the same "
            "install with `--require-hashes` or PIP_REQUIRE_HASHES set (pip then installs only the pinned "
            "files). npm, yarn and pnpm take one registry per scope and never merge.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from source_hits(
        dockerfile, lambda source: bool(source.merged) and not source.hashes_required,
        lambda source: f"{source.via} adds {source.url} beside the main index: {source.merged}, so a public "
                       f"package can shadow a private one (dependency confusion); {_FIX[source.ecosystem]}")
