"""One pass over a JSON document that never holds the big arrays: their items go to a callback as they end.

A 200 MB report is mostly its vulnerability list; the readers keep a small Record per item and let the
raw item go, so memory grows with the records, not with the document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

import ijson

from containersec.untrusted.json_data import events

ItemHandler = Callable[[Any, int], None]  # (the item, the index of its enclosing parent item)

_STARTS = {"start_map", "start_array", "string", "number", "boolean", "null", "integer", "double"}


def walk(handle: IO[bytes], streamed: dict[str, tuple[str, ItemHandler]]) -> Any:
    """The document without the items under each streamed prefix, which go to their handler instead.

    `streamed` maps an ijson item prefix (e.g. `Results.item.Vulnerabilities.item`) to the prefix of the
    parent item whose index the handler receives (e.g. `Results.item`; "" for none).
    """
    root = ijson.ObjectBuilder()
    parents = {parent for parent, _ in streamed.values() if parent}
    counts = dict.fromkeys(parents, -1)
    item: ijson.ObjectBuilder | None = None
    handler: ItemHandler | None = None
    parent_index = -1
    depth = 0
    deepest = max(len(prefix.split(".")) for prefix in (*streamed, *parents))
    for prefix, event, value in events(handle, prefix_depth=deepest):
        if item is not None:
            item.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            if depth == 0 and event != "map_key":
                assert handler is not None
                handler(item.value, parent_index)
                item = None
            continue
        if prefix in counts and event in _STARTS:
            counts[prefix] += 1
        wanted = streamed.get(prefix)
        if wanted is not None and event in _STARTS:
            parent, handler = wanted
            parent_index = counts.get(parent, -1)
            item = ijson.ObjectBuilder()
            item.event(event, value)
            depth = 1 if event in ("start_map", "start_array") else 0
            if depth == 0:
                handler(item.value, parent_index)
                item = None
            continue
        root.event(event, value)
    return root.value

