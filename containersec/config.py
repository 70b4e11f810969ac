"""The policy file: `.containersec.yaml`, `[tool.containersec]` in pyproject.toml, or a `.hadolint.yaml`.

Discovery, validation with errors that name the file and the key, and the choice of rules that run.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from containersec.catalogue import PACKAGE_ECOSYSTEMS, Rule, RuleOptions, all_rules, resolve
from containersec.findings import Finding, Severity, Stage

if TYPE_CHECKING:
    from containersec.untrusted.yaml_data import LimitedLoader

OWN_FILES = (".containersec.yaml", ".containersec.yml")
HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")
# Sections the test, release and infrastructure stages read and validate themselves (their keys are theirs to define).
STAGE_SECTIONS = ("vulns", "image", "registry", "k8s")
OWN_KEYS = ("select", "ignore", "severity", "fail-on", "trusted-registries", "allowed-images",
            "trusted-package-sources",
            "required-labels", "strict-labels", "disable-ignore-pragmas", "exclude", *STAGE_SECTIONS)
HADOLINT_KEYS = ("ignored", "override", "trustedRegistries", "label-schema", "strict-labels",
                 "failure-threshold", "no-fail", "disable-ignore-pragma", "no-color", "format")
LABEL_TYPES = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")
LEVELS = ("error", "warning", "info", "style")
SHELLCHECK_CODE = re.compile(r"SC\d{4}", re.IGNORECASE)
HADOLINT_CODE = re.compile(r"DL\d{4}", re.IGNORECASE)
COMMAND_LINE = "command line"


class ConfigError(Exception):
    """A config file (or flag) that cannot be used; the CLI prints it and exits 2."""

    def __init__(self, path: str, key: str | None, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        super().__init__(": ".join(part for part in (path, key, problem) if part))


@dataclass
class Config:
    """The settings of one run: rule selection, severities, thresholds and each stage's section."""

    source: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity | None = Severity.WARNING
    # Where the threshold was set: the config file, the command line, or None for the default.
    fail_on_source: str | None = None
    # With a .hadolint.yaml, `fail_on` is its `failure-threshold` (hadolint's default `info` when absent) and
    # applies to what hadolint also reports; the rest fails at this one, so an unchanged hadolint config never
    # fails a file that hadolint passes. None: `fail_on` applies to every finding.
    own_fail_on: Severity | None = None
    # List suppressed findings (inline ignores, exceptions) as such instead of leaving them out: --show-suppressed.
    show_suppressed: bool = False
    options: RuleOptions = field(default_factory=RuleOptions)
    disable_ignore_pragmas: bool = False
    exclude: list[str] = field(default_factory=list)
    # Things worth telling the user that are not errors (hadolint codes we do not map yet).
    notices: list[str] = field(default_factory=list)
    # The raw `vulns:`, `image:` and `registry:` mappings; each stage validates its own, raising
    # ConfigError with `section_key` so errors name the file and the key.
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        return self.sections.get(name, {})

    def section_error(self, key: str, problem: str) -> ConfigError:
        """An error in a stage section, e.g. `section_error("vulns.exceptions[2].reason", "required")`."""
        return ConfigError(self.source or COMMAND_LINE, key, problem)

    def threshold_text(self) -> str:
        """`failing at info and above, from .hadolint.yaml`: the threshold in effect and where it comes from."""
        where = f"from {self.fail_on_source}" if self.fail_on_source else "the default"
        if self.fail_on is None:
            return f"not failing on findings, {where}"
        if self.own_fail_on is not None and self.own_fail_on != self.fail_on:
            return (f"failing at {self.fail_on.label} and above for hadolint's rules and at "
                    f"{self.own_fail_on.label} and above for the others, {where}")
        return f"failing at {self.fail_on.label} and above, {where}"

    def settle(self, findings: Iterable[Finding]) -> None:
        """Decide which findings fail under a hadolint-format config: what hadolint lacks fails at `own_fail_on`."""
        if self.own_fail_on is None:
            return
        for finding in findings:
            if finding.fails is None and not _hadolint_reports(finding):
                finding.fails = finding.severity >= self.own_fail_on

    @property
    def directory(self) -> Path:
        """Where relative paths in the config file are resolved: the file's folder, else the cwd."""
        return Path(self.source).parent if self.source else Path.cwd()


def load_config(explicit: str | None = None, cwd: Path | None = None) -> Config:
    """Read `explicit`, else the nearest config from `cwd` upward, else return the defaults."""
    cwd = cwd or Path.cwd()
    if explicit is not None:
        path = cwd / explicit
        if not path.is_file():
            raise ConfigError(explicit, None, "no such file")
        if path.suffix == ".toml":
            table = _read_pyproject(path, explicit)
            if table is None:
                raise ConfigError(explicit, None, "no [tool.containersec] table")
            return _parse_pyproject_table(table, explicit)
        return _parse(_read_yaml(path, explicit), explicit, hadolint_named=path.name in HADOLINT_FILES)
    for directory in (cwd, *cwd.parents):
        for name in OWN_FILES:
            path = directory / name
            if path.is_file():
                shown = os.path.relpath(path, cwd)
                return _parse(_read_yaml(path, shown), shown, hadolint_named=False)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            shown = os.path.relpath(pyproject, cwd)
            table = _read_pyproject(pyproject, shown)
            if table is not None:
                return _parse_pyproject_table(table, shown)
    for path in hadolint_config_paths(cwd):
        if path.is_file():
            shown = os.path.relpath(path, cwd) if path.parent == cwd else str(path)
            return _parse(_read_yaml(path, shown), shown, hadolint_named=True)
    return Config()


def hadolint_config_paths(cwd: Path, environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where hadolint looks for its config when none is given, first match wins (its findConfig order).

    Used only when no containersec config exists, so a hadolint user's settings apply from the first run.
    """
    environ = os.environ if environ is None else environ
    home = Path(environ.get("HOME") or Path.home())
    xdg = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    hidden, visible = (".hadolint.yaml", ".hadolint.yml"), ("hadolint.yaml", "hadolint.yml")
    return [*(cwd / name for name in hidden), *(xdg / name for name in visible),
            *(home / ".hadolint" / name for name in (*visible, "config.yaml", "config.yml")),
            *(home / name for name in hidden)]


def active_rules(config: Config, stage: Stage, prefix: str = "") -> list[Rule]:
    """The rules to run for `stage`, each carrying its effective severity.

    `prefix` picks one family of a stage that has several (the test stage's `CSV` reports and `CSI` images).
    """
    selected = _rule_ids(config.select)
    ignored = _rule_ids(config.ignore)
    chosen = []
    for rule in all_rules(stage):
        if rule.id in ignored or not rule.id.startswith(prefix):
            continue
        # Like hadolint, a rule that is off by default runs once it is selected or re-levelled.
        wanted = rule.id in selected if config.select else rule.enabled or rule.id in config.severity
        if wanted:
            chosen.append(dataclasses.replace(rule, severity=config.severity.get(rule.id, rule.severity)))
    return chosen


def with_overrides(
    config: Config,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    fail_on: str | Severity | None = None,
    levels: Mapping[str, Iterable[str]] | None = None,
    trusted_registries: Iterable[str] = (),
    required_labels: Iterable[str] = (),
    show_suppressed: bool = False,
) -> Config:
    """Apply command-line flags: `--select` replaces the file's list; the others add to the file's settings.

    `levels` maps a severity to the rules re-levelled to it (hadolint's `--error RULE` and friends),
    `required_labels` holds hadolint's `--require-label label:type` values. Flag values may repeat or
    hold comma-separated names.
    """
    changes: dict[str, Any] = {"show_suppressed": True} if show_suppressed else {}
    if select is not None:
        changes["select"] = _flag_names(select, "--select")
    if ignore is not None:
        changes["ignore"] = [*config.ignore, *_flag_names(ignore, "--ignore")]
    if fail_on is not None:
        changes["fail_on"] = (fail_on if isinstance(fail_on, Severity)
                              else _fail_on(fail_on, COMMAND_LINE, "--fail-on"))
        changes["fail_on_source"] = "--fail-on"
        changes["own_fail_on"] = None
    severity = dict(config.severity)
    for level, names in (levels or {}).items():
        for name in _flag_names(names, f"--{level}"):
            severity.update(dict.fromkeys(_codes_for(name), Severity.parse(level)))
    if severity != config.severity:
        changes["severity"] = severity
    registries = [name.strip() for value in trusted_registries for name in value.split(",") if name.strip()]
    labels = _label_flags(required_labels)
    if registries or labels:
        options = config.options
        changes["options"] = dataclasses.replace(
            options, trusted_registries=[*options.trusted_registries, *registries],
            label_schema={**options.label_schema, **labels})
    return dataclasses.replace(config, **changes)


def _label_flags(values: Iterable[str]) -> dict[str, str]:
    labels = {}
    for value in values:
        label, _, kind = value.rpartition(":")
        if not label.strip() or kind.strip().lower() not in LABEL_TYPES:
            raise ConfigError(COMMAND_LINE, "--require-label",
                              f"{value!r} is not LABEL:TYPE with TYPE one of: {', '.join(LABEL_TYPES)}")
        labels[label.strip()] = kind.strip().lower()
    return labels


# --- reading files -------------------------------------------------------------------------------


def _strict_loader() -> type[LimitedLoader]:
    """The limited loader, also rejecting a key given twice instead of silently keeping the last one.

    Built on first use: PyYAML costs start-up time that a run without a config file should not pay.
    """
    import yaml

    from containersec.untrusted.yaml_data import LimitedLoader

    class StrictLoader(LimitedLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, Hashable):
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key!r}", key_node.start_mark)
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def _read_text(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(shown, None, f"not valid UTF-8 at byte {exc.start}") from None
    except OSError as exc:
        raise ConfigError(shown, None, f"cannot read: {exc.strerror}") from None


def _read_yaml(path: Path, shown: str) -> Any:
    from containersec.untrusted import DocumentError, yaml_data

    try:
        return yaml_data.load(_read_text(path, shown), loader=_strict_loader())
    except DocumentError as exc:
        raise ConfigError(shown, None, str(exc)) from None


def _read_pyproject(path: Path, shown: str) -> Any:
    """The `[tool.containersec]` value, or None when the file has no such table."""
    import tomllib

    try:
        document = tomllib.loads(_read_text(path, shown))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, None, f"invalid TOML: {exc}") from None
    tool = document.get("tool")
    return tool.get("containersec") if isinstance(tool, dict) else None


def _parse_pyproject_table(table: Any, shown: str) -> Config:
    prefix = "tool.containersec"
    if not isinstance(table, dict):
        raise ConfigError(shown, prefix, "expected a table")
    try:
        return _parse(table, shown, hadolint_named=False)
    except ConfigError as exc:
        raise ConfigError(exc.path, f"{prefix}.{exc.key}" if exc.key else prefix, exc.problem) from None


def _parse(data: Any, path: str, *, hadolint_named: bool) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(path, None, "expected a mapping of settings at the top level")
    data = {str(key): value for key, value in data.items() if value is not None}
    own_only = set(OWN_KEYS) - set(HADOLINT_KEYS)
    hadolint_only = set(HADOLINT_KEYS) - set(OWN_KEYS)
    if hadolint_named or (hadolint_only & data.keys() and not own_only & data.keys()):
        return _from_hadolint(data, path)
    return _from_own(data, path)


# --- containersec's own format -------------------------------------------------------------------


def _from_own(data: dict[str, Any], path: str) -> Config:
    _reject_unknown_keys(data, OWN_KEYS, path)
    select = _rule_names(data, "select", path)
    ignore = _rule_names(data, "ignore", path)
    severity: dict[str, Severity] = {}
    for name, level in _mapping(data, "severity", path).items():
        key = f"severity.{name}"
        _require_rule(name, path, key)
        # YAML 1.1 reads a bare `off` as false.
        if level is False or (isinstance(level, str) and level.strip().lower() == "off"):
            ignore.append(name)
            continue
        parsed = _level(level, path, key, (*LEVELS, "off"))
        severity.update(dict.fromkeys(_codes_for(name), parsed))
    return Config(
        source=path,
        select=select,
        ignore=ignore,
        severity=severity,
        fail_on=_fail_on(data.get("fail-on", "warning"), path, "fail-on"),
        fail_on_source=path if "fail-on" in data else None,
        options=RuleOptions(
            trusted_registries=_string_list(data, "trusted-registries", path),
            allowed_images=_string_list(data, "allowed-images", path),
            trusted_package_sources=_package_sources(data, "trusted-package-sources", path),
            label_schema=_label_schema(data, "required-labels", path),
            strict_labels=_bool(data, "strict-labels", path),
        ),
        disable_ignore_pragmas=_bool(data, "disable-ignore-pragmas", path),
        exclude=_string_list(data, "exclude", path),
        sections={name: _mapping(data, name, path) for name in STAGE_SECTIONS if name in data},
    )


# --- hadolint's format, read unchanged -----------------------------------------------------------


def _from_hadolint(data: dict[str, Any], path: str) -> Config:
    _reject_unknown_keys(data, HADOLINT_KEYS, path)
    notices: list[str] = []
    ignore = [code for code in _string_list(data, "ignored", path)
              if _is_mapped_hadolint_code(code, path, "ignored", notices)]
    severity: dict[str, Severity] = {}
    for level, codes in _mapping(data, "override", path).items():
        key = f"override.{level}"
        parsed = _level(level, path, key, LEVELS)
        for code in _strings(codes or [], path, key):
            if _is_mapped_hadolint_code(code, path, key, notices):
                severity.update(dict.fromkeys(_codes_for(code), parsed))
    registries = data.get("trustedRegistries", [])
    if isinstance(registries, str):
        registries = [registries]
    # hadolint's threshold `ignore`/`none` is its lowest level: every finding fails (checked on 2.15.1).
    threshold = _level(data.get("failure-threshold", "info"), path, "failure-threshold",
                       (*LEVELS, "ignore", "none"), lowest=("ignore", "none"))
    no_fail = _bool(data, "no-fail", path)
    return Config(
        source=path,
        ignore=ignore,
        severity=severity,
        fail_on=None if no_fail else threshold,
        fail_on_source=path,
        # The rules hadolint does not have fail at our default, or at the file's threshold when that is higher.
        own_fail_on=None if no_fail else max(threshold, Severity.WARNING),
        options=RuleOptions(
            trusted_registries=_strings(registries, path, "trustedRegistries"),
            label_schema=_label_schema(data, "label-schema", path),
            strict_labels=_bool(data, "strict-labels", path),
        ),
        disable_ignore_pragmas=_bool(data, "disable-ignore-pragma", path),
        notices=notices,
    )


def _hadolint_reports(finding: Finding) -> bool:
    """Whether hadolint reports this finding too: a rule with a DL alias, or ShellCheck, which hadolint runs."""
    return bool(SHELLCHECK_CODE.fullmatch(finding.rule)) or any(HADOLINT_CODE.fullmatch(a) for a in finding.aliases)


def _is_mapped_hadolint_code(code: str, path: str, key: str, notices: list[str]) -> bool:
    """hadolint skips codes it does not know; a DL code we have not mapped yet is noted, not an error."""
    if resolve(code) or SHELLCHECK_CODE.fullmatch(code):
        return True
    if HADOLINT_CODE.fullmatch(code):
        notices.append(f"{path}: {key}: {code} has no containersec equivalent yet; skipped")
        return False
    raise ConfigError(path, key, f"unknown rule {code!r}{_suggestion(code, _all_rule_names())}")


# --- values --------------------------------------------------------------------------------------


def _reject_unknown_keys(data: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for key in data:
        if key in allowed:
            continue
        if allowed is HADOLINT_KEYS and key in OWN_KEYS:
            raise ConfigError(path, key, "a containersec key in a hadolint-format file (use one format)")
        raise ConfigError(path, key, f"unknown key{_suggestion(key, allowed)}")


def _string_list(data: dict[str, Any], key: str, path: str) -> list[str]:
    return _strings(data.get(key, []), path, key)


def _strings(value: Any, path: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(path, key, f"expected a list of strings, got {_describe(value)}")
    return [item.strip() for item in value]


def _mapping(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(path, key, f"expected a mapping, got {_describe(value)}")
    return {str(name): item for name, item in value.items()}


def _bool(data: dict[str, Any], key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(path, key, f"expected true or false, got {_describe(value)}")
    return value


def _level(value: Any, path: str, key: str, choices: tuple[str, ...],
           lowest: tuple[str, ...] = ()) -> Severity:
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in choices:
        raise ConfigError(path, key, f"unknown severity {value!r} (expected one of: {', '.join(choices)})")
    return Severity.STYLE if text in lowest else Severity.parse(text)


def _fail_on(value: Any, path: str, key: str) -> Severity | None:
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    return _level(value, path, key, (*LEVELS, "none"))


def _label_schema(data: dict[str, Any], key: str, path: str) -> dict[str, str]:
    schema = {}
    for label, kind in _mapping(data, key, path).items():
        if not isinstance(kind, str) or kind.strip().lower() not in LABEL_TYPES:
            raise ConfigError(path, f"{key}.{label}",
                              f"unknown label type {kind!r} (expected one of: {', '.join(LABEL_TYPES)})")
        schema[label] = kind.strip().lower()
    return schema


def _package_sources(data: dict[str, Any], key: str, path: str) -> dict[str, list[str]]:
    """`{ecosystem: [glob, ...]}`; an ecosystem left out is not restricted."""
    sources = {}
    for ecosystem, patterns in _mapping(data, key, path).items():
        if ecosystem not in PACKAGE_ECOSYSTEMS:
            raise ConfigError(path, f"{key}.{ecosystem}", f"unknown package ecosystem"
                              f"{_suggestion(ecosystem, PACKAGE_ECOSYSTEMS)}; expected one of: "
                              f"{', '.join(PACKAGE_ECOSYSTEMS)}")
        globs = _strings(patterns, path, f"{key}.{ecosystem}")
        if not all(globs):
            raise ConfigError(path, f"{key}.{ecosystem}", "an empty pattern matches no source")
        sources[ecosystem] = globs
    return sources


def _rule_names(data: dict[str, Any], key: str, path: str) -> list[str]:
    names = _string_list(data, key, path)
    for name in names:
        if not _is_rule_name(name):
            raise ConfigError(path, key, f"unknown rule {name!r}{_suggestion(name, _all_rule_names())}")
    return names


def _require_rule(name: str, path: str, key: str) -> None:
    if not _is_rule_name(name):
        raise ConfigError(path, key, f"unknown rule{_suggestion(name, _all_rule_names())}")


def _flag_names(values: Iterable[str], flag: str) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    for name in names:
        if not _is_rule_name(name):
            raise ConfigError(COMMAND_LINE, flag,
                              f"unknown rule {name!r}{_suggestion(name, _all_rule_names())}")
    return names


def _is_rule_name(name: str) -> bool:
    # ShellCheck codes are not registered rules; the ShellCheck integration reports them by code.
    return bool(resolve(name)) or bool(SHELLCHECK_CODE.fullmatch(name))


def _codes_for(name: str) -> list[str]:
    """Rule IDs a name stands for; a ShellCheck code stands for itself."""
    return [rule.id for rule in resolve(name)] or [name.upper()]


def _rule_ids(names: Iterable[str]) -> set[str]:
    return {code for name in names for code in _codes_for(name)}


def _all_rule_names() -> list[str]:
    return [name for rule in all_rules() for name in rule.names]


def _suggestion(word: str, candidates: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
