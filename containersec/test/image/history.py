"""Image history as Dockerfile instructions, so the build stage's shell-aware rules can read it.

`created_by` comes in several forms (research 1.9): BuildKit `RUN /bin/sh -c … # buildkit`, `COPY … # buildkit`;
the legacy builder `/bin/sh -c #(nop) COPY file:<hash> in /dst` and `/bin/sh -c apt-get …`, both with an
optional `|2 A=1 B=2` prefix of the ARG values the step saw. Each entry becomes one instruction of a synthetic
Dockerfile; a multi-line script becomes a heredoc so its lines stay apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from containersec.catalogue import RuleOptions, resolve

_BUILDKIT_SUFFIX = re.compile(r"\s*# buildkit\s*$")
_NOP = re.compile(r"^(?:/bin/)?sh -c #\(nop\)\s*")
# `|2 A=1 B=2 ` as BuildKit and the legacy builder write the build args a RUN saw.
_ARG_PREFIX = re.compile(r"^\|(?P<count>\d+)\s+")
_SHELL = re.compile(r"^(?:/bin/|/usr/bin/)?(?:sh|bash|ash|dash)(?:\s+-[a-z]+(?:\s+pipefail)?)*\s+-c\s+")
_KEYWORDS = frozenset({"RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "USER", "WORKDIR", "EXPOSE", "VOLUME", "CMD",
                       "ENTRYPOINT", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER"})
_HEREDOC_END = "CONTAINERSEC_HISTORY_EOF"


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of the image config's `history`."""

    index: int  # position in config.history
    created_by: str
    empty_layer: bool
    layer: int | None  # index into rootfs.diff_ids of the layer this entry made


@dataclass(frozen=True)
class Instruction:
    """A history entry as Dockerfile text: `keyword` and its arguments, plus the ARG values the step saw."""

    keyword: str
    text: str  # the arguments after the keyword
    args: tuple[tuple[str, str], ...] = ()


def as_instruction(created_by: str) -> Instruction | None:
    """The instruction a history entry records, or None for entries of other builders (bazel, ko, ...)."""
    text = _BUILDKIT_SUFFIX.sub("", created_by.strip())
    run = text.startswith("RUN ")
    text, args = _build_args(text[4:] if run else text)
    if run:
        return Instruction("RUN", _SHELL.sub("", text.strip(), count=1), args)
    nop = _NOP.match(text)
    if nop:
        text = text[nop.end():]
    keyword, _, rest = text.partition(" ")
    if keyword.upper() in _KEYWORDS and (nop or keyword.isupper()):
        keyword = keyword.upper()
        return Instruction(keyword, rest.strip(), args)
    shell = _SHELL.match(text)
    if shell:  # the legacy builder's RUN: the shell command line alone
        return Instruction("RUN", text[shell.end():].strip(), args)
    return None


def _build_args(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The text after a `|2 A=1 B=2 ` prefix, and the build args it lists (values hold no spaces there)."""
    prefix = _ARG_PREFIX.match(text)
    if not prefix:
        return text, ()
    text = text[prefix.end():]
    args = []
    for _ in range(int(prefix["count"])):
        name, _, rest = text.partition("=")
        value, _, text = rest.partition(" ")
        args.append((name, value))
        text = text.lstrip()
    return text, tuple(args)


@dataclass(frozen=True)
class _Span:
    first: int
    last: int
    entry: HistoryEntry


class HistoryDockerfile:
    """The history as one synthetic Dockerfile; hits of build rules map back to the entry they came from."""

    def __init__(self, history: Sequence[HistoryEntry]) -> None:
        lines = ["FROM scratch"]
        spans: list[_Span] = []
        for entry in history:
            instruction = as_instruction(entry.created_by)
            if instruction is None:
                continue
            first = len(lines) + 1
            lines.extend(f"ARG {name}={value}" for name, value in instruction.args)
            body = instruction.text
            if instruction.keyword == "RUN" and "\n" in body:
                lines.extend([f"RUN <<'{_HEREDOC_END}'", *body.splitlines(), _HEREDOC_END])
            else:
                lines.append(f"{instruction.keyword} {' '.join(body.split())}")
            spans.append(_Span(first, len(lines), entry))
        self.text = "\n".join(lines) + "\n"
        self._spans = spans

    @cached_property
    def dockerfile(self):  # type: ignore[no-untyped-def]
        from containersec.dockerfile.parse import parse_dockerfile

        return parse_dockerfile(self.text, "history")

    def entry_at(self, line: int) -> HistoryEntry | None:
        return next((span.entry for span in self._spans if span.first <= line <= span.last), None)

    def hits(self, build_rules: Sequence[str], options: RuleOptions) -> Iterator[tuple[HistoryEntry, str]]:
        """(entry, message) for each hit of the named build-stage rules on the history."""
        if not self._spans:
            return
        for rule_id in build_rules:
            for rule in resolve(rule_id):
                for hit in rule.check(self.dockerfile, options):
                    entry = self.entry_at(hit.line)
                    if entry is not None:
                        yield entry, hit.message


_ASSIGNMENT = re.compile(r"(?<![\w$])([A-Za-z_][A-Za-z0-9_]*)=(\S+)")


def redact(text: str) -> str:
    """`text` with known credential formats masked and the values of secret-named assignments hidden."""
    from containersec.secrets import find_secrets, is_secret_name

    for secret in sorted(find_secrets(text), key=lambda s: s.start, reverse=True):
        text = text[:secret.start] + secret.masked + text[secret.end:]
    return _ASSIGNMENT.sub(lambda m: f"{m[1]}=****" if is_secret_name(m[1]) else m[0], text)


def describe(entry: HistoryEntry) -> str:
    """`history entry 4 (RUN apt-get update)`: the entry as users see it in `docker history`, shortened and masked."""
    instruction = as_instruction(entry.created_by)
    text = f"{instruction.keyword} {instruction.text}" if instruction else entry.created_by
    text = redact(" ".join(text.split()))
    return f"history entry {entry.index} ({text[:77] + '...' if len(text) > 80 else text})"
