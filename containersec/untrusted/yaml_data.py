"""YAML from outside: one loader with nesting, size and alias-expansion limits, and clear errors.

PyYAML's composer recurses once per level (100,000 levels end in RecursionError), expands nothing but lets
a reader walk an alias bomb's billions of nodes, and its timestamp constructor raises a bare ValueError for
an impossible date (`2024-02-30`). Here each of those is a DocumentError naming the line and column.
Readers that need node positions (Kubernetes manifests) use `compose_all`, which keeps PyYAML's nodes
with their start and end marks; the others use `load` or `load_all`.
"""

from __future__ import annotations

from typing import Any

import yaml

from containersec.untrusted.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_YAML_NODES, DocumentError


class LimitedLoader(yaml.SafeLoader):
    """SafeLoader that counts nesting and expanded nodes while composing; subclass it to add checks."""

    max_depth = MAX_DEPTH
    max_nodes = MAX_YAML_NODES

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}  # node id -> its node count with aliases expanded

    def compose_document(self) -> yaml.Node:
        self._sizes = {}
        return super().compose_document()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self._depth >= self.max_depth:
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, f"nested more than the {self.max_depth} levels allowed",
                                              mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        size = self._sizes.get(id(node))
        if size is None:  # a new node (an alias returns the node it names, already counted)
            children = node.value if isinstance(node, yaml.SequenceNode) else (
                [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else [])
            size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
            self._sizes[id(node)] = size
        if size > self.max_nodes:
            raise yaml.composer.ComposerError(None, None, f"more than {self.max_nodes:,} nodes once its aliases "
                                              "are expanded (an alias bomb?)", node.start_mark)
        return node

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, f"not a real date or time {node.value!r} ({exc})",
                                                    node.start_mark) from None


LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", LimitedLoader.construct_yaml_timestamp)


def load(text: str, *, loader: type[LimitedLoader] = LimitedLoader, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """The one document of `text` (None when empty); DocumentError when it cannot be read within the limits."""
    return _guarded(text, max_bytes, lambda: yaml.load(text, Loader=loader))


def load_all(text: str, *, loader: type[LimitedLoader] = LimitedLoader,
             max_bytes: int = MAX_DOCUMENT_BYTES) -> list[Any]:
    """Every document of a multi-document stream."""
    return _guarded(text, max_bytes, lambda: list(yaml.load_all(text, Loader=loader)))


def compose_all(text: str, *, loader: type[LimitedLoader] = LimitedLoader,
                max_bytes: int = MAX_DOCUMENT_BYTES) -> list[yaml.Node]:
    """Every document as PyYAML nodes, each with `start_mark`/`end_mark` (0-based line and column).

    Build values from them with `construct(node)`, which applies the same loader's constructors and limits.
    """
    return _guarded(text, max_bytes, lambda: list(yaml.compose_all(text, Loader=loader)))


def construct(node: yaml.Node, *, loader: type[LimitedLoader] = LimitedLoader) -> Any:
    """The Python value of a node from `compose_all` (deep: nested values built too)."""
    return _guarded("", MAX_DOCUMENT_BYTES, lambda: loader("").construct_document(node))


def _guarded(text: str, max_bytes: int, parse: Any) -> Any:
    if len(text) > max_bytes:
        raise DocumentError(f"larger than the {max_bytes // (1024 * 1024)} MiB allowed")
    try:
        return parse()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DocumentError(f"invalid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except RecursionError:  # nesting is counted while composing; a backstop for a deep constructor
        raise DocumentError(f"nested more than the {MAX_DEPTH} levels allowed") from None
