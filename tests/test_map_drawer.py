"""The process that draws a batch's maps (report/map_drawer.py) is started before the batch's own
work, so matplotlib's import runs beside this process's start rather than beside the workers:
for that its module imports nothing heavy, ``pmqa batch`` starts it first, and closing it early
(a run refused, an error) ends it at once, leaving nothing running."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pmqa_cli.core import portable
from pmqa_cli.report.map_drawer import MapDrawer, Shared

HEAVY = ("matplotlib", "pandas", "numpy", "pydantic", "pmqa_cli.rubric.model", "xlsxwriter")
#: What the batch loads for itself (typer's own option parsing loads pydantic before any command).
BATCH = ("pmqa_cli.rubric.model", "pmqa_cli.assess.batch", "pmqa_cli.cli.render", "rich.console",
         "matplotlib", "pandas", "xlsxwriter")  # fmt: skip


def _double(value: int) -> int:
    return value * 2


def _fail(value: int) -> int:
    raise ValueError(f"cannot draw {value}")


def _where(value: int) -> tuple[int, int]:
    """Which process drew it."""
    return os.getpid(), value


def _once(gate: Path, value: int) -> tuple[int, int]:
    """Drawn once ``gate`` exists (the test says when)."""
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid(), value


def _wait_for(shared: Shared[tuple[int, int]], answer: Connection) -> None:
    """A batch's worker: waits for the shared drawing and says what it got."""
    answer.send(shared.get())


def _readers(shared: Shared[tuple[int, int]], count: int) -> list[tuple[Connection, Any]]:
    """Processes started as a batch starts its workers (fork, or spawn as on Windows), each
    waiting for the shared drawing: the pipe each answers on, and the process."""
    context: Any = multiprocessing.get_context(portable.start_method())
    readers = []
    for _ in range(count):
        ours, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_wait_for, args=(shared, theirs), daemon=True)
        process.start()
        theirs.close()
        readers.append((ours, process))
    return readers


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
        assert drawer.start(_double, 5, folder=tmp_path)() == 10  # after the last: drawn here
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


def test_the_drawings_are_made_in_the_process_in_the_order_given_each_answered_on_its_own(
    tmp_path: Path,
) -> None:
    """A batch with feedback gives the drawing process the results' maps, then the province
    pictures: it makes them in turn, each answered whenever it is asked for, and ends after
    the one given as the last (or once told it gets no more); one given after is drawn here."""
    with MapDrawer() as drawer:
        process = drawer._process
        first = drawer.start(_where, 1, folder=tmp_path, last=False)
        shared = drawer.share(_where, 2, to=tmp_path / "shared")
        third = drawer.start(_where, 3, folder=tmp_path)
        after = drawer.start(_where, 4, folder=tmp_path)
        assert drawer.share(_where, 5, to=tmp_path / "again") is None  # after the last
        assert third() == (process.pid, 3)  # asked for before the first
        assert shared is not None and shared.get() == (process.pid, 2)
        assert first() == (process.pid, 1)
        assert after() == (os.getpid(), 4)
        process.join(60)
        assert not process.is_alive() and process.exitcode == 0  # ended: it made the last
    # Each answer's file is gone once read, but the shared one (its readers may come later,
    # as a worker restarted after a crash does); it goes with the run's scratch folder.
    assert list(tmp_path.iterdir()) == [tmp_path / "shared"]
    with MapDrawer() as drawer:
        process = drawer._process
        waiting = drawer.start(_where, 1, folder=tmp_path, last=False)
        drawer.done()  # nothing more: it ends once it has drawn what it was given
        assert waiting() == (process.pid, 1)
        process.join(60)
        assert not process.is_alive() and process.exitcode == 0
        assert drawer.start(_where, 2, folder=tmp_path)() == (os.getpid(), 2)


def test_a_shared_drawing_is_waited_for_by_other_processes_and_a_dead_drawer_says_so(
    tmp_path: Path,
) -> None:
    """The feedback workers start before their pictures are drawn and wait for them, reading
    them from the drawing process's file, not through this process; when that process dies
    first, each is told so (None) and draws for itself."""
    gate = tmp_path / "gate"
    with MapDrawer() as drawer:
        pid = drawer._process.pid
        shared = drawer.share(_once, gate, 7, to=tmp_path / "shared")
        assert shared is not None
        readers = _readers(shared, 2)
        assert not any(ours.poll(0.5) for ours, _ in readers)  # waiting: not drawn yet
        gate.touch()
        assert [ours.recv() for ours, _ in readers] == [(pid, 7), (pid, 7)]
        assert _readers(shared, 1)[0][0].recv() == (pid, 7)  # one started after: at once
    with MapDrawer() as drawer:
        shared = drawer.share(_once, tmp_path / "never", 8, to=tmp_path / "dead")
        assert shared is not None
        readers = _readers(shared, 2)
        drawer._process.kill()
        assert [ours.recv() for ours, _ in readers] == [None, None]
        assert shared.get() is None
    assert not (tmp_path / "dead").exists()


def test_a_dead_drawer_leaves_every_drawing_to_be_made_here(tmp_path: Path) -> None:
    with MapDrawer() as drawer:
        drawer._process.kill()
        drawer._process.join()
        first = drawer.start(_where, 1, folder=tmp_path, last=False)
        shared = drawer.share(_where, 2, to=tmp_path / "shared")
        assert shared is None or shared.get() is None  # refused, or never drawn
        assert first() == (os.getpid(), 1)
        assert drawer.start(_where, 3, folder=tmp_path)() == (os.getpid(), 3)
