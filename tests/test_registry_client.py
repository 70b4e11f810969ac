"""The registry client against the real distribution server: plain, basic auth over TLS, credentials."""

from __future__ import annotations

import base64
import json

import pytest
from registry_server import (  # noqa: F401  (fixtures)
    PASSWORD,
    USERNAME,
    api_image,
    api_index,
    readonly_registry_fixture,
    registry_fixture,
    secure_registry_fixture,
)

from containersec.release.registry.client import ClientOptions, NotFound, Registry, RegistryError
from containersec.release.registry.credentials import Credential, find_credential
from containersec.release.registry.reference import ReferenceError, is_loopback, parse_reference


def test_reference_parsing_applies_docker_hub_defaults():
    alpine = parse_reference("alpine:3.20")
    assert (alpine.host, alpine.api_host, alpine.repository, alpine.tag) == (
        "docker.io", "registry-1.docker.io", "library/alpine", "3.20")
    local = parse_reference("127.0.0.1:5000/team/app@sha256:" + "a" * 64)
    assert (local.host, local.repository, local.tag, local.digest) == ("127.0.0.1:5000", "team/app", None,
                                                                      "sha256:" + "a" * 64)
    assert parse_reference("index.docker.io/nginx").name == "docker.io/library/nginx"
    assert is_loopback("127.0.0.1:5000") and is_loopback("localhost") and is_loopback("[::1]:80")
    assert not is_loopback("registry.example.com:5000")
    for bad in ("", "UPPER/case", "app:bad tag", "app@sha256:short"):
        with pytest.raises(ReferenceError):
            parse_reference(bad)


def test_manifest_tags_and_digests_from_the_real_registry(registry):
    first = api_image(registry, "client/app", "v1", {"created": "2024-01-01T00:00:00Z"})
    second = api_image(registry, "client/app", "v2", {"created": "2024-02-01T00:00:00Z"})
    index = api_index(registry, "client/app", "multi", {"linux/amd64": first, "linux/arm64": second})
    client = Registry(registry.host)
    client.ping()
    assert sorted(client.tags("client/app")) == ["multi", "v1", "v2"]
    assert client.head_digest("client/app", "v1") == first
    manifest = client.manifest("client/app", "multi")
    assert manifest.digest == index and manifest.is_index
    assert [child["digest"] for child in manifest.children] == [first, second]
    by_digest = client.manifest("client/app", first)
    assert not by_digest.is_index
    config = client.blob_json("client/app", by_digest.data["config"]["digest"])
    assert config["created"] == "2024-01-01T00:00:00Z"
    assert "client/app" in client.repositories()
    assert client.referrers_api("client/app", first) is None  # distribution 2.8 has no referrers API
    with pytest.raises(NotFound, match="client/app:nope: not found"):
        client.manifest("client/app", "nope")


def test_catalogue_pagination_is_followed(registry):
    for number in range(5):
        api_image(registry, f"paged/repo{number}", "v1", {})
    client = Registry(registry.host)
    # distribution paginates _catalog with a relative Link header when n is small
    answer = client._get("/v2/_catalog?n=2", "registry:catalog:*")
    assert 'rel="next"' in answer.headers["Link"]
    assert {f"paged/repo{n}" for n in range(5)} <= set(client.repositories())


def test_deletes_probe_changes_nothing(registry, readonly_registry):
    digest = api_image(registry, "probe/app", "v1", {})
    assert Registry(registry.host).deletes_enabled("probe/app")
    assert Registry(registry.host).head_digest("probe/app", "v1") == digest
    api_image(readonly_registry, "probe/app", "v1", {})
    assert not Registry(readonly_registry.host).deletes_enabled("probe/app")


def test_basic_auth_over_tls_with_a_custom_ca(secure_registry):
    digest = api_image(secure_registry, "secure/app", "v1", {})
    options = ClientOptions(ca_bundle=secure_registry.ca_bundle)
    denied = Registry(secure_registry.host, ClientOptions(ca_bundle=secure_registry.ca_bundle, retries=0))
    with pytest.raises(RegistryError, match=r"access denied .401.: no credential is configured"):
        denied.tags("secure/app")
    wrong = Registry(secure_registry.host, options, lambda host: Credential(USERNAME, "wrong"))
    with pytest.raises(RegistryError, match="the credential was refused") as refused:
        wrong.tags("secure/app")
    assert "wrong" not in str(refused.value)
    client = Registry(secure_registry.host, options, lambda host: Credential(USERNAME, PASSWORD))
    assert client.tags("secure/app") == ["v1"]
    assert client.manifest("secure/app", "v1").digest == digest
    untrusted = Registry(secure_registry.host, ClientOptions(retries=0), lambda host: Credential(USERNAME, PASSWORD))
    with pytest.raises(RegistryError, match=r"TLS verification failed.*ca-bundle"):
        untrusted.tags("secure/app")


def test_docker_config_auths_and_environment(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"auths": {
        "registry.example.com": {"auth": base64.b64encode(b"bob:pw1").decode()},
        "https://index.docker.io/v1/": {"auth": base64.b64encode(b"hub:pw2").decode()}}}))
    environ = {"DOCKER_CONFIG": str(tmp_path)}
    assert find_credential("registry.example.com", environ) == Credential("bob", "pw1", f"{config} auths")
    assert find_credential("registry-1.docker.io", environ).username == "hub"
    assert find_credential("other.example.com", environ) is None
    with_env = {**environ, "CONTAINERSEC_REGISTRY_USERNAME": "ci", "CONTAINERSEC_REGISTRY_PASSWORD": "tok"}
    # environment credentials go only to the hosts named on the command line (or CONTAINERSEC_REGISTRY_HOST)
    assert find_credential("other.example.com", with_env, {"other.example.com"}).username == "ci"
    assert find_credential("other.example.com", with_env) is None
    pinned = {**with_env, "CONTAINERSEC_REGISTRY_HOST": "docker.io"}
    assert find_credential("registry-1.docker.io", pinned).username == "ci"
    assert "tok" not in repr(find_credential("registry-1.docker.io", pinned))


def test_credential_helpers_are_run_as_docker_does(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-fake"
    helper.write_text('#!/bin/sh\nread host\nif [ "$host" = "helped.example.com" ]; then\n'
                      '  echo \'{"ServerURL":"x","Username":"helper-user","Secret":"helper-secret"}\'\n'
                      'else echo "credentials not found in native keychain"; exit 1; fi\n')
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    (tmp_path / "config.json").write_text(json.dumps({
        "credHelpers": {"helped.example.com": "fake"},
        "credsStore": "fake",
        "auths": {"stored.example.com": {"auth": base64.b64encode(b"plain:pw").decode()}}}))
    environ = {"DOCKER_CONFIG": str(tmp_path)}
    assert find_credential("helped.example.com", environ) == Credential("helper-user", "helper-secret",
                                                                        "docker-credential-fake")
    # the store knows nothing of this host: auths is next
    assert find_credential("stored.example.com", environ).username == "plain"
    (tmp_path / "config.json").write_text(json.dumps({"credHelpers": {"x.example.com": "missing"}}))
    from containersec.release.registry.credentials import CredentialError

    with pytest.raises(CredentialError, match="docker-credential-missing is not installed"):
        find_credential("x.example.com", environ)
