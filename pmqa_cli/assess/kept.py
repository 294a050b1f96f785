"""A batch's scored offices: held in memory up to a count, kept in a scratch file beyond it.

A scored office takes about 50 KB in memory (its exact fractions, a trace per item, its
evidence text) and 10 KB pickled; 10,000 of them held at once took half a gigabyte. The batch
keeps its first ``in_memory`` offices as objects (a national round of 245 never touches the
disk) and pickles the others, in file order, to one temporary file in the run's scratch folder.
Every output reads them through :class:`Offices`, a read-only sequence that gives one office
at a time and forgets it, so a table of 10,000 rows is written holding one office.

The file is a :func:`tempfile.TemporaryFile`: it has no name on POSIX systems and is deleted
by Windows when its handle closes, so it cannot outlive pmqa even when pmqa is killed. Forked
processes (the feedback workers) read it through the handle they inherit, which shares its
position with the parent's: a read never moves that position where the OS can read at an
offset (``os.pread``); elsewhere (Windows, which has no fork) it seeks and reads under a lock.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, overload

from pmqa_cli.assess.office import ScoredOffice

__all__ = ["IN_MEMORY", "OfficeStore", "Offices"]

#: Offices held as objects before the rest go to the scratch file: about 25 MB of them, twice
#: a national round (reading one back takes about a quarter of a millisecond, each time).
IN_MEMORY = 500


class OfficeStore:
    """The offices of one batch, by their place in file order (see the module's docstring)."""

    def __init__(self, in_memory: int = IN_MEMORY, scratch: Path | None = None) -> None:
        self._in_memory = in_memory
        self._scratch = scratch
        self._held: list[ScoredOffice] = []
        self._spans: list[tuple[int, int]] = []  # (offset, length) of each office kept on disk
        self._file: IO[bytes] | None = None
        self._size = 0
        self._flushed = 0  # bytes of the file written through to the OS (os.pread reads there)
        self._lock = threading.Lock()  # a read is a seek and a read of one handle
        self._place: Callable[[int, ScoredOffice], ScoredOffice] | None = None

    def __len__(self) -> int:
        return len(self._held) + len(self._spans)

    @property
    def on_disk(self) -> int:
        """How many offices are kept in the scratch file."""
        return len(self._spans)

    def append(self, office: ScoredOffice) -> None:
        """Keep the next office in file order."""
        if len(self._held) < self._in_memory:
            self._held.append(office)
            return
        data = pickle.dumps(office, pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._file is None:
                # Closed by close(): the batch keeps it open while its outputs are written.
                self._file = tempfile.TemporaryFile(prefix="pmqa-offices-", dir=self._scratch)  # noqa: SIM115
            self._file.seek(self._size)
            self._file.write(data)
        self._spans.append((self._size, len(data)))
        self._size += len(data)

    def place(self, place: Callable[[int, ScoredOffice], ScoredOffice]) -> None:
        """Once every office is in: ``place(index, office)`` gives the office as the batch
        reports it (its place in the batch laid on the office the worker sent). The offices
        held are placed now, those on disk each time one is read."""
        self._held = [place(n, office) for n, office in enumerate(self._held)]
        self._place = place
        self._flush()  # before the feedback workers are forked: they read, never write

    def _flush(self) -> None:
        with self._lock:
            if self._file is not None and self._flushed < self._size:
                self._file.flush()
                self._flushed = self._size

    def __getitem__(self, index: int) -> ScoredOffice:
        if index < len(self._held):
            return self._held[index]
        offset, length = self._spans[index - len(self._held)]
        office: ScoredOffice = pickle.loads(self._read(offset, length))
        return office if self._place is None else self._place(index, office)

    def _read(self, offset: int, length: int) -> bytes:
        assert self._file is not None
        if not hasattr(os, "pread"):  # Windows: no fork, so only this process's threads read
            with self._lock:
                self._file.seek(offset)
                return self._file.read(length)
        if offset + length > self._flushed:
            self._flush()
        parts: list[bytes] = []
        while length:  # a regular file gives it all at once; a short read is not an error
            part = os.pread(self._file.fileno(), length, offset)
            if not part:
                raise EOFError(f"the batch's scratch file ends before byte {offset + length}")
            parts.append(part)
            offset += len(part)
            length -= len(part)
        return b"".join(parts)

    def close(self) -> None:
        """Let go of every office and delete the scratch file."""
        self._held = []
        self._spans = []
        if self._file is not None:
            self._file.close()
            self._file = None


class Offices(Sequence[ScoredOffice]):
    """Some of a batch's offices, in a given order, each read when it is asked for.

    Iterating holds one office at a time; :meth:`picked` gives a new view without holding any
    (the batch sorts by the summaries it holds: ``BatchResult.in_order``).
    """

    def __init__(self, store: OfficeStore, indices: Sequence[int] | None = None) -> None:
        self._store = store
        self._indices: Sequence[int] = range(len(store)) if indices is None else indices

    def __len__(self) -> int:
        return len(self._indices)

    @overload
    def __getitem__(self, index: int) -> ScoredOffice: ...

    @overload
    def __getitem__(self, index: slice) -> Offices: ...

    def __getitem__(self, index: int | slice) -> ScoredOffice | Offices:
        if isinstance(index, slice):
            return Offices(self._store, self._indices[index])
        at = self._indices[index]
        return self._store[at]

    def __iter__(self) -> Iterator[ScoredOffice]:
        for at in self._indices:
            yield self._store[at]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Offices | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by content, as a list is

    def __repr__(self) -> str:
        return f"Offices({len(self)} of {len(self._store)})"

    def picked(self, positions: Sequence[int]) -> Offices:
        """The offices at these positions of this view, in the order given."""
        return Offices(self._store, [self._indices[n] for n in positions])
