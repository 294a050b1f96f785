"""The process that draws a batch's maps, started before anything else of the batch.

Drawing a map takes matplotlib about 0.1 s, after about 0.35 s to import it and load the Thai
font. A batch starts a :class:`MapDrawer` first (``pmqa batch`` does, before it imports its own
modules, reads the rubric or looks for the submissions), so that the import runs on a core this
process leaves idle while it starts, rather than beside the workers that score the offices. This
module imports nothing heavy for that reason: the process imports the maps' modules itself.

The process is given drawings (a function and its arguments, pickled by reference) when the
round's geography is known and makes them in the order given: a batch hands it the results'
maps, then, with feedback, the feedback's province pictures (report/locator.py). Each answer is
left in a file in the folder it is told; the pipe carries the file's name (:meth:`MapDrawer.start`),
or, for the one drawing that other processes wait for (:meth:`MapDrawer.share`: the feedback
workers'), the file has a name chosen beforehand and the process closes a pipe those processes
read once it is there, so none of them asks this one for it. The process ends as soon as it has
made the drawing it is told is the last (its ~130 MB are not kept beside a large batch's
writing). It is a plain process with pipes (no thread in the batch's process, which forks its
workers after). With ``background`` False, or where no process can be started, or when it has
died, or for a drawing after the last, the drawing is made where it is asked for.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from pmqa_cli.core import portable

__all__ = ["MapDrawer", "Shared"]

T = TypeVar("T")


def _drawing_main(conn: Connection, shared: Connection) -> None:
    """The drawing process: import matplotlib and find the font, then make the drawings it is
    given, in order, each answer left in a file in the folder given with it, until it is told
    to end (``None``) or its parent has gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    portable.exit_with_parent()  # a batch killed outright cannot leave it behind
    # heavy: matplotlib, imported in this process only (why this module imports nothing heavy)
    from pmqa_cli.report.maps import warm_up

    with contextlib.suppress(ImportError):  # missing: each drawing says so, as it would there
        warm_up()
    try:
        while (job := conn.recv()) is not None:
            draw, args, folder, to = job
            try:
                answer: Any = draw(*args)
            except Exception as exc:
                answer = exc
            with tempfile.NamedTemporaryFile(dir=folder, prefix="maps-", delete=False) as out:
                pickle.dump(answer, out, pickle.HIGHEST_PROTOCOL)
            if to is None:
                conn.send(out.name)
            else:  # whole under its name, then the pipe its readers wait on is closed
                Path(out.name).replace(to)
                shared.close()
    except (EOFError, OSError):  # the parent has gone or closed the pipe
        return


@dataclass(frozen=True)
class Shared(Generic[T]):
    """A drawing that several processes wait for (:meth:`MapDrawer.share`): picklable into
    the processes a batch starts (its pipe goes with it when they are started)."""

    path: Path  # where the drawing process leaves it
    ready: Connection  # closed at the other end once it is there (or the process has died)

    def get(self) -> T | None:
        """Wait for the drawing: None when the drawing process died before it was made (the
        caller draws for itself); raises what the drawing raised."""
        with contextlib.suppress(EOFError, OSError):
            self.ready.recv()  # nothing is ever sent: returns when the writing end is closed
        try:
            with self.path.open("rb") as handle:
                answer = pickle.load(handle)
        except OSError:  # not there: the process died first
            return None
        if isinstance(answer, BaseException):
            raise answer
        return cast("T", answer)


class MapDrawer:
    """A process that makes the drawings it is given, started before they are known, so that
    they wait for no import; :meth:`close` ends it (it leaves nothing running)."""

    def __init__(self, *, background: bool = True) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        self._ready: Connection | None = None  # the read end of :class:`Shared`'s pipe
        self._shared: Connection | None = None  # that end once given out (closed with this)
        self._open = False  # takes drawings (until the last is given)
        self._given = 0  # drawings given whose names come back on the pipe
        self._received = 0  # names received
        self._names: dict[int, str] = {}  # their files' names, received and not yet asked for
        if background:
            try:
                context: Any = multiprocessing.get_context(portable.start_method())
                self._conn, theirs = context.Pipe()
                self._ready, ready = context.Pipe(duplex=False)
                self._process = context.Process(
                    target=_drawing_main, args=(theirs, ready), name="pmqa-maps", daemon=True
                )
                self._process.start()
                theirs.close()
                ready.close()  # the process holds the only writing end: its end is the signal
                self._open = True
            except (OSError, RuntimeError, NotImplementedError):  # no processes here
                self.close()

    def _give(self, job: tuple[Any, ...], last: bool) -> bool:
        """Send a drawing to the process; False where there is none to send it to."""
        if not self._open:
            return False
        assert self._conn is not None
        try:
            self._conn.send(job)
            if last:
                self._conn.send(None)  # it ends once this drawing is made
        except OSError:  # its process is gone
            self._open = False
            return False
        self._open = not last
        return True

    def start(
        self, draw: Callable[..., T], *args: Any, folder: Path, last: bool = True
    ) -> Callable[[], T]:
        """Start ``draw(*args)`` (a module-level function; its arguments picklable) in the
        process, after the drawings given before it, which leaves the answer in ``folder``;
        the returned function waits for it (raising what the drawing raised). With ``last``
        the process ends once it has made it."""
        if self._give((draw, args, str(folder), None), last):
            number, self._given = self._given, self._given + 1
            return lambda: self._answer(number, draw, args)
        return lambda: draw(*args)

    def share(self, draw: Callable[..., T], *args: Any, to: Path) -> Shared[T] | None:
        """Start ``draw(*args)`` in the process, after the drawings given before it, for other
        processes (the batch's workers) to wait for with the returned :class:`Shared`: it is
        left at ``to`` (in a folder they can read). Once a process: None when there is none
        (or a drawing was shared already), and the caller draws for itself."""
        if self._ready is None or not self._give((draw, args, str(to.parent), str(to)), False):
            return None
        shared: Shared[T] = Shared(to, self._ready)
        self._shared, self._ready = self._ready, None  # one: the pipe's closing is its signal
        return shared

    def _answer(self, number: int, draw: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            while number not in self._names:  # the names come back in the drawings' order
                if self._conn is None:  # closed
                    raise EOFError
                self._names[self._received] = self._conn.recv()
                self._received += 1
            path = Path(self._names.pop(number))
            with path.open("rb") as handle:
                answer = pickle.load(handle)
            path.unlink()
        except (EOFError, OSError):  # the process died (killed, out of memory): draw here
            return draw(*args)
        if isinstance(answer, BaseException):
            raise answer
        return cast("T", answer)

    def done(self) -> None:
        """No more drawings: the process ends once it has made those it was given."""
        if self._open:
            assert self._conn is not None
            with contextlib.suppress(OSError):  # gone already
                self._conn.send(None)
            self._open = False

    def close(self) -> None:
        """End the drawing process, at once if it is still loading or drawing (nothing waits
        for a drawing no one will ask for, nor for matplotlib's import when a run stops early);
        it leaves nothing running."""
        self._open = False
        for end in (self._conn, self._ready, self._shared):
            if end is not None:
                end.close()
        self._conn = self._ready = self._shared = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None

    def __enter__(self) -> MapDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
