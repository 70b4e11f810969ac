"""Dockerfile variable substitution: `$A`, `${A}`, `${A:-word}`, `${A-word}`, `${A:+word}`, `${A+word}`."""

from __future__ import annotations

import re
from collections.abc import Mapping

_REFERENCE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+])?(?P<word>[^}]*)\}"
                        r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace references to known names; unknown ones stay as written, so callers can see them."""
    if "$" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match["braced"] or match["plain"]
        op = match["op"]
        present = name in values
        value = values.get(name, "")
        if op is None:
            return value if present else match[0]
        word = match["word"]
        if op == ":-":
            return value if value else word
        if op == "-":
            return value if present else word
        if op == ":+":
            return word if value else ""
        return word if present else ""

    return _REFERENCE.sub(replace, text)


def has_variable(text: str) -> bool:
    return _REFERENCE.search(text) is not None


def referenced_names(text: str) -> set[str]:
    """The variable names `text` refers to."""
    return {m["braced"] or m["plain"] for m in _REFERENCE.finditer(text)}
