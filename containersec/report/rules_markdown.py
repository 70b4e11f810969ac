"""The rule reference in Markdown (docs/rules.md and `containersec rules --format markdown`).

Regenerate the committed reference with `python -m containersec.report.rules_markdown > docs/rules.md`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from containersec.catalogue import Rule, all_rules

if TYPE_CHECKING:
    import jinja2

TEMPLATE = "rules.md.j2"
REGENERATE = "python -m containersec.report.rules_markdown > docs/rules.md"

# Code spans are kept as written (nothing inside them is rendered); outside them, characters that
# Markdown or HTML would interpret are backslash-escaped.
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# `_` only matters at a word edge (GitHub ignores intraword underscores); `#`, `-`, `+` and `=` only at
# the start of a line.
_SPECIAL = re.compile(r"[\\*\[\]<>|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_LINE_START = re.compile(r"^(?=[#+=-])")
_BACKTICKS = re.compile(r"`+")


def markdown_text(text: str, *, in_table: bool = False) -> str:
    """Metadata prose as Markdown: code spans kept, everything else literal, on one line.

    In a table, `|` is escaped inside code spans too: GitHub splits cells before it parses code spans.
    """
    parts: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_escape(text[position:span.start()]))
        parts.append(span.group(0).replace("|", "\\|") if in_table else span.group(0))
        position = span.end()
    parts.append(_escape(text[position:]))
    return _LINE_START.sub("\\\\", " ".join("".join(parts).split()))


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), text).replace("&", "&amp;")


def table_cell(text: str) -> str:
    return markdown_text(text, in_table=True)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def code_fence(code: str) -> str:
    """A backtick fence longer than any backtick run in `code`, so the example cannot close it."""
    return "`" * max(3, _longest_backtick_run(code) + 1)


def code_span(text: str) -> str:
    ticks = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def code_list(names: Sequence[str]) -> str:
    """Identifiers as a comma-separated list of code spans."""
    return ", ".join(code_span(name) for name in names)


def anchor(rule: Rule) -> str:
    """GitHub's heading anchor for the rule's section heading (`ID slug`)."""
    return f"{rule.id.lower()}-{rule.slug.lower()}"


def render_markdown(rules: Sequence[Rule]) -> str:
    return _environment().get_template(TEMPLATE).render(rules=list(rules)).rstrip("\n") + "\n"


def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("containersec.report", "templates"),
        autoescape=False,  # Markdown, escaped explicitly by the filters below
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md=markdown_text, cell=table_cell, fence=code_fence, codes=code_list, anchor=anchor)
    return env


def main() -> None:
    sys.stdout.write(render_markdown(all_rules()))


if __name__ == "__main__":
    main()
