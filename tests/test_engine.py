"""File discovery, reading, the .dockerignore beside a Dockerfile, and rule failures kept per file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from containersec import catalogue
from containersec.build.engine import lint_paths
from containersec.config import Config
from containersec.dockerfile.files import discover, is_dockerfile_name, read_dockerignore
from containersec.findings import BUG_REPORTS, Severity


@pytest.mark.parametrize("name", ["Dockerfile", "Containerfile", "Dockerfile.prod", "Containerfile.dev",
                                  "api.Dockerfile", "api.dockerfile", "api.containerfile",
                                  # any case, and `-`/`_` variants, as Trivy finds them
                                  "dockerfile", "DOCKERFILE", "Dockerfile-dev", "Dockerfile_prod", "containerfile",
                                  "web.ContainerFile"])
def test_dockerfile_names(name: str) -> None:
    assert is_dockerfile_name(name)


@pytest.mark.parametrize("name", ["dockerfile.py", "README.md", "Dockerfile.dockerignore", ".dockerignore",
                                  "Dockerfile.md", "dockerfile-notes.txt", "myDockerfile", "Dockerfiles",
                                  "api.dockerfile.yaml"])
def test_names_that_are_not_dockerfiles(name: str) -> None:
    assert not is_dockerfile_name(name)


def test_directories_are_walked_with_hidden_folders_but_not_git(tmp_path: Path, monkeypatch) -> None:
    for relative in ["Dockerfile", ".devcontainer/Dockerfile", "svc/api.Dockerfile", ".git/Dockerfile",
                     "docs/dockerfile.md", "Dockerfile.d/Dockerfile"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("FROM alpine:3.20\n")
    monkeypatch.chdir(tmp_path)
    files, errors = discover(["."])
    assert sorted(files) == [".devcontainer/Dockerfile", "Dockerfile", "Dockerfile.d/Dockerfile", "svc/api.Dockerfile"]
    assert errors == []


def test_excluded_globs_and_missing_paths(tmp_path: Path, monkeypatch) -> None:
    for relative in ["app/Dockerfile", "vendor/lib/Dockerfile"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("FROM alpine:3.20\n")
    monkeypatch.chdir(tmp_path)
    files, errors = discover([".", "nope/Dockerfile"], exclude=["vendor/*"])
    assert files == ["app/Dockerfile"]
    assert [(e.path, e.message) for e in errors] == [("nope/Dockerfile", "no such file or directory")]


def test_a_directory_named_like_a_dockerfile_is_an_error_only_when_empty(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()
    files, errors = discover([str(tmp_path / "Dockerfile")])
    assert files == [] and [e.message for e in errors] == ["is a directory, not a Dockerfile"]


def test_dockerignore_beside_the_dockerfile_wins_over_the_context_one(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("# context\n.git\n\n")
    (tmp_path / "api.Dockerfile.dockerignore").write_text(".env\n")
    assert read_dockerignore(str(tmp_path / "Dockerfile")) == [".git"]
    assert read_dockerignore(str(tmp_path / "api.Dockerfile")) == [".env"]
    assert read_dockerignore(str(tmp_path / "none" / "Dockerfile")) is None


@pytest.fixture
def broken_rule():
    @catalogue.rule(id="CSDT99", slug="always-breaks", severity=Severity.ERROR, summary="test", why="test",
                   bad="", good="")
    def check(dockerfile, options):
        raise RuntimeError("boom")

    yield "CSDT99"
    catalogue._RULES.pop("CSDT99")


@pytest.fixture
def recursing_rule():
    @catalogue.rule(id="CSDT98", slug="recurses-forever", severity=Severity.ERROR, summary="test", why="test",
                   bad="", good="")
    def check(dockerfile, options):
        return check(dockerfile, options)

    yield "CSDT98"
    catalogue._RULES.pop("CSDT98")


def test_a_rule_exhausting_the_stack_is_an_error_for_that_file_only(tmp_path: Path, recursing_rule: str) -> None:
    broken, fine = tmp_path / "a.Dockerfile", tmp_path / "b.Dockerfile"
    broken.write_text("FROM alpine:3.20\nRUN sudo true\n")
    fine.write_text("FROM alpine:3.20\nRUN sudo true\n")
    report = lint_paths([str(broken), str(fine)], Config(select=[recursing_rule, "CSD080"]))
    assert [(f.path, f.rule) for f in report.findings] == [(str(broken), "CSD080"), (str(fine), "CSD080")]
    assert [e.message.split(":")[0] for e in report.errors] == ["internal error in rule CSDT98 recurses-forever"] * 2
    assert all("RecursionError" in e.message for e in report.errors)


def test_a_parser_failure_is_an_error_for_that_file_only(tmp_path: Path, monkeypatch) -> None:
    from containersec.build import engine

    def parse(text: str, path: str):
        if path.endswith("a.Dockerfile"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_parse(text, path)

    real_parse = engine.parse_dockerfile
    monkeypatch.setattr(engine, "parse_dockerfile", parse)
    (tmp_path / "a.Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "b.Dockerfile").write_text("FROM alpine:3.20\nRUN sudo true\n")
    report = lint_paths([str(tmp_path / "a.Dockerfile"), str(tmp_path / "b.Dockerfile")],
                        Config(select=["CSD080"]))
    assert [f.path for f in report.findings] == [str(tmp_path / "b.Dockerfile")]
    message = ("internal error while parsing: RecursionError: maximum recursion depth exceeded (a bug in containersec: "
               f"please report it with the input that caused it at {BUG_REPORTS})")
    assert [(e.path, e.message) for e in report.errors] == [(str(tmp_path / "a.Dockerfile"), message)]
    assert report.exit_code(Severity.WARNING) == 2


def test_a_failing_rule_is_an_error_for_that_file_and_the_other_rules_still_report(tmp_path: Path,
                                                                                     broken_rule: str) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\nRUN sudo true\n")
    report = lint_paths([str(dockerfile)], Config(select=[broken_rule, "CSD080"]))
    assert [f.rule for f in report.findings] == ["CSD080"]
    assert [e.message for e in report.errors] == [
        "internal error in rule CSDT99 always-breaks: RuntimeError: boom (a bug in containersec: please report it "
        f"with the input that caused it at {BUG_REPORTS})"]
    assert report.exit_code(Severity.WARNING) == 2


def test_every_rule_has_complete_metadata() -> None:
    for rule in catalogue.all_rules():
        assert rule.id[:3] in ("CSD", "CSI", "CSV", "CSR", "CSK") and rule.slug == rule.slug.lower(), rule.id
        assert rule.summary and rule.why and rule.bad and rule.good, rule.id
        assert isinstance(rule.aliases, tuple) and all(len(alias) > 3 for alias in rule.aliases), rule.id


def test_aliases_resolve_to_their_rules() -> None:
    assert [r.id for r in catalogue.resolve("DS-0027")] == ["CSD051"]
    assert [r.id for r in catalogue.resolve("AVD-DS-0002")] == ["CSD001", "CSD029"]  # Trivy checks both
    assert [r.id for r in catalogue.resolve("dl3008")] == ["CSD057"]


def test_parallel_chunks_are_runs_of_neighbouring_files_of_similar_size(tmp_path: Path, monkeypatch) -> None:
    """Neighbours (one image's variants) share scripts: a worker keeps them, so ShellCheck sees each once."""
    from containersec.build.engine import _chunks

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    files = []
    for i in range(100):
        path = tmp_path / f"{i:03}.Dockerfile"
        path.write_text("FROM alpine:3.20\n" + "RUN true\n" * (1 + i % 5))
        files.append(str(path))
    chunks = _chunks(files)
    assert [path for chunk in chunks for path in chunk] == files and len(chunks) == 2
    sizes = [sum(os.path.getsize(path) + 1536 for path in chunk) for chunk in chunks]
    assert abs(sizes[0] - sizes[1]) <= max(os.path.getsize(path) + 1536 for path in files)
