"""`containersec image` on real images built by umoci and exported by skopeo, in every input format.

One image breaks every check; another, built the same way, passes them all. Both are read as a docker-archive
(as `docker save` writes), an OCI archive and an OCI layout folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from oci_images import (
    Entry,
    ImageConfig,
    Layer,
    add_index,
    build_layout,
    config_of,
    export_docker_archive,
    export_oci_archive,
    export_oci_layout,
    manifest_of,
    rewrite_config,
    tagged_descriptor,
)

from containersec.config import Config
from containersec.test.image import check_images

FORMATS = ("docker-archive", "docker-save-oci", "oci-archive", "oci-layout")
GITHUB_TOKEN = "ghp_" + "Ab1" * 12
PRIVATE_KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n"
               "-----END OPENSSH PRIVATE KEY-----\n")
PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n"
GROUP = "root:x:0:\napp:x:10001:\n"
BASE = "/bin/sh -c #(nop) ADD file:" + "a" * 64 + " in / "

BAD_LAYERS = [
    Layer([Entry("etc"), Entry("etc/passwd", PASSWD + "toor:x:0:0::/root:/bin/sh\n"),
           Entry("etc/shadow", "root::19000:0:99999:7:::\napp:!:19000::::::\n", mode=0o640),
           Entry("etc/group", GROUP + "wheel:x:0:\n"), Entry("usr"), Entry("usr/bin"), Entry("usr/sbin"),
           Entry("usr/bin/su", b"\x7fELF su", mode=0o4755), Entry("usr/bin/tool", b"\x7fELF", mode=0o4755),
           Entry("usr/bin/gone", b"\x7fELF", mode=0o6755), Entry("usr/sbin/sshd", b"\x7fELF sshd", mode=0o755),
           Entry("var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", "Origin: Debian\n"),
           Entry("var/lib/apt/lists/lock", ""), Entry("tmp", mode=0o1777)],
          created_by=BASE),
    Layer([Entry("app"), Entry("app/.git"), Entry("app/.git/HEAD", "ref: refs/heads/main\n"),
           Entry("app/.git/config", "[core]\n"), Entry("app/Dockerfile", "FROM scratch\n"),
           Entry("app/config.yml", f"github:\n  token: {GITHUB_TOKEN}\n"),
           Entry("app/shared", mode=0o777), Entry("app/data.db", "x", mode=0o666),
           Entry("app/cache"), Entry("app/cache/open.txt", "x", mode=0o666),
           Entry("root"), Entry("root/.ssh"), Entry("root/.ssh/deploy_key.txt", PRIVATE_KEY, mode=0o600),
           Entry("root/.aws"), Entry("root/.aws/credentials",
                                     "[default]\naws_access_key_id = x\naws_secret_access_key = y\n"),
           Entry("home"), Entry("home/app"), Entry("home/app/.npmrc", "//registry.npmjs.org/:_authToken=npm_abc123\n"),
           Entry("home/app/.pypirc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n"),
           Entry("home/app/.netrc", "machine example.com login app password s3cret\n")],
          created_by="COPY --chown=0:0 . /app # buildkit"),
    Layer([Entry("app/cache/new.txt", "x")], deleted=["root/.ssh/deploy_key.txt", "usr/bin/gone"], opaque=["app/cache"],
          created_by="RUN /bin/sh -c rm -f /root/.ssh/deploy_key.txt /usr/bin/gone && sudo apt-get update # buildkit"),
]
BAD_CONFIG = ImageConfig(user="", env={"PATH": "/usr/bin", "DB_PASSWORD": "hunter2", "HUB": GITHUB_TOKEN},
                         exposed_ports=["22/tcp", "8080/tcp"], volumes=["/proc/sys"])

GOOD_LAYERS = [
    Layer([Entry("etc"), Entry("etc/passwd", PASSWD), Entry("etc/shadow", "root:*:19000:0:99999:7:::\n", mode=0o640),
           Entry("etc/group", GROUP), Entry("usr"), Entry("usr/bin"), Entry("usr/bin/su", b"\x7fELF su", mode=0o4755),
           Entry("tmp", mode=0o1777), Entry("var/lib/apt/lists/lock", "")],
          created_by=BASE),
    Layer([Entry("app"), Entry("app/main.py", "print('hello')\n"), Entry("app/README.md", "token: see the vault\n"),
           Entry("app/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
           Entry("app/id_rsa.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI app@example\n")],
          created_by="COPY app /app # buildkit"),
    Layer([Entry("app/cache")], opaque=["app/cache"],
          created_by="RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* "
                     "# buildkit"),
]
GOOD_CONFIG = ImageConfig(user="10001", env={"PATH": "/usr/bin", "GPG_KEY": "ABCDEF"}, exposed_ports=["8080/tcp"])


def _with_healthcheck(config: dict) -> None:
    config["config"]["Healthcheck"] = {"Test": ["CMD", "/app/health"], "Interval": 30_000_000_000}


def export_docker_save_oci(layout: Path, tag: str, destination: Path) -> Path:
    """The tarball Docker 25 and later `docker save` writes: an OCI layout plus a manifest.json naming its blobs."""
    folder = export_oci_layout(layout, tag, destination.parent / f"{destination.name}.d")
    manifest = manifest_of(folder, tag)
    (folder / "manifest.json").write_text(json.dumps([{
        "Config": "blobs/sha256/" + manifest["config"]["digest"].partition(":")[2],
        "RepoTags": [f"test/app:{tag}"],
        "Layers": ["blobs/sha256/" + layer["digest"].partition(":")[2] for layer in manifest["layers"]]}]))
    with tarfile.open(destination, "w") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return destination


def export(layout: Path, tag: str, fmt: str, directory: Path) -> Path:
    if fmt == "docker-archive":
        return export_docker_archive(layout, tag, directory / f"{tag}.docker.tar", f"test/app:{tag}")
    if fmt == "docker-save-oci":
        return export_docker_save_oci(layout, tag, directory / f"{tag}.docker25.tar")
    if fmt == "oci-archive":
        return export_oci_archive(layout, tag, directory / f"{tag}.oci.tar")
    return export_oci_layout(layout, tag, directory / f"{tag}-layout")


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("images")
    layout = build_layout(directory / "layout", BAD_LAYERS, BAD_CONFIG, tag="bad")
    build_layout(layout, GOOD_LAYERS, GOOD_CONFIG, tag="good")
    rewrite_config(layout, "good", _with_healthcheck)
    return layout


@pytest.fixture(scope="module", params=FORMATS)
def exported(request, layout, tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp(request.param)
    return {tag: export(layout, tag, request.param, directory) for tag in ("bad", "good")}


def findings_of(path: Path, config: Config | None = None, **options) -> list:
    report = check_images([str(path)], config or Config(), **options)
    assert report.errors == []
    return report.findings


def by_rule(findings) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


# rule -> the image paths (or None for config findings) the bad image must be reported for
EXPECTED = {
    "CSI001": [None], "CSI002": [None], "CSI003": [None], "CSI004": [None], "CSI005": [None],
    "CSI006": ["/proc/sys"], "CSI008": [None], "CSI009": [None],
    "CSI020": ["/usr/bin/tool"],
    "CSI021": ["/app/data.db", "/app/shared"],
    "CSI022": ["/etc/shadow"],
    "CSI023": ["/etc/group", "/etc/passwd"],
    "CSI024": ["/var/lib/apt/lists"],
    "CSI025": ["/app/.git", "/app/Dockerfile", "/root/.aws", "/root/.ssh"],
    "CSI026": ["/usr/sbin/sshd"],
    "CSI027": ["/home/app/.netrc", "/home/app/.npmrc", "/home/app/.pypirc", "/root/.aws/credentials",
               "/root/.ssh/deploy_key.txt"],
    "CSI028": ["/app/config.yml"],
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_the_bad_image_is_caught_by_every_check(exported, rule):
    found = by_rule(findings_of(exported["bad"]))
    paths = sorted((f.extra["image"].get("path") for f in found.get(rule, [])), key=str)
    assert paths == EXPECTED[rule]


def test_the_good_image_passes_every_check(exported):
    report = check_images([str(exported["good"])], Config())
    assert report.errors == [] and report.findings == []
    assert report.exit_code(Config().fail_on) == 0


def test_no_other_rule_fires_on_the_bad_image(exported):
    # CSI007 (ADD) and the apk/TLS/signature history rules have no trigger in the bad image's history.
    assert set(by_rule(findings_of(exported["bad"]))) == set(EXPECTED)


def test_whiteouts_and_opaque_directories_are_applied(exported):
    findings = findings_of(exported["bad"])
    paths = {f.extra["image"].get("path") for f in findings}
    assert "/usr/bin/gone" not in paths  # setuid, but deleted by layer 2's whiteout
    assert "/app/cache/open.txt" not in paths  # world-writable, but hidden by layer 2's opaque directory


def test_a_deleted_secret_is_still_extractable_from_its_layer(exported):
    key = next(f for f in findings_of(exported["bad"])
               if f.extra["image"].get("path") == "/root/.ssh/deploy_key.txt")
    assert "a private key (OPENSSH)" in key.message
    assert "still extractable from layer 1 (COPY --chown=0:0 . /app)" in key.message
    layer = key.extra["image"]["layer"]
    assert layer == {"index": 1, "digest": layer["diff_id"], "diff_id": layer["diff_id"],
                     "blob_digest": layer["blob_digest"], "created_by": "COPY --chown=0:0 . /app # buildkit"}
    assert layer["diff_id"].startswith("sha256:") and layer["blob_digest"].startswith("sha256:")
    present = next(f for f in findings_of(exported["bad"]) if f.extra["image"].get("path") == "/root/.aws/credentials")
    assert "still extractable" not in present.message


def test_secrets_are_masked_everywhere(exported):
    findings = findings_of(exported["bad"])
    text = json.dumps([f.to_json() for f in findings])
    assert GITHUB_TOKEN not in text and "hunter2" not in text and "b3BlbnNzaC1rZXkt" not in text
    assert "'ghp_****'" in text


def test_history_findings_name_their_entry(exported):
    sudo = by_rule(findings_of(exported["bad"]))["CSI008"][0]
    assert sudo.message.startswith("history entry 2 (RUN rm -f /root/.ssh/deploy_key.txt /usr/bin/gone && sudo")
    assert sudo.extra["image"]["history"]["index"] == 2 and sudo.extra["image"]["layer"]["index"] == 2


def test_findings_are_on_the_image_path_with_its_facts(exported):
    finding = by_rule(findings_of(exported["bad"]))["CSI020"][0]
    assert (finding.path, finding.line) == (str(exported["bad"]), 1)
    facts = finding.extra["image"]
    assert facts["image"] == str(exported["bad"]) and facts["config_digest"].startswith("sha256:")
    assert facts["layer"]["index"] == 0 and facts["layer"]["created_by"] == BASE


def test_allow_lists_and_accepted_files_from_the_config(exported):
    config = Config(sections={"image": {"setuid-allow": ["/usr/bin/tool"], "accept-files": ["/app/config.yml",
                                                                                          "/root/.*"]}})
    found = by_rule(findings_of(exported["bad"], config))
    assert "CSI020" not in found and "CSI028" not in found
    assert [f.extra["image"]["path"] for f in found["CSI025"]] == ["/app/.git", "/app/Dockerfile"]


def test_path_exceptions_apply_to_their_paths_only(exported):
    config = Config(sections={"image": {"exceptions": [{"rule": "DKL-LI-0003", "path": "/app/*",
                                                        "reason": "the app reads its own Dockerfile"}]}})
    found = by_rule(findings_of(exported["bad"], config))
    assert [f.extra["image"]["path"] for f in found["CSI025"]] == ["/root/.aws", "/root/.ssh"]


DOCKERFILE = """\
FROM debian:12 AS build
RUN make

FROM debian:12
COPY --chown=0:0 . /app
RUN --mount=type=cache,target=/var/cache/apt rm -f /root/.ssh/deploy_key.txt /usr/bin/gone && sudo apt-get update
EXPOSE 22 8080
"""


def test_dockerfile_places_findings_on_the_instruction_that_made_them(exported, tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE, encoding="utf-8")
    found = by_rule(findings_of(exported["bad"], dockerfile=str(dockerfile)))
    assert {f.path for fs in found.values() for f in fs} == {str(dockerfile)}
    line = {rule: sorted({f.line for f in fs}) for rule, fs in found.items()}
    assert line["CSI020"] == [4]  # base image layer: the final FROM
    assert line["CSI028"] == [5] and line["CSI025"] == [5]  # COPY . /app
    assert line["CSI008"] == [6]  # the RUN, matched by its text
    assert line["CSI005"] == [7]  # EXPOSE
    assert line["CSI001"] == [4]  # no USER: the FROM
    from containersec.report import render

    text = render(check_images([str(exported["bad"])], Config(), dockerfile=str(dockerfile)), "text")
    assert "    EXPOSE 22 8080" in text  # the instruction is quoted under its finding


def test_dockerfile_matching_falls_back_to_counting_layers(exported, tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\nCOPY src/ /app/\nRUN cleanup.sh\n", encoding="utf-8")
    found = by_rule(findings_of(exported["bad"], dockerfile=str(dockerfile)))
    assert {f.line for f in found["CSI028"]} == {2} and {f.line for f in found["CSI008"]} == {3}


def test_cli_json_exit_code_and_text(exported):
    command = [sys.executable, "-m", "containersec", "image", str(exported["bad"])]
    result = subprocess.run([*command, "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == [] and document["summary"]["files"] == 1
    [facts] = document["images"]
    assert facts["path"] == str(exported["bad"]) and len(facts["layers"]) == 3
    assert all(layer["diff_id"].startswith("sha256:") for layer in facts["layers"])
    assert facts["findings"] == len(document["findings"])
    assert {"path", "layer"} <= set(next(f for f in document["findings"] if f["rule"] == "CSI020")["image"])
    text = subprocess.run([*command, "--select", "CSI020", "--color", "never"], capture_output=True, text=True)
    assert text.returncode == 1 and "CSI020" in text.stdout and "CSI001" not in text.stdout
    assert "layers" in text.stdout  # the stage summary
    good = subprocess.run([sys.executable, "-m", "containersec", "image", str(exported["good"])],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr


def test_sarif_puts_image_findings_in_the_test_run(exported):
    from containersec.report import render

    sarif = json.loads(render(check_images([str(exported["bad"])], Config()), "sarif"))
    assert [run["automationDetails"]["id"].split("/")[1] for run in sarif["runs"]] == ["test"]
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == set(EXPECTED)


def test_tag_and_digest_pick_one_image_out_of_several(layout, tmp_path):
    both = layout  # the layout holds "bad" and "good"
    assert check_images([str(both)], Config()).errors[0].message.startswith("holds 2 images")
    assert findings_of(Path(f"{both}:good")) == []
    digest = tagged_descriptor(layout, "good")["digest"]
    assert findings_of(Path(f"{both}@{digest}")) == []
    missing = check_images([f"{both}:nope"], Config()).errors[0]
    assert missing.path == f"{both}:nope" and "has no image 'nope'" in missing.message
    archive = tmp_path / "two.tar"
    export_docker_archive(layout, "good", archive, "test/app:good")
    assert findings_of(Path(f"{archive}:good")) == []
    assert findings_of(Path(f"{archive}:test/app:good")) == []


def test_platform_picks_one_image_of_an_index(tmp_path):
    layout = build_layout(tmp_path / "multi", [Layer([Entry("a", "1")])], ImageConfig(user="1", architecture="amd64"),
                          tag="amd64")
    build_layout(layout, [Layer([Entry("b", "2", mode=0o666)])], ImageConfig(user="0", architecture="arm64"),
                 tag="arm64")
    add_index(layout, "multi", {"linux/amd64": "amd64", "linux/arm64": "arm64"})
    assert config_of(layout, "arm64")["architecture"] == "arm64"
    unchosen = check_images([f"{layout}:multi"], Config())
    assert "choose one with --platform" in unchosen.errors[0].message
    arm = {f.rule for f in check_images([f"{layout}:multi"], Config(), platform="linux/arm64").findings}
    amd = {f.rule for f in check_images([f"{layout}:multi"], Config(), platform="linux/amd64").findings}
    assert {"CSI001", "CSI021"} <= arm and not {"CSI001", "CSI021"} & amd
    wrong = check_images([f"{layout}:multi"], Config(), platform="linux/s390x").errors[0].message
    assert "no image for platform linux/s390x" in wrong


def test_an_unreadable_dockerfile_is_an_error_and_findings_stay_on_the_image(exported, tmp_path):
    report = check_images([str(exported["bad"])], Config(), dockerfile=str(tmp_path / "missing"))
    assert [e.path for e in report.errors] == [str(tmp_path / "missing")]
    assert report.findings and {f.path for f in report.findings} == {str(exported["bad"])}
    assert report.exit_code(Config().fail_on) == 2


def test_cli_needs_an_image_and_a_valid_config(tmp_path):
    done = subprocess.run([sys.executable, "-m", "containersec", "image"], capture_output=True, text=True)
    assert done.returncode == 2 and "name at least one image" in done.stderr
    (tmp_path / ".containersec.yaml").write_text("image:\n  setuid-allow: [relative/path]\n")
    done = subprocess.run([sys.executable, "-m", "containersec", "image", "x.tar"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 2 and "image.setuid-allow[0]" in done.stderr and "Traceback" not in done.stderr


def test_dockerfile_text_matching_wins_over_counting(exported, tmp_path):
    # One more layer-making instruction than the image has: counting from the end would shift every layer.
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE + "RUN echo not-in-this-image\n", encoding="utf-8")
    found = by_rule(findings_of(exported["bad"], dockerfile=str(dockerfile)))
    assert {f.line for f in found["CSI028"]} == {5} and {f.line for f in found["CSI008"]} == {6}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "checkstyle", "junit", "gitlab"])
def test_every_report_format_renders_image_findings(exported, fmt):
    from containersec.report import render

    text = render(check_images([str(exported["bad"])], Config()), fmt)
    assert "CSI020" in text and GITHUB_TOKEN not in text
