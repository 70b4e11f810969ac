"""A global ARG changes nothing a rule decides: it only gives FROM lines (and stages that re-declare it) a value.

Every rule's bad example, and every corpus file, is linted as written and with a global ARG put in front
(with a default, and without one); the findings must be the same, one line further down. This is the test
that would have caught the parser reusing the default shell's variable for the ARG loop, which silenced
every RUN rule of any file with a global ARG.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from containersec.build import engine
from containersec.catalogue import RuleOptions, all_rules
from containersec.config import Config
from containersec.findings import Stage

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"
PREFIXES = ["ARG V=1\n", "ARG V\n"]
# The options the examples' first comment lines name: a schema for the label rules, registry, image and package
# source lists.
OPTIONS = RuleOptions(trusted_registries=["registry.example.com"], allowed_images=["docker.io/library/alpine:3.*"],
                      label_schema={"com.example.support": "email",
    "org.opencontainers.image.source": "url", "org.opencontainers.image.version": "semver",
    "org.opencontainers.image.created": "rfc3339", "org.opencontainers.image.revision": "hash",
    "org.opencontainers.image.licenses": "spdx", "org.opencontainers.image.authors": "email",
    "org.opencontainers.image.title": "text"}, strict_labels=True,
                      trusted_package_sources={"pypi": ["pypi.internal.example"]})


def every_rule() -> Config:
    config = Config(select=[rule.id for rule in all_rules(Stage.BUILD)])
    config.options = OPTIONS
    return config


def found(text: str, shift: int = 0) -> list[tuple[str, int]]:
    report = engine.lint_text(text, "Dockerfile", every_rule())
    assert not [e for e in report.errors if "internal error" in e.message], report.errors
    return sorted((f.rule, f.line - shift) for f in report.findings)


@pytest.mark.parametrize("rule", all_rules(Stage.BUILD), ids=lambda rule: rule.id)
@pytest.mark.parametrize("prefix", PREFIXES, ids=["default", "no-default"])
def test_bad_example_finds_the_same_after_a_global_arg(rule: object, prefix: str) -> None:
    bad = rule.bad + "\n"  # type: ignore[attr-defined]
    before = found(bad)
    assert found(prefix + bad, shift=1) == before


def test_every_example_finds_its_own_rule() -> None:
    # Guards the comparison above: the same findings must not be the same silence.
    silent = [rule.id for rule in all_rules(Stage.BUILD) if rule.id not in {r for r, _ in found(rule.bad + "\n")}]
    assert not silent


@pytest.mark.parametrize("prefix", PREFIXES, ids=["default", "no-default"])
def test_pipefail_rule_with_a_global_arg(prefix: str) -> None:
    text = prefix + "FROM alpine:3.20\nRUN wget -qO- https://example.com/x | sh\nRUN echo ok\n"
    assert [line for rule, line in found(text) if rule == "CSD082"] == [3]


def corpus_with_global_args() -> list[Path]:
    files = []
    for path in sorted(CORPUS.glob("*/*Dockerfile*")):
        head = path.read_text(encoding="utf-8").split("FROM", 1)[0]
        if any(line.strip().upper().startswith("ARG ") for line in head.splitlines()):
            files.append(path)
    return files


def test_the_corpus_has_files_with_global_args() -> None:
    assert len(corpus_with_global_args()) >= 5


@pytest.mark.parametrize("path", corpus_with_global_args(), ids=lambda path: str(path.relative_to(CORPUS)))
def test_corpus_file_finds_the_same_after_another_global_arg(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    before = found(text)
    for prefix in PREFIXES:
        assert found(prefix + text, shift=1) == before, prefix
