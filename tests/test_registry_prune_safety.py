"""Prune safety on the real registry: tags on an index's children, keep patterns that match nothing, plans that
would empty a repository, a registry that deletes the wrong digest, hostile index chains, and random graphs
pushed to the registry and pruned for real."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_server import (  # noqa: F401  (fixtures)
    OCI_INDEX,
    RegistryServer,
    api_image,
    api_index,
    artifact,
    descriptor,
    put_manifest,
    registry_fixture,
)
from test_registry_prune import exists, prune, tag_map

from containersec.cli import main
from containersec.release.registry.prune import MAX_INDEX_DEPTH

SIGNATURE = "application/vnd.dev.cosign.simplesigning.v1+json"


def image(server: RegistryServer, name: str, tag: str | None, created: str, mark: str) -> str:
    return api_image(server, name, tag, {"created": created, "config": {"Env": [f"MARK={mark}"]}})


def test_a_kept_tag_on_an_index_child_survives(registry, capsys):
    # 1.0 -> index [A amd64, B arm64]; 1.0-amd64 -> A; 2.0 -> N. The index's tag sorts first, so A is met
    # first as an untagged child: it must still carry its own tag and be kept.
    name = "safety/child-tag"
    a = image(registry, name, None, "2024-01-01T00:00:00Z", "a")
    b = image(registry, name, None, "2024-01-01T00:00:00Z", "b")
    index = api_index(registry, name, "1.0", {"linux/amd64": a, "linux/arm64": b})
    put_manifest(registry, name, "1.0-amd64", json.loads(requests.get(
        f"{registry.url}/v2/{name}/manifests/{a}", timeout=30,
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"}).content))
    newest = image(registry, name, "2.0", "2025-01-01T00:00:00Z", "n")
    repository = f"{registry.host}/{name}"

    code, plan = prune(capsys, repository, "--keep-tags", r"^1\.0-amd64$")
    assert code == 0
    keep = {d["digest"]: d for d in plan["keep"]}
    assert keep[a]["tags"] == ["1.0-amd64"] and "1.0-amd64 matches --keep-tags" in keep[a]["reason"]
    assert {d["digest"] for d in plan["delete"]} == {index, b, newest}

    code, applied = prune(capsys, repository, "--keep-tags", r"^1\.0-amd64$", "--apply")
    assert code == 0, applied["errors"]
    assert tag_map(registry, name) == {"1.0-amd64": a}
    assert not exists(registry, name, index) and not exists(registry, name, b)


def test_a_keep_pattern_that_matches_nothing_is_reported_and_apply_refuses_to_empty(registry, capsys):
    name = "safety/no-match"
    for minor in range(3):
        image(registry, name, f"v1.{minor}", f"2020-0{minor + 1}-01T00:00:00Z", f"v1.{minor}")
    repository = f"{registry.host}/{name}"
    before = tag_map(registry, name)

    code, plan = prune(capsys, repository, "--keep-tags", r"^v1\.")
    assert code == 0 and plan["keep"] == [] and len(plan["delete"]) == 3
    assert any("matches no tag" in warning and "whole tag" in warning for warning in plan["warnings"])
    assert any("--apply would refuse" in warning for warning in plan["warnings"])

    code, refused = prune(capsys, repository, "--keep-tags", r"^v1\.", "--apply")
    assert code == 2
    assert "--apply refused" in refused["errors"][0]["message"]
    assert "every tagged digest (3)" in refused["errors"][0]["message"]
    assert refused.get("applied") == [] and tag_map(registry, name) == before

    # text output says it too, on stderr-free stdout as a note
    assert main(["registry", "prune", repository, "--keep-tags", r"^v1\."]) == 0
    assert "matches no tag" in capsys.readouterr().out

    code, plan = prune(capsys, repository, "--keep-tags", r"v1\..*")
    assert code == 0 and len(plan["keep"]) == 3 and plan["warnings"] == []

    code, applied = prune(capsys, repository, "--keep-tags", r"^v1\.", "--apply", "--allow-empty")
    assert code == 0, applied["errors"]
    assert tag_map(registry, name) == {}


def test_max_delete_refuses_a_larger_plan(registry, capsys):
    name = "safety/max-delete"
    for number in range(4):
        image(registry, name, f"1.{number}", f"2020-0{number + 1}-01T00:00:00Z", str(number))
    repository = f"{registry.host}/{name}"
    before = tag_map(registry, name)
    code, refused = prune(capsys, repository, "--keep-last", "1", "--apply", "--max-delete", "2")
    assert code == 2 and "more than --max-delete 2" in refused["errors"][0]["message"]
    assert tag_map(registry, name) == before
    code, applied = prune(capsys, repository, "--keep-last", "1", "--apply", "--max-delete", "3")
    assert code == 0, applied["errors"]
    assert list(tag_map(registry, name)) == ["1.3"]


def test_equal_build_times_are_ordered_by_tag_and_said(registry, capsys):
    name = "safety/ties"
    for tag in ("1.9", "1.10", "1.2"):
        image(registry, name, tag, "1980-01-01T00:00:01Z", tag)  # reproducible builds: one build time
    code, plan = prune(capsys, f"{registry.host}/{name}", "--keep-last", "1")
    assert code == 0
    assert [d["tags"] for d in plan["keep"]] == [["1.10"]]
    assert "build time shared with 2 other digests: ordered by tag" in plan["keep"][0]["reason"]
    assert all("build time shared" in d["reason"] for d in plan["delete"])


def test_an_index_chain_deeper_than_the_bound_is_refused(registry, capsys):
    name = "safety/deep"
    digest = image(registry, name, None, "2020-01-01T00:00:00Z", "leaf")
    for _ in range(MAX_INDEX_DEPTH + 2):
        digest = put_manifest(registry, name, None, {"schemaVersion": 2, "mediaType": OCI_INDEX,
                                                     "manifests": [descriptor(registry, name, digest)]}, OCI_INDEX)
    put_manifest(registry, name, "top", json.loads(requests.get(
        f"{registry.url}/v2/{name}/manifests/{digest}", timeout=30, headers={"Accept": OCI_INDEX}).content), OCI_INDEX)
    code, document = prune(capsys, f"{registry.host}/{name}", "--keep-days", "1", "--apply", "--allow-empty")
    assert code == 2
    assert f"nested more than {MAX_INDEX_DEPTH} levels deep" in document["errors"][0]["message"]
    assert tag_map(registry, name) == {"top": digest}


class _WrongDeleteProxy:
    """Forwards to the real registry, except that a DELETE of `asked` deletes `instead`: a registry that
    deletes the wrong digest."""

    def __init__(self, upstream: RegistryServer, asked: str, instead: str) -> None:
        outer = self
        self.deletes: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def forward(self) -> None:
                path = self.path
                if self.command == "DELETE":
                    outer.deletes.append(path)
                    path = path.replace(asked, instead)
                answer = requests.request(self.command, upstream.url + path, timeout=30, allow_redirects=False,
                                          headers={k: v for k, v in self.headers.items() if k.lower() == "accept"})
                body = b"" if self.command == "HEAD" else answer.content
                self.send_response(answer.status_code)
                for header in ("Content-Type", "Docker-Content-Digest", "Link"):
                    if header in answer.headers:
                        self.send_header(header, answer.headers[header].replace(upstream.host, outer.host))
                self.send_header("Content-Length", str(len(answer.content) if self.command == "HEAD" else len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_DELETE = forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def wrong_deletes(registry) -> Iterator[tuple[RegistryServer, list[str]]]:
    name = "safety/wrong"
    digests = [image(registry, name, f"1.{n}", f"2020-0{n + 1}-01T00:00:00Z", str(n)) for n in range(4)]
    # the plan (keep the newest) deletes 1.0, 1.1, 1.2; the registry deletes 1.3 (kept) when asked for 1.0
    proxy = _WrongDeleteProxy(registry, digests[0], digests[3])
    try:
        yield registry, [proxy.host, name, *digests]
    finally:
        proxy.close()


def test_a_registry_that_deletes_the_wrong_digest_is_caught_after_the_first_delete(wrong_deletes, capsys):
    registry, (proxy_host, name, *digests) = wrong_deletes
    code, document = prune(capsys, f"{proxy_host}/{name}", "--keep-last", "1", "--apply")
    assert code == 2
    messages = " ".join(error["message"] for error in document["errors"])
    assert f"still serves {digests[0]}" in messages and "also removed tag 1.3" in messages
    order = [d["digest"] for d in document["delete"]]
    done = order[:order.index(digests[0]) + 1]  # up to the delete the registry got wrong, not one more
    assert [entry["digest"] for entry in document["applied"]] == done
    assert f"stopped after {len(done)} of the 3 planned deletes" in messages
    untouched = {f"1.{n}" for n in range(3) if digests[n] not in done}
    assert set(tag_map(registry, name)) == {"1.0"} | untouched


# --- random graphs, pushed to the real registry and pruned for real ----------------------------------------

TAGS = ["latest", "1.0", "1.0-amd64", "1.1", "2.0", "stable", "dev"]
KEEP_PATTERNS = [r"1\.0.*", r"stable|dev", r"1\.0-amd64", r"2\..*", r"nothing"]


@st.composite
def graphs(draw) -> list[dict[str, object]]:
    """Node specs in push order: images, indexes over earlier images or indexes (a child may be in several
    indexes and carry its own tags), and cosign-tagged artifacts of any earlier node, children included."""
    count = draw(st.integers(2, 9))
    free_tags = list(TAGS)
    specs: list[dict[str, object]] = []
    for position in range(count):
        manifests = [n for n, spec in enumerate(specs) if spec["kind"] != "artifact"]
        kinds = ["image"] + (["index", "artifact"] if manifests else []) + (["artifact"] if specs else [])
        kind = draw(st.sampled_from(kinds))
        spec: dict[str, object] = {"kind": kind, "days": draw(st.integers(0, 600)), "mark": position}
        if kind == "index":
            spec["children"] = draw(st.lists(st.sampled_from(manifests), min_size=1, max_size=3, unique=True))
        if kind == "artifact":
            spec["subject"] = draw(st.integers(0, position - 1))
            spec["suffix"] = draw(st.sampled_from([".sig", ".att", ".sbom"]))
        else:
            tags = draw(st.lists(st.sampled_from(free_tags), max_size=2, unique=True)) if free_tags else []
            free_tags = [tag for tag in free_tags if tag not in tags]
            spec["tags"] = tags
        specs.append(spec)
    if not any(spec.get("tags") for spec in specs):
        specs[0]["tags"] = ["release"]  # a repository exists only while it has a tag
    return specs


def push_graph(server: RegistryServer, name: str, specs: list[dict[str, object]]) -> list[str]:
    digests: list[str] = []
    used_artifact_tags: set[str] = set()
    for spec in specs:
        tags = list(spec.get("tags", []))
        if spec["kind"] == "image":
            day = 1 + int(spec["days"]) % 28
            digest = image(server, name, None, f"2025-{1 + int(spec['days']) % 12:02d}-{day:02d}T00:00:00Z",
                           f"{name}-{spec['mark']}")
        elif spec["kind"] == "index":
            children = {f"linux/arch{n}": digests[child] for n, child in enumerate(spec["children"])}
            digest = api_index(server, name, None, children)
        else:
            subject = digests[int(spec["subject"])]
            tag = subject.replace(":", "-") + str(spec["suffix"])
            if tag in used_artifact_tags:
                digests.append(subject)  # that signature exists already; the spec adds nothing
                continue
            used_artifact_tags.add(tag)
            digest = artifact(server, name, SIGNATURE, f"signature {spec['mark']} of {subject}".encode(), tag=tag)
        for tag in tags:
            put_manifest(server, name, tag, json.loads(requests.get(
                f"{server.url}/v2/{name}/manifests/{digest}", timeout=30,
                headers={"Accept": f"application/vnd.oci.image.manifest.v1+json, {OCI_INDEX}"}).content),
                str(descriptor(server, name, digest)["mediaType"]))
        digests.append(digest)
    return digests


_counter = iter(range(10**6))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=graphs(), keep_tags=st.one_of(st.none(), st.sampled_from(KEEP_PATTERNS)),
       keep_last=st.one_of(st.none(), st.integers(0, 3)), keep_days=st.one_of(st.none(), st.integers(0, 700)),
       allow_empty=st.booleans())
def test_random_graphs_pruned_on_the_real_registry_never_lose_a_kept_tag(registry, capsys, specs, keep_tags,
                                                                        keep_last, keep_days, allow_empty):
    if keep_tags is None and keep_last is None and keep_days is None:
        keep_tags = KEEP_PATTERNS[0]
    name = f"safety/random{next(_counter)}"
    push_graph(registry, name, specs)
    before = tag_map(registry, name)
    options = [*(["--keep-tags", keep_tags] if keep_tags is not None else []),
               *(["--keep-last", str(keep_last)] if keep_last is not None else []),
               *(["--keep-days", str(keep_days)] if keep_days is not None else []),
               *(["--allow-empty"] if allow_empty else [])]
    code, plan = prune(capsys, f"{registry.host}/{name}", *options)
    assert code == 0, plan["errors"]
    # the plan shows every tag on the digest it names (the defect lost a child's own tag)
    planned_tags = {tag: d["digest"] for d in plan["keep"] + plan["delete"] for tag in d["tags"]}
    assert planned_tags == before
    kept = {d["digest"] for d in plan["keep"]}
    deleted = {d["digest"] for d in plan["delete"]}
    if keep_tags is not None:
        import re

        assert all(digest in kept for tag, digest in before.items() if re.fullmatch(keep_tags, tag))

    code, applied = prune(capsys, f"{registry.host}/{name}", *options, "--apply")
    after = tag_map(registry, name)
    if code == 2:
        assert "--apply refused" in applied["errors"][0]["message"] and after == before
        return
    assert code == 0, applied["errors"]
    for tag, digest in before.items():
        if digest in kept:
            assert after.get(tag) == digest, tag  # every kept tag, same digest
        else:
            assert digest in deleted and tag not in after
    assert all(exists(registry, name, digest) for digest in kept)
    assert not any(exists(registry, name, digest) for digest in deleted)


def test_tag_patterns_are_matched_in_linear_time(registry, capsys):
    name = "safety/linear"
    image(registry, name, "a" * 120 + "b", "2020-01-01T00:00:00Z", "long")
    image(registry, name, "aaaa", "2020-01-02T00:00:00Z", "short")
    # `(a|aa)+` backtracks exponentially in Python's re on the 121-character tag; RE2 answers at once
    code, plan = prune(capsys, f"{registry.host}/{name}", "--keep-tags", "(a|aa)+")
    assert code == 0 and [d["tags"] for d in plan["keep"]] == [["aaaa"]]
    assert main(["registry", "prune", f"{registry.host}/{name}", "--keep-tags", r"(a)\1"]) == 2
    assert "--keep-tags" in capsys.readouterr().err
