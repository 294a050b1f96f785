"""``pmqa --help`` stays quick: the command layer imports no heavy module until a command runs
(each command imports the library and the renderer inside it, commented)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pydantic", "openpyxl", "pandas", "numpy", "yaml", "rich.console", "xlsxwriter")


def test_the_app_and_its_commands_import_nothing_heavy() -> None:
    code = (
        f"import sys, pmqa_cli.cli.app\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_help_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pmqa_cli", "--help"], capture_output=True, text=True, check=True
    )
    for name in ("template", "validate", "score", "sample", "batch", "compare", "review-sheet"):
        assert f"  {name} " in done.stdout
