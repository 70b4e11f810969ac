"""Findings placed on the Dockerfile instruction that made them (research 1.9).

A layer's history entry is matched to a RUN/COPY/ADD of the final stage by its text; failing that, the final
stage's layer-making instructions are counted from the end (the base image's layers are a prefix). Layers of
the base image, and facts no instruction of the final stage sets, go on its FROM line.
"""

from __future__ import annotations

from dataclasses import dataclass

from containersec.test.image.history import as_instruction
from containersec.test.image.model import ImageConfig, ImageHit

_LAYER_KEYWORDS = ("RUN", "COPY", "ADD")


def _normal(keyword: str, text: str) -> str:
    return f"{keyword} {' '.join(text.split())}"


@dataclass(frozen=True)
class _Instruction:
    keyword: str
    forms: frozenset[str]  # as history may record it: with its flags (COPY --chown=...) and without (RUN --mount)
    line: int


@dataclass
class DockerfileLocator:
    path: str
    text: str
    from_line: int
    instructions: list[_Instruction]

    @classmethod
    def read(cls, path: str) -> DockerfileLocator:
        from containersec.dockerfile.parse import parse_dockerfile

        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        dockerfile = parse_dockerfile(text, path)
        final = dockerfile.final_stage
        if final is None:
            raise ValueError("no FROM instruction")
        instructions = []
        for instruction in final.instructions:
            effective = instruction.effective
            forms = frozenset({_normal(effective.keyword, effective.value), " ".join(effective.logical.split())})
            instructions.append(_Instruction(effective.keyword, forms, instruction.line))
        return cls(path, text, final.line, instructions)

    def holds_secret(self, line: int) -> bool:
        """Whether the text of 1-based `line` holds a credential (a known format): only such lines are hidden."""
        from containersec.secrets import find_secrets

        lines = self.text.splitlines()
        return 0 < line <= len(lines) and next(find_secrets(lines[line - 1]), None) is not None

    def line(self, config: ImageConfig, hit: ImageHit) -> int:
        entry = None
        if hit.history is not None:
            entry = config.history[hit.history]
        elif hit.layer is not None:
            entry = config.entry_of_layer(hit.layer)
        if entry is not None:
            parsed = as_instruction(entry.created_by)
            if parsed is not None:
                wanted = _normal(parsed.keyword, parsed.text)
                for instruction in reversed(self.instructions):
                    if wanted in instruction.forms:
                        return instruction.line
        if hit.layer is not None:
            return self._by_count(hit.layer, len(config.diff_ids))
        if hit.keyword is not None:
            return next((i.line for i in reversed(self.instructions) if i.keyword == hit.keyword), self.from_line)
        return self.from_line

    def _by_count(self, layer: int, layers: int) -> int:
        own = [i for i in self.instructions if i.keyword in _LAYER_KEYWORDS]
        position = layer - (layers - len(own))
        return own[position].line if 0 <= position < len(own) else self.from_line
