"""docs/rules.md is the rendered rule metadata, kept up to date; the Markdown cannot be broken by metadata text."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

from containersec.catalogue import Rule, all_rules
from containersec.findings import Severity, Stage
from containersec.report.rules_markdown import REGENERATE, code_fence, markdown_text, render_markdown

ROOT = Path(__file__).resolve().parents[1]
RULES_DOC = ROOT / "docs" / "rules.md"


def _rule(**changes: object) -> Rule:
    base = Rule(id="CSD999", slug="example-rule", stage=Stage.BUILD, severity=Severity.WARNING,
                summary="Example", why="Because.", bad="RUN bad", good="RUN good", aliases=("DL9999",),
                check=lambda dockerfile, options: iter(()))
    return dataclasses.replace(base, **changes)


def test_docs_rules_md_is_up_to_date() -> None:
    fresh = render_markdown(all_rules())
    committed = RULES_DOC.read_text(encoding="utf-8") if RULES_DOC.is_file() else ""
    assert committed == fresh, f"docs/rules.md is stale: regenerate it with `{REGENERATE}`"


def test_rules_command_prints_the_same_markdown() -> None:
    result = subprocess.run([sys.executable, "-m", "containersec", "rules", "--format", "markdown"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout == render_markdown(all_rules())


def test_every_rule_has_an_entry_and_a_section_with_examples() -> None:
    rules = all_rules()
    text = render_markdown(rules)
    headings = re.findall(r"^## (\S+) (\S+)$", text, re.MULTILINE)
    assert headings == [(r.id, r.slug) for r in rules]
    table_rows = re.findall(r"^\| \[(\w+)\]\(#([\w-]+)\) \|", text, re.MULTILINE)
    assert table_rows == [(r.id, f"{r.id.lower()}-{r.slug}") for r in rules]
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    for rule, section in zip(rules, sections, strict=True):
        language = "yaml" if rule.stage is Stage.INFRASTRUCTURE else "dockerfile"
        assert f"{language}\n{rule.bad}\n" in section and f"{language}\n{rule.good}\n" in section
        assert f"Default severity: **{rule.severity.label}**" in section
        assert ("Fixable: yes" in section) == rule.fixable
        assert ("Enabled by default: yes" in section) == rule.enabled


def test_metadata_prose_cannot_inject_html_or_markup() -> None:
    assert markdown_text("<img src=x onerror=alert(1)> *bold* [x](y) a|b &amp;") == (
        "\\<img src=x onerror=alert(1)\\> \\*bold\\* \\[x\\](y) a\\|b &amp;amp;")
    # Emphasis and headings need `_` at a word edge or `#` at the start; names like PIP_NO_CACHE_DIR stay readable.
    assert markdown_text("PIP_NO_CACHE_DIR, _x_ and *_FILE") == "PIP_NO_CACHE_DIR, \\_x\\_ and \\*\\_FILE"
    assert markdown_text("# not a heading, issue #422") == "\\# not a heading, issue #422"
    assert markdown_text("- not a list") == "\\- not a list"
    # Code spans stay as written; only in a table cell is a pipe inside one escaped.
    assert markdown_text("use `a|b <c>` here") == "use `a|b <c>` here"
    assert markdown_text("use `a|b`", in_table=True) == "use `a\\|b`"


def test_a_rule_with_awkward_metadata_renders_safely() -> None:
    rule = _rule(summary="Use <b>x</b> | y", notes="See `--x|y`.\nSecond *line*",
                 bad="RUN echo '```'\nRUN true", fixable=True, enabled=False, aliases=("A|B", "C_D"))
    text = render_markdown([rule])
    assert "\\<b\\>x\\</b\\> \\| y" in text
    assert "**Notes.** See `--x|y`. Second \\*line\\*" in text
    assert "````dockerfile\nRUN echo '```'\nRUN true\n````" in text
    row = next(line for line in text.splitlines() if line.startswith("| [CSD999]"))
    assert row.endswith("| warning (off by default) | yes | `A\\|B`, `C_D` |")
    assert "Enabled by default: no" in text and "Fixable: yes" in text


def test_code_fence_outgrows_backticks_in_the_example() -> None:
    assert code_fence("RUN true") == "```"
    assert code_fence("RUN echo '`````'") == "``````"


def test_docs_secrets_md_is_up_to_date() -> None:
    from containersec.report.secrets_markdown import REGENERATE as SECRETS_REGENERATE
    from containersec.report.secrets_markdown import render_markdown as render_secrets
    from containersec.secrets.catalogue import KINDS

    committed = (ROOT / "docs" / "secrets.md").read_text(encoding="utf-8")
    assert committed == render_secrets(), f"docs/secrets.md is stale: regenerate it with `{SECRETS_REGENERATE}`"
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", committed, re.MULTILINE)
    assert rows == [kind.id for kind in KINDS]
