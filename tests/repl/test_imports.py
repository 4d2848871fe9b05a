"""No import circle runs through the REPL: the modules of reasoner/repl/ (and the questions'
commands they run) import each other one way only. Every import counts, also those inside a
function; only those under `if TYPE_CHECKING:` (types, never run) do not."""

from __future__ import annotations

import ast
from pathlib import Path

REASONER = Path(__file__).resolve().parents[2] / "reasoner"


def _module(path: Path) -> str:
    parts = path.relative_to(REASONER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found |= set().union(*(_imports(n, modules) for n in node.orelse)) if node.orelse else set()
            continue
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        found |= _imports(node, modules)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    paths = {_module(p): p for p in REASONER.rglob("*.py")}
    modules = set(paths)
    return {name: _imports(ast.parse(path.read_text(encoding="utf-8")), modules) - {name}
            for name, path in paths.items()}


def circles_through(graph: dict[str, set[str]], prefix: str) -> list[list[str]]:
    """The import circles that include a module whose name starts with `prefix`."""
    found = []
    for start in sorted(m for m in graph if m.startswith(prefix)):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            module, path = stack.pop()
            for imported in sorted(graph[module]):
                if imported == start:
                    found.append(path)
                elif imported not in seen:
                    seen.add(imported)
                    stack.append((imported, [*path, imported]))
    return found


def test_no_import_circle_runs_through_the_repl() -> None:
    assert circles_through(import_graph(), "reasoner.repl") == []


def test_the_check_finds_a_circle() -> None:
    graph = {"reasoner.repl.a": {"reasoner.repl.b"}, "reasoner.repl.b": {"reasoner.x"},
             "reasoner.x": {"reasoner.repl.a"}}
    assert circles_through(graph, "reasoner.repl.a") == [["reasoner.repl.a", "reasoner.repl.b", "reasoner.x"]]
