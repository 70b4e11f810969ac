"""`containersec registry prune` on the real registry: a repository of 40 digests with tags, indexes, cosign
signatures, SBOMs and OCI 1.1 referrers; the plan, then --apply, then proof from the registry itself."""

from __future__ import annotations

import json

import requests
from registry_server import (  # noqa: F401  (fixtures)
    api_image,
    api_index,
    artifact,
    descriptor,
    put_manifest,
    readonly_registry_fixture,
    registry_fixture,
)

from containersec.cli import main

NOW_YEAR = 2026
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def cosign_tag(digest: str, suffix: str) -> str:
    return digest.replace(":", "-") + suffix


def build_repository(server, name: str) -> dict[str, set[str]]:
    """12 tagged images, 3 tagged indexes over 6 platform images, 8 signatures, 4 SBOMs, 3 referrers in their
    fallback indexes, 1 signature whose image is long gone: 40 digests. Returns the artifacts of each digest."""
    images = []
    for number in range(12):
        created = f"{NOW_YEAR - 1 if number < 8 else NOW_YEAR}-{number % 12 + 1:02d}-01T00:00:00Z"
        config = {"created": created, "config": {"Env": [f"N={number}"]}}
        images.append(api_image(server, name, f"1.0.{number}", config))
    put_manifest(server, name, "latest", _manifest_of(server, name, images[11]))  # a second tag on 1.0.11
    put_manifest(server, name, "stable", _manifest_of(server, name, images[3]))  # an old digest, kept by tag
    indexes = []
    for number in range(3):
        children = {platform: api_image(server, name, None, {"created": f"{NOW_YEAR - 2 + number}-06-01T00:00:00Z",
                                                             "config": {"Env": [f"I={number}{platform}"]}})
                    for platform in ("linux/amd64", "linux/arm64")}
        indexes.append(api_index(server, name, f"2.{number}.0", children))
    artifacts: dict[str, set[str]] = {}
    for subject in images[:4] + images[8:10] + indexes[:2]:
        signature = artifact(server, name, "application/vnd.dev.cosign.simplesigning.v1+json",
                             f'{{"critical":{{"image":{{"docker-manifest-digest":"{subject}"}}}}}}'.encode(),
                             tag=cosign_tag(subject, ".sig"))
        artifacts.setdefault(subject, set()).add(signature)
    for subject in (images[0], images[9], images[10], indexes[2]):
        sbom = artifact(server, name, "application/spdx+json", b'{"spdxVersion":"SPDX-2.3","n":"' +
                        subject.encode() + b'"}', tag=cosign_tag(subject, ".sbom"))
        artifacts.setdefault(subject, set()).add(sbom)
    for subject in (images[1], images[11], indexes[1]):
        referrer = artifact(server, name, "application/vnd.cyclonedx+json", subject.encode(),
                            subject=descriptor(server, name, subject), artifact_type="application/vnd.cyclonedx+json")
        fallback = put_manifest(server, name, cosign_tag(subject, ""), {
            "schemaVersion": 2, "mediaType": OCI_INDEX,
            "manifests": [{**descriptor(server, name, referrer), "artifactType": "application/vnd.cyclonedx+json"}]},
            OCI_INDEX)
        artifacts.setdefault(subject, set()).update({referrer, fallback})
    gone = "sha256:" + "0" * 64
    artifact(server, name, "application/vnd.dev.cosign.simplesigning.v1+json", b"orphan", tag=cosign_tag(gone, ".sig"))
    return artifacts


def _manifest_of(server, name: str, digest: str) -> dict:
    answer = server.session().get(f"{server.url}/v2/{name}/manifests/{digest}", timeout=30,
                                  headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    return json.loads(answer.content)


def tag_map(server, name: str) -> dict[str, str]:
    session = server.session()
    tags = session.get(f"{server.url}/v2/{name}/tags/list", timeout=30).json()["tags"] or []
    return {tag: descriptor(server, name, tag)["digest"] for tag in tags}


def exists(server, name: str, digest: str) -> bool:
    answer = requests.head(f"{server.url}/v2/{name}/manifests/{digest}", timeout=30, headers={
        "Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json"})
    return answer.status_code == 200


def prune(capsys, *args: str) -> tuple[int, dict]:
    code = main(["registry", "prune", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_plan_then_apply_keeps_everything_the_plan_keeps(registry, capsys):
    name = "prune/app"
    artifacts = build_repository(registry, name)
    repository = f"{registry.host}/{name}"
    before = tag_map(registry, name)
    code, plan = prune(capsys, repository, "--keep-last", "3", "--keep-tags", "stable|2\\.2\\.0")
    assert code == 0
    keep = {d["digest"]: d for d in plan["keep"]}
    delete = {d["digest"]: d for d in plan["delete"]}
    everything = set(keep) | set(delete)
    assert len(everything) >= 30 and not set(keep) & set(delete)
    assert tag_map(registry, name) == before  # a dry run changes nothing
    kept_tags = {tag for d in plan["keep"] for tag in d["tags"]}
    assert {"1.0.11", "latest", "1.0.10", "1.0.9", "stable", "2.2.0"} <= kept_tags
    assert "1.0.0" not in kept_tags and "2.0.0" not in kept_tags
    for subject, attached in artifacts.items():
        assert attached <= set(keep) if subject in keep else attached <= set(delete), subject
    orphan = cosign_tag("sha256:" + "0" * 64, ".sig")
    assert [d["reason"] for d in plan["delete"] if orphan in d["tags"]] == [
        "artifact of sha256:" + "0" * 64 + ", which is gone"]
    # safe order: artifacts before their subject, an index before its children
    order = [d["digest"] for d in plan["delete"]]
    for subject, attached in artifacts.items():
        if subject in delete:
            assert all(order.index(a) < order.index(subject) for a in attached)

    code, applied = prune(capsys, repository, "--keep-last", "3", "--keep-tags", "stable|2\\.2\\.0", "--apply")
    assert code == 0, applied["errors"]
    assert [a["digest"] for a in applied["applied"]] == order
    after = tag_map(registry, name)
    assert {tag: before[tag] for tag in kept_tags} == after  # every kept tag, same digest, nothing else tagged
    assert all(exists(registry, name, digest) for digest in keep)  # children and artifacts of kept digests too
    assert not any(exists(registry, name, digest) for digest in delete)
    # a second plan finds nothing left to delete
    code, again = prune(capsys, repository, "--keep-last", "3", "--keep-tags", "stable|2\\.2\\.0")
    assert code == 0 and again["delete"] == [] and {d["digest"] for d in again["keep"]} == set(keep)


def test_deletes_disabled_is_an_error_before_any_change(readonly_registry, capsys):
    name = "prune/readonly"
    api_image(readonly_registry, name, "1.0.0", {"created": "2020-01-01T00:00:00Z"})
    api_image(readonly_registry, name, "1.0.1", {"created": "2021-01-01T00:00:00Z"})
    before = tag_map(readonly_registry, name)
    code, document = prune(capsys, f"{readonly_registry.host}/{name}", "--keep-last", "1", "--apply")
    assert code == 2
    assert "deletes are disabled on this registry" in document["errors"][0]["message"]
    assert "nothing was changed" in document["errors"][0]["message"]
    assert tag_map(readonly_registry, name) == before


def test_a_plan_needs_a_policy_and_a_repository(registry, capsys):
    assert main(["registry", "prune", f"{registry.host}/prune/app"]) == 2
    assert "give at least one of --keep-last" in capsys.readouterr().err
    code, document = prune(capsys, f"{registry.host}/prune/app:1.0.0", "--keep-last", "1")
    assert code == 2 and "takes a repository" in document["errors"][0]["message"]


def test_text_output_is_a_table(registry, capsys):
    api_image(registry, "prune/text", "1.0.0", {"created": "2020-01-01T00:00:00Z"})
    assert main(["registry", "prune", f"{registry.host}/prune/text", "--keep-days", "30"]) == 0
    out = capsys.readouterr().out
    assert "retention plan for" in out and "keep 0, delete 1 (dry run" in out
    assert "delete sha256:" in out and "1.0.0: older than 30 days" in out


def test_the_footer_is_the_plan_not_a_count_of_findings(registry, capsys):
    api_image(registry, "prune/footer", "1.0.0", {"created": "2020-01-01T00:00:00Z"})
    api_image(registry, "prune/footer", "2.0.0", {"created": f"{NOW_YEAR}-01-01T00:00:00Z"})
    assert main(["registry", "prune", f"{registry.host}/prune/footer", "--keep-last", "1"]) == 0
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last == "keep 1, delete 1 (dry run)"
