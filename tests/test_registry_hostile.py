"""Registries that misbehave, emulated by a small HTTP server written here (the real one never sends these):
malformed JSON, digests that do not match, endless pagination, a 10 GB Content-Length, redirects to another
host, throttling. Also the OCI 1.1 referrers API, which distribution 2.8 lacks. Errors must be clear, time and
memory bounded, and credentials must stay with their host."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from containersec.release.registry.client import ClientOptions, Registry, RegistryError
from containersec.release.registry.credentials import Credential

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
SECRET = "hostile-test-password"


def digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


CONFIG = json.dumps({"created": "2026-11-20T00:00:00Z", "config": {"Labels": {}}}).encode()
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": digest(CONFIG), "size": len(CONFIG)}, "layers": []}).encode()


Route = Callable[[BaseHTTPRequestHandler], None]



class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # The client is meant to hang up on endless or oversized answers; the server must not print about it.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, str, str | None]] = []  # method, path, Authorization
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def handle_any(self) -> None:
                outer.seen.append((self.command, self.path, self.headers.get("Authorization")))
                route = outer.routes.get(self.path.split("?")[0]) or outer.routes.get("*")
                if route is None:
                    send(self, 404, b'{"errors":[{"code":"NOT_FOUND","message":"no route"}]}')
                else:
                    route(self)

            do_GET = do_HEAD = do_DELETE = handle_any

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"",
         headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    headers = {"Content-Length": str(len(body)), **(headers or {})}
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


@pytest.fixture
def server() -> Iterator[Server]:
    emulated = Server()
    yield emulated
    emulated.close()


def client(server: Server, **options: object) -> Registry:
    waits: list[float] = []
    registry = Registry(server.host, ClientOptions(**{"retries": 2, "timeout": 5, **options}),  # type: ignore[arg-type]
                        lambda host: Credential("user", SECRET), waits.append)
    registry.waits = waits  # type: ignore[attr-defined]
    return registry


def test_malformed_json_is_a_clear_error(server):
    body = b'{"schemaVersion": 2, "layers": ['
    server.routes["/v2/app/manifests/1.0"] = lambda h: send(h, 200, body, {"Content-Type": OCI_MANIFEST})
    with pytest.raises(RegistryError, match=r"app:1\.0: the registry sent malformed JSON"):
        client(server).manifest("app", "1.0")


def test_a_manifest_whose_digest_does_not_match_is_refused(server):
    asked = digest(b"what we asked for")
    server.routes[f"/v2/app/manifests/{asked}"] = lambda h: send(h, 200, MANIFEST, {"Content-Type": OCI_MANIFEST})
    with pytest.raises(RegistryError, match=r"whose sha256 is .* not the digest asked for"):
        client(server).manifest("app", asked)
    server.routes["/v2/app/manifests/1.0"] = lambda h: send(h, 200, MANIFEST, {
        "Content-Type": OCI_MANIFEST, "Docker-Content-Digest": asked})
    with pytest.raises(RegistryError, match=r"Docker-Content-Digest says .* but the body's sha256 is"):
        client(server).manifest("app", "1.0")


def test_endless_pagination_stops_at_the_page_bound_and_loops_are_caught(server):
    def endless(handler: BaseHTTPRequestHandler) -> None:
        page = int(handler.path.partition("last=")[2] or 0)
        send(handler, 200, json.dumps({"name": "app", "tags": [f"t{page}"]}).encode(),
             {"Link": f'</v2/app/tags/list?n=1&last={page + 1}>; rel="next"'})

    server.routes["/v2/app/tags/list"] = endless
    started = time.monotonic()
    with pytest.raises(RegistryError, match="more than 50 pages; stopped"):
        client(server, max_pages=50).tags("app")
    assert time.monotonic() - started < 10
    server.routes["/v2/loop/tags/list"] = lambda h: send(h, 200, b'{"tags": ["a"]}', {
        "Link": '</v2/loop/tags/list>; rel="next"'})
    with pytest.raises(RegistryError, match="pagination loops back"):
        client(server).tags("loop")


def test_a_10_gb_content_length_is_refused_before_reading(server):
    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(10 * 1024 ** 3))
        handler.end_headers()
        handler.wfile.write(b"{" * 65536)  # and then nothing more

    server.routes[f"/v2/app/blobs/{digest(CONFIG)}"] = huge
    started = time.monotonic()
    with pytest.raises(RegistryError, match="declares 10737418240 bytes, more than the 16777216 allowed"):
        client(server).blob("app", digest(CONFIG))
    assert time.monotonic() - started < 5


def test_an_endless_body_without_length_is_cut_at_the_bound(server):
    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(100_000):  # 6.5 GB if nobody stopped reading
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass

    server.routes["/v2/app/manifests/1.0"] = endless
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(RegistryError, match="sent more than the 4194304 bytes allowed"):
            client(server).manifest("app", "1.0")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 64 * 1024 * 1024


def test_credentials_are_not_sent_to_another_host_after_a_redirect(server):
    other = Server()
    try:
        other.routes["*"] = lambda h: send(h, 200, CONFIG)
        challenge = {"WWW-Authenticate": 'Basic realm="hostile"'}

        def blob(handler: BaseHTTPRequestHandler) -> None:
            if handler.headers.get("Authorization") is None:
                send(handler, 401, b"{}", challenge)
            else:
                send(handler, 307, b"", {"Location": f"http://{other.host}/storage/blob?sig=1"})

        server.routes[f"/v2/app/blobs/{digest(CONFIG)}"] = blob
        assert client(server).blob("app", digest(CONFIG)) == CONFIG
        expected = "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()
        assert (("GET", f"/v2/app/blobs/{digest(CONFIG)}", expected)) in server.seen
        assert other.seen == [("GET", "/storage/blob?sig=1", None)]
    finally:
        other.close()


def test_throttling_is_retried_with_retry_after_and_bounded(server):
    answers = iter([429, 503, 200])

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        status = next(answers)
        send(handler, status, b'{"tags": ["1.0"]}' if status == 200 else b"{}", {"Retry-After": "7"})

    server.routes["/v2/app/tags/list"] = flaky
    registry = client(server, max_retry_wait=3)
    assert registry.tags("app") == ["1.0"]
    assert registry.waits == [3, 3]  # Retry-After honoured, capped
    server.routes["/v2/down/tags/list"] = lambda h: send(h, 503, b"{}")
    down = client(server)
    with pytest.raises(RegistryError, match="HTTP 503"):
        down.tags("down")
    assert down.waits == [0.5, 1.0]  # backoff, then give up after the configured retries


def test_the_referrers_api_is_used_when_the_registry_has_it(server, tmp_path, monkeypatch, capsys):
    from containersec.cli import main

    image = digest(MANIFEST)
    server.routes["/v2/app/tags/list"] = lambda h: send(h, 200, b'{"name": "app", "tags": ["1.0.0"]}')
    server.routes["/v2/app/manifests/1.0.0"] = lambda h: send(h, 200, MANIFEST, {"Content-Type": OCI_MANIFEST})
    server.routes[f"/v2/app/blobs/{digest(CONFIG)}"] = lambda h: send(h, 200, CONFIG)
    referrers = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": digest(b"sig"), "size": 3,
         "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json"},
        {"mediaType": OCI_MANIFEST, "digest": digest(b"sbom"), "size": 4, "artifactType": "application/spdx+json"},
        {"mediaType": OCI_MANIFEST, "digest": digest(b"prov"), "size": 4,
         "artifactType": "application/vnd.in-toto+json"}]}
    server.routes[f"/v2/app/referrers/{image}"] = lambda h: send(h, 200, json.dumps(referrers).encode(), {
        "Content-Type": "application/vnd.oci.image.index.v1+json"})
    monkeypatch.chdir(tmp_path)
    code = main(["registry", "audit", "--format", "json", f"{server.host}/app"])
    document = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and document["errors"] == []
    found = {f["rule"] for f in document["findings"]}
    assert not found & {"CSR020", "CSR022", "CSR023"}
    assert ("GET", f"/v2/app/referrers/{image}", None) in server.seen


def test_bearer_token_challenge_with_credentials_and_scope(server):
    def token(handler: BaseHTTPRequestHandler) -> None:
        expected = "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            send(handler, 401, b"{}")
        else:
            send(handler, 200, json.dumps({"token": "issued-token", "expires_in": 300}).encode())

    def tags(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("Authorization") == "Bearer issued-token":
            send(handler, 200, b'{"name": "team/app", "tags": ["1.0"]}')
        else:
            send(handler, 401, b"{}", {"WWW-Authenticate": f'Bearer realm="http://{server.host}/token",'
                                                            'service="emulated",scope="repository:team/app:pull"'})

    server.routes["/token"] = token
    server.routes["/v2/team/app/tags/list"] = tags
    registry = client(server)
    assert registry.tags("team/app") == ["1.0"]
    assert registry.tags("team/app") == ["1.0"]  # the token is reused for the scope
    token_calls = [path for method, path, _ in server.seen if path.startswith("/token")]
    assert token_calls == ["/token?service=emulated&scope=repository%3Ateam%2Fapp%3Apull"]
    anonymous = Registry(server.host, ClientOptions(retries=0))
    with pytest.raises(RegistryError, match=r"token service .* refused .401."):
        anonymous.tags("team/app")


def test_manifests_of_the_wrong_shape_are_audited_without_a_crash(server, tmp_path, monkeypatch, capsys):
    from containersec.cli import main

    odd = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": "not an object",
                      "annotations": ["a", "list"], "layers": 5}).encode()
    odd_index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                            "manifests": {"not": "a list"}}).encode()
    server.routes["/v2/odd/tags/list"] = lambda h: send(h, 200, b'{"tags": ["1.0.0", "2.0.0", 7]}')
    server.routes["/v2/climbing/tags/list"] = lambda h: send(h, 200, b'{"tags": ["../../_catalog?x"]}')
    server.routes["/v2/shapes/tags/list"] = lambda h: send(h, 200, b'{"tags": ["1.0.0", "2.0.0"]}')
    server.routes["/v2/shapes/manifests/1.0.0"] = lambda h: send(h, 200, odd, {"Content-Type": OCI_MANIFEST})
    server.routes["/v2/shapes/manifests/2.0.0"] = lambda h: send(h, 200, odd_index, {
        "Content-Type": "application/vnd.oci.image.index.v1+json"})
    monkeypatch.chdir(tmp_path)
    code = main(["registry", "audit", "--format", "json", f"{server.host}/shapes", f"{server.host}/odd",
                 f"{server.host}/climbing"])
    document = json.loads(capsys.readouterr().out)
    assert code == 2  # the malformed tag lists are input errors; the odd manifests are still audited
    errors = {e["path"]: e["message"] for e in document["errors"]}
    assert set(errors) == {f"{server.host}/odd", f"{server.host}/climbing"}
    assert "malformed tag list" in errors[f"{server.host}/odd"]
    assert "invalid tag '../../_catalog?x'" in errors[f"{server.host}/climbing"]
    assert {f["registry"]["tag"] for f in document["findings"] if f["rule"] == "CSR011"} == {"1.0.0"}


def test_an_expired_bearer_token_is_renewed_once(server):
    issued = iter(["first-token", "second-token"])
    accepted = {"first-token": 1, "second-token": 10}  # the first token expires after one use

    def token(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, json.dumps({"access_token": next(issued)}).encode())

    def tags(handler: BaseHTTPRequestHandler) -> None:
        value = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
        if accepted.get(value, 0) > 0:
            accepted[value] -= 1
            send(handler, 200, b'{"tags": ["1.0"]}')
        else:
            send(handler, 401, b"{}", {"WWW-Authenticate": f'Bearer realm="http://{server.host}/token",service="s"'})

    server.routes["/token"] = token
    server.routes["/v2/app/tags/list"] = tags
    registry = client(server)
    assert registry.tags("app") == ["1.0"]
    assert registry.tags("app") == ["1.0"]
    assert [path for _, path, _ in server.seen].count("/token?service=s&scope=repository%3Aapp%3Apull") == 2


def test_pin_falls_back_to_get_when_head_is_refused(server, tmp_path, monkeypatch, capsys):
    from containersec.cli import main

    def manifest(handler: BaseHTTPRequestHandler) -> None:
        if handler.command == "HEAD":
            send(handler, 405, b"")
        else:
            send(handler, 200, MANIFEST, {"Content-Type": OCI_MANIFEST})

    server.routes["/v2/base/manifests/1.0"] = manifest
    (tmp_path / "Dockerfile").write_text(f"FROM {server.host}/base:1.0\n")
    monkeypatch.chdir(tmp_path)
    assert main(["pin", "Dockerfile"]) == 0, capsys.readouterr()
    assert (tmp_path / "Dockerfile").read_text() == f"FROM {server.host}/base:1.0@{digest(MANIFEST)}\n"
    assert [method for method, path, _ in server.seen if path == "/v2/base/manifests/1.0"] == ["HEAD", "GET"]


# --- a deadline for the whole run, and answers built to crash the reader -------------------------------------


def test_a_body_dripping_one_byte_at_a_time_is_cut_at_the_deadline(server):
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(1000):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.2)  # each read succeeds well within the per-read timeout
        except (BrokenPipeError, ConnectionResetError):
            pass

    server.routes["/v2/app/tags/list"] = drip
    registry = client(server, deadline=2.0)
    started = time.monotonic()
    with pytest.raises(RegistryError, match=r"still sending after .* the 2 s allowed for the run's network traffic"):
        registry.tags("app")
    assert time.monotonic() - started < 5
    with pytest.raises(RegistryError, match=r"the 2 s allowed .* are spent"):  # later requests fail at once
        registry.tags("other")


def test_a_retry_after_past_the_deadline_is_not_waited(server):
    server.routes["/v2/app/tags/list"] = lambda h: send(h, 429, b"{}", {"Retry-After": "3600"})
    registry = client(server, deadline=60.0, max_retry_wait=3600)
    with pytest.raises(RegistryError, match="HTTP 429, and waiting 3600 s to try again would pass the deadline"):
        registry.tags("app")
    assert registry.waits == []


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(("body", "problem"), [
    (DEEP, "nested 100000 levels deep, more than the 128 allowed"),
    (b'{"tags": ' + DEEP + b"}", "nested 100001 levels deep"),
    (b'{"tags": 5}', "malformed tag list"),
    (b'{"tags": [1, null, {"a": 1}]}', "malformed tag list"),
])
def test_registry_answers_of_the_wrong_shape_are_clear_errors(server, body, problem):
    server.routes["/v2/app/tags/list"] = lambda h: send(h, 200, body, {"Content-Type": "application/json"})
    with pytest.raises(RegistryError, match=problem):
        client(server).tags("app")
