"""Key/value pairs of ARG, ENV and LABEL, with the source line of each key."""

from __future__ import annotations

from collections.abc import Callable

from containersec.dockerfile.words import split_words

Pairs = list[tuple[str, str | None, int]]


def parse_pairs(keyword: str, logical: str, value_offset: int, escape: str, line_of: Callable[[int], int]) -> Pairs:
    """(name, value, line) for each pair of an ARG, ENV or LABEL instruction; an ARG without a default has
    value None. `logical` is the instruction's joined text, its value starting at `value_offset`; `line_of`
    maps offsets in it to source lines (read them as `Instruction.pairs`, which caches this).

    ENV and LABEL follow Docker's two forms (`K=V K2=V2` and the legacy `K V...`), parsed with
    dockerfile-parse's word splitter so quoting matches Docker's.
    """
    value = logical[value_offset:].strip()
    if not value:
        return []
    if keyword == "ARG":
        return [_arg_pair(word, line_of(start)) for word, start in _words(logical, value_offset, escape)]
    if escape != "\\":
        # dockerfile-parse knows only the backslash escape; under `# escape=`` it would eat the
        # backslashes of Windows paths (`ENV APP=C:\\app`).
        return _pairs_with_escape(value, _words(logical, value_offset, escape), line_of)
    from dockerfile_parse.util import extract_key_values

    try:
        pairs = extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)
    except (ValueError, IndexError):
        return []
    located = []
    search_from = value_offset
    for key, val in pairs:
        at = logical.find(key, search_from)
        if at < 0:
            at = search_from
        else:
            search_from = at + len(key)
        located.append((key, val, line_of(at)))
    return located


def _words(logical: str, value_offset: int, escape: str) -> list[tuple[str, int]]:
    return [(w.text, value_offset + w.start) for w in split_words(logical[value_offset:], escape)]


def _arg_pair(word: str, line: int) -> tuple[str, str | None, int]:
    name, sep, default = word.partition("=")
    return name, (default if sep else None), line


def _pairs_with_escape(text: str, words: list[tuple[str, int]], line_of: Callable[[int], int]) -> Pairs:
    if words and "=" not in words[0][0]:
        # The legacy `ENV KEY value with spaces` form: one name, the rest of the line as its value.
        rest = text.split(None, 1)
        return [(words[0][0], rest[1] if len(rest) > 1 else "", line_of(words[0][1]))]
    return [(name, value, line_of(start)) for word, start in words for name, _, value in [word.partition("=")]]
