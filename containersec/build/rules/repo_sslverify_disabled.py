from collections.abc import Iterator

from containersec.build.rules._tls import script_matches, unique
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

# `--setopt=sslverify=0`, `--setopt=repo.sslverify=false`, `sslverify=0` written into a .repo file, and
# apt's `Acquire::https::Verify-Peer "false"`. The prefix is bounded and may not follow a `.` or `/`, so
# git's `http.sslVerify` (another rule) is not taken, and the search stays linear. `\n` may precede it
# (printf and echo -e text).
_DISABLED = LazyPattern(
    rb"(?i)(?:(?<![\w./*-])|(?<=\\n))(?:(?!https?\.)[a-z0-9_*-]{1,64}\.)?sslverify\s*+=\s*+[\"']?(?:0|false|no|off)\b"
    rb"|Acquire::https?::(?:[^:\s\"']{1,253}::)?Verify-(?:Peer|Host)[\"'\s=]{1,4}false"
    rb"|[?&]ssl_verify=no\b")


@rule(id="CSD090", slug="repo-sslverify-disabled", severity=Severity.ERROR, aliases=("CKV2_DOCKER_15",),
      summary="Do not turn off TLS verification for package repositories",
      why="With sslverify off (yum/dnf) or Verify-Peer false (apt), the package manager accepts any "
          "certificate from the repository, so its metadata and packages can be replaced in transit.",
      bad="RUN yum-config-manager --save --setopt=internal.sslverify=false",
      good="COPY internal-ca.pem /etc/pki/ca-trust/source/anchors/\nRUN update-ca-trust",
      notes="Beyond Checkov: `--setopt` on yum/dnf/microdnf themselves, `sslverify=0` written into .repo "
            "files by echo, sed or a heredoc, apt's Acquire::https::Verify-Peer/Verify-Host false, and "
            "zypper's `?ssl_verify=no` repository URLs. An echo or printf that only prints the setting to "
            "the build log (no redirect to a file, no pipe) configures nothing and is not flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unique(_hits(dockerfile))


def _hits(dockerfile: Dockerfile) -> Iterator[Hit]:
    hints = (b"sslverify", b"::verify-", b"ssl_verify")
    for match, line, column in script_matches(dockerfile, _DISABLED, hints, written_only=True):
        setting = match[0].decode("utf-8", "replace")
        yield Hit(f"'{setting}' turns TLS verification off for a package repository: remove it and trust the "
                  "repository's CA instead", line, column=column)
