"""The package layout: stages over shared parts, read from every module's imports (top-level, function-level
and under TYPE_CHECKING alike, as written in the source).

- A stage package (build, test, release, infra) imports no other stage.
- Shared modules import no stage; only the front doors (`cli.py`, `action.py`) compose stages, and the
  catalogue names each stage's rule packages (by name, loaded on first use) and nothing else of a stage.
- No import cycle among the modules.
- `containersec lint` loads neither the other stages nor any rule module before ShellCheck starts.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "containersec"
STAGES = ("build", "test", "release", "infra")
FRONT_DOORS = ("containersec.cli", "containersec.action")


def _module_names() -> dict[str, Path]:
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


MODULES = _module_names()


def _known(name: str) -> str:
    """The module an imported name lives in: `pkg.mod.attr` is `pkg.mod`."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(module: str) -> set[str]:
    """Every containersec module `module` imports anywhere in its source."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                         for alias in node.names)
    return {_known(name) for name in found if name == "containersec" or name.startswith("containersec.")}


def _named_modules(module: str) -> set[str]:
    """Modules named in string constants (`importlib.import_module("containersec...")`, rule packages)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in MODULES}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


GRAPH = {module: _imports(module) for module in MODULES}


def test_the_graph_sees_imports_of_every_kind() -> None:
    # A function-level import (the lazy one in cli) and a TYPE_CHECKING one (test/vulns/rules.py) are read.
    assert "containersec.build.engine" in GRAPH["containersec.cli"]
    assert "containersec.test.vulns.checked" in GRAPH["containersec.test.vulns.rules"]
    assert "containersec.dockerfile.model" in GRAPH["containersec.dockerfile.parse"]


def test_no_stage_imports_another_stage() -> None:
    crossings = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                       for target in targets | _named_modules(module)
                       if _stage(module) and _stage(target) and _stage(target) != _stage(module))
    assert crossings == []


def test_shared_modules_import_no_stage() -> None:
    reaching_up = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                         if _stage(module) is None and module not in FRONT_DOORS
                         for target in targets if _stage(target))
    assert reaching_up == []


def test_the_catalogue_names_only_rule_packages_of_stages() -> None:
    named = {name for name in _named_modules("containersec.catalogue") if _stage(name)}
    assert named, "the catalogue no longer names the stages' rule packages: update this test"
    assert all(name.endswith(".rules") for name in named), named
    others = sorted(f"{module} names {name}" for module in MODULES
                    if _stage(module) is None and module not in (*FRONT_DOORS, "containersec.catalogue")
                    for name in _named_modules(module) if _stage(name))
    assert others == []


def test_no_import_cycle() -> None:
    cycles = []
    state: dict[str, str] = {}  # module -> "open" while on the path, "done" after

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


_LINT_PROBE = """
import sys
from containersec.build import shellcheck
from containersec.cli import main

started = shellcheck.start_shellcheck
seen = []

def start(*args, **kwargs):
    seen.append(sorted(m for m in sys.modules if m.startswith("containersec.build.rules.")))
    return started(*args, **kwargs)

shellcheck.start_shellcheck = start
code = main(["lint", "--shellcheck", "on", "--format", "json", sys.argv[1]])
other_stages = sorted(m for m in sys.modules if m.split(".")[1:2] in (["test"], ["release"], ["infra"]))
print(repr((code, seen, other_stages)), file=sys.stderr)
"""


def test_lint_loads_no_other_stage_and_no_rule_before_shellcheck_starts(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\nRUN cd /tmp && echo $HOME\n")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # the venv's ShellCheck
    result = subprocess.run([sys.executable, "-c", _LINT_PROBE, str(dockerfile)], cwd=tmp_path, text=True,
                            capture_output=True, timeout=60, env={**os.environ, "PATH": path})
    code, seen, other_stages = ast.literal_eval(result.stderr.strip().splitlines()[-1])
    assert code == 1 and '"SC2086"' in result.stdout  # the lint ran to the end, ShellCheck included
    assert seen == [[]]  # ShellCheck started once, before any rule module was imported
    assert other_stages == []
