"""A batch's feedback workbooks: one per office, named safely, written by worker processes
while the parent writes the results (report/feedback.py draws each workbook).

Each workbook's ตำแหน่ง sheet shows the office's province on a small map (report/locator.py),
one picture per province shared by its offices. A batch has them drawn by its map-drawing
process (report/map_drawer.py, which has matplotlib loaded) as soon as the round's geography is
known (:func:`order_pictures`), after its results' maps; the workers start at once and wait
for them at their first office, so neither they nor the parent import matplotlib. Without that
process (or when it died before drawing them) each worker draws the pictures of the provinces
it is handed: the offices are handed over a province at a time, so each picture is drawn once.
Forked workers (POSIX) are handed the positions of their offices and take the offices from the
parent's memory they were started with, as it was when they started (or from the batch's
scratch file): the offices are not pickled again, which cost the parent and the workers a
tenth of the feedback's CPU. Spawned workers (Windows) are handed the offices themselves. At
most ``IN_FLIGHT`` offices are with the workers at once, so a batch of thousands (whose offices
wait in a scratch file) is never read back whole into memory."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.compare.geography import Geography, geography, provinces_of
from pmqa_cli.compare.snapshot import office_scores
from pmqa_cli.core import portable
from pmqa_cli.core.errors import PmqaError
from pmqa_cli.report.feedback import write_feedback
from pmqa_cli.report.locator import Locator, LocatorMaps, draw_pictures
from pmqa_cli.report.map_drawer import MapDrawer, Shared
from pmqa_cli.report.maps import warm_up
from pmqa_cli.report.names import feedback_file_names
from pmqa_cli.report.outputs import remove_unfinished
from pmqa_cli.report.standing import Standing, peer_of, standings
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "Feedbacks",
    "Pictures",
    "feedback_names",
    "order_pictures",
    "start_feedbacks",
    "write_feedbacks",
]


def feedback_names(offices: Sequence[ScoredOffice]) -> list[str]:
    """Each office's feedback file name: its code made safe for any system, unique and stable
    (report/names.py), so no office's feedback replaces another's."""
    return feedback_file_names(offices)


@dataclass(frozen=True)
class Pictures:
    """The province pictures of a batch's feedback: the round's colours, and where the
    map-drawing process leaves the pictures when it draws them (:func:`order_pictures`)."""

    maps: LocatorMaps
    drawing: Shared[dict[tuple[str, ...], Locator]] | None = None

    def ready(self) -> LocatorMaps:
        """The pictures, once the drawing process has drawn them (waiting for it): those it
        did not draw (it died first) are drawn here as they are asked for."""
        if self.drawing is not None:
            drawn = self.drawing.get()
            if drawn is not None:
                self.maps.drawn.update(drawn)
        return self.maps


def order_pictures(
    offices: Sequence[ScoredOffice], geo: Geography, rubric: Rubric, drawer: MapDrawer,
    folder: Path,
) -> Pictures:  # fmt: skip
    """Have ``drawer`` draw the province picture of every office of the batch (its summaries
    do: only their registry province and name are read), after what it was given before, left
    in ``folder`` for the feedback workers (:meth:`Pictures.ready`)."""
    maps = LocatorMaps.of(geo, rubric)
    keys = dict.fromkeys(provinces_of(o.office.province, o.office.name) for o in offices)
    wanted = [key for key in keys if key]  # an office not placed has no picture
    if not wanted:
        return Pictures(maps)
    return Pictures(maps, drawer.share(draw_pictures, maps, wanted, to=folder / "pictures"))


Task = tuple[ScoredOffice, Path, Standing]
Work = Callable[[list[int]], list[Task]]  # the tasks of the offices at these positions

_RUBRIC: Rubric | None = None  # a feedback worker's rubric, sent once when it starts
_PICTURES: Pictures | None = None  # and its province pictures (waited for at its first office)
_MAPS: LocatorMaps | None = None  # those pictures, once there
_WORK: Work | None = None  # a forked worker's: its tasks from the offices it was started with


#: A feedback worker's collections of everything it made: one after this many workbooks (the
#: young objects are collected after each).
FULL_COLLECTION = 100
_written = 0  # workbooks this worker has written


def _start_worker(rubric: Rubric, pictures: Pictures, work: Work | None = None) -> None:
    """``work``: given to forked workers alone (a fork's arguments are not pickled)."""
    global _RUBRIC, _PICTURES, _MAPS, _WORK
    portable.exit_with_parent()  # a batch killed outright cannot stop its workers
    _RUBRIC, _PICTURES, _MAPS, _WORK = rubric, pictures, None, work
    # A workbook makes a few hundred thousand short-lived objects: the collector's automatic
    # passes over them, and over all a forked worker inherits, took about a ninth of this
    # process's CPU. What it inherits is set aside for good, and what it makes is collected
    # once a workbook instead (:func:`_write_in_worker`), so its memory stays as it was.
    gc.freeze()
    gc.disable()


def _write(tasks: Sequence[Task], rubric: Rubric, maps: LocatorMaps) -> None:
    """Write the workbooks of one province's offices (or of one office not placed), each with
    the province's picture, drawn the first time it is needed."""
    for office, path, standing in tasks:
        if office.scores is not None and office.scores.overall is not None:  # it has the sheet
            locator = maps.for_office(office.office.province, office.office.name)
            standing = replace(standing, locator=locator)
        write_feedback(office, rubric, path, standing)


def _write_in_worker(tasks: Sequence[Task]) -> None:
    global _MAPS, _written
    assert _RUBRIC is not None and _PICTURES is not None
    if _MAPS is None:  # its first offices: the pictures are needed now
        _MAPS = _PICTURES.ready()
    for task in tasks:
        _write([task], _RUBRIC, _MAPS)
        _written += 1
        gc.collect(1 if _written % FULL_COLLECTION else 2)  # the collector is off (_start_worker)


def _write_inherited(positions: list[int]) -> None:
    """A forked worker's job: the offices at these positions, from those it inherited."""
    assert _WORK is not None
    _write_in_worker(_WORK(positions))


def _by_province(offices: Sequence[ScoredOffice]) -> list[list[int]]:
    """The offices' positions in groups that share a picture (their provinces), in the order
    the first of each comes; an office whose province is not found is a group of its own."""
    groups: dict[object, list[int]] = {}
    for n, office in enumerate(offices):
        key = provinces_of(office.office.province, office.office.name) or n
        groups.setdefault(key, []).append(n)
    return list(groups.values())


#: Offices handed to the feedback workers and not yet written, at most: a national round is
#: handed over at once; a batch of thousands (whose offices wait in a scratch file,
#: assess/kept.py) is handed over as the workers finish, never all read back at once.
IN_FLIGHT = 500


#: New pools a batch's feedback may start after its workers were stopped abruptly.
RESTARTS = 1


def _stopped(count: int) -> PmqaError:
    return PmqaError(
        "The processes writing the feedback workbooks were stopped abruptly twice (killed, or "
        f"out of memory), with {count} office(s) not yet written; no output was changed. Close "
        "other programs and run the command again, or add --jobs 1 (one process, less memory).",
        th="โปรเซสที่เขียนไฟล์ผลย้อนกลับถูกหยุดกะทันหันสองครั้ง (ถูกสั่งปิด หรือหน่วยความจำไม่พอ) "
        f"ยังเขียนไม่เสร็จ {count} หน่วยงาน และไม่มีไฟล์ผลลัพธ์ใดถูกเปลี่ยน ปิดโปรแกรมอื่นแล้วสั่งใหม่ "
        "หรือเพิ่ม --jobs 1 (ใช้โปรเซสเดียว ใช้หน่วยความจำน้อยกว่า)",
    )


class Feedbacks:
    """A batch's feedback workbooks being written by worker processes while the caller goes on
    (results.xlsx, JSON, CSV use the parent alone: the cores would wait otherwise).
    :meth:`wait` hands over the rest, gives their paths once every one is written, and
    re-raises a worker's error.

    A worker stopped abruptly (the out-of-memory killer, a kill from outside) breaks its whole
    pool: the groups not yet written are handed to a new one (``start_pool``), their
    half-written files removed first; a second break stops the run with a message that says
    so (its outputs are then not committed)."""

    def __init__(
        self,
        targets: list[Path],
        start_pool: Callable[[], ProcessPoolExecutor] | None,
        work: Work | None,
        groups: list[list[int]],
        in_flight: int = IN_FLIGHT,
    ) -> None:
        """``work`` makes the tasks handed to the workers; None when they inherit the offices
        (forked) and are handed their positions."""
        self.targets = targets
        self._start_pool = start_pool
        self._pool = None if start_pool is None else start_pool()
        self._restarts = 0
        self._work = work
        self._groups = deque(groups)
        self._in_flight = in_flight
        self._futures: dict[Future[None], list[int]] = {}  # each group being written
        self._feed()

    def _feed(self) -> None:
        """Hand groups to the workers while fewer than ``in_flight`` offices are with them
        (one group at least, however large)."""
        if self._pool is None:  # written here already
            return
        while self._groups and (
            not self._futures
            or sum(map(len, self._futures.values())) + len(self._groups[0]) <= self._in_flight
        ):
            group = self._groups.popleft()
            if self._work is None:
                future = self._pool.submit(_write_inherited, group)
            else:
                future = self._pool.submit(_write_in_worker, self._work(group))
            self._futures[future] = group

    def wait(self) -> list[Path]:
        """Every workbook written: their paths, in the offices' order."""
        try:
            while self._futures:
                portable.check_stop()  # a stop whose exception Python swallowed
                done, _ = futures_wait(self._futures, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        future.result()  # re-raises a worker's error here
                    except BrokenProcessPool:
                        self._restart()
                        break
                    del self._futures[future]
                self._feed()
        finally:
            self.close()
        return self.targets

    def _restart(self) -> None:
        """A new pool for every group not yet written (the broken pool's groups first)."""
        unwritten = sorted(self._futures.values())
        self._futures.clear()
        count = sum(map(len, unwritten)) + sum(map(len, self._groups))
        assert self._pool is not None and self._start_pool is not None
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        if self._restarts >= RESTARTS:
            raise _stopped(count)
        self._restarts += 1
        for group in unwritten:
            for n in group:
                remove_unfinished(self.targets[n])
        self._groups.extendleft(reversed(unwritten))
        self._pool = self._start_pool()

    def close(self) -> None:
        """Stop: workbooks not yet started are not written."""
        self._groups.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Feedbacks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_feedbacks(
    offices: Sequence[ScoredOffice],
    rubric: Rubric,
    folder: Path,
    jobs: int = 1,
    *,
    changes: Mapping[str, Decimal] | None = None,
    previous_label: str = "",
    geo: Geography | None = None,
    pictures: Pictures | None = None,
    in_flight: int = IN_FLIGHT,
) -> Feedbacks:
    """Start writing the feedback workbook of every office of a batch (see
    :func:`write_feedbacks`) in ``jobs`` processes, and return at once; a few workbooks, or
    one job, are written here before it returns. ``changes``: each office's change of overall
    score since ``previous_label``, by file path. ``geo``: the round on the map (the results'
    own, ``Analysis.geography``); made from ``offices`` when not given. ``pictures``: the
    province pictures, ordered from the map-drawing process (:func:`order_pictures`), else
    drawn by the workers. ``offices`` is read one office at a time (a batch's
    :class:`~pmqa_cli.assess.kept.Offices`): at most ``in_flight`` of them are with the
    workers at once."""
    folder.mkdir(parents=True, exist_ok=True)
    places = standings(
        (peer_of(office) for office in offices),
        rubric.scoring.decimals,
        top=rubric.scoring.max_score,
        changes=changes,
        previous_label=previous_label,
    )
    if pictures is None:
        if geo is None:
            geo = geography(office_scores(offices).values(), rubric.scoring.decimals)
        pictures = Pictures(LocatorMaps.of(geo, rubric))
    targets = [folder / name for name in feedback_names(offices)]

    def work(positions: list[int]) -> list[Task]:
        tasks = []
        for n in positions:
            office = offices[n]
            tasks.append((office, targets[n], places[office.path]))
        return tasks

    if jobs <= 1 or len(offices) < 8:  # a few workbooks: starting processes costs more
        maps = pictures.ready()
        for n in range(len(offices)):
            _write(work([n]), rubric, maps)
        return Feedbacks(targets, None, work, [])
    context = multiprocessing.get_context(portable.start_method())
    forked = context.get_start_method() == "fork"
    if pictures.drawing is None and forked:
        # Drawn by the workers: matplotlib imported and its font loaded once here, not in every
        # worker (a third of a second of CPU each); spawned workers import their own. Missing:
        # each picture says so.
        with contextlib.suppress(ImportError):
            warm_up()
    given = pictures
    inherited = (work,) if forked else ()  # a spawned worker is handed its offices instead

    def start_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                   initargs=(rubric, given, *inherited))  # fmt: skip

    handed = None if forked else work
    return Feedbacks(targets, start_pool, handed, _by_province(offices), in_flight)


def write_feedbacks(
    offices: Sequence[ScoredOffice],
    rubric: Rubric,
    folder: Path,
    jobs: int = 1,
    *,
    changes: Mapping[str, Decimal] | None = None,
    previous_label: str = "",
    geo: Geography | None = None,
) -> list[Path]:
    """The feedback workbook of every office of a batch (with their ranks and the national and
    type means, and its province on the map), named by :func:`feedback_names`, written by
    ``jobs`` processes at once.

    Each workbook is written from the office's own scored object: no submission is read
    again. A write that fails (a full disk) stops the run with its error, as in one process.
    """
    started = start_feedbacks(
        offices, rubric, folder, jobs, changes=changes, previous_label=previous_label, geo=geo
    )
    return started.wait()
