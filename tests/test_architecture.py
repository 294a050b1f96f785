"""The package's shape, checked on its import graph (docs/architecture.md): every import points
down the pipeline, no circles, typer and rich only in cli/, rooms a person can hold in their
head."""

from __future__ import annotations

import ast
from pathlib import Path

from pmqa_cli import LAYERS
from tests.architecture_graph import (
    PACKAGE,
    imports,
    known_module,
    layer_of,
    module_graph,
    own,
    strongly_connected,
)

#: The findings catalogue is data (one entry per problem code), not logic to hold in one's head.
DATA_MODULES = {"pmqa_cli/core/findings.py"}
MAX_MODULE_LINES = 600
MAX_DEFINITION_LINES = 150


def test_no_circles_among_modules() -> None:
    circles = [c for c in strongly_connected(module_graph(list(imports()))) if len(c) > 1]
    assert circles == []


def test_every_import_points_down_the_pipeline() -> None:
    upward = []
    for i in imports():
        if not own(i.target):
            continue
        here, there = layer_of(i.module), layer_of(known_module(i.target))
        if here is None or there is None:
            continue
        if LAYERS.index(there) > LAYERS.index(here):
            upward.append(f"{i.module}:{i.line} imports {i.target} ({here} -> {there})")
    assert upward == []


def test_the_layers_are_the_packages_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(LAYERS)


def test_typer_and_rich_live_only_in_cli() -> None:
    outside = [
        f"{i.module}:{i.line} imports {i.target}"
        for i in imports()
        if i.target.split(".")[0] in {"typer", "rich", "click"} and layer_of(i.module) != "cli"
    ]
    assert outside == []


def test_a_function_level_import_says_why() -> None:
    """Imports inside functions hide arrows from a reader: each one is for a heavy optional
    dependency (or startup time of the command line) and carries a comment saying so."""
    silent = [
        f"{i.module}:{i.line} {i.target}" for i in imports() if i.in_function and not i.commented
    ]
    assert silent == []


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_600_lines() -> None:
    long = []
    for path in _sources():
        name = path.relative_to(PACKAGE.parent).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if name not in DATA_MODULES and lines > MAX_MODULE_LINES:
            long.append(f"{name}: {lines} lines")
    assert long == []


def test_no_function_or_class_is_over_150_lines() -> None:
    long = []
    for path in _sources():
        name = path.relative_to(PACKAGE.parent).as_posix()
        if name in DATA_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_DEFINITION_LINES:
                    long.append(f"{name}:{node.lineno} {node.name}: {size} lines")
    assert long == []
