"""The credential kinds the secret detector knows: one small declarative entry per format.

Every format of Trivy's built-in secret rules and of gitleaks' default config is here, written from their
public descriptions (prefixes, alphabets, lengths), plus the credential files a container image carries
(Docker, Maven, npm, PyPI, netrc). Each entry has an ID, a title, a severity (Trivy's scale), a pattern
whose `secret` group is the value that gets masked, the keywords of the cheap pre-filter, and an allow-list.

Patterns are linear: bounded or possessive repeats, no nested quantifiers over overlapping classes, and
every pattern starts at a literal or a keyword, so a text without one is never searched.

Two constructors build most entries, and derive the keywords from what they put in the pattern, so an
entry cannot forget its keyword:
- `token`: a self-identifying format, a literal prefix and a body (`ghp_` and 36 alphanumerics);
- `assigned`: a value with no prefix of its own, found only where a name of its service is assigned to it
  (`twitter_api_secret = "..."`), as gitleaks finds such values.
The others (private key headers, credential files, URLs with a password, generic secrets) are written out
with their keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CRITICAL, HIGH, MEDIUM, LOW = "CRITICAL", "HIGH", "MEDIUM", "LOW"
SEVERITIES = (CRITICAL, HIGH, MEDIUM, LOW)


@dataclass(frozen=True)
class Kind:
    """One credential format."""

    id: str
    title: str
    severity: str
    pattern: str  # a `secret` group holds the value; compiled with `flags`
    # A text that holds none of them is not searched; lower case, looked for in the lower-cased text, unless
    # `exact` (a token's own prefix, looked for as written: `ASIA`, not the `Asia` of a time zone).
    keywords: tuple[str, ...]
    allow: tuple[str, ...] = ()  # regexes searched in the secret: known examples and placeholders
    entropy: float = 0.0  # the secret's least Shannon entropy (bits per character)
    flags: int = 0
    shown: bool = False  # the match is a marker (a key header), not the secret: it is shown whole
    check: str = ""  # a further test of the match, by name (see detector.py)
    exact: bool = False
    note: str = ""  # where a peer's rule for the same format is noisy, what this entry does instead


# A value cannot start or end inside a longer run of token characters.
_START = r"(?<![A-Za-z0-9_])"
_END = r"(?![A-Za-z0-9_\-])"
# What may sit between a service's name and the value assigned to it: more of the name
# (`_API_TOKEN`), closing quotes, an assignment operator, opening quotes.
_ASSIGN = r"[\w.\-]{0,25}+[ \t'\"]{0,3}+(?::{1,2}=|=>|=|:|,)[ \t'\"`=]{0,5}+"
# Where an assigned value must end: a quote, a space, a separator or the end of the text.
_ASSIGNED_END = r"(?=[`'\"\s;,)\]}]|\\[nr]|$)"


def token(id: str, title: str, severity: str, prefixes: tuple[str, ...] | str, body: str, *,
          lead: str = "", allow: tuple[str, ...] = (), entropy: float = 0.0, start: str = _START,
          end: str = _END, ignore_case: bool = False, note: str = "") -> Kind:
    """A format that names itself: one of `prefixes` (literal text) then `body` (a regex).

    `lead` is a fixed-length part of the secret before the prefix, for the few formats whose literal
    comes later (`<14 characters>.atlasv1.`).
    """
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    if start == _START and not lead:
        # The same boundary, tested after the prefix: a pattern that starts with its literal is searched for
        # that literal (fast) rather than tried at every position of the text.
        head = "|".join(f"{re.escape(p)}(?<![A-Za-z0-9_]{re.escape(p)})" for p in prefixes)
        start = ""
    else:
        head = "|".join(re.escape(prefix) for prefix in prefixes)
    return Kind(id, title, severity, f"{start}(?P<secret>{lead}(?:{head}){body}){end}",
                tuple(dict.fromkeys(prefix.lower() if ignore_case else prefix for prefix in prefixes)), allow,
                entropy, re.IGNORECASE if ignore_case else 0, note=note, exact=not ignore_case)


def assigned(id: str, title: str, severity: str, names: tuple[str, ...] | str, value: str, *,
             allow: tuple[str, ...] = (), entropy: float = 3.0, note: str = "") -> Kind:
    """A value without a prefix of its own, found where a name of its service is assigned to it."""
    names = (names,) if isinstance(names, str) else names
    head = "|".join(re.escape(name) for name in names)
    return Kind(id, title, severity, f"(?:{head}){_ASSIGN}(?P<secret>{value}){_ASSIGNED_END}",
                tuple(dict.fromkeys(name.lower() for name in names)), allow, entropy, re.IGNORECASE, note=note)


_HEX32 = "[a-f0-9]{32}"
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_B64 = "A-Za-z0-9+/"

# Secrets that are placeholders or documentation examples in any format (searched in the secret).
PLACEHOLDERS = (
    r"(?i)example|placeholder|dummy|changeme|change_me|redacted|your[_\-]|insert|replace|sample|fake",
    r"(?i)xxxxx|\*\*\*|\.\.\.|<[a-z_\- ]+>|\$\{|\{\{",
    r"^(.)\1*$",  # one character repeated
)

KINDS: tuple[Kind, ...] = (
    # --- Cloud providers ---
    token("aws-access-key-id", "AWS access key ID", CRITICAL,
          ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3T"),
          # An A3T key has one more character after its prefix.
          "(?:(?<=A3T)[A-Z0-9])?[A-Z0-9]{16}", end=r"(?![A-Za-z0-9])"),
    Kind("aws-secret-access-key", "AWS secret access key", CRITICAL,
         r"(?i:aws_?(?:sec(?:ret)?)?_?(?:access)?_?key)[\"']?[ \t]*(?::|=>|=)[ \t]*[\"']?"
         rf"(?P<secret>[{_B64}]{{40}}){_END}(?!=)", ("aws",), entropy=3.5,
         note="Trivy's keyword is `key`, which sends nearly every text to the pattern; ours is `aws`."),
    token("aws-bedrock-api-key", "Amazon Bedrock API key (long-lived)", CRITICAL, "ABSK",
          f"[{_B64}]{{109,269}}+={{0,2}}", end=""),
    token("aws-bedrock-api-key-short-lived", "Amazon Bedrock API key (short-lived)", HIGH,
          "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t", f"[{_B64}]{{0,2000}}+={{0,2}}", end=""),
    token("gcp-api-key", "Google API key", HIGH, "AIza", "[0-9A-Za-z_-]{35}",
          end=r"(?![0-9A-Za-z_-])"),
    token("gcp-oauth-client-secret", "Google OAuth client secret", HIGH, "GOCSPX-", "[A-Za-z0-9_-]{28}"),
    Kind("gcp-service-account", "Google Cloud service account key", CRITICAL,
         r"\"type\"\s{0,5}+:\s{0,5}+\"service_account\"[^{}]{0,3000}?"
         r"\"private_key\"\s{0,5}+:\s{0,5}+\"(?P<secret>-----BEGIN[^\"]{1,5000}+)\"",
         ("service_account",),
         note="Trivy reports any `\"type\": \"service_account\"`; ours needs the private key beside it."),
    Kind("azure-storage-account-key", "Azure storage account key", CRITICAL,
         rf"(?i:AccountKey)=(?P<secret>[{_B64}]{{86}}==)(?![{_B64}=])", ("accountkey",)),
    Kind("azure-ad-client-secret", "Azure AD (Entra ID) client secret", CRITICAL,
         r"(?<![A-Za-z0-9_~.])(?P<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])", ("q~",)),
    assigned("azure-devops-pat", "Azure DevOps personal access token", CRITICAL,
             ("azure_devops", "azuredevops", "ado_pat", "azure-devops", "system_accesstoken"), "[a-z2-7]{52}"),
    token("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", HIGH, "LTAI", "[A-Za-z0-9]{20}",
          end=r"(?![A-Za-z0-9])"),
    assigned("alibaba-secret-key", "Alibaba Cloud AccessKey secret", HIGH, "alibaba", "[a-z0-9]{30}"),
    token("digitalocean-pat", "DigitalOcean personal access token", CRITICAL, "dop_v1_", "[a-f0-9]{64}"),
    token("digitalocean-access-token", "DigitalOcean OAuth access token", CRITICAL, "doo_v1_", "[a-f0-9]{64}"),
    token("digitalocean-refresh-token", "DigitalOcean OAuth refresh token", CRITICAL, "dor_v1_", "[a-f0-9]{64}"),
    assigned("yandex-access-token", "Yandex Cloud IAM token", HIGH, "yandex",
             r"t1\.[A-Z0-9a-z_-]{1,200}+={0,2}\.[A-Z0-9a-z_-]{86}={0,2}"),
    assigned("yandex-api-key", "Yandex Cloud API key", HIGH, "yandex", "AQVN[A-Za-z0-9_-]{35,38}"),
    assigned("yandex-aws-access-token", "Yandex Cloud static access key", HIGH, "yandex", "YC[a-zA-Z0-9_-]{38}"),
    assigned("cloudflare-api-key", "Cloudflare API token", HIGH, "cloudflare", "[a-z0-9_-]{40}"),
    assigned("cloudflare-global-api-key", "Cloudflare global API key", HIGH, "cloudflare", "[a-f0-9]{37}"),
    token("cloudflare-origin-ca-key", "Cloudflare Origin CA key", HIGH, "v1.0-", "[a-f0-9]{24}-[a-f0-9]{146}"),
    token("flyio-access-token", "Fly.io access token", HIGH, ("fo1_", "fm1a_", "fm1r_", "fm2_"),
          f"(?:(?<=fo1_)[\\w-]{{43}}|(?<!fo1_)[{_B64}]{{100,2000}}+={{0,3}})", end=""),
    token("heroku-api-key-v2", "Heroku API key", HIGH, "HRKU-AA", "[0-9a-zA-Z_-]{58}"),
    Kind("heroku-api-key", "Heroku API key (legacy)", HIGH,
         rf"heroku[\w.-]{{0,20}}?(?:key|token|secret|auth|password){_ASSIGN}(?P<secret>{_UUID}){_ASSIGNED_END}",
         ("heroku",), flags=re.IGNORECASE,
         note="Trivy and gitleaks take any UUID assigned to a heroku name, app IDs included; ours needs the "
              "name to say key, token, secret, auth or password."),
    token("openshift-user-token", "OpenShift user token", HIGH, "sha256~", r"[\w-]{43}"),
    token("scalingo-api-token", "Scalingo API token", HIGH, "tk-us-", r"[\w-]{48}"),
    token("clickhouse-cloud-api-secret-key", "ClickHouse Cloud API secret key", HIGH, "4b1d", "[A-Za-z0-9]{38}",
          end=r"(?![A-Za-z0-9])"),
    token("defined-networking-api-token", "Defined Networking API token", HIGH, "dnkey-",
          "[a-z0-9=_-]{26}-[a-z0-9=_-]{52}", ignore_case=True),
    # --- Version control and CI ---
    # GitHub documents that its token lengths may grow (up to 255 characters): longer bodies are taken.
    token("github-pat", "GitHub personal access token", CRITICAL, "ghp_", "[0-9a-zA-Z]{36,255}+",
          end=r"(?![0-9a-zA-Z])"),
    token("github-oauth", "GitHub OAuth access token", CRITICAL, "gho_", "[0-9a-zA-Z]{36,255}+",
          end=r"(?![0-9a-zA-Z])"),
    token("github-app-token", "GitHub App token", CRITICAL, ("ghu_", "ghs_"), "[0-9a-zA-Z]{36,255}+",
          end=r"(?![0-9a-zA-Z])"),
    token("github-refresh-token", "GitHub refresh token", CRITICAL, "ghr_", "[0-9a-zA-Z]{36,255}+",
          end=r"(?![0-9a-zA-Z])"),
    token("github-fine-grained-pat", "GitHub fine-grained personal access token", CRITICAL, "github_pat_",
          "[a-zA-Z0-9]{22}_[a-zA-Z0-9]{59}", end=r"(?![0-9a-zA-Z_])"),
    token("gitlab-pat", "GitLab personal access token", CRITICAL, "glpat-", r"[\w-]{20}(?:[\w-]{7,280}\.[0-9a-z]{9})?",
          end=r"(?![\w.-])"),
    token("gitlab-deploy-token", "GitLab deploy token", CRITICAL, "gldt-", r"[\w-]{20}"),
    token("gitlab-cicd-job-token", "GitLab CI/CD job token", CRITICAL, "glcbt-", r"[0-9a-zA-Z]{1,5}_[\w-]{20}"),
    token("gitlab-feature-flag-client-token", "GitLab feature flag client token", MEDIUM, "glffct-", r"[\w-]{20}"),
    token("gitlab-feed-token", "GitLab feed token", MEDIUM, "glft-", r"[\w-]{20}"),
    token("gitlab-incoming-mail-token", "GitLab incoming mail token", MEDIUM, "glimt-", r"[\w-]{25}"),
    token("gitlab-kubernetes-agent-token", "GitLab Kubernetes agent token", HIGH, "glagent-", r"[\w-]{50}"),
    token("gitlab-oauth-app-secret", "GitLab OAuth application secret", HIGH, "gloas-", r"[\w-]{64}"),
    token("gitlab-pipeline-trigger-token", "GitLab pipeline trigger token", HIGH, "glptt-", "[0-9a-f]{40}"),
    token("gitlab-runner-registration-token", "GitLab runner registration token", HIGH, "GR1348941", r"[\w-]{20}"),
    token("gitlab-runner-authentication-token", "GitLab runner authentication token", HIGH, "glrt-",
          r"(?:t\d_)?[\w-]{20,300}+(?:\.[0-9a-z]{9})?", end=r"(?![\w.-])"),
    token("gitlab-scim-token", "GitLab SCIM token", HIGH, "glsoat-", r"[\w-]{20}"),
    token("gitlab-session-cookie", "GitLab session cookie", HIGH, "_gitlab_session=", "[0-9a-z]{32}",
          start=""),
    assigned("bitbucket-client-id", "Bitbucket client ID", HIGH, "bitbucket", "[a-z0-9]{32}"),
    assigned("bitbucket-client-secret", "Bitbucket client secret", HIGH, "bitbucket", "[a-z0-9=_-]{64}"),
    token("atlassian-api-token-v2", "Atlassian API token", HIGH, "ATATT3", "[A-Za-z0-9_=-]{186}"),
    assigned("atlassian-api-token", "Atlassian API token (legacy)", HIGH, ("atlassian", "confluence", "jira"),
             "[a-z0-9]{24}"),
    assigned("gitter-access-token", "Gitter access token", MEDIUM, "gitter", "[a-z0-9_-]{40}"),
    assigned("droneci-access-token", "Drone CI access token", HIGH, "droneci", "[a-z0-9]{32}"),
    assigned("travisci-access-token", "Travis CI access token", HIGH, "travis", "[a-z0-9]{22}"),
    assigned("codecov-access-token", "Codecov access token", MEDIUM, "codecov", "[a-z0-9]{32}"),
    token("sourcegraph-access-token", "Sourcegraph access token", HIGH, "sgp_",
          "(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}",
          note="gitleaks also takes any 40 hex digits near `sourcegraph`, which a git commit ID is; ours "
               "needs the sgp_ prefix."),
    assigned("sonar-api-token", "SonarQube token", HIGH, ("sonar_token", "sonar.token", "sonar_login",
                                                           "sonar.login", "sonar-token", "sonar-login"),
             "(?:squ_|sqp_|sqa_)?[a-z0-9=_-]{40}"),
    assigned("snyk-api-token", "Snyk API token", HIGH, ("snyk_token", "snyk_api_token", "snyk_key",
                                                         "snyk_api_key", "snyk-token", "snyk.token"), _UUID),
    token("harness-api-key", "Harness API key", HIGH, ("pat.", "sat."),
          "[a-zA-Z0-9_-]{22}\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{20}"),
    token("octopus-deploy-api-key", "Octopus Deploy API key", HIGH, "API-", "[A-Z0-9]{26}"),
    token("prefect-api-token", "Prefect API token", HIGH, "pnu_", "[a-zA-Z0-9]{36}"),
    token("infracost-api-token", "Infracost API token", MEDIUM, "ico-", "[a-zA-Z0-9]{32}"),
    token("hashicorp-tf-api-token", "HashiCorp Terraform API token", HIGH, ".atlasv1.", r"[a-zA-Z0-9\-_=]{60,70}",
          lead="[a-zA-Z0-9]{14}", end=r"(?![\w=-])"),
    Kind("hashicorp-tf-password", "Terraform administrator password", HIGH,
         r"(?:administrator_login_password)[ \t]{0,5}+=[ \t]{0,5}+\"(?P<secret>[a-z0-9=_\-]{8,20})\"",
         ("administrator_login_password",), entropy=2.0, flags=re.IGNORECASE,
         note="gitleaks also takes any `password = \"...\"`; that is the generic-secret entry here."),
    token("vault-service-token", "HashiCorp Vault service token", CRITICAL, "hvs.", r"[\w-]{90,120}"),
    token("vault-batch-token", "HashiCorp Vault batch token", CRITICAL, "hvb.", r"[\w-]{138,300}"),
    Kind("vault-service-token-legacy", "HashiCorp Vault service token (legacy)", HIGH,
         rf"(?i:vault){_ASSIGN}(?P<secret>s\.[a-zA-Z0-9]{{24}}){_ASSIGNED_END}", ("vault",), entropy=3.5,
         note="gitleaks takes any `s.` and 24 characters; ours needs a Vault name assigned to it."),
    # --- Package registries ---
    token("npm-access-token", "npm access token", CRITICAL, "npm_", "[a-zA-Z0-9]{36}", end=r"(?![A-Za-z0-9])"),
    token("pypi-upload-token", "PyPI upload token", CRITICAL, "pypi-AgEIcHlwaS5vcmc", r"[\w-]{50,1000}+"),
    token("rubygems-api-token", "RubyGems API token", HIGH, "rubygems_", "[a-f0-9]{48}"),
    token("clojars-api-token", "Clojars deploy token", MEDIUM, "CLOJARS_", "[a-z0-9]{60}", ignore_case=True),
    token("private-packagist-token", "Private Packagist token", HIGH,
          ("packagist_uut_", "packagist_ort_", "packagist_out_"), "[a-fA-F0-9]{68}"),
    token("artifactory-api-key", "JFrog Artifactory API key", HIGH, "AKCp", "[A-Za-z0-9]{69}",
          end=r"(?![A-Za-z0-9])"),
    token("artifactory-reference-token", "JFrog Artifactory reference token", HIGH, "cmVmd", "[A-Za-z0-9]{59}",
          end=r"(?![A-Za-z0-9])"),
    assigned("jfrog-api-key", "JFrog API key", HIGH, ("jfrog", "artifactory", "bintray", "xray"), "[a-z0-9]{73}"),
    assigned("jfrog-identity-token", "JFrog identity token", HIGH, ("jfrog", "artifactory", "bintray", "xray"),
             "[a-z0-9]{64}"),
    token("nuget-api-key", "NuGet API key", HIGH, "oy2", "[a-z0-9]{43}"),
    token("dockerhub-pat", "Docker Hub personal access token", CRITICAL, "dckr_pat_", "[a-zA-Z0-9_-]{27}"),
    Kind("docker-config-auth", "Docker registry credentials (config.json auth)", HIGH,
         rf"\"auth\"[ \t]{{0,5}}+:[ \t\n]{{0,20}}+\"(?P<secret>[{_B64}]{{8,4000}}+={{0,2}})\"", ("\"auth\"",)),
    Kind("dockerconfig-secret", "Docker config in a Kubernetes Secret", HIGH,
         rf"\.(?:dockerconfigjson|dockercfg)\"?:[ \t]{{0,5}}+\|?[ \t\n]{{0,20}}+"
         rf"(?P<secret>(?:ey|ew)[{_B64}]{{8,20000}}+=*)",
         (".dockerconfigjson", ".dockercfg")),
    Kind("maven-settings-password", "Maven settings.xml server password", HIGH,
         r"<server>[^<]{0,200}+(?:<(?!password>)[^<]{0,500}+){0,20}+<password>(?P<secret>[^<>${}\s][^<>\s]{2,500}+)"
         r"</password>", ("<server>",),
         note="Values written as ${env.VAR} or Maven's {encrypted} form are not reported."),
    Kind("npmrc-auth", "npm registry credentials (.npmrc)", HIGH,
         r"(?:_authToken|_auth|_password)[ \t]{0,5}+=[ \t]{0,5}+(?P<secret>[^\s$\"'{][^\s\"']{7,2000}+)",
         ("_auth", "_password")),
    Kind("netrc-password", "netrc password", HIGH,
         r"\bmachine[ \t\n]{1,20}+\S{1,256}+[ \t\n]{1,20}+login[ \t\n]{1,20}+\S{1,256}+[ \t\n]{1,20}+password"
         r"[ \t\n]{1,20}+(?P<secret>[^\s$]\S{0,255}+)", ("machine",)),
    Kind("pypirc-password", "PyPI upload password (.pypirc)", HIGH,
         r"\[(?:pypi|testpypi|distutils)\][^\[]{0,500}?\bpassword[ \t]{0,5}+[=:][ \t]{0,5}+"
         r"(?P<secret>[^\s$%{][^\s]{3,500}+)", ("[pypi]", "[testpypi]", "[distutils]")),
    Kind("nuget-config-password", "NuGet config password", HIGH,
         r"<add key=\"(?:(?:ClearText)?Password)\"\s{0,20}+value=\"(?P<secret>[^\"]{8,500}+)\"\s{0,20}+/>",
         ("<add key=",), flags=re.IGNORECASE),
    Kind("kubernetes-secret-yaml", "Kubernetes Secret manifest data", HIGH,
         r"\bkind:[ \t]{0,5}+[\"']?Secret[\"']?[ \t]*+\n(?:[^\n]{0,300}+\n){0,40}?[ \t]{0,10}+(?:data|stringData):"
         r"[ \t]*+\n[ \t]{1,10}+[\w.-]{1,253}+:[ \t]{0,5}+[\"']?(?P<secret>[A-Za-z0-9+/]{10,8000}+={0,3})"
         r"(?![A-Za-z0-9+/=])", ("kind:",),
         note="The first value under `data` or `stringData` of a manifest whose `kind: Secret` comes first, as "
              "written by hand; the Kubernetes stage checks every value of every Secret."),
    # --- Private keys ---
    Kind("private-key", "Private key", HIGH,
         r"(?P<secret>-----BEGIN (?:[A-Z0-9_-]{1,20}+ ){0,4}PRIVATE KEY(?: BLOCK)?-----)",
         ("-----begin",), shown=True),
    Kind("putty-private-key", "PuTTY private key", HIGH,
         r"(?P<secret>PuTTY-User-Key-File-[23]: [\w-]{3,40}+)", ("putty-user-key-file-",), shown=True),
    token("age-secret-key", "age secret key", MEDIUM, "AGE-SECRET-KEY-1", "[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    token("1password-secret-key", "1Password secret key", CRITICAL, "A3-",
          "[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
          end=r"(?![A-Z0-9-])"),
    token("1password-service-account-token", "1Password service account token", CRITICAL, "ops_eyJ",
          f"[{_B64}]{{250,8000}}+={{0,3}}", end=""),
    # --- Payment ---
    token("stripe-secret-key", "Stripe secret key", CRITICAL, ("sk_live_", "sk_test_", "sk_prod_"),
          "[0-9a-zA-Z]{10,99}+", allow=("^sk_test_4eC39HqLyjWDarjtT1zdp7dc$",)),
    token("stripe-restricted-key", "Stripe restricted key", CRITICAL, ("rk_live_", "rk_test_", "rk_prod_"),
          "[0-9a-zA-Z]{10,99}+"),
    token("stripe-publishable-key", "Stripe publishable key", LOW, ("pk_live_", "pk_test_"), "[0-9a-zA-Z]{10,99}+"),
    token("square-access-token", "Square access token", CRITICAL, ("sq0atp-", "EAAA"), r"[\w-]{22,60}+"),
    token("square-oauth-secret", "Square OAuth secret", CRITICAL, "sq0csp-", r"[\w-]{43}"),
    token("shopify-access-token", "Shopify access token", HIGH, "shpat_", "[a-fA-F0-9]{32}"),
    token("shopify-custom-access-token", "Shopify custom app access token", HIGH, "shpca_", "[a-fA-F0-9]{32}"),
    token("shopify-private-app-access-token", "Shopify private app access token", HIGH, "shppa_", "[a-fA-F0-9]{32}"),
    token("shopify-shared-secret", "Shopify shared secret", HIGH, "shpss_", "[a-fA-F0-9]{32}"),
    token("flutterwave-secret-key", "Flutterwave secret key", HIGH, "FLWSECK_TEST-", "[a-hA-H0-9]{32}-X"),
    token("flutterwave-public-key", "Flutterwave public key", LOW, "FLWPUBK_TEST-", "[a-hA-H0-9]{32}-X"),
    token("flutterwave-encryption-key", "Flutterwave encryption key", MEDIUM, "FLWSECK_TEST", "[a-hA-H0-9]{12}"),
    token("gocardless-api-token", "GoCardless API token", HIGH, "live_", r"[a-zA-Z0-9\-_=]{40}",
          start=r"(?<=['\"])", end=r"(?=['\"])",
          note="The prefix `live_` is common; like Trivy, only a quoted value of exactly this shape counts."),
    assigned("plaid-client-id", "Plaid client ID", LOW, "plaid", "[a-z0-9]{24}", entropy=3.5),
    assigned("plaid-secret-key", "Plaid secret key", HIGH, "plaid", "[a-z0-9]{30}", entropy=3.5),
    token("plaid-api-token", "Plaid access token", HIGH,
          ("access-sandbox-", "access-development-", "access-production-"), _UUID),
    assigned("coinbase-access-token", "Coinbase access token", HIGH, "coinbase", "[a-z0-9_-]{64}"),
    assigned("kraken-access-token", "Kraken access token", HIGH, "kraken", "[a-z0-9/=_+-]{80,90}"),
    assigned("kucoin-access-token", "KuCoin access token", HIGH, "kucoin", "[a-f0-9]{24}"),
    assigned("kucoin-secret-key", "KuCoin secret key", HIGH, "kucoin", _UUID),
    # gitleaks has two rules of this one shape (access key and secret key): one entry finds both.
    assigned("bittrex-access-key", "Bittrex access or secret key", HIGH, "bittrex", "[a-z0-9]{32}"),
    assigned("finicity-client-secret", "Finicity client secret", MEDIUM, "finicity", "[a-z0-9]{20}"),
    assigned("finicity-api-token", "Finicity API token", MEDIUM, "finicity", _HEX32),
    token("duffel-api-token", "Duffel API token", MEDIUM, ("duffel_test_", "duffel_live_"), r"[a-zA-Z0-9_\-=]{43}"),
    token("easypost-api-token", "EasyPost API token", MEDIUM, "EZAK", "[a-zA-Z0-9]{54}"),
    token("easypost-test-api-token", "EasyPost test API token", LOW, "EZTK", "[a-zA-Z0-9]{54}"),
    token("shippo-api-token", "Shippo API token", MEDIUM, ("shippo_live_", "shippo_test_"), "[a-fA-F0-9]{40}"),
    token("freemius-secret-key", "Freemius secret key", HIGH, "sk_", r"[^\s'\"]{29}",
          start=r"(?i:[\"']secret_key[\"']\s{0,5}+=>\s{0,5}+[\"'])", end=r"(?=[\"'])"),
    # --- Chat and messaging ---
    token("slack-bot-token", "Slack bot token", HIGH, "xoxb-", "[0-9]{8,14}-[a-zA-Z0-9-]{10,100}+"),
    token("slack-user-token", "Slack user token", HIGH, ("xoxp-", "xoxe-"), "[0-9]{10,13}-[a-zA-Z0-9-]{10,200}+"),
    token("slack-legacy-token", "Slack legacy token", HIGH, ("xoxo-", "xoxs-", "xoxa-", "xoxr-"),
          "[0-9a-zA-Z-]{8,200}+"),
    token("slack-app-token", "Slack app-level token", HIGH, "xapp-", r"\d-[A-Z0-9]{1,20}+-\d{1,20}+-[a-z0-9]{1,100}+",
          ignore_case=True),
    token("slack-config-access-token", "Slack configuration access token", HIGH, ("xoxe.xoxb-", "xoxe.xoxp-"),
          r"\d-[A-Z0-9]{163,166}", ignore_case=True),
    token("slack-config-refresh-token", "Slack configuration refresh token", HIGH, "xoxe-", r"\d-[A-Z0-9]{146}",
          ignore_case=True),
    token("slack-webhook-url", "Slack webhook URL", MEDIUM, "hooks.slack.com/",
          "(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}", lead=r"(?:https?://)?", end=r"(?![A-Za-z0-9+/])"),
    token("microsoft-teams-webhook", "Microsoft Teams webhook URL", MEDIUM, ".webhook.office.com/webhookb2/",
          rf"{_UUID}@{_UUID}/IncomingWebhook/[a-z0-9]{{32}}/{_UUID}", lead=r"https://[a-z0-9]{1,100}+"),
    token("discord-webhook-url", "Discord webhook URL", MEDIUM, ("discord.com/api/webhooks/",
                                                                  "discordapp.com/api/webhooks/"),
          r"[0-9]{17,20}/[A-Za-z0-9_-]{60,68}", lead=r"https://(?:ptb\.|canary\.)?"),
    assigned("discord-api-token", "Discord API key", MEDIUM, "discord", "[a-f0-9]{64}"),
    assigned("discord-client-id", "Discord client ID", LOW, "discord", "[0-9]{18}", entropy=2.5),
    assigned("discord-client-secret", "Discord client secret", MEDIUM, "discord", "[a-z0-9=_-]{32}"),
    assigned("telegram-bot-api-token", "Telegram bot token", HIGH, ("telegram", "telegr", "tgbot"),
             "[0-9]{5,16}:A[a-z0-9_-]{34}"),
    assigned("mattermost-access-token", "Mattermost access token", MEDIUM, "mattermost", "[a-z0-9]{26}"),
    token("twilio-api-key", "Twilio API key", MEDIUM, "SK", "[0-9a-fA-F]{32}", end=r"(?![0-9A-Za-z])",
          note="Trivy searches `SK` and 32 hex digits anywhere, also inside longer words and hashes; ours "
               "needs the key to stand alone."),
    assigned("messagebird-api-token", "MessageBird API token", MEDIUM, ("messagebird", "message_bird",
                                                                         "message-bird"), "[a-z0-9]{25}"),
    assigned("messagebird-client-id", "MessageBird client ID", LOW, ("messagebird", "message_bird",
                                                                      "message-bird"), _UUID),
    token("sendgrid-api-token", "SendGrid API key", HIGH, "SG.", r"[a-zA-Z0-9=_\-.]{66}"),
    token("sendinblue-api-token", "Brevo (Sendinblue) API key", MEDIUM, "xkeysib-", "[a-f0-9]{64}-[a-zA-Z0-9]{16}"),
    assigned("mailchimp-api-key", "Mailchimp API key", MEDIUM, "mailchimp", r"[a-f0-9]{32}-us\d{1,2}"),
    assigned("mailgun-private-api-token", "Mailgun private API key", MEDIUM, "mailgun", "key-[a-f0-9]{32}"),
    assigned("mailgun-pub-key", "Mailgun public validation key", LOW, "mailgun", "pubkey-[a-f0-9]{32}"),
    assigned("mailgun-signing-key", "Mailgun webhook signing key", MEDIUM, "mailgun",
             "[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}"),
    assigned("sendbird-access-id", "Sendbird application ID", LOW, "sendbird", _UUID),
    assigned("sendbird-access-token", "Sendbird API token", MEDIUM, "sendbird", "[a-f0-9]{40}"),
    assigned("intercom-api-key", "Intercom API token", MEDIUM, "intercom", "[a-z0-9=_-]{60}"),
    assigned("intercom-client-secret", "Intercom client secret", MEDIUM, "intercom", _UUID),
    # --- AI providers ---
    Kind("openai-api-key", "OpenAI API key", CRITICAL,
         r"(?<![A-Za-z0-9_-])(?P<secret>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{58,74}T3BlbkFJ[A-Za-z0-9_-]{58,74}"
         r"|[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}))(?![A-Za-z0-9_-])", ("t3blbkfj",)),
    token("openai-project-key", "OpenAI project API key", CRITICAL, ("sk-proj-", "sk-svcacct-", "sk-admin-"),
          "[A-Za-z0-9_-]{80,300}+"),
    token("anthropic-api-key", "Anthropic API key", CRITICAL, "sk-ant-api03-", "[a-zA-Z0-9_-]{93}AA"),
    token("anthropic-admin-api-key", "Anthropic admin API key", CRITICAL, "sk-ant-admin01-", "[a-zA-Z0-9_-]{93}AA"),
    token("huggingface-access-token", "Hugging Face access token", CRITICAL, "hf_", "[A-Za-z0-9]{34,40}",
          end=r"(?![A-Za-z0-9])"),
    token("huggingface-organization-api-token", "Hugging Face organization API token", CRITICAL, "api_org_",
          "[a-zA-Z]{34}", end=r"(?![A-Za-z0-9])"),
    token("perplexity-api-key", "Perplexity API key", HIGH, "pplx-", "[a-zA-Z0-9]{48}"),
    token("groq-api-key", "Groq API key", HIGH, "gsk_", "[a-zA-Z0-9]{52}"),
    token("xai-api-key", "xAI API key", HIGH, "xai-", "[a-zA-Z0-9]{80}"),
    token("replicate-api-token", "Replicate API token", HIGH, "r8_", "[a-zA-Z0-9]{37}"),
    assigned("cohere-api-token", "Cohere API key", HIGH, ("cohere", "co_api_key"), "[a-zA-Z0-9]{40}", entropy=4.0),
    assigned("privateai-api-token", "Private AI API key", HIGH, ("privateai", "private_ai", "private-ai"),
             "[a-z0-9]{32}"),
    token("databricks-api-token", "Databricks API token", HIGH, "dapi", r"[a-f0-9]{32}(?:-\d)?",
          end=r"(?![A-Za-z0-9])"),
    # --- Observability, SaaS and developer services ---
    token("grafana-api-key", "Grafana API key", MEDIUM, "eyJrIjoi", "[A-Za-z0-9]{70,400}+={0,3}", end=""),
    token("grafana-cloud-api-token", "Grafana Cloud API token", HIGH, "glc_", "[A-Za-z0-9+/]{32,400}+={0,3}",
          end=""),
    token("grafana-service-account-token", "Grafana service account token", HIGH, "glsa_",
          "[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}"),
    assigned("datadog-access-token", "Datadog API key", HIGH, "datadog", "[a-z0-9]{40}"),
    token("dynatrace-api-token", "Dynatrace API token", MEDIUM, "dt0c01.", "[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{64}"),
    token("new-relic-user-api-key", "New Relic user API key", MEDIUM, "NRAK-", "[A-Z0-9]{27}"),
    token("new-relic-browser-api-token", "New Relic browser API token", MEDIUM, "NRJS-", "[a-f0-9]{19}"),
    token("new-relic-insert-key", "New Relic insert key", MEDIUM, "NRII-", "[a-zA-Z0-9-]{32}"),
    assigned("new-relic-user-api-id", "New Relic user API ID", LOW, ("newrelic", "new_relic", "new-relic"),
             "[a-z0-9]{64}"),
    token("sentry-user-token", "Sentry user auth token", HIGH, "sntryu_", "[a-f0-9]{64}"),
    token("sentry-org-token", "Sentry organization token", HIGH, "sntrys_eyJpYXQiO",
          "[a-zA-Z0-9+/]{10,400}+={0,2}_[a-zA-Z0-9+/]{43}", end=r"(?![a-zA-Z0-9+/])"),
    assigned("sentry-access-token", "Sentry access token", HIGH, "sentry", "[a-f0-9]{64}"),
    assigned("sumologic-access-id", "Sumo Logic access ID", MEDIUM, "sumo", "su[a-zA-Z0-9]{12}"),
    assigned("sumologic-access-token", "Sumo Logic access key", HIGH, "sumo", "[a-z0-9]{64}"),
    assigned("launchdarkly-access-token", "LaunchDarkly access token", MEDIUM, "launchdarkly", "[a-z0-9=_-]{40}"),
    token("postman-api-token", "Postman API key", MEDIUM, "PMAK-", "[a-fA-F0-9]{24}-[a-fA-F0-9]{34}"),
    token("pulumi-api-token", "Pulumi access token", HIGH, "pul-", "[a-f0-9]{40}"),
    token("planetscale-password", "PlanetScale password", HIGH, "pscale_pw_", r"[\w=.-]{32,64}"),
    token("planetscale-api-token", "PlanetScale API token", HIGH, "pscale_tkn_", r"[\w=.-]{32,64}"),
    token("planetscale-oauth-token", "PlanetScale OAuth token", HIGH, "pscale_oauth_", r"[\w=.-]{32,64}"),
    token("doppler-api-token", "Doppler API token", HIGH, "dp.pt.", "[a-zA-Z0-9]{43}"),
    token("linear-api-key", "Linear API key", MEDIUM, "lin_api_", "[a-zA-Z0-9]{40}"),
    assigned("linear-client-secret", "Linear client secret", MEDIUM, "linear", _HEX32),
    token("notion-api-token", "Notion integration token", HIGH, "ntn_", "[0-9]{11}[A-Za-z0-9]{35}"),
    token("notion-secret-legacy", "Notion integration secret (legacy)", HIGH, "secret_", "[A-Za-z0-9]{43}",
          entropy=4.0, end=r"(?![A-Za-z0-9])"),
    token("airtable-personal-access-token", "Airtable personal access token", HIGH, "pat",
          r"[A-Za-z0-9]{14}\.[a-f0-9]{64}"),
    assigned("airtable-api-key", "Airtable API key", HIGH, "airtable", "[a-z0-9]{17}"),
    assigned("algolia-api-key", "Algolia API key", MEDIUM, "algolia", "[a-z0-9]{32}"),
    assigned("asana-client-id", "Asana client ID", LOW, "asana", "[0-9]{16}", entropy=2.5),
    assigned("asana-client-secret", "Asana client secret", MEDIUM, "asana", "[a-z0-9]{32}"),
    assigned("asana-pat", "Asana personal access token", HIGH, "asana", r"[12]/[0-9]{10,20}+[:/][a-f0-9]{32}"),
    assigned("beamer-api-token", "Beamer API token", LOW, "beamer", "b_[a-z0-9=_-]{44}"),
    assigned("contentful-delivery-api-token", "Contentful delivery API token", LOW, "contentful",
             "[a-z0-9=_-]{43}"),
    assigned("dropbox-api-token", "Dropbox API secret", HIGH, "dropbox", "[a-z0-9]{15}"),
    assigned("dropbox-short-lived-api-token", "Dropbox short-lived API token", HIGH, "dropbox",
             r"sl\.[a-z0-9=_-]{135}"),
    assigned("dropbox-long-lived-api-token", "Dropbox long-lived API token", HIGH, "dropbox",
             "[a-z0-9]{11}AAAAAAAAAA[a-z0-9=_-]{43}"),
    assigned("etsy-access-token", "Etsy access token", MEDIUM, "etsy", "[a-z0-9]{24}"),
    assigned("facebook-secret", "Facebook app secret", HIGH, "facebook", _HEX32),
    Kind("facebook-access-token", "Facebook app access token", HIGH,
         r"(?<![0-9])(?P<secret>\d{15,16}(?:\||%7C)[0-9a-zA-Z_-]{27,40})(?![0-9a-zA-Z_-])", ("facebook",),
         note="As gitleaks: the app ID, `|` and the secret, in a text that names Facebook."),
    token("facebook-page-access-token", "Facebook page access token", HIGH, ("EAAM", "EAAC"), "[a-zA-Z0-9]{100,400}+"),
    assigned("fastly-api-token", "Fastly API token", MEDIUM, "fastly", "[a-z0-9=_-]{32}"),
    assigned("finnhub-access-token", "Finnhub access token", MEDIUM, "finnhub", "[a-z0-9]{20}"),
    assigned("flickr-access-token", "Flickr access token", MEDIUM, "flickr", "[a-z0-9]{32}"),
    token("frameio-api-token", "Frame.io API token", MEDIUM, "fio-u-", r"[a-zA-Z0-9\-_=]{64}"),
    assigned("freshbooks-access-token", "FreshBooks access token", MEDIUM, "freshbooks", "[a-z0-9]{64}"),
    assigned("hubspot-api-key", "HubSpot API key", MEDIUM, "hubspot", _UUID),
    token("hubspot-private-app-token", "HubSpot private app token", HIGH, ("pat-na1-", "pat-eu1-"), _UUID),
    token("intra42-client-secret", "42 Intra client secret", MEDIUM, ("s-s4t2ud-", "s-s4t2af-"), "[a-f0-9]{64}"),
    assigned("ionic-api-token", "Ionic API token", MEDIUM, "ionic", "ion_[a-z0-9]{42}"),
    token("jwt", "JSON Web Token", MEDIUM, "eyJ", r"[A-Za-z0-9_-]{5,4000}+\.eyJ[A-Za-z0-9_-]{5,20000}+"
          r"\.[A-Za-z0-9_-]{10,2000}+", allow=("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",),
          end=r"(?![A-Za-z0-9_=-])"),
    # The base64 of `eyJhbGciOi`, `eyJ0eXAiOi` or `eyJraWQiOi`: a JWT header starting with alg, typ or kid.
    token("jwt-base64", "Base64-encoded JSON Web Token", MEDIUM, "ZXlK",
          r"(?:aGJHY2lPaU|MGVYQWlPaU|cmFXUWlPaU)[A-Za-z0-9+/]{40,20000}+={0,2}", end=r"(?![A-Za-z0-9+/=])"),
    assigned("linkedin-client-id", "LinkedIn client ID", LOW, ("linkedin", "linked_in", "linked-in"),
             "[a-z0-9]{14}"),
    assigned("linkedin-client-secret", "LinkedIn client secret", MEDIUM, ("linkedin", "linked_in", "linked-in"),
             "[a-z0-9]{16}", entropy=2.5),
    assigned("lob-api-key", "Lob API key", MEDIUM, "lob", "(?:live|test)_[a-f0-9]{35}"),
    assigned("lob-pub-api-key", "Lob publishable API key", LOW, "lob", "(?:test|live)_pub_[a-f0-9]{31}"),
    assigned("looker-client-id", "Looker client ID", LOW, "looker", "[a-z0-9]{20}"),
    assigned("looker-client-secret", "Looker client secret", MEDIUM, "looker", "[a-z0-9]{24}"),
    token("mapbox-api-token", "Mapbox access token", MEDIUM, ("pk.", "sk."), r"[a-zA-Z0-9]{60}\.[a-zA-Z0-9_-]{22}"),
    token("maxmind-license-key", "MaxMind license key", MEDIUM, "_mmk", "", lead="[A-Za-z0-9]{6}_[A-Za-z0-9]{29}"),
    assigned("netlify-access-token", "Netlify access token", HIGH, "netlify", "[a-z0-9=_-]{40,46}"),
    assigned("nytimes-access-token", "New York Times API key", LOW, ("nytimes", "new-york-times", "newyorktimes"),
             "[a-z0-9=_-]{32}"),
    assigned("okta-access-token", "Okta API token", HIGH, "okta", r"00[\w=-]{40}", entropy=4.0),
    token("readme-api-token", "ReadMe API key", MEDIUM, "rdme_", "[a-z0-9]{70}"),
    assigned("rapidapi-access-token", "RapidAPI key", MEDIUM, "rapidapi", "[a-z0-9_-]{50}"),
    token("settlemint-personal-access-token", "SettleMint personal access token", HIGH, ("sm_pat_",),
          "[a-zA-Z0-9]{16}"),
    token("settlemint-application-access-token", "SettleMint application access token", HIGH, ("sm_aat_",),
          "[a-zA-Z0-9]{16}"),
    token("settlemint-service-access-token", "SettleMint service access token", HIGH, ("sm_sat_",),
          "[a-zA-Z0-9]{16}"),
    Kind("sidekiq-secret", "Sidekiq Enterprise credentials", HIGH,
         r"(?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM)[ \t'\"]{0,3}+(?::|=>|=)"
         r"[ \t'\"]{0,5}+(?P<secret>[a-f0-9]{8}:[a-f0-9]{8})(?![\w:])", ("__contribsys__com",), flags=re.IGNORECASE),
    token("sidekiq-sensitive-url", "Sidekiq Enterprise credentials in a URL", HIGH,
          ("@gems.contribsys.com", "@enterprise.contribsys.com"), "", lead="[a-f0-9]{8}:[a-f0-9]{8}",
          start="https?://", end=r"(?![\w.-])"),
    assigned("squarespace-access-token", "Squarespace access token", MEDIUM, "squarespace", _UUID),
    assigned("twitch-api-token", "Twitch API token", MEDIUM, "twitch", "[a-z0-9]{30}"),
    assigned("twitter-api-key", "Twitter API key", MEDIUM, "twitter", "[a-z0-9]{25}"),
    assigned("twitter-api-secret", "Twitter API secret", HIGH, "twitter", "[a-z0-9]{50}"),
    assigned("twitter-access-token", "Twitter access token", HIGH, "twitter", "[0-9]{15,25}-[a-zA-Z0-9]{20,40}"),
    assigned("twitter-access-secret", "Twitter access secret", HIGH, "twitter", "[a-z0-9]{45}"),
    assigned("twitter-token", "Twitter token", MEDIUM, "twitter", "[a-f0-9]{35,44}"),
    assigned("twitter-bearer-token", "Twitter bearer token", HIGH, "twitter", "A{22}[a-zA-Z0-9%]{80,100}"),
    assigned("typeform-api-token", "Typeform API token", MEDIUM, "typeform", r"tfp_[a-z0-9\-_.=]{59}"),
    assigned("adafruit-api-key", "Adafruit IO key", MEDIUM, "adafruit", "[a-z0-9_-]{32}"),
    assigned("adobe-client-id", "Adobe client ID", LOW, "adobe", _HEX32),
    token("adobe-client-secret", "Adobe client secret", HIGH, "p8e-", "[a-zA-Z0-9]{32}"),
    Kind("authress-service-client-access-key", "Authress service client access key", HIGH,
         r"(?<![A-Za-z0-9_])(?P<secret>(?:sc|ext|scauth|authress)_[a-zA-Z0-9]{5,30}+\.[a-zA-Z0-9]{4,6}+"
         r"\.acc[_-][a-zA-Z0-9-]{10,32}+\.[a-zA-Z0-9+/_=-]{30,120}+)(?![a-zA-Z0-9+/_=-])", (".acc_", ".acc-"),
         note="gitleaks' keywords (`sc_`, `ext_`) are in many words; ours is the `.acc` part of the key."),
    assigned("confluent-access-token", "Confluent API key", MEDIUM, "confluent", "[a-z0-9]{16}"),
    assigned("confluent-secret-key", "Confluent API secret", HIGH, "confluent", "[a-z0-9]{64}"),
    assigned("cisco-meraki-api-key", "Cisco Meraki API key", HIGH, "meraki", "[0-9a-f]{40}"),
    assigned("zendesk-secret-key", "Zendesk secret key", HIGH, "zendesk", "[a-z0-9]{40}"),
    token("mailersend-api-token", "MailerSend API token", MEDIUM, "mlsn.", "[a-f0-9]{64}"),
    # --- Credentials in connection strings, headers and commands ---
    Kind("url-password", "URL with a password", HIGH,
         r"://(?P<user>[^\s/:@'\"]{0,256}+):(?P<secret>[^\s/@'\"]{1,256}+)@(?P<host>[^\s/@'\":]{1,256}+)",
         ("@",), check="url",
         note="Covers database connection strings (postgres://, mysql://, mongodb+srv://, redis://, amqp://). "
              "A password that is a $VARIABLE, a template or a placeholder such as `password` is not reported."),
    Kind("connection-string-password", "Connection string with a password", HIGH,
         r"(?:Server|Data Source|Host|Address)=[^;'\"\n]{1,200}+;[^'\"\n]{0,300}?\b(?:Password|Pwd)="
         r"(?P<secret>[^;'\"\s$]{3,128}+)(?=[;'\"\s]|$)", ("password=", "pwd="), flags=re.IGNORECASE),
    Kind("authorization-header", "Credentials in an Authorization header", HIGH,
         r"Authorization:[ \t]{0,5}+(?:Basic|Bearer|Token|Api-Token)[ \t]{1,5}+"
         r"(?P<secret>[A-Za-z0-9_=~@.+/-]{8,4000}+)", ("authorization:",), entropy=2.75, flags=re.IGNORECASE),
    # Searched from the option; the check finds `curl` before it on the same line.
    Kind("curl-auth-user", "Password in a curl --user option", HIGH,
         r"(?:-u(?<=[ \t]-u)|--user(?<=[ \t]--user))(?:=|[ \t]{1,5}+)[\"']?[^\s:\"'$]{1,64}+:"
         r"(?P<secret>[^\s\"'$]{3,128}+)(?=[\s\"']|$)", ("-u ", "-u=", "-u\t", "--user"), entropy=2.0,
         check="curl"),
    # Searched from the assignment operator (rarer than the names' words); the name before it is read back.
    Kind("generic-secret", "Generic secret", MEDIUM,
         r"[:=]>?[ \t]{0,5}+[\"']?(?P<secret>[^\s\"'`$<>{}();,\\|&#/.~][^\s\"'`$<>{}();,\\|&#]{15,199}+)",
         ("pass", "pwd", "psw", "pword", "secret", "token", "key", "credential"), entropy=3.5, check="generic",
         note="gitleaks' generic-api-key takes any value after a name with `key`, `api`, `access` or `auth`; "
              "ours needs a name that says secret by the same rule as the secret-name checks (so not "
              "KEY_ID, PUBLIC_KEY or TOKEN_URL), a value of 16 or more characters with an entropy of 3.5 bits "
              "per character or more, at least one digit, and no placeholder, path, URL, reference or digest."),
)
