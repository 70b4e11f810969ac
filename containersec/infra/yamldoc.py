"""YAML documents as plain values that remember where each key, value and item was written.

PyYAML composes each document into nodes that carry their marks (libyaml's parser when it is installed); this
module turns those nodes into `Map` and `Seq` (a dict and a list that also hold 1-based line and column of
every entry) with the limits untrusted input needs: a key given twice is an error, as Kubernetes' strict field
validation makes it, and expanding aliases is bounded so that an alias bomb ends in an error, not in memory
exhaustion. Nothing here knows about Kubernetes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from containersec.untrusted import MAX_DEPTH

# Values a document may expand to, aliases included: far above any real manifest (the largest CRD bundles
# hold a few hundred thousand), far below what an alias bomb asks for.
MAX_NODES = 2_000_000
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                          "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
                          "tag:yaml.org,2002:binary"})

Mark = tuple[int, int]  # 1-based line and column


class Map(dict[str, Any]):
    """A YAML mapping: its items, and where the mapping, each key and each value were written."""

    __slots__ = ("keys_at", "mark", "values_at")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.keys_at: dict[str, Mark] = {}
        self.values_at: dict[str, Mark] = {}


class Seq(list[Any]):
    """A YAML sequence: its items, and where the sequence and each item were written."""

    __slots__ = ("items_at", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.items_at: list[Mark] = []


class YamlError(Exception):
    """A document that cannot be read; `line` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Document:
    """One document of a YAML stream: its value, or the error that stopped it, and where it starts."""

    index: int
    line: int
    value: Any = None
    error: YamlError | None = None


def documents(text: str) -> Iterator[Document]:
    """Each document of `text`, in order. A syntax error ends the stream (the parser cannot resynchronise);
    a duplicate key or an alias bomb spoils only its own document."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    scalars = yaml.constructor.SafeConstructor()
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            line = node.start_mark.line + 1 if node is not None else 1
            try:
                value = _Converter(scalars).value(node) if node is not None else None
            except YamlError as exc:
                yield Document(index, line, error=exc)
            else:
                yield Document(index, line, value)
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        yield Document(index, mark.line + 1 if mark else 1,
                       error=YamlError(f"invalid YAML: {problem}", mark.line + 1 if mark else None))
    except yaml.YAMLError as exc:
        yield Document(index, 1, error=YamlError(f"invalid YAML: {exc}"))
    finally:
        loader.dispose()


def _mark(node: Any) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Converter:
    """Nodes to values, counting every value produced so that aliases cannot multiply without bound."""

    def __init__(self, scalars: Any) -> None:
        self.scalars = scalars
        self.budget = MAX_NODES
        self.active: set[int] = set()

    def value(self, node: Any) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(f"the document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                            _mark(node)[0])
        if node.id == "scalar":
            return node.value if node.tag == _STR else self._scalar(node)
        if id(node) in self.active:
            raise YamlError("an alias refers to the node that contains it (a recursive structure)",
                            _mark(node)[0])
        if len(self.active) >= MAX_DEPTH:  # the conversion recurses once per level: 990 levels overflowed it
            raise YamlError(f"nested more than the {MAX_DEPTH} levels allowed", _mark(node)[0])
        self.active.add(id(node))
        try:
            if node.id == "sequence":
                seq = Seq(_mark(node))
                for item in node.value:
                    seq.append(self.value(item))
                    seq.items_at.append(_mark(item))
                return seq
            return self._mapping(node)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: Any) -> Any:
        if node.tag not in _SCALAR_TAGS:  # a custom tag (`!Ref x`) reads as its text, as Kubernetes would fail it
            return node.value
        try:
            return self.scalars.construct_object(node)
        except Exception as exc:  # PyYAML's ConstructorError, or a ValueError for a date out of range
            raise YamlError(f"cannot read value {node.value[:40]!r}: {exc}", _mark(node)[0]) from None

    def _mapping(self, node: Any) -> Map:
        result = Map(_mark(node))
        merged: list[Map] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            key = self.value(key_node)
            if isinstance(key, (Map, Seq)):
                raise YamlError("a mapping or sequence used as a key", _mark(key_node)[0])
            key = key if isinstance(key, str) else _key_text(key)
            if key in result:
                raise YamlError(f"duplicate key {key!r} (first on line {result.keys_at[key][0]})",
                                _mark(key_node)[0])
            result[key] = self.value(value_node)
            result.keys_at[key] = _mark(key_node)
            result.values_at[key] = _mark(value_node)
        for source in merged:  # `<<: *base`: keys written here win over the merged ones
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.keys_at[key] = source.keys_at[key]
                    result.values_at[key] = source.values_at[key]
        return result

    def _merge_sources(self, node: Any) -> list[Map]:
        value = self.value(node)
        sources = value if isinstance(value, Seq) else [value]
        if not all(isinstance(source, Map) for source in sources):
            raise YamlError("a merge key (<<) must name a mapping or a list of mappings", _mark(node)[0])
        return sources


def _key_text(key: Any) -> str:
    """A non-string key as Kubernetes' YAML-to-JSON step writes it (`true`, `1`, `null`)."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
