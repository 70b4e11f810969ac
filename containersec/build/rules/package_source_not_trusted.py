from collections.abc import Iterator

from containersec.build.rules._sources import is_trusted, package_sources
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD147", slug="package-source-not-trusted", severity=Severity.ERROR,
      summary="Package source is not on the allow-list",
      why="Packages from indexes, registries and repositories outside the organisation's list bypass its "
          "mirrors, scanning and review. Configure `trusted-package-sources` to enforce where they come from.",
      bad="# trusted-package-sources: {pypi: [pypi.internal.example]}\n"
          "RUN pip install --index-url https://pypi.org/simple requests==2.32.3",
      good="RUN pip install --index-url https://pypi.internal.example/simple requests==2.32.3",
      notes="Off until `trusted-package-sources` is configured, and then only for the ecosystems it names: "
            "pypi, npm, rubygems, go, apt, apk, rpm, conda, maven. Each takes globs: a pattern with `://` is "
            "matched against the whole URL, one with `/` against the URL without its scheme, any other "
            "against the host (`*.example.com`). Sources are read as package-source-http reads them; a conda "
            "channel name stands for https://conda.anaconda.org/<name> (`defaults` for "
            "https://repo.anaconda.com/pkgs/main). A URL that still holds a variable after "
            "ARG and ENV defaults are substituted is skipped. The tools' built-in defaults (pypi.org, "
            "registry.npmjs.org, the base image's own apt sources) are not named in the Dockerfile and not "
            "checked.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    allowed = options.trusted_package_sources
    if not allowed:
        return
    for source in package_sources(dockerfile):
        patterns = allowed.get(source.ecosystem)
        if patterns is None:
            continue
        resolved = dockerfile.resolve(source.url)
        if "$" not in resolved and not is_trusted(resolved, patterns):
            yield Hit(f"{source.via} uses the {source.ecosystem} source {resolved}, which is not in "
                      f"trusted-package-sources ({', '.join(patterns)}): fetch it through a trusted source",
                      source.line, column=source.column)
