"""Step outputs (`GITHUB_OUTPUT`) and the job summary (`GITHUB_STEP_SUMMARY`) as @actions/core writes them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path


def output_block(name: str, value: str) -> str:
    """`name<<DELIM`…`DELIM` with a random delimiter, so no value can end early or add outputs of its own."""
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    if delimiter in name or delimiter in value:
        raise ValueError(f"output {name}: the value contains the delimiter {delimiter}")
    if "\n" in name or "\r" in name or "<<" in name:
        raise ValueError(f"output name {name!r} is not a single plain word")
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write("".join(output_block(name, value) for name, value in outputs.items()))


def append_summary(path: Path, markdown: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(markdown)
