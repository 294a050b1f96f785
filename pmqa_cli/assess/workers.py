"""The batch's worker processes: every file read, validated, scored and prepared off the parent.

Files are scored in worker processes: in parallel across cores, and so that one file can never
take the batch down. A worker has a memory cap (``RLIMIT_AS``, where the OS offers one) and a
per-file time limit kept by the parent (a deadline, then terminate: no SIGALRM, so it works on
Windows too); a file that crashes, hangs or exhausts its worker is reported unreadable and the
worker replaced while the rest are scored (pmqa_cli/core/portable.py says what is chosen where).

A worker does everything one file needs: it reads, validates and scores it, and prepares what
the parent will write of it (the audit trail's rows, through a :class:`Prepared` sink, and the
values kept for CSV, already pickled). The parent only gathers, in file order, so it never
holds a worker up; each worker has :data:`LOOK_AHEAD` files queued, so it starts the next as
soon as it has sent one, whatever the parent is doing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

from pmqa_cli.assess.kept import IN_MEMORY
from pmqa_cli.assess.office import ScoredOffice, Verifier, rubric_used
from pmqa_cli.assess.submission import OfficeInfo, ValueRead
from pmqa_cli.core import portable
from pmqa_cli.core.findings import make_finding
from pmqa_cli.io.registry import Registry
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "LOOK_AHEAD",
    "BatchOptions",
    "Delivery",
    "Done",
    "Prepared",
    "Scorer",
    "score_all",
]

#: Files queued in each worker beyond the one it reads: it never waits for the parent.
LOOK_AHEAD = 1


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs."""

    jobs: int = 0  # 0: one worker per core
    timeout_seconds: float = 60.0  # per file
    memory_mb: int = 1024  # per worker process
    limits: Limits = field(default_factory=Limits)
    steps: bool = False  # also work out each office's next steps (for feedback workbooks)
    #: Where the batch's temporary file of values goes: the run's own staging folder
    #: (report/staging.py), else the system's temporary folder.
    scratch: Path | None = None
    #: Scored offices the parent holds as objects; the others wait in a scratch file
    #: (:mod:`.kept`), so that a batch of 10,000 files stays small.
    offices_in_memory: int = IN_MEMORY


#: Reads, validates, scores and verifies one file (a module-level function: it is sent to the
#: worker processes). :func:`~pmqa_cli.assess.office.score_office`; tests pass one that
#: misbehaves.
Scorer = Callable[..., ScoredOffice]


@runtime_checkable
class Prepared(Protocol):
    """An ``on_values`` whose work is done in the workers: ``prepare(file, sha256, values)``
    runs in the worker that scored the file (a picklable callable: it is sent there, so a
    module-level class's instance or function), and :meth:`add_prepared` takes its answer in
    the parent, in file order. results.xlsx's audit trail is one (report/audit_rows.py).
    ``prepare`` None: the values are sent to the parent and the sink called with them."""

    @property
    def prepare(self) -> Callable[[str, str, Sequence[ValueRead]], Any] | None:
        """The work done in the worker, or None."""

    def add_prepared(self, file: str, sha256: str, prepared: Any) -> None:
        """Take one file's prepared values (in the parent, in file order)."""

    def __call__(self, file: str, sha256: str, values: Sequence[ValueRead]) -> None:
        """Take one file's values (in the parent, in file order)."""


@dataclass(frozen=True)
class Delivery:
    """What a worker sends back of each file's values (the office itself always comes)."""

    prepare: Callable[[str, str, Sequence[ValueRead]], Any] | None = None
    keep: bool = False  # the values, pickled, for the batch's temporary values file
    values: bool = False  # the values themselves (an on_values that is not Prepared)


class Done(NamedTuple):
    """One file done: the office (without its values), and its values as asked for."""

    office: ScoredOffice
    read: int  # values read
    prepared: Any = None
    kept: bytes = b""  # pickle of (path, sha256, values), for BatchResult.iter_values
    values: tuple[ValueRead, ...] = ()


def _done(office: ScoredOffice, delivery: Delivery) -> Done:
    """Split a scored office into what the parent needs, doing the delivery's work here."""
    values = office.values
    prepared = None
    if delivery.prepare is not None:
        prepared = delivery.prepare(office.path, office.sha256, values)
    kept = b""
    if delivery.keep:
        kept = pickle.dumps((office.path, office.sha256, values), pickle.HIGHEST_PROTOCOL)
    return Done(
        replace(office, values=()) if values else office,
        len(values),
        prepared,
        kept,
        values if delivery.values else (),
    )


def _worker_main(
    conn: Connection,
    rubric: Rubric,
    registry: Registry | None,
    options: BatchOptions,
    score: Scorer,
    verifier: Verifier | None,
    delivery: Delivery,
) -> None:
    """A worker: score each path the parent sends, answer with a :class:`Done`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    portable.exit_with_parent()  # a parent killed outright cannot stop its workers
    portable.limit_memory(options.memory_mb)
    conn.send(None)  # ready: a file's time limit starts when it is sent, not while pmqa loads
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        try:
            result = score(path, rubric, registry=registry, limits=options.limits,
                           verifier=verifier, steps=options.steps)  # fmt: skip
            done = _done(result, delivery)
        except MemoryError:
            detail = f"reading needed more than {options.memory_mb} MB of memory"
            done = _done(failed(path, rubric, detail), delivery)
        conn.send(done)


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


def failed(path: str, rubric: Rubric, detail: str) -> ScoredOffice:
    """A file its reader could not get through: unreadable, with why."""
    finding = make_finding("file-unreadable", file=path, detail=detail)
    return ScoredOffice(path, "", False, OfficeInfo(), rubric_used(rubric), (finding,),
                        mtime=_mtime(path))  # fmt: skip


@dataclass
class _Slot:
    """One worker process, and the files sent to it (the first is the one it is reading)."""

    process: Any
    conn: Connection
    ready: bool = False  # started up and waiting for files
    queue: deque[int] = field(default_factory=deque)
    deadline: float = 0.0  # for the first file of the queue
    gone: bool = False  # a file could not be sent: the worker has died

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - ignored SIGTERM
            self.process.kill()
            self.process.join()


def score_all(
    files: Sequence[Path],
    rubric: Rubric,
    registry: Registry | None,
    options: BatchOptions,
    on_done: Callable[[Done], None],
    score: Scorer,
    verifier: Verifier | None = None,
    delivery: Delivery | None = None,
) -> None:
    """Score every file in worker processes, delivering each :class:`Done` in file order.

    The parent keeps the time limit (a deadline per file, then terminate) rather than SIGALRM,
    which Windows lacks, and knows exactly which file a worker was reading when it died (the
    first of its queue, which it reads in order), so no file needs a second try; the files
    queued behind it go to the worker that replaces it.
    """
    delivery = delivery or Delivery()
    context: Any = multiprocessing.get_context(portable.start_method())
    paths = [str(f) for f in files]
    jobs = max(1, min(options.jobs or os.cpu_count() or 1, len(paths)))
    window = jobs * 4  # bounded look-ahead keeps memory flat however many files
    ready: dict[int, Done] = {}
    retry: deque[int] = deque()  # files queued behind one that killed its worker
    sent = delivered = 0

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main,
            args=(child, rubric, registry, options, score, verifier, delivery),
            daemon=True,
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    def feed() -> None:
        """Top up every worker's queue, one file a worker at a time (so files finish in
        about their order), within the window."""
        nonlocal sent
        for depth in range(1 + LOOK_AHEAD):
            for slot in slots:
                if not slot.ready or slot.gone or len(slot.queue) > depth:
                    continue
                if retry:
                    index = retry.popleft()
                elif sent < min(len(paths), delivered + window):
                    index, sent = sent, sent + 1
                else:
                    return
                try:
                    slot.conn.send(paths[index])
                except OSError:  # a closed pipe: the worker died (reading a file sent before)
                    retry.appendleft(index)
                    slot.gone = True
                    continue
                if not slot.queue:
                    slot.deadline = time.monotonic() + options.timeout_seconds
                slot.queue.append(index)

    slots: list[_Slot] = []
    failed_starts = 0
    try:
        slots = [start() for _ in range(jobs)]
        while delivered < len(paths):
            portable.check_stop()  # a stop whose exception Python swallowed (a fork hook's)
            feed()
            watched = [s for s in slots if s.queue or not s.ready or s.gone]
            deadlines = [s.deadline for s in watched if s.queue]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            wait([obj for s in watched for obj in (s.conn, s.process.sentinel)], wait_for)
            for n, slot in enumerate(slots):
                if not slot.ready:
                    if slot.conn.poll():
                        with contextlib.suppress(EOFError, OSError):
                            slot.ready = slot.conn.recv() is None
                    if not slot.ready and not slot.process.is_alive():
                        failed_starts += 1
                        if failed_starts > 3:
                            raise RuntimeError("pmqa's worker processes fail to start")
                        slot.stop()
                        slots[n] = start()
                    continue
                if slot.gone and not slot.queue:  # died with none of its files to report
                    slot.stop()
                    slots[n] = start()
                    continue
                failure = _collect(slot, ready, options.timeout_seconds)
                if failure is not None:
                    index = slot.queue.popleft()
                    ready[index] = _done(failed(paths[index], rubric, failure), delivery)
                    retry.extend(slot.queue)
                    retry = deque(sorted(retry))
                    slot.stop()
                    slots[n] = start()
            while delivered in ready:
                on_done(ready.pop(delivered))
                delivered += 1
    finally:
        for slot in slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
            slot.stop()


def _collect(slot: _Slot, ready: dict[int, Done], timeout: float) -> str | None:
    """Take every file the worker has finished; why it failed on the next, if it did."""
    while slot.queue:
        if slot.conn.poll():
            try:
                ready[slot.queue[0]] = slot.conn.recv()
            except (EOFError, OSError):
                return "the reader crashed on this file"
            slot.queue.popleft()
            slot.deadline = time.monotonic() + timeout
        elif not slot.process.is_alive():
            return "the reader crashed on this file"
        elif time.monotonic() >= slot.deadline:
            return f"reading took longer than {timeout:g} s"
        else:
            return None
    return None
