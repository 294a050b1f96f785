"""A batch's feedback workbooks: one per office, named safely, written by worker processes
while the parent writes the results (report/feedback.py draws each workbook).

Each workbook's ตำแหน่ง sheet shows the office's province on a small map (report/locator.py).
The offices are handed to the workers a province at a time, so each province's picture is drawn
once, by the worker that writes that province's workbooks, and shared by them."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.compare.geography import Geography, geography, provinces_of
from pmqa_cli.compare.snapshot import office_scores
from pmqa_cli.core import portable
from pmqa_cli.report.feedback import write_feedback
from pmqa_cli.report.locator import LocatorMaps
from pmqa_cli.report.maps import warm_up
from pmqa_cli.report.names import feedback_file_names
from pmqa_cli.report.standing import Standing, peer_of, standings
from pmqa_cli.rubric.model import Rubric

__all__ = ["Feedbacks", "feedback_names", "start_feedbacks", "write_feedbacks"]


def feedback_names(offices: Sequence[ScoredOffice]) -> list[str]:
    """Each office's feedback file name: its code made safe for any system, unique and stable
    (report/names.py), so no office's feedback replaces another's."""
    return feedback_file_names(offices)


_RUBRIC: Rubric | None = None  # a feedback worker's rubric, sent once when it starts
_MAPS: LocatorMaps | None = None  # and its province pictures (drawn as its offices need them)

Task = tuple[ScoredOffice, Path, Standing]


def _start_worker(rubric: Rubric, maps: LocatorMaps) -> None:
    global _RUBRIC, _MAPS
    portable.exit_with_parent()  # a batch killed outright cannot stop its workers
    _RUBRIC, _MAPS = rubric, maps


def _write(tasks: Sequence[Task], rubric: Rubric, maps: LocatorMaps) -> None:
    """Write the workbooks of one province's offices (or of one office not placed), each with
    the province's picture, drawn the first time it is needed."""
    for office, path, standing in tasks:
        if office.scores is not None and office.scores.overall is not None:  # it has the sheet
            locator = maps.for_office(office.office.province, office.office.name)
            standing = replace(standing, locator=locator)
        write_feedback(office, rubric, path, standing)


def _write_in_worker(tasks: Sequence[Task]) -> None:
    assert _RUBRIC is not None and _MAPS is not None
    _write(tasks, _RUBRIC, _MAPS)


def _by_province(work: Sequence[Task]) -> list[list[Task]]:
    """The offices in groups that share a picture (their provinces), in the order the first of
    each comes; an office whose province is not found is a group of its own."""
    groups: dict[object, list[Task]] = {}
    for n, task in enumerate(work):
        office = task[0].office
        key = provinces_of(office.province, office.name) or n
        groups.setdefault(key, []).append(task)
    return list(groups.values())


class Feedbacks:
    """A batch's feedback workbooks being written by worker processes while the caller goes on
    (results.xlsx, JSON, CSV use the parent alone: the cores would wait otherwise).
    :meth:`wait` gives their paths once every one is written, and re-raises a worker's error."""

    def __init__(
        self, targets: list[Path], pool: ProcessPoolExecutor | None, futures: list[Future[None]]
    ) -> None:
        self.targets = targets
        self._pool = pool
        self._futures = futures

    def wait(self) -> list[Path]:
        """Every workbook written: their paths, in the offices' order."""
        try:
            for future in self._futures:
                future.result()  # re-raises a worker's error here
        finally:
            self.close()
        return self.targets

    def close(self) -> None:
        """Stop: workbooks not yet started are not written."""
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
) -> Feedbacks:
    """Start writing the feedback workbook of every office of a batch (see
    :func:`write_feedbacks`) in ``jobs`` processes, and return at once; a few workbooks, or
    one job, are written here before it returns. ``changes``: each office's change of overall
    score since ``previous_label``, by file path. ``geo``: the round on the map (the results'
    own, ``Analysis.geography``); made from ``offices`` when not given."""
    folder.mkdir(parents=True, exist_ok=True)
    places = standings(
        (peer_of(office) for office in offices),
        rubric.scoring.decimals,
        top=rubric.scoring.max_score,
        changes=changes,
        previous_label=previous_label,
    )
    if geo is None:
        geo = geography(office_scores(offices).values(), rubric.scoring.decimals)
    maps = LocatorMaps.of(geo, rubric)
    targets = [folder / name for name in feedback_names(offices)]
    work = [
        (office, target, places[office.path])
        for office, target in zip(offices, targets, strict=True)
    ]
    if jobs <= 1 or len(work) < 8:  # a few workbooks: starting processes costs more
        _write(work, rubric, maps)
        return Feedbacks(targets, None, [])
    context = multiprocessing.get_context(portable.start_method())
    if context.get_start_method() == "fork":
        # matplotlib imported and its font loaded once here, not in every worker (a third of
        # a second of CPU each); spawned workers import their own. Missing: each picture says so.
        with contextlib.suppress(ImportError):
            warm_up()
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(rubric, maps))  # fmt: skip
    futures = [pool.submit(_write_in_worker, group) for group in _by_province(work)]
    return Feedbacks(targets, pool, futures)


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
