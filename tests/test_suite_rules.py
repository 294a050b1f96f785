"""The test suite's own rules: test modules share code through helper modules only."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
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


def test_ci_fails_rather_than_skips_without_libreoffice(tmp_path: Path) -> None:
    # .ci/run sets PMQA_REQUIRE_LIBREOFFICE=1: with no soffice or pdftotext on PATH, importing
    # the LibreOffice helpers (as every real-client test module does) must fail, not skip.
    def load(require: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PATH": str(tmp_path), "PMQA_REQUIRE_LIBREOFFICE": require}
        return subprocess.run(
            [sys.executable, "-c", "import tests.soffice as s; print(s.SOFFICE, s.PDFTOTEXT)"],
            cwd=TESTS.parent, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip

    required = load("1")
    assert required.returncode != 0
    assert "PMQA_REQUIRE_LIBREOFFICE is set but soffice or pdftotext is missing" in required.stderr
    optional = load("")
    assert (optional.returncode, optional.stdout) == (0, "None None\n"), optional.stderr
