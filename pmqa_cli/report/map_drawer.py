"""The process that draws a batch's maps, started before anything else of the batch.

Drawing a map takes matplotlib about 0.1 s, after about 0.35 s to import it and load the Thai
font. A batch starts a :class:`MapDrawer` first (``pmqa batch`` does, before it imports its own
modules, reads the rubric or looks for the submissions), so that the import runs on a core this
process leaves idle while it starts, rather than beside the workers that score the offices. This
module imports nothing heavy for that reason: the process imports the maps' modules itself.

The process is given one drawing (a function and its arguments, pickled by reference) when the
round's geography is known, leaves the answer in a file in the folder it is told and ends as
soon as it has drawn (its ~130 MB are not kept beside a large batch's writing); the pipe carries
the file's name. It is a plain process with a pipe (no thread in the batch's process, which
forks its workers after). With ``background`` False, or where no process can be started, or
when it has died, or for a second drawing, the drawing is made when asked for, in this process.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import tempfile
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar, cast

from pmqa_cli.core import portable

__all__ = ["MapDrawer"]

T = TypeVar("T")


def _drawing_main(conn: Connection) -> None:
    """The drawing process: import matplotlib and find the font, make the one drawing it is
    given, leave the answer in a file in the folder given with it, and end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    portable.exit_with_parent()  # a batch killed outright cannot leave it behind
    # heavy: matplotlib, imported in this process only (why this module imports nothing heavy)
    from pmqa_cli.report.maps import warm_up

    warm_up()
    try:
        job = conn.recv()
        if job is None:
            return
        draw, args, folder = job
        try:
            answer: Any = draw(*args)
        except Exception as exc:
            answer = exc
        with tempfile.NamedTemporaryFile(dir=folder, prefix="maps-", delete=False) as out:
            pickle.dump(answer, out, pickle.HIGHEST_PROTOCOL)
        conn.send(out.name)
    except (EOFError, OSError):  # the parent has gone or closed the pipe
        return


class MapDrawer:
    """A process that makes one drawing, started before it is known, so that the drawing waits
    for no import; :meth:`close` ends it (it leaves nothing running)."""

    def __init__(self, *, background: bool = True) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        if background:
            try:
                context: Any = multiprocessing.get_context(portable.start_method())
                self._conn, theirs = context.Pipe()
                self._process = context.Process(
                    target=_drawing_main, args=(theirs,), name="pmqa-maps", daemon=True
                )
                self._process.start()
                theirs.close()
            except (OSError, RuntimeError, NotImplementedError):  # no processes here
                self.close()

    def start(self, draw: Callable[..., T], *args: Any, folder: Path) -> Callable[[], T]:
        """Start ``draw(*args)`` (a module-level function; its arguments picklable) in the
        process, which leaves the answer in ``folder``; the returned function waits for it
        (raising what the drawing raised)."""
        conn, self._conn = self._conn, None  # the process makes one drawing
        if conn is not None:
            try:
                conn.send((draw, args, str(folder)))
            except OSError:  # its process is gone: draw here
                conn.close()
            else:
                return lambda: self._answer(conn, draw, args)
        return lambda: draw(*args)

    def _answer(self, conn: Connection, draw: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            with conn:
                name = conn.recv()
            path = Path(name)
            with path.open("rb") as handle:
                answer = pickle.load(handle)
            path.unlink()
        except (EOFError, OSError):  # the process died (killed, out of memory): draw here
            self.close()
            return draw(*args)
        if isinstance(answer, BaseException):
            raise answer
        return cast("T", answer)

    def close(self) -> None:
        """End the drawing process, at once if it is still loading or drawing (nothing waits
        for a drawing no one will ask for, nor for matplotlib's import when a run stops early);
        it leaves nothing running."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None

    def __enter__(self) -> MapDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
