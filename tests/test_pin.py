"""`containersec pin`: images resolved to their digests on a real registry, every other byte kept."""

from __future__ import annotations

import json

from registry_server import api_image, api_index, descriptor, free_port, registry_fixture  # noqa: F401

from containersec.cli import main


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_pin_writes_index_digests_and_keeps_every_other_byte(registry, tmp_path, monkeypatch, capsys):
    host = registry.host
    amd64 = api_image(registry, "pin/base", "amd64", {"created": "2024-01-01T00:00:00Z"})
    arm64 = api_image(registry, "pin/base", "arm64", {"created": "2024-01-01T00:00:00Z", "architecture": "arm64"})
    index = api_index(registry, "pin/base", "1.0", {"linux/amd64": amd64, "linux/arm64": arm64})
    tool = api_image(registry, "pin/tool", "latest", {"created": "2024-03-01T00:00:00Z"})
    cache = api_image(registry, "pin/cache", "2", {})
    dockerfile = tmp_path / "Dockerfile"
    original = (
        "\ufeff# syntax=docker/dockerfile:1\r\n"
        "ARG BASE\r\n"
        f"FROM --platform=$BUILDPLATFORM {host}/pin/base:1.0 AS build\r\n"
        f"COPY --from={host}/pin/tool /bin/tool /bin/tool\r\n"
        f"RUN --mount=type=bind,from={host}/pin/cache:2,target=/cache \\\r\n"
        "    cp /cache/x /x   # keep this comment\r\n"
        "FROM build AS test\r\n"
        "COPY --from=build /x /y\r\n"
        "FROM ${BASE}\r\n"
        "FROM scratch\r\n"
        "COPY --from=build /x /x\r\n"
    )
    dockerfile.write_bytes(original.encode())
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "pin", "--format", "json", "Dockerfile")
    assert code == 0, out
    expected = (original
                .replace(f"{host}/pin/base:1.0 AS", f"{host}/pin/base:1.0@{index} AS")
                .replace(f"{host}/pin/tool /bin", f"{host}/pin/tool:latest@{tool} /bin")
                .replace(f"{host}/pin/cache:2,", f"{host}/pin/cache:2@{cache},"))
    assert dockerfile.read_bytes() == expected.encode()
    pins = json.loads(out)["pins"]
    assert [(p["line"], p["digest"], p["action"]) for p in pins] == [(3, index, "pinned"), (4, tool, "pinned"),
                                                                     (5, cache, "pinned")]
    # pinned now: --check passes offline, and a second run changes nothing
    assert run(capsys, "pin", "--check", "Dockerfile")[0] == 0
    code, out = run(capsys, "pin", "Dockerfile")
    assert code == 0 and dockerfile.read_bytes() == expected.encode()
    assert "FROM scratch is not an image" in out and "set by a build argument" in out
    assert "names an earlier stage" in out


def test_update_replaces_the_digest_of_a_moved_tag_only(registry, tmp_path, monkeypatch, capsys):
    first = api_image(registry, "pin/moving", "stable", {"created": "2024-01-01T00:00:00Z"})
    fixed = api_image(registry, "pin/fixed", "1", {})
    dockerfile = tmp_path / "Dockerfile"
    text = f"FROM {registry.host}/pin/moving:stable@{first}\nFROM {registry.host}/pin/fixed:1@{fixed}\n"
    dockerfile.write_text(text)
    monkeypatch.chdir(tmp_path)
    second = api_image(registry, "pin/moving", "stable", {"created": "2024-06-01T00:00:00Z"})
    assert second != first
    assert run(capsys, "pin", "Dockerfile")[0] == 0
    assert dockerfile.read_text() == text  # without --update a pinned line is left alone
    code, out = run(capsys, "pin", "--update", "--format", "json", "Dockerfile")
    assert code == 0
    assert dockerfile.read_text() == text.replace(first, second)
    assert [p["action"] for p in json.loads(out)["pins"]] == ["updated", "unchanged"]


def test_unresolvable_images_are_errors_naming_the_file_and_the_others_still_pinned(registry, tmp_path,
                                                                                     monkeypatch, capsys):
    good = api_image(registry, "pin/good", "1", {})
    dead = f"127.0.0.1:{free_port()}"
    (tmp_path / "a.Dockerfile").write_text(f"FROM {registry.host}/pin/missing:1\nFROM {dead}/x:1\n"
                                           f"FROM {registry.host}/pin/good:1\n")
    (tmp_path / "b.Dockerfile").write_bytes(b"\xff\xfe not utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".containersec.yaml").write_text("registry:\n  retries: 0\n")
    code, out = run(capsys, "pin", "--format", "json", "a.Dockerfile", "b.Dockerfile")
    assert code == 2
    errors = json.loads(out)["errors"]
    assert [e["path"] for e in errors] == ["a.Dockerfile", "a.Dockerfile", "b.Dockerfile"]
    assert "line 1: cannot resolve" in errors[0]["message"] and "not found" in errors[0]["message"]
    assert "line 2: cannot resolve" in errors[1]["message"] and "cannot reach" in errors[1]["message"]
    assert "UTF-8" in errors[2]["message"]
    assert f"pin/good:1@{good}" in (tmp_path / "a.Dockerfile").read_text()


def test_check_stays_offline(tmp_path, monkeypatch, capsys):
    (tmp_path / "Dockerfile").write_text(f"FROM 127.0.0.1:{free_port()}/app:1\n")
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "pin", "--check", "Dockerfile")
    assert code == 1 and "CSD004" in out
    assert (tmp_path / "Dockerfile").read_text().endswith("/app:1\n")


def test_the_default_of_an_arg_named_by_from_is_pinned_and_check_covers_every_rewritten_image(
        registry, tmp_path, monkeypatch, capsys):
    host = registry.host
    base = api_image(registry, "pin/argbase", "3", {})
    tool = api_image(registry, "pin/argtool", "1", {})
    dockerfile = tmp_path / "Dockerfile"
    text = (f'ARG BASE="{host}/pin/argbase:3"\nFROM ${{BASE}}\nFROM $BASE AS again\n'
            f"COPY --from={host}/pin/argtool:1 /t /t\nRUN --mount=from={host}/pin/argtool:1,target=/t true\n")
    dockerfile.write_text(text)
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "pin", "--check", "--format", "json", "Dockerfile")
    assert code == 1
    assert [f["line"] for f in json.loads(out)["findings"]] == [2, 3, 4, 5]
    code, out = run(capsys, "pin", "--format", "json", "Dockerfile")
    assert code == 0, out
    assert dockerfile.read_text() == (text.replace("argbase:3", f"argbase:3@{base}")
                                      .replace("argtool:1", f"argtool:1@{tool}"))
    assert [(p["line"], p["digest"]) for p in json.loads(out)["pins"]] == [(1, base), (4, tool), (5, tool)]
    assert run(capsys, "pin", "--check", "Dockerfile")[0] == 0
