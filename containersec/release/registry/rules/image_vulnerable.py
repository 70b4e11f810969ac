from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import PolicyHit, ScanFacts

SHOWN = 3


@rule(id="CSR040", slug="image-vulnerable", severity=Severity.ERROR, stage=Stage.RELEASE,
      aliases=("CIS-DI-0004",),
      summary="Images in the registry have vulnerabilities that fail the vulnerability policy",
      why="Builds stop while new vulnerabilities keep appearing, and every tag a registry holds can be "
          "deployed. Each digest's newest scan (attested in the registry, written by a pipeline, or run now) is "
          "judged by the same `vulns:` policy as `containersec vulns`; when a newer tag of the repository no "
          "longer has the vulnerabilities, move to it, else rebuild.",
      bad="app:1.0.0 scanned: CVE-2021-36159 (CRITICAL) apk-tools 2.10.4-r2 -> 2.10.7-r0",
      good="app:1.1.0 scanned: nothing over the policy",
      notes="The finding names the worst vulnerabilities (ID, package, installed and fixed version). A newer tag "
            "fixes them when its image (same platform, built later) has a scan that lists none of them and fails "
            "the policy on nothing more severe; a tag or digest audited alone looks at no other tag, and the "
            "message says so instead of advising a rebuild. As for "
            "CSV001, the finding's severity follows the worst failing vulnerability's scanner severity (CRITICAL "
            "and HIGH are errors, MEDIUM warnings, LOW, NEGLIGIBLE and UNKNOWN info) and the finding fails the "
            "run whenever the policy fails a vulnerability, so the exit code is that of `containersec vulns` on "
            "the same report; a severity set for CSR040 in the config replaces the scanner's, and then the "
            "`--fail-on` threshold decides.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if not isinstance(subject, ScanFacts) or subject.judgement is None or not subject.judgement.failing:
        return
    failing = subject.judgement.failing
    fixable = sum(1 for v in failing if v.fixed)
    worst = ", ".join(v.shown for v in failing[:SHOWN])
    more = f" and {len(failing) - SHOWN} more" if len(failing) > SHOWN else ""
    if subject.fixed_by:
        action = f"fixed in {subject.fixed_by}: move to it"
    elif fixable and not subject.other_tags_audited:
        action = "no other tag was audited: audit the repository to find a tag that fixes them"
    elif fixable:
        action = "rebuild: no tag of this repository fixes them"
    else:
        action = "no fixed version exists yet"
    counted = "1 vulnerability fails" if len(failing) == 1 else f"{len(failing)} vulnerabilities fail"
    yield PolicyHit(f"{subject.locator.shown}: {counted} the policy ({fixable} fixable): "
                    f"{worst}{more}; {action} (scan: {subject.where})", 1, level=subject.level)
