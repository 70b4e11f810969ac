"""Regular expressions compiled when first used.

A cold `containersec lint` imports every rule module, and on a given Dockerfile most rules find nothing
to match: compiling all their expressions at import cost a run on a small file about a tenth of its time.
"""

from __future__ import annotations

import re
from typing import Any

# Looked up on every use: after the first, they are the compiled pattern's own bound methods.
_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """Stands for `re.compile(pattern, flags)` and compiles it the first time an attribute is asked for."""

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._arguments = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._arguments)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
