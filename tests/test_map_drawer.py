"""The process that draws a batch's maps (report/map_drawer.py) is started before the batch's own
work, so matplotlib's import runs beside this process's start rather than beside the workers:
for that its module imports nothing heavy, ``pmqa batch`` starts it first, and closing it early
(a run refused, an error) ends it at once, leaving nothing running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pmqa_cli.report.map_drawer import MapDrawer

HEAVY = ("matplotlib", "pandas", "numpy", "pydantic", "pmqa_cli.rubric.model", "xlsxwriter")
#: What the batch loads for itself (typer's own option parsing loads pydantic before any command).
BATCH = ("pmqa_cli.rubric.model", "pmqa_cli.assess.batch", "pmqa_cli.cli.render", "rich.console",
         "matplotlib", "pandas", "xlsxwriter")  # fmt: skip


def _double(value: int) -> int:
    return value * 2


def _fail(value: int) -> int:
    raise ValueError(f"cannot draw {value}")


def test_the_drawer_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, pmqa_cli.report.map_drawer\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_pmqa_batch_starts_the_drawer_before_its_own_modules(tmp_path: Path) -> None:
    """What is imported when the drawing process is started is what it does not have to wait
    for: the batch's modules (pydantic's rubric model, the scoring) come after."""
    code = f"""
import sys
from pmqa_cli.report import map_drawer
started = map_drawer.MapDrawer.__init__
def recording(self, **kwargs):
    print("loaded:", ",".join(m for m in {BATCH!r} if m in sys.modules), file=sys.stderr)
    started(self, **kwargs)
map_drawer.MapDrawer.__init__ = recording
from pmqa_cli.cli.app import main
sys.argv = ["pmqa", "batch", {str(tmp_path / "none")!r}, "-o", {str(tmp_path / "r.xlsx")!r}]
main()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2  # the folder does not exist: a usage error, after the start
    assert "loaded: \n" in done.stderr


def test_a_drawing_is_made_in_the_process_and_its_error_raised_here(tmp_path: Path) -> None:
    with MapDrawer() as drawer:
        process = drawer._process
        assert drawer.start(_double, 21, folder=tmp_path)() == 42
        assert drawer.start(_double, 5, folder=tmp_path)() == 10  # a second: drawn here
    assert not process.is_alive() and list(tmp_path.iterdir()) == []
    with MapDrawer() as drawer:
        waiting = drawer.start(_fail, 3, folder=tmp_path)
        try:
            waiting()
        except ValueError as exc:
            assert str(exc) == "cannot draw 3"
        else:  # pragma: no cover - the test fails here
            raise AssertionError("the drawing's error was not raised")
    assert list(tmp_path.iterdir()) == []


def test_closing_a_drawer_that_was_given_nothing_ends_it_at_once() -> None:
    """A run refused before anything is drawn does not wait for matplotlib's import."""
    drawer = MapDrawer()
    process = drawer._process
    assert process.is_alive()  # still importing matplotlib
    drawer.close()
    assert not process.is_alive() and process.exitcode != 0  # ended, not finished
    drawer.close()  # twice is harmless


def test_without_a_process_the_drawing_is_made_when_asked_for(tmp_path: Path) -> None:
    drawer = MapDrawer(background=False)
    assert drawer._process is None
    assert drawer.start(_double, 4, folder=tmp_path)() == 8
