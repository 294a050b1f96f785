"""pmqa_cli's import graph, read from the code: every import of every module, with where it
sits (shared by tests/test_architecture.py and scripts/import-graph.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pmqa_cli import LAYERS

PACKAGE = Path(__file__).resolve().parent.parent / "pmqa_cli"


@dataclass(frozen=True)
class Import:
    """One import statement of a module of pmqa_cli."""

    module: str  # the importing module, e.g. pmqa_cli.assess.office
    target: str  # what it imports, e.g. pmqa_cli.assess.scores (or pandas)
    line: int
    in_function: bool
    commented: bool  # a comment on its line or the line above


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    """The layer a module of pmqa_cli belongs to (None for the package's own entry files)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else None


def imports() -> Iterator[Import]:
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        module = module_name(path)
        tree = ast.parse(text)
        # Top level: the module's own statements, and those under ``if TYPE_CHECKING:``.
        top_level = {id(statement) for statement in tree.body}
        for statement in tree.body:
            if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
                top_level |= {id(child) for child in statement.body}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{module}:{node.lineno}: pmqa imports absolutely"
                base = node.module or ""
                # ``from pmqa_cli.cli import render`` imports the module render, not the package.
                targets = [
                    f"{base}.{a.name}" if is_module(f"{base}.{a.name}") else base
                    for a in node.names
                ]
            else:
                targets = [a.name for a in node.names]
            nearby = lines[max(0, node.lineno - 2) : node.lineno]
            commented = any("#" in line for line in nearby)
            for target in targets:
                yield Import(module, target, node.lineno, id(node) not in top_level, commented)


def is_module(dotted: str) -> bool:
    """Whether a dotted name is a module or package of pmqa_cli on disk."""
    candidate = PACKAGE.parent.joinpath(*dotted.split("."))
    return candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file()


def own(target: str) -> bool:
    return target == "pmqa_cli" or target.startswith("pmqa_cli.")


def known_module(target: str) -> str:
    """The module an import of pmqa_cli names (``pmqa_cli.core.portable`` may be a module or a
    name in a package: either way its module is found on disk)."""
    parts = target.split(".")
    while parts:
        if is_module(".".join(parts)):
            return ".".join(parts)
        parts.pop()
    raise AssertionError(f"no module for {target}")


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative, so deep graphs cannot overflow)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    nodes = set(graph) | {t for ts in graph.values() for t in ts}
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def module_graph(found: list[Import]) -> dict[str, set[str]]:
    """Module -> the modules of pmqa_cli it imports (itself and the bare package left out)."""
    graph: dict[str, set[str]] = {}
    for i in found:
        if own(i.target):
            target = known_module(i.target)
            if target not in (i.module, "pmqa_cli"):
                graph.setdefault(i.module, set()).add(target)
    return graph
