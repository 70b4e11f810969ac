from pathlib import Path

import pytest

from containersec.secrets import dockerignored
from tests.rules.helpers import findings

DOCKERFILE = "FROM node:22\nWORKDIR /app\nCOPY package.json .\nCOPY . .\nADD ./ /srv/\nCOPY --from=build /out .\n"


def _lint(tmp_path: Path, ignore: str | None, name: str = ".dockerignore") -> list[tuple[int, str]]:
    if ignore is not None:
        (tmp_path / name).write_text(ignore)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    return [(f.line, f.message) for f in findings("CSD099", DOCKERFILE, path=str(dockerfile))]


def test_no_dockerignore(tmp_path: Path) -> None:
    found = _lint(tmp_path, None)
    assert [line for line, _ in found] == [4, 5]
    assert "no .dockerignore" in found[0][1] and ".git and .env" in found[0][1]


def test_dockerignore_missing_one_entry_names_it(tmp_path: Path) -> None:
    found = _lint(tmp_path, "node_modules\n.git\n")
    assert [line for line, _ in found] == [4, 5]
    assert "does not exclude .env" in found[0][1]


@pytest.mark.parametrize("ignore", [".git\n.env\n", ".git/\n.env*\n", "**/.git\n**/.env\n", "*\n!src\n!package.json\n",
                                    ".*\n", "# comment\n/.git\n*.env\n"])
def test_sufficient_dockerignore_passes(tmp_path: Path, ignore: str) -> None:
    assert _lint(tmp_path, ignore) == []


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("node_modules\n")
    assert _lint(tmp_path, ".git\n.env\n", name="Dockerfile.dockerignore") == []


@pytest.mark.parametrize(("patterns", "path", "ignored"), [
    ([".git"], ".git", True), (["*", "!.git"], ".git", False), ([".*", "!.env"], ".env", False),
    (["!.env", ".env"], ".env", True), (["src/**"], ".git", False), (["[.]git"], ".git", True),
    (["?git"], ".git", True), (["**"], ".env", True),
])
def test_dockerignore_semantics(patterns: list[str], path: str, ignored: bool) -> None:
    assert dockerignored(patterns, path) is ignored
