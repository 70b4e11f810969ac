from collections.abc import Iterator

from containersec.build.rules._sources import SIGNED_REPOSITORIES, source_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD141", slug="package-repo-http", severity=Severity.INFO,
      summary="Prefer HTTPS for apt, apk and yum/dnf repositories",
      why="These repositories sign their metadata, so a package cannot be swapped unnoticed; over plain HTTP "
          "an attacker on the path can still hold back updates (a replay of old, signed metadata), see what is "
          "installed, and reach the download code before any signature is checked (apt's CVE-2019-3462).",
      bad="RUN echo 'deb http://apt.example.com/debian bookworm main' > /etc/apt/sources.list.d/example.list",
      good="RUN echo 'deb [signed-by=/usr/share/keyrings/example.gpg] https://apt.example.com/debian bookworm "
           "main' > /etc/apt/sources.list.d/example.list",
      notes="apt `deb`/`deb-src` lines and deb822 `URIs:` (written by RUN or `COPY <<EOF`, or COPYed from the "
            "build context into /etc/apt/), apk `--repository`/`-X` and URLs written to /etc/apk/repositories, "
            "yum/dnf/zypper `baseurl=`/`mirrorlist=`/`metalink=` in .repo text, `--repofrompath`, "
            "`--add-repo` and `zypper addrepo`. Info, not error, because the package manager checks "
            "signatures (unless package-signature-check-disabled fires); sed edits of the base image's own "
            "sources are not followed.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from source_hits(
        dockerfile, lambda source: source.ecosystem in SIGNED_REPOSITORIES and source.plain_http,
        lambda source: f"{source.via} uses the {source.ecosystem} repository {source.url} over plain HTTP: use "
                       "https:// so updates cannot be withheld or the download code attacked in transit")
