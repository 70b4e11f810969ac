"""A small OCI Distribution (v2) client on `requests`: what the audit, the retention plan and `pin` need.

Correctness over convenience: every manifest request accepts all four manifest media types (distribution
answers 404 for OCI manifests otherwise); the body's sha256 is checked against the digest asked for and the
`Docker-Content-Digest` header; `Link` pagination is followed with a page bound and loop detection; 429 and
5xx are retried with `Retry-After` and exponential backoff, bounded; bodies are read with a size bound, so a
hostile `Content-Length` costs nothing. Redirects are followed by hand: credentials never leave the host they
belong to. Loopback hosts and hosts the config lists as insecure may speak plain HTTP, as Docker allows: HTTPS is
tried first and plain HTTP only when the host does not speak TLS (a certificate that fails verification is an
error, never a reason to fall back).
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from containersec.release.registry.credentials import Credential
from containersec.release.registry.reference import is_loopback
from containersec.release.registry.shapes import sequence
from containersec.untrusted import DocumentError, json_data
from containersec.untrusted.deadline import Deadline, DeadlineExceeded

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_TYPES = (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST)
INDEX_TYPES = (OCI_INDEX, DOCKER_LIST)
MAX_MANIFEST_BYTES = 4 * 1024 * 1024  # the distribution spec's limit for manifests
MAX_BLOB_BYTES = 16 * 1024 * 1024  # config blobs and signature payloads; layers are never pulled
MAX_LIST_BYTES = 32 * 1024 * 1024
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
# No real manifest has this digest; a DELETE of it tells whether deletes are enabled without changing anything.
PROBE_DIGEST = "sha256:" + hashlib.sha256(b"containersec: are deletes enabled?").hexdigest()


class RegistryError(Exception):
    """A registry answer the tool cannot use; the message names the host or reference and the problem."""


class _NotTLS(Exception):
    """The host answered a TLS handshake with something else: it speaks plain HTTP."""


class NotFound(RegistryError):
    pass


class DeletesDisabled(RegistryError):
    pass


@dataclass(frozen=True)
class ClientOptions:
    ca_bundle: str | None = None
    insecure_hosts: tuple[str, ...] = ()
    timeout: float = 30.0
    retries: int = 4
    max_retry_wait: float = 30.0
    backoff: float = 0.5
    max_pages: int = 1000
    max_redirects: int = 5
    deadline: float = 900.0  # seconds for all the traffic of one run, shared by every host


@dataclass(frozen=True)
class Manifest:
    digest: str
    media_type: str
    data: dict[str, Any]
    size: int

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES or "manifests" in self.data

    @property
    def children(self) -> list[dict[str, Any]]:
        return [d for d in sequence(self.data.get("manifests")) if isinstance(d, dict) and is_digest(d.get("digest"))]


@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


def is_digest(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"sha256:[0-9a-f]{64}", value) is not None


def sha256_digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass
class Registry:
    """One registry host. `credential` is looked up lazily, only when the registry asks for it."""

    host: str
    options: ClientOptions = field(default_factory=ClientOptions)
    credential_lookup: Callable[[str], Credential | None] = lambda host: None
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    deadline: Deadline | None = None  # shared with the other hosts of the run; a fresh one when not given

    def __post_init__(self) -> None:
        if self.deadline is None:
            self.deadline = Deadline(self.options.deadline)
        # As Docker does for insecure registries: HTTPS first, plain HTTP when the host does not speak TLS.
        self.plain_http_allowed = is_loopback(self.host) or self.host in self.options.insecure_hosts
        self.base_url = f"https://{self.host}"
        self._session = requests.Session()
        self._session.trust_env = False  # proxies and netrc of the environment do not get our credentials
        self._session.verify = self.options.ca_bundle or True
        self._authorization: dict[str, str] = {}  # scope -> bearer Authorization header value
        self._basic = ""  # basic auth covers every scope of the host
        self._credential: Credential | None = None
        self._credential_read = False

    # --- the API -------------------------------------------------------------------------------------

    def ping(self) -> None:
        self._get("/v2/", scope="")

    def tags(self, repository: str) -> list[str]:
        tags: list[str] = []
        for page in self._pages(f"/v2/{repository}/tags/list", f"repository:{repository}:pull", repository):
            values = page.get("tags") or []
            if not isinstance(values, list) or not all(isinstance(tag, str) for tag in values):
                raise RegistryError(f"{self.host}/{repository}: tags/list answered a malformed tag list")
            for tag in values:
                # Tags go into request paths: one outside the grammar is a hostile answer, not a tag.
                if not _TAG.fullmatch(tag):
                    raise RegistryError(f"{self.host}/{repository}: tags/list answered an invalid tag {tag[:80]!r}")
            tags.extend(values)
        return list(dict.fromkeys(tags))

    def repositories(self) -> list[str]:
        names: list[str] = []
        for page in self._pages("/v2/_catalog", "registry:catalog:*", "_catalog"):
            values = page.get("repositories") or []
            if not isinstance(values, list) or not all(isinstance(name, str) for name in values):
                raise RegistryError(f"{self.host}: _catalog answered a malformed repository list")
            names.extend(values)
        return list(dict.fromkeys(names))

    def head_digest(self, repository: str, reference: str) -> str | None:
        """The manifest digest via HEAD (cheap; not counted by Docker Hub's pull limit); None if not given."""
        answer = self._send("HEAD", f"/v2/{repository}/manifests/{reference}", f"repository:{repository}:pull",
                            headers={"Accept": ", ".join(MANIFEST_TYPES)}, max_bytes=0)
        self._raise_for(answer, f"{self.host}/{repository}:{reference}")
        digest = answer.headers.get("Docker-Content-Digest")
        return digest if is_digest(digest) else None

    def manifest(self, repository: str, reference: str) -> Manifest:
        shown = f"{self.host}/{repository}{'@' if reference.startswith('sha256:') else ':'}{reference}"
        answer = self._get(f"/v2/{repository}/manifests/{reference}", f"repository:{repository}:pull",
                           accept=", ".join(MANIFEST_TYPES), max_bytes=MAX_MANIFEST_BYTES, shown=shown)
        digest = sha256_digest(answer.body)
        if reference.startswith("sha256:") and digest != reference:
            raise RegistryError(f"{shown}: the registry sent a manifest whose sha256 is {digest}, not the digest "
                                "asked for")
        header = answer.headers.get("Docker-Content-Digest")
        if header and header != digest:
            raise RegistryError(f"{shown}: Docker-Content-Digest says {header} but the body's sha256 is {digest}")
        data = _json_object(answer.body, shown)
        media_type = answer.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type not in MANIFEST_TYPES:
            media_type = str(data.get("mediaType") or media_type)
        return Manifest(digest, media_type, data, len(answer.body))

    def blob(self, repository: str, digest: str, max_bytes: int = MAX_BLOB_BYTES) -> bytes:
        shown = f"{self.host}/{repository}@{digest} (blob)"
        answer = self._get(f"/v2/{repository}/blobs/{digest}", f"repository:{repository}:pull",
                           max_bytes=max_bytes, shown=shown)
        if sha256_digest(answer.body) != digest:
            raise RegistryError(f"{shown}: the blob's sha256 does not match its digest")
        return answer.body

    def blob_json(self, repository: str, digest: str) -> dict[str, Any]:
        return _json_object(self.blob(repository, digest), f"{self.host}/{repository}@{digest} (blob)")

    def referrers_api(self, repository: str, digest: str) -> list[dict[str, Any]] | None:
        """Descriptors from the OCI 1.1 referrers API, or None when the registry has no such API (404)."""
        shown = f"{self.host}/{repository}@{digest} (referrers)"
        answer = self._send("GET", f"/v2/{repository}/referrers/{digest}", f"repository:{repository}:pull",
                            headers={"Accept": OCI_INDEX}, max_bytes=MAX_MANIFEST_BYTES)
        if answer.status == 404:
            return None
        self._raise_for(answer, shown)
        return [d for d in sequence(_json_object(answer.body, shown).get("manifests")) if isinstance(d, dict)]

    def delete_manifest(self, repository: str, digest: str) -> None:
        """Delete by digest (which removes every tag on it); a digest already gone is not an error."""
        shown = f"{self.host}/{repository}@{digest}"
        answer = self._send("DELETE", f"/v2/{repository}/manifests/{digest}",
                            f"repository:{repository}:delete,pull", max_bytes=MAX_MANIFEST_BYTES)
        if answer.status == 404:
            return
        self._raise_for(answer, shown)

    def deletes_enabled(self, repository: str) -> bool:
        """Ask with a digest no manifest has: 405 means deletes are off; 404 (not found) means they are on."""
        answer = self._send("DELETE", f"/v2/{repository}/manifests/{PROBE_DIGEST}",
                            f"repository:{repository}:delete,pull", max_bytes=MAX_MANIFEST_BYTES)
        if answer.status == 405:
            return False
        if answer.status in (202, 404):
            return True
        self._raise_for(answer, f"{self.host}/{repository}")
        return True

    # --- transport -----------------------------------------------------------------------------------

    def _get(self, path: str, scope: str, *, accept: str | None = None, max_bytes: int = MAX_LIST_BYTES,
             shown: str | None = None) -> _Answer:
        answer = self._send("GET", path, scope, headers={"Accept": accept} if accept else {}, max_bytes=max_bytes)
        self._raise_for(answer, shown or f"{self.host}{path}")
        return answer

    def _pages(self, path: str, scope: str, what: str) -> Iterator[dict[str, Any]]:
        url: str | None = path
        seen: set[str] = set()
        while url is not None:
            if url in seen:
                raise RegistryError(f"{self.host}: {what} pagination loops back to {url}")
            if len(seen) >= self.options.max_pages:
                raise RegistryError(f"{self.host}: {what} has more than {self.options.max_pages} pages; stopped")
            seen.add(url)
            answer = self._get(url, scope, shown=f"{self.host}: {what}")
            yield _json_object(answer.body, f"{self.host}: {what}")
            match = _NEXT_LINK.search(answer.headers.get("Link", ""))
            url = urljoin(answer.url, match[1]) if match else None
            if url is not None and urlsplit(url).netloc != urlsplit(self.base_url).netloc:
                raise RegistryError(f"{self.host}: {what} pagination points at another host")

    def _raise_for(self, answer: _Answer, shown: str) -> None:
        if answer.status < 300:
            return
        detail = _error_detail(answer.body)
        if answer.status == 404:
            raise NotFound(f"{shown}: not found{detail}")
        if answer.status == 405:
            raise DeletesDisabled(f"{shown}: the registry does not allow this operation (405){detail}")
        if answer.status in (401, 403):
            has = "the credential was refused" if self._credential else "no credential is configured for this host"
            raise RegistryError(f"{shown}: access denied ({answer.status}): {has}{detail}")
        raise RegistryError(f"{shown}: the registry answered HTTP {answer.status}{detail}")

    def _send(self, method: str, path: str, scope: str, *, headers: Mapping[str, str] | None = None,
              max_bytes: int) -> _Answer:
        headers = dict(headers or {})
        try:
            answer = self._with_retries(method, urljoin(self.base_url, path), headers, scope, max_bytes)
        except _NotTLS:
            self.base_url = f"http://{self.host}"
            answer = self._with_retries(method, urljoin(self.base_url, path), headers, scope, max_bytes)
        if (answer.status == 401 and "WWW-Authenticate" in answer.headers
                and self._authenticate(answer.headers["WWW-Authenticate"], scope)):
            answer = self._with_retries(method, urljoin(self.base_url, path), headers, scope, max_bytes)
        return answer

    def _with_retries(self, method: str, url: str, headers: dict[str, str], scope: str, max_bytes: int) -> _Answer:
        attempt = 0
        while True:
            try:
                answer = self._follow(method, url, headers, scope, max_bytes)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.options.retries:
                    raise RegistryError(f"{self.host}: cannot reach the registry: {_reason(exc)}") from None
                self._wait(min(self.options.backoff * 2 ** attempt, self.options.max_retry_wait), _reason(exc))
                attempt += 1
                continue
            if answer.status not in RETRIED_STATUSES or attempt >= self.options.retries:
                return answer
            wait = _retry_after(answer.headers.get("Retry-After"))
            self._wait(min(wait if wait is not None else self.options.backoff * 2 ** attempt,
                           self.options.max_retry_wait), f"HTTP {answer.status}")
            attempt += 1

    def _wait(self, seconds: float, why: str) -> None:
        assert self.deadline is not None
        if not self.deadline.allows_wait(seconds):
            raise RegistryError(f"{self.host}: {why}, and waiting {seconds:.0f} s to try again would pass the "
                                f"deadline ({self.deadline.spent().replace('are spent', 'end sooner')})")
        self.sleep(seconds)

    def _timeout(self) -> float:
        assert self.deadline is not None
        try:
            return self.deadline.timeout(self.options.timeout, self.host)
        except DeadlineExceeded as exc:
            raise RegistryError(str(exc)) from None

    def _follow(self, method: str, url: str, headers: dict[str, str], scope: str, max_bytes: int) -> _Answer:
        origin = urlsplit(self.base_url)
        for _ in range(self.options.max_redirects + 1):
            target = urlsplit(url)
            same_host = (target.scheme, target.netloc) == (origin.scheme, origin.netloc)
            sent = dict(headers)
            authorization = self._authorization.get(scope) or self._basic
            if same_host and authorization:
                sent["Authorization"] = authorization
            answer = self._once(method, url, sent, max_bytes)
            if answer.status not in REDIRECTS or "Location" not in answer.headers:
                return answer
            location = urljoin(url, answer.headers["Location"])
            if urlsplit(location).scheme not in ("http", "https"):
                raise RegistryError(f"{self.host}: redirect to a non-HTTP location")
            if target.scheme == "https" and urlsplit(location).scheme == "http":
                raise RegistryError(f"{self.host}: refusing a redirect from HTTPS to plain HTTP")
            url = location
        raise RegistryError(f"{self.host}: more than {self.options.max_redirects} redirects")

    def _once(self, method: str, url: str, headers: dict[str, str], max_bytes: int) -> _Answer:
        self.requests_made += 1
        try:
            response = self._session.request(method, url, headers=headers, stream=True, allow_redirects=False,
                                             timeout=self._timeout())
        except requests.exceptions.SSLError as exc:
            if (self.plain_http_allowed and url.startswith("https://") and self.base_url.startswith("https://")
                    and "CERTIFICATE_VERIFY_FAILED" not in str(exc)):
                raise _NotTLS from None
            raise RegistryError(f"{self.host}: TLS verification failed ({_reason(exc)}); set registry.ca-bundle "
                                "to the registry's CA certificate") from None
        except requests.exceptions.InvalidURL as exc:
            raise RegistryError(f"{self.host}: invalid URL: {exc}") from None
        with response:
            body = b""
            if method != "HEAD" and response.status_code not in REDIRECTS:
                body = _bounded_body(response, max_bytes if response.status_code < 300 else 64 * 1024, url,
                                     self.host, self.deadline)
            return _Answer(response.status_code, response.headers, body, response.url or url)

    # --- authentication ------------------------------------------------------------------------------

    def _get_credential(self) -> Credential | None:
        if not self._credential_read:
            self._credential_read = True
            self._credential = self.credential_lookup(self.host)
        return self._credential

    def _authenticate(self, challenge: str, scope: str) -> bool:
        """Answer a 401 challenge; True when there is something new to retry with."""
        scheme = challenge.strip().split(" ", 1)[0].lower()
        params = dict(_CHALLENGE_PARAM.findall(challenge))
        credential = self._get_credential()
        if scheme == "basic":
            if credential is None or self._basic:
                return False
            token = base64.b64encode(f"{credential.username}:{credential.password}".encode()).decode()
            self._basic = f"Basic {token}"
            return True
        if scheme == "bearer" and params.get("realm"):
            # A fresh token each challenge: a cached one that draws a 401 has expired.
            token = self._bearer_token(params, scope or params.get("scope", ""), credential)
            self._authorization[scope] = f"Bearer {token}"
            return True
        return False

    def _bearer_token(self, params: Mapping[str, str], scope: str, credential: Credential | None) -> str:
        realm = params["realm"]
        realm_parts = urlsplit(realm)
        if realm_parts.scheme != "https" and not (realm_parts.hostname and is_loopback(realm_parts.netloc)):
            credential = None  # never send a password to a token service over plain HTTP
        query = {"service": params.get("service", "")}
        if scope:
            query["scope"] = scope
        self.requests_made += 1
        try:
            response = self._session.get(realm, params=query, timeout=self._timeout(), stream=True,
                                         auth=(credential.username, credential.password) if credential else None,
                                         allow_redirects=False)
        except requests.RequestException as exc:
            raise RegistryError(f"{self.host}: token service {realm_parts.netloc} unreachable: {_reason(exc)}") \
                from None
        with response:
            body = _bounded_body(response, 1024 * 1024, realm, self.host, self.deadline)
        if response.status_code != 200:
            raise RegistryError(f"{self.host}: token service {realm_parts.netloc} refused "
                                f"({response.status_code}){' for the configured credential' if credential else ''}")
        data = _json_object(body, f"{self.host}: token service")
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise RegistryError(f"{self.host}: token service {realm_parts.netloc} answered no token")
        return token


def _bounded_body(response: requests.Response, max_bytes: int, url: str, host: str, deadline: Deadline) -> bytes:
    """The body, at most `max_bytes` of it, received before the deadline (a dripping body is cut there).

    `read1` returns what one read of the socket brings: `iter_content` would wait for a whole chunk, which a
    body dripping a byte every few seconds never completes, so the deadline would never be looked at.
    """
    from urllib3.exceptions import HTTPError
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise RegistryError(f"{host}: {urlsplit(url).path} declares {int(declared)} bytes, more than the "
                            f"{max_bytes} allowed")
    chunks, size = [], 0
    try:
        while chunk := response.raw.read1(64 * 1024, decode_content=True):
            if deadline.remaining() <= 0:
                raise RegistryError(f"{host}: {urlsplit(url).path}: still sending after {size} bytes; "
                                    f"{deadline.spent()}")
            size += len(chunk)
            if size > max_bytes:
                raise RegistryError(f"{host}: {urlsplit(url).path} sent more than the {max_bytes} bytes allowed")
            chunks.append(chunk)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, HTTPError, OSError) as exc:
        raise RegistryError(f"{host}: {urlsplit(url).path}: the connection broke: {_reason(exc)}") from None
    return b"".join(chunks)


def _json_object(body: bytes, shown: str) -> dict[str, Any]:
    try:
        data = json_data.loads(body)
    except DocumentError as exc:
        raise RegistryError(f"{shown}: the registry sent malformed JSON ({exc})") from None
    if not isinstance(data, dict):
        raise RegistryError(f"{shown}: the registry sent JSON that is not an object")
    return data


def _error_detail(body: bytes) -> str:
    """The first error code and message of a distribution error body, if any (short, untrusted text)."""
    try:
        errors = json_data.loads(body).get("errors") or []
        first = errors[0]
        return f": {str(first.get('code', ''))[:40]} {str(first.get('message', ''))[:160]}".rstrip()
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


@dataclass
class RegistryPool:
    """One `Registry` per host, sharing options and where credentials come from."""

    options: ClientOptions = field(default_factory=ClientOptions)
    credential_lookup: Callable[[str], Credential | None] = lambda host: None
    sleep: Callable[[float], None] = time.sleep
    _registries: dict[str, Registry] = field(default_factory=dict)
    deadline: Deadline | None = None

    def __getitem__(self, host: str) -> Registry:
        if self.deadline is None:  # the run's traffic starts with its first request
            self.deadline = Deadline(self.options.deadline)
        if host not in self._registries:
            self._registries[host] = Registry(host, self.options, self.credential_lookup, self.sleep,
                                              deadline=self.deadline)
        return self._registries[host]

    @property
    def requests_made(self) -> int:
        return sum(registry.requests_made for registry in self._registries.values())
