"""The test suite's own rules: test modules share code through helper modules only."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, relative ones as written (``.conftest``)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if node.module is None:  # from . import x
                found += [(node.lineno, module + alias.name) for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def _is_test_module(module: str) -> bool:
    name = module.rsplit(".", 1)[-1]
    return name == "conftest" or name.startswith("test_")


def test_no_test_module_imports_another_or_conftest() -> None:
    # A test module imported by another runs its module-level code twice and ties the two
    # together; conftest.py is pytest's, not a library. Shared builders live in helper modules
    # (tests/builders.py, tests/soffice.py, tests/office_books.py, tests/broken_files.py).
    offending = [
        f"{path.name}:{line} imports {module}"
        for path in sorted(TESTS.glob("*.py"))
        for line, module in _imported_modules(path)
        if _is_test_module(module)
    ]
    assert offending == []


def test_the_rule_sees_every_way_of_writing_such_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import tests.test_a\n"
        "from tests.conftest import x\n"
        "from .test_b import y\n"
        "from . import test_c\n"
        "def f():\n    from .conftest import z\n"
        "from .builders import Filled\n"
        "import pytest\n",
        encoding="utf-8",
    )
    flagged = [m for _, m in _imported_modules(sample) if _is_test_module(m)]
    assert flagged == ["tests.test_a", "tests.conftest", ".test_b", ".test_c", ".conftest"]
