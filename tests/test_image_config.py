"""config_findings: the config-only image checks on a config blob, as the registry audit calls them."""

from __future__ import annotations

import json

import pytest

from containersec.config import Config, ConfigError, with_overrides
from containersec.findings import Severity, Stage
from containersec.test.image import config_findings

GITHUB_TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"
DIFF_ID = "sha256:" + "1" * 64


def blob(config: dict | None = None, history: list[dict] | None = None) -> dict:
    history = history or []
    layers = sum(1 for entry in history if not entry.get("empty_layer"))
    return {"config": {"User": "10001", "Healthcheck": {"Test": ["CMD", "true"]}, **(config or {})},
            "history": history, "rootfs": {"type": "layers", "diff_ids": [DIFF_ID] * layers},
            "created": "2024-01-02T03:04:05Z"}


def rules_of(data: dict, config: Config | None = None) -> list[str]:
    return [f.rule for f in config_findings(data, config or Config(), path="registry.example/app:1")]


def run_entry(script: str) -> dict:
    return {"created_by": f"RUN /bin/sh -c {script} # buildkit"}


def test_a_clean_config_has_no_findings():
    assert rules_of(blob(history=[run_entry("apt-get update && apt-get install -y curl")])) == []


@pytest.mark.parametrize("user", ["", "root", "0", "0:0", "root:staff"])
def test_root_users_are_reported(user):
    assert rules_of(blob({"User": user})) == ["CSI001"]


@pytest.mark.parametrize("user", ["10001", "app", "1000:0", "nobody"])
def test_other_users_pass(user):
    assert rules_of(blob({"User": user})) == []


def test_missing_healthcheck_is_reported_and_none_is_an_opt_out():
    assert rules_of(blob({"Healthcheck": None})) == ["CSI002"]
    assert rules_of(blob({"Healthcheck": {"Test": []}})) == ["CSI002"]
    assert rules_of(blob({"Healthcheck": {"Test": ["NONE"]}})) == []


def test_secret_names_and_values_in_env_and_labels_are_masked():
    data = blob({"Env": ["PATH=/usr/bin", "API_TOKEN=abc", f"CLONE={GITHUB_TOKEN}", "GPG_KEY=ABCDEF"],
                 "Labels": {"build.secret-key": "x", "org.opencontainers.image.source": f"https://u:{GITHUB_TOKEN}@h"}})
    findings = config_findings(data, Config(), path="app")
    assert sorted(f.rule for f in findings) == ["CSI003", "CSI003", "CSI004", "CSI004"]
    assert all(GITHUB_TOKEN not in f.message for f in findings)
    assert any("'ghp_****'" in f.message for f in findings)
    assert not any(f.secret for f in findings)  # no source line to hide: messages are masked


def test_history_secrets_by_name_and_value_say_which_entry():
    data = blob(history=[run_entry("true"),
                         {"created_by": "RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci # buildkit"},
                         {"created_by": f"/bin/sh -c #(nop)  LABEL token={GITHUB_TOKEN}", "empty_layer": True}])
    findings = config_findings(data, Config(), path="app")
    assert [(f.rule, f.extra["image"]["history"]["index"]) for f in findings] == [("CSI003", 1), ("CSI004", 2)]
    assert findings[0].message.startswith("history entry 1 (RUN npm ci): ARG NPM_TOKEN")
    # a config alone knows the layer's diff_id, not its stored blob's digest
    assert findings[0].extra["image"]["layer"] == {"index": 1, "digest": DIFF_ID, "diff_id": DIFF_ID,
                                                   "blob_digest": None,
                                                   "created_by": "RUN |1 NPM_TOKEN=**** /bin/sh -c npm ci # buildkit"}
    assert "layer" not in findings[1].extra["image"]  # an empty_layer entry made no layer
    assert GITHUB_TOKEN not in findings[1].message


def test_env_entries_in_history_are_not_reported_twice():
    data = blob({"Env": ["API_TOKEN=x", f"GH={GITHUB_TOKEN}"]},
                history=[{"created_by": f"ENV API_TOKEN=x GH={GITHUB_TOKEN}", "empty_layer": True}])
    assert sorted(rules_of(data)) == ["CSI003", "CSI004"]


def test_accepted_keys_are_not_secrets():
    config = Config(sections={"image": {"accept-keys": ["api_token"]}})
    assert rules_of(blob({"Env": ["API_TOKEN=abc"]}), config) == []


def test_ssh_port_and_system_volumes():
    assert rules_of(blob({"ExposedPorts": {"22/tcp": {}, "8080/tcp": {}}})) == ["CSI005"]
    assert rules_of(blob({"ExposedPorts": {"2222/tcp": {}}})) == []
    assert rules_of(blob({"Volumes": {"/proc/sys": {}, "/dev": {}, "/data": {}, "/system": {}}})) == ["CSI006"] * 2


def test_add_in_history_except_the_base_rootfs():
    base = {"created_by": "/bin/sh -c #(nop) ADD file:" + "a" * 64 + " in / "}
    assert rules_of(blob(history=[base, {"created_by": "COPY app /app # buildkit"}])) == []
    found = config_findings(blob(history=[base, {"created_by": "ADD https://x.invalid/t.tgz /opt/ # buildkit"}]),
                            Config(), path="app")
    assert [f.rule for f in found] == ["CSI007"]
    assert found[0].message.startswith("history entry 1 (ADD https://x.invalid/t.tgz /opt/)")


@pytest.mark.parametrize(("script", "rule"), [
    ("sudo apt-get install -y curl", "CSI008"),
    ("apt-get update", "CSI009"),
    ("apk add curl", "CSI010"),
    ("curl -k https://x.invalid/a -o a", "CSI011"),
    ("wget --no-check-certificate https://x.invalid/a", "CSI011"),
    ("apt-get install -y --allow-unauthenticated curl", "CSI012"),
    ("pip install -i http://pypi.example.com/simple app==1", "CSI011"),
    ("curl -fsSL http://x.invalid/key.gpg -o /usr/share/keyrings/x.gpg", "CSI011"),
    ("go env -w GOSUMDB=off", "CSI012"),
    ("pip install --extra-index-url https://x.invalid/simple app==1", "CSI040"),
    ("apt-key adv --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4", "CSI040"),
])
def test_build_rules_run_on_history_entries(script, rule):
    assert rules_of(blob(history=[run_entry(script)])) == [rule]


@pytest.mark.parametrize("script", ["apt-get update && apt-get install -y curl", "apk add --no-cache curl",
                                    "curl -fsSL https://x.invalid/a -o a", "echo sudo", "apk add --no-cache sudo",
                                    "pip install -i https://pypi.example.com/simple app==1"])
def test_clean_history_entries_pass(script):
    assert rules_of(blob(history=[run_entry(script)])) == []


def test_package_source_allow_list_applies_to_history():
    from containersec.catalogue import RuleOptions

    entry = run_entry("pip install -i https://pypi.org/simple app==1")
    trusted = Config(options=RuleOptions(trusted_package_sources={"pypi": ["pypi.internal.example"]}))
    assert rules_of(blob(history=[entry])) == []
    assert rules_of(blob(history=[entry]), trusted) == ["CSI040"]


def test_legacy_builder_history_and_multiline_scripts():
    legacy = {"created_by": "|1 VERSION=2 /bin/sh -c sudo make install"}
    heredoc = run_entry("set -e\napt-get update\necho done")
    findings = config_findings(blob(history=[legacy, heredoc]), Config(), path="app")
    assert [(f.rule, f.extra["image"]["history"]["index"]) for f in findings] == [("CSI008", 0), ("CSI009", 1)]


def test_location_extra_and_stage_are_the_callers():
    findings = config_findings(blob({"User": ""}), Config(), path="reg.example/app@sha256:ab", line=3,
                               extra={"registry": {"tag": "1"}})
    assert [(f.path, f.line, f.stage) for f in findings] == [("reg.example/app@sha256:ab", 3, Stage.TEST)]
    assert findings[0].to_json()["registry"] == {"tag": "1"}
    assert findings[0].to_json()["image"] == {}


def test_select_ignore_and_severity_overrides_apply():
    data = blob({"User": "", "ExposedPorts": {"22/tcp": {}}})
    assert rules_of(data, with_overrides(Config(), ignore=["CIS-DI-0001"])) == ["CSI005"]
    assert rules_of(data, with_overrides(Config(), select=["image-ssh-port-exposed"])) == ["CSI005"]
    config = Config(severity={"CSI001": Severity.ERROR})
    assert [f.severity.label for f in config_findings(data, config, path="a") if f.rule == "CSI001"] == ["error"]


def test_exceptions_by_rule_until_they_expire():
    data = blob({"User": "root"})
    kept = Config(sections={"image": {"exceptions": [{"rule": "CSI001", "reason": "init needs root",
                                                      "expires": "2999-01-01"}]}})
    expired = Config(sections={"image": {"exceptions": [{"rule": "image-runs-as-root", "reason": "x",
                                                         "expires": "2000-01-01"}]}})
    assert rules_of(data, kept) == []
    assert rules_of(data, expired) == ["CSI001"]


@pytest.mark.parametrize(("section", "key"), [
    ({"setuid-allow": ["usr/bin/x"]}, "image.setuid-allow[0]"),
    ({"secret-scan-max-bytes": "big"}, "image.secret-scan-max-bytes"),
    ({"exceptions": [{"rule": "CSI999", "reason": "x"}]}, "image.exceptions[0].rule"),
    ({"exceptions": [{"rule": "CSI001"}]}, "image.exceptions[0].reason"),
    ({"exceptions": [{"rule": "CSI001", "reason": "x", "expires": "soon"}]}, "image.exceptions[0].expires"),
    ({"unknown": 1}, "image.unknown"),
])
def test_bad_image_section_names_the_key(section, key):
    with pytest.raises(ConfigError) as caught:
        config_findings(blob(), Config(source=".containersec.yaml", sections={"image": section}), path="a")
    assert caught.value.key == key and caught.value.path == ".containersec.yaml"


@pytest.mark.parametrize("data", [{}, {"config": None, "history": "x", "rootfs": []},
                                  {"config": {"Env": [1, None], "Labels": [], "User": 5}, "history": [None, 3]}])
def test_malformed_blobs_do_not_raise(data):
    assert "CSI001" in rules_of(data)


def test_history_text_in_messages_and_json_is_masked():
    data = blob(history=[{"created_by": f"RUN |1 GH={GITHUB_TOKEN} /bin/sh -c git clone https://x:{GITHUB_TOKEN}@h/r "
                                        "&& apt-get update # buildkit"}])
    findings = config_findings(data, Config(), path="app")
    assert {f.rule for f in findings} == {"CSI004", "CSI009"}
    assert GITHUB_TOKEN not in json.dumps([f.to_json() for f in findings])
