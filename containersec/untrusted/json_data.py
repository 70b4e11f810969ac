"""JSON from outside: whole documents with size and nesting limits, and a streaming event reader.

The nesting is measured on the bytes before parsing (Python's parser recurses once per level), and the
streaming reader keeps its own path stack so that its memory stays linear in the depth: ijson's `parse`
builds a prefix string per event whose length grows with the depth, which made an 80 KB document nested
40,000 deep cost gigabytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import IO, Any

from containersec.untrusted.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, DocumentError

# A JSON string (escapes included), matched in linear time; outside strings, brackets are structure.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")


def nesting(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (exact for valid JSON, never slower than linear)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads(data: bytes | str, *, max_bytes: int = MAX_DOCUMENT_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """One JSON document read whole; DocumentError when it is invalid, too large or nested too deep."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise DocumentError(f"larger than the {_size(max_bytes)} allowed ({_size(len(raw))})")
    depth = nesting(raw)
    if depth > max_depth:
        raise DocumentError(f"nested {depth} levels deep, more than the {max_depth} allowed")
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not valid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:  # the nesting count above makes this unreachable for valid JSON; kept as a backstop
        raise DocumentError(f"nested more than the {max_depth} levels allowed") from None


def read(handle: IO[bytes], *, max_bytes: int = MAX_DOCUMENT_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """`loads` of what a handle holds, reading at most one byte more than `max_bytes`."""
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DocumentError(f"larger than the {_size(max_bytes)} allowed")
    return loads(data, max_bytes=max_bytes, max_depth=max_depth)


def events(handle: IO[bytes], *, prefix_depth: int, max_depth: int = MAX_DEPTH) -> Iterator[
        tuple[str | None, str, Any]]:
    """ijson's `(prefix, event, value)` triples with a nesting limit; the prefix is None below `prefix_depth`.

    Callers that only look for shallow prefixes (`Results.item.Vulnerabilities.item`) pay nothing for deep
    ones. Raises DocumentError for invalid JSON and for nesting past `max_depth`.
    """
    import ijson

    # path[i] is the key (or "item") of level i; prefixes[i] the dotted path down to it, while shallow.
    path: list[str] = []
    prefixes: list[str | None] = [""]
    try:
        for event, value in ijson.basic_parse(handle, use_float=True):
            if event == "map_key":
                path[-1] = value
                yield prefixes[-2], event, value
                prefixes[-1] = _join(prefixes[-2], value, len(path), prefix_depth)
            elif event in _OPEN:
                yield prefixes[-1], event, value
                if len(path) >= max_depth:
                    raise DocumentError(f"nested more than the {max_depth} levels allowed")
                key = "item" if event == "start_array" else ""
                path.append(key)
                prefixes.append(_join(prefixes[-1], key, len(path), prefix_depth))
            elif event in _CLOSE:
                path.pop()
                prefixes.pop()
                yield prefixes[-1], event, value
            else:
                yield prefixes[-1], event, value
    except ijson.JSONError as exc:
        raise DocumentError(_describe(exc)) from None


def _join(parent: str | None, key: str, depth: int, prefix_depth: int) -> str | None:
    if parent is None or depth > prefix_depth:
        return None
    return f"{parent}.{key}" if parent else key


def _describe(exc: Exception) -> str:
    # Only the parser's first line: the lines after it quote the document, which is untrusted text.
    raw = exc.args[0] if exc.args else ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    first = (text.strip().splitlines() or [""])[0]
    if "premature EOF" in first or "Incomplete JSON" in first:
        return "truncated JSON: the document ends before it is complete"
    return f"not valid JSON ({first.removeprefix('parse error: ').removeprefix('lexical error: ')})"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MiB" if count >= 1024 * 1024 else f"{count:,} bytes"
