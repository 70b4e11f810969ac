"""Key/value pairs of ARG, ENV and LABEL, with the source line of each key."""

from __future__ import annotations

from containersec.build.model import Instruction


def key_values(instruction: Instruction) -> list[tuple[str, str | None, int]]:
    """(name, value, line) for each pair; an ARG without a default has value None."""
    return instruction.pairs


def parse_pairs(instruction: Instruction) -> list[tuple[str, str | None, int]]:
    """Parse the pairs of an ARG, ENV or LABEL instruction (use `key_values`, which caches this).

    ENV and LABEL follow Docker's two forms (`K=V K2=V2` and the legacy `K V...`), parsed with
    dockerfile-parse's word splitter so quoting matches Docker's.
    """
    value = instruction.value
    if not value:
        return []
    if instruction.keyword == "ARG":
        return [_arg_pair(word, instruction, start) for word, start in _words_with_offsets(instruction)]
    if instruction.escape != "\\":
        # dockerfile-parse knows only the backslash escape; under `# escape=`` it would eat the
        # backslashes of Windows paths (`ENV APP=C:\\app`).
        return _pairs_with_escape(instruction)
    from dockerfile_parse.util import extract_key_values

    try:
        pairs = extract_key_values(env_replace=False, args={}, envs={}, instruction_value=value)
    except (ValueError, IndexError):
        return []
    located = []
    search_from = instruction.value_offset
    for key, val in pairs:
        at = instruction.logical.find(key, search_from)
        if at < 0:
            at = search_from
        else:
            search_from = at + len(key)
        located.append((key, val, instruction.line_of(at)))
    return located


def _words_with_offsets(instruction: Instruction) -> list[tuple[str, int]]:
    return [(w.text, instruction.value_offset + w.start)
            for w in instruction.words(instruction.logical[instruction.value_offset:])]


def _arg_pair(word: str, instruction: Instruction, offset: int) -> tuple[str, str | None, int]:
    name, sep, default = word.partition("=")
    return name, (default if sep else None), instruction.line_of(offset)


def _pairs_with_escape(instruction: Instruction) -> list[tuple[str, str | None, int]]:
    words = _words_with_offsets(instruction)
    if words and "=" not in words[0][0]:
        # The legacy `ENV KEY value with spaces` form: one name, the rest of the line as its value.
        rest = instruction.value.split(None, 1)
        return [(words[0][0], rest[1] if len(rest) > 1 else "", instruction.line_of(words[0][1]))]
    return [(name, value, instruction.line_of(start))
            for word, start in words for name, _, value in [word.partition("=")]]
