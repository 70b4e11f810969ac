"""Output formats: `render(report, fmt)` turns one Report into a whole document.

Each format lives in its own module and is imported only when asked for, so choosing `text`
never pays for building SARIF or XML.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from containersec.findings import Report

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "checkstyle", "junit", "gitlab", "compact")

_MODULES = {fmt: fmt for fmt in FORMATS} | {"json": "json_report"}


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The whole document for `fmt`, ending with a newline."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    return module.render(report, color=color)


def source_line(report: Report, path: str, line: int) -> str | None:
    """The text of 1-based `line` in `path`, without its line ending, or None when unknown."""
    text = report.sources.get(path)
    if text is None or line < 1:
        return None
    lines = _split_lines(text)
    if line > len(lines):
        return None
    return lines[line - 1].removesuffix("\r")


@lru_cache(maxsize=4)
def _split_lines(text: str) -> list[str]:
    # Findings come grouped by file; splitting once per file keeps a huge file's report linear.
    return text.split("\n")


def secret_lines(report: Report) -> set[tuple[str, int]]:
    """(path, line) of source lines that hold a secret: no reporter may print them."""
    return {(f.path, line) for f in report.findings if f.secret
            for line in range(f.line, (f.end_line or f.line) + 1)}


def line_fingerprints(report: Report) -> list[tuple[str, int]]:
    """Per finding: a hex digest of rule, path and normalised source line, and its occurrence number.

    The line's content (not its number) is hashed so a finding keeps its identity when lines above it
    move; the occurrence number tells apart one rule firing on identical lines of one file. A registry
    finding hashes its repository, digest and platform instead.
    """
    from hashlib import md5  # OpenSSL's start-up cost is paid only by formats with fingerprints

    seen: Counter[str] = Counter()
    fingerprints = []
    for finding in report.findings:
        text = source_line(report, finding.path, finding.line)
        content = " ".join(text.split()) if text is not None else finding.message
        image = finding.extra.get("registry")
        if isinstance(image, dict) and image.get("digest"):
            # An image in a registry is its digest (and platform): the alert stays one alert while the
            # message changes (its age grows, its tags move), and two digests never share one.
            content = "\0".join(str(image.get(key) or "") for key in ("repository", "digest", "platform"))
        digest = md5(
            "\0".join((finding.rule, finding.path, content)).encode("utf-8", "surrogatepass"),
            usedforsecurity=False,
        ).hexdigest()
        seen[digest] += 1
        fingerprints.append((digest, seen[digest]))
    return fingerprints


@lru_cache(maxsize=1)
def _not_xml() -> re.Pattern[str]:
    # Characters XML 1.0 cannot carry at all, not even as character references. Compiled on first use:
    # the class spans the supplementary planes and costs milliseconds that text output should not pay.
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (escaping is the serialiser's job)."""
    return _not_xml().sub("", text)


def xml_document(root: Element) -> str:
    from xml.etree import ElementTree

    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
