"""The credential kinds the secret detector knows, in Markdown (docs/secrets.md), from the catalogue itself.

Regenerate the committed list with `python -m containersec.report.secrets_markdown > docs/secrets.md`.
"""

from __future__ import annotations

import sys

from containersec.report.rules_markdown import markdown_text
from containersec.secrets.catalogue import KINDS, Kind

REGENERATE = "python -m containersec.report.secrets_markdown > docs/secrets.md"

_INTRO = """\
# Credential kinds

<!-- Generated from containersec/secrets/catalogue.py: do not edit. Regenerate with
     `{regenerate}` -->

The secret detector is one catalogue used by every stage: Dockerfile values and `RUN` text (CSD096), image
config, history and the files of every layer (CSI004, CSI027, CSI028), and any other stage that reads
values. It covers every format of Trivy's built-in secret rules and of gitleaks' default config, written
from their public descriptions, plus the credential files an image carries. Each finding names its kind
(the ID below: `secret_kind` in JSON, the `secret-kind` property in SARIF) and shows at most the first four
characters of the value.

A text is searched for a kind only when it holds one of the kind's keywords, which are the literal prefixes
or names the entry's pattern is built from: a token's own prefix as written (`ASIA`, not the `Asia` of a
time zone), the others in any case. Values that are placeholders or
documentation examples (`EXAMPLE`, `changeme`, `${{VAR}}`, `<token>`, `xxxxx`, one repeated character) are
not reported. Severity is on Trivy's scale; the rules that report a secret have their own severity.

{count} kinds.

| ID | Credential | Severity | Keywords | Notes |
|---|---|---|---|---|
"""


def _row(kind: Kind) -> str:
    keywords = ", ".join(f"`{keyword}`" for keyword in kind.keywords)
    notes = markdown_text(kind.note, in_table=True) if kind.note else ""
    return (f"| `{kind.id}` | {markdown_text(kind.title, in_table=True)} | {kind.severity.lower()} | "
            f"{markdown_text(keywords, in_table=True)} | {notes} |")


def render_markdown() -> str:
    return _INTRO.format(regenerate=REGENERATE, count=len(KINDS)) + "".join(_row(kind) + "\n" for kind in KINDS)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
