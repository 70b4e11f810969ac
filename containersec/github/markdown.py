"""Escaping of untrusted text for GitHub-flavoured Markdown that also allows HTML.

Dockerfile content, paths and messages end up in table cells and review comments; they must not close a
table cell (`|`), start a link, image or code span, or inject HTML, and must not @mention anyone or link
an issue. One character-by-character table keeps the HTML entities this produces from being escaped twice;
then terminal controls and bidirectional overrides are shown as escapes, as the text report shows them.
"""

from __future__ import annotations

from containersec.report.text import safe

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "@": "&#64;", "#": "&#35;"}
_MARKDOWN_PUNCTUATION = "\\`*_[](){}|~!+-.:"
_TABLE = str.maketrans({
    **{char: "\\" + char for char in _MARKDOWN_PUNCTUATION},
    **_HTML,
    "\r": " ",
    "\n": " ",
    "\t": " ",
})


def escape_markdown(text: str) -> str:
    """Inline text that renders literally, on one line (so it is safe inside a table cell)."""
    return safe(text.translate(_TABLE))
