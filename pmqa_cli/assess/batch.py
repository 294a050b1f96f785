"""Batch scoring: a folder of submissions in, one consolidated result out.

Files are scored in worker processes: in parallel across cores, and so that one file can never
take the batch down. A worker has a memory cap (``RLIMIT_AS``, where the OS offers one) and a
per-file time limit kept by the parent (a deadline, then terminate: no SIGALRM, so it works on
Windows too); a file that crashes, hangs or exhausts its worker is reported unreadable and the
worker replaced while the rest are scored (pmqa_cli/core/portable.py says what is chosen where).
Each worker returns the office's :class:`~pmqa_cli.assess.scored.ScoredOffice` (the one object
every output renders, rounded once); the values read (the audit trail, the bulk of the data)
are streamed to a temporary file rather than held in memory, so a batch of 10,000 files stays
small.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import re
import signal
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, NamedTuple

from pmqa_cli.assess.office import ScoredOffice, Verifier, rubric_used, score_office
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.submission import OfficeInfo, ValueRead, choose
from pmqa_cli.assess.trace import Verdict
from pmqa_cli.core import portable
from pmqa_cli.core.findings import Finding, has_errors, make_finding
from pmqa_cli.core.numbers import competition_ranks, json_number, round_half_up
from pmqa_cli.io.mark import SPREADSHEET_SUFFIXES, read_mark
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.rubric.model import Aggregation, OfficeType, Rubric

__all__ = [
    "PROVISIONAL",
    "BatchOptions",
    "BatchResult",
    "ClaimStat",
    "Duplicate",
    "Found",
    "Stat",
    "discover",
    "run_batch",
]


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs."""

    jobs: int = 0  # 0: one worker per core
    timeout_seconds: float = 60.0  # per file
    memory_mb: int = 1024  # per worker process
    limits: Limits = field(default_factory=Limits)
    steps: bool = False  # also work out each office's next steps (for feedback workbooks)


# Why an office's result is provisional: its rank stands (except for an office not in the
# registry, which is listed but not ranked) but is not final until the reason is resolved.
PROVISIONAL: dict[str, tuple[str, str]] = {
    "errors": ("แบบฟอร์มมีข้อผิดพลาด", "the workbook has errors"),
    "conflict": ("ส่งหลายไฟล์ที่ต่างกัน", "the office sent different files"),
    "not-in-registry": ("ไม่อยู่ในทะเบียนหน่วยงาน (ไม่จัดอันดับ)", "not in the registry (not ranked)"),
}


@dataclass(frozen=True)
class Duplicate:
    """One of several files claiming the same office."""

    code: str
    path: str
    submitted_on: date | None  # the workbook's own submission date (never the file's time)
    sha256: str
    chosen: bool
    copy_of: str | None = None  # a byte-identical copy of this file (counted once)


@dataclass(frozen=True)
class Stat:
    """Descriptive statistics of one column of scores (on the reported, rounded numbers)."""

    key: str
    label: str
    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    stdev: Decimal | None  # sample standard deviation (n - 1), as Excel's STDEV.S

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "mean": json_number(self.mean),
            "median": json_number(self.median),
            "min": json_number(self.minimum),
            "max": json_number(self.maximum),
            "stdev": json_number(self.stdev),
        }


@dataclass
class BatchResult:
    """Everything a batch produced. ``values_file`` holds the audit trail (see iter_values)."""

    rubric: Rubric
    registry: Registry | None
    files: list[ScoredOffice]
    skipped: list[str]
    missing: list[Office]
    duplicates: list[Duplicate]
    values_file: Path
    values_count: int = 0
    outputs_skipped: list[str] = field(default_factory=list)  # pmqa's own workbooks passed over
    verification: Verifier | None = None  # the review, data and correction files applied

    @property
    def scored(self) -> list[ScoredOffice]:
        """The files whose scores count: readable, and chosen among duplicates."""
        return [f for f in self.files if f.readable and f.scored]

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every file, then those of the verification files."""
        found = [finding for f in self.files for finding in f.findings]
        return found + (list(self.verification.findings) if self.verification else [])

    def counts(self) -> dict[str, int]:
        """The closing summary's numbers."""
        readable = [f for f in self.files if f.readable]
        return {
            "files": len(self.files),
            "scored_clean": sum(1 for f in readable if f.scored and f.errors == 0),
            "scored_with_errors": sum(1 for f in readable if f.scored and f.errors > 0),
            "unreadable": sum(1 for f in self.files if not f.readable),
            "duplicates": len(self.duplicates),
            "missing": len(self.missing),
            "skipped": len(self.skipped),
            "pmqa_outputs_skipped": len(self.outputs_skipped),
        }

    @property
    def clean(self) -> bool:
        """True when no file has an error (exit code 0)."""
        return not has_errors(self.findings)

    def close(self) -> None:
        """Delete the temporary file that holds the values read."""
        self.values_file.unlink(missing_ok=True)

    def __enter__(self) -> BatchResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def iter_values(self) -> Iterator[tuple[str, str, ValueRead]]:
        """(file, sha256, value read) for every value of every file, in file order."""
        with self.values_file.open("rb") as handle:
            while True:
                try:
                    path, sha, values = pickle.load(handle)
                except EOFError:
                    return
                for value in values:
                    yield path, sha, value

    def statistics(self) -> list[Stat]:
        """Per part, issue and indicator: count, mean, median, min, max, standard deviation."""
        sets = [f.scores for f in self.scored if f.scores is not None]
        columns: list[tuple[str, str, Sequence[Decimal | None]]] = [
            ("overall", "คะแนนรวม", [s.overall for s in sets]),
            ("pmqa", "หมวด 1-6 (PMQA 4.0)", [s.pmqa.score for s in sets]),
        ]
        if self.rubric.indicators:
            mean = self.rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN
            label = "คะแนนหมวด 7 (ค่าเฉลี่ยของมิติ)" if mean else "หมวด 7 (ตัวชี้วัด)"
            columns.append(("results", label, [s.results.score for s in sets]))
        if self.rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
            # The overall is the mean of the categories: their statistics come next (category
            # 7's are the "results" row above).
            for n, category in enumerate(self.rubric.category_ids):
                if category == "7":
                    continue
                scores = [s.categories[n].score for s in sets if len(s.categories) > n]
                what = "มิติ" if category == "7" else "ประเด็น"
                label = f"คะแนนหมวด {category} (ค่าเฉลี่ยของ{what})"
                columns.append((f"หมวด {category}", label, scores))
        for n, issue in enumerate(self.rubric.issues):
            values = [s.issues[n].score for s in sets if len(s.issues) > n]
            columns.append((issue.id, issue.title_th, values))
        for n, ind in enumerate(self.rubric.indicators):
            counted = [s.indicators[n].counted_score for s in sets if len(s.indicators) > n]
            columns.append((ind.id, ind.title_th, counted))
        decimals = self.rubric.scoring.decimals
        return [
            _describe(key, label, [v for v in values if v is not None], decimals)
            for key, label, values in columns
        ]

    def claim_statistics(self) -> list[ClaimStat]:
        """Per overall, issue and indicator: claims the committee did not confirm, offices whose
        verified score is below (over-claimed) or above (under-claimed) the self-assessed one,
        and the mean difference (exact, rounded once)."""
        pairs = [(f.self_assessed, f.scores) for f in self.scored
                 if f.self_assessed is not None and f.scores is not None]  # fmt: skip
        rejected = rejected_claims(verified for _, verified in pairs)
        decimals = self.rubric.scoring.decimals
        out: list[ClaimStat] = []

        def stat(key: str, label: str, both: list[tuple[Decimal, Decimal]], count: int) -> None:
            diffs = [Fraction(verified) - Fraction(own) for own, verified in both]
            mean = round_half_up(sum(diffs, Fraction(0)) / len(diffs), decimals) if diffs else None
            lower, higher = sum(1 for d in diffs if d < 0), sum(1 for d in diffs if d > 0)
            out.append(ClaimStat(key, label, count, lower, higher, mean))

        overall = [(own.overall, verified.overall) for own, verified in pairs
                   if own.overall is not None and verified.overall is not None]  # fmt: skip
        stat("overall", "คะแนนรวม", overall, sum(rejected.values()))
        for n, issue in enumerate(self.rubric.issues):
            ids = {c.id for t in issue.tiers for c in t.criteria}
            both = [(own.issues[n].score, verified.issues[n].score) for own, verified in pairs
                    if len(own.issues) > n and len(verified.issues) > n]  # fmt: skip
            stat(issue.id, issue.title_th, both, sum(rejected.get(i, 0) for i in ids))
        for n, ind in enumerate(self.rubric.indicators):
            both = []
            for own, verified in pairs:
                if len(own.indicators) <= n or len(verified.indicators) <= n:
                    continue
                a, b = own.indicators[n].counted_score, verified.indicators[n].counted_score
                if a is not None and b is not None:
                    both.append((a, b))
            stat(ind.id, ind.title_th, both, rejected.get(ind.id, 0))
        return out

    def distribution(self) -> dict[str, dict[str, dict[str, int]]]:
        """Counts of overall bands and PMQA 4.0 statuses by office type (สพป., สพม., รวม)."""
        out: dict[str, dict[str, dict[str, int]]] = {}
        scoring = self.rubric.scoring
        for name, labels, attr in (
            ("band", [b.label_th for b in scoring.overall_bands], "band_th"),
            ("status", [b.label_th for b in scoring.pmqa_status_bands], "status_th"),
        ):
            table = {label: {"สพป.": 0, "สพม.": 0, "รวม": 0} for label in labels}
            for f in self.scored:
                label = getattr(f, attr)
                if label not in table:
                    continue
                kind = f.office.type.abbrev_th if f.office.type else None
                if kind:
                    table[label][kind] += 1
                table[label]["รวม"] += 1
            out[name] = table
        return out


@dataclass(frozen=True)
class ClaimStat:
    """How far offices over- or under-claim the overall, one issue or one indicator."""

    key: str
    label: str
    rejected: int  # claims (criteria or indicator values) the committee did not confirm
    lower: int  # offices whose verified score is below their self-assessed one: over-claimed
    higher: int  # offices whose verified score is above it: under-claimed
    mean_difference: Decimal | None  # mean of verified - self-assessed, over the offices

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"key": self.key, "label": self.label, "rejected": self.rejected,
                "lower": self.lower, "higher": self.higher,
                "mean_difference": json_number(self.mean_difference)}  # fmt: skip


def rejected_claims(score_sets: Iterable[Scores]) -> dict[str, int]:
    """Item id -> how many offices' claims the committee did not confirm."""
    counts: dict[str, int] = defaultdict(int)
    for scores in score_sets:
        traces = [c.trace for i in scores.issues for c in i.criteria]
        traces += [i.trace for i in scores.indicators]
        for trace in traces:
            if trace is not None and trace.verdict is Verdict.REJECTED:
                counts[trace.item] += 1
    return counts


def _describe(key: str, label: str, values: list[Decimal], decimals: int) -> Stat:
    if not values:
        return Stat(key, label, 0, None, None, None, None, None)
    # The reported scores are short decimals: as Fractions, the mean and median are exact
    # before their one rounding (the standard deviation, a square root, is not).
    exact = [Fraction(v) for v in values]

    def r(x: Fraction | float) -> Decimal:
        return round_half_up(x, decimals)

    stdev = r(statistics.stdev(exact)) if len(exact) > 1 else None
    return Stat(
        key,
        label,
        len(values),
        r(sum(exact, Fraction(0)) / len(exact)),
        r(statistics.median(exact)),
        min(values),
        max(values),
        stdev,
    )


# --- finding the files ---------------------------------------------------------------------


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


class Found(NamedTuple):
    """What :func:`discover` found under the paths given."""

    files: list[Path]  # the submissions, in order
    skipped: list[str]  # files passed over that are not spreadsheets
    outputs: list[str]  # pmqa's own results and feedback workbooks, passed over


def _own_output(path: Path) -> bool:
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return False
    mark = read_mark(path)
    return mark is not None and mark.is_output


def discover(paths: Iterable[Path]) -> Found:
    """Submissions under ``paths`` (folders recursively, sorted), and the files passed over.

    Spreadsheets (.xlsx, .xlsm, .xls, .xlsb, .ods) are taken, so an office that sent the wrong
    kind is told why; Excel lock files (~$...) and hidden files are skipped silently; anything
    else is listed as passed over. pmqa's own results and feedback workbooks (they carry its
    mark, workbook/mark.py) are never read as submissions, even when named on the command line,
    and are listed apart. Any other file named on the command line is always taken.
    """
    found: list[Path] = []
    skipped: list[str] = []
    outputs: list[str] = []
    for root in paths:
        if not root.is_dir():
            if _own_output(root):
                outputs.append(str(root))
            else:
                found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith("~$") or _hidden(path):
                    continue
                if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
                    skipped.append(str(path))
                elif _own_output(path):
                    outputs.append(str(path))
                else:
                    found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve() if path.exists() else path, path)
    return Found(list(unique.values()), skipped, outputs)


# --- the workers ----------------------------------------------------------------------------
#
# Each worker is a process of its own that reads one file at a time. The parent keeps the time
# limit (a deadline per file, then terminate) rather than SIGALRM, which Windows lacks, and knows
# exactly which file a worker was reading when it died, so no file needs a second try.

#: Reads, validates, scores and verifies one file (a module-level function: it is sent to the
#: worker processes). :func:`~pmqa_cli.assess.office.score_office`; tests pass one that
#: misbehaves.
Scorer = Callable[..., ScoredOffice]


def _worker_main(
    conn: Connection,
    rubric: Rubric,
    registry: Registry | None,
    options: BatchOptions,
    score: Scorer,
    verifier: Verifier | None,
) -> None:
    """A worker: score each path the parent sends, answer with a :class:`ScoredOffice`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
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
        except MemoryError:
            detail = f"reading needed more than {options.memory_mb} MB of memory"
            result = _failed(path, rubric, detail)
        conn.send(result)


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


def _failed(path: str, rubric: Rubric, detail: str) -> ScoredOffice:
    finding = make_finding("file-unreadable", file=path, detail=detail)
    return ScoredOffice(path, "", False, OfficeInfo(), rubric_used(rubric), (finding,),
                        mtime=_mtime(path))  # fmt: skip


@dataclass
class _Slot:
    """One worker process, and the file it is reading (None when idle)."""

    process: Any
    conn: Connection
    ready: bool = False  # started up and waiting for a file
    index: int | None = None
    deadline: float = 0.0

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - ignored SIGTERM
            self.process.kill()
            self.process.join()


def _score_all(
    files: list[Path],
    rubric: Rubric,
    registry: Registry | None,
    options: BatchOptions,
    on_result: Callable[[ScoredOffice], None],
    score: Scorer = score_office,
    verifier: Verifier | None = None,
) -> None:
    """Score every file in worker processes, delivering results in file order."""
    context: Any = multiprocessing.get_context(portable.start_method())
    paths = [str(f) for f in files]
    jobs = max(1, min(options.jobs or os.cpu_count() or 1, len(paths)))
    window = jobs * 4  # bounded look-ahead keeps memory flat however many files
    ready: dict[int, ScoredOffice] = {}
    sent = delivered = 0

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main,
            args=(child, rubric, registry, options, score, verifier),
            daemon=True,
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    slots: list[_Slot] = []
    failed_starts = 0
    try:
        slots = [start() for _ in range(jobs)]
        while delivered < len(paths):
            for slot in slots:
                if slot.ready and slot.index is None and sent < min(len(paths), delivered + window):
                    slot.conn.send(paths[sent])
                    slot.index, slot.deadline = sent, time.monotonic() + options.timeout_seconds
                    sent += 1
            watched = [s for s in slots if s.index is not None or not s.ready]
            deadlines = [s.deadline for s in watched if s.index is not None]
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
                index = slot.index
                if index is None:
                    continue
                failure = None
                if slot.conn.poll():
                    try:
                        ready[index] = slot.conn.recv()
                        slot.index = None
                        continue
                    except (EOFError, OSError):
                        failure = "the reader crashed on this file"
                elif not slot.process.is_alive():
                    failure = "the reader crashed on this file"
                elif time.monotonic() >= slot.deadline:
                    failure = f"reading took longer than {options.timeout_seconds:g} s"
                if failure is not None:
                    ready[index] = _failed(paths[index], rubric, failure)
                    slot.stop()
                    slots[n] = start()
            while delivered in ready:
                on_result(ready.pop(delivered))
                delivered += 1
    finally:
        for slot in slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
            slot.stop()


# --- the batch ------------------------------------------------------------------------------


def run_batch(
    paths: Sequence[Path],
    rubric: Rubric,
    *,
    registry: Registry | None = None,
    options: BatchOptions | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    on_values: Callable[[str, str, Sequence[ValueRead]], None] | None = None,
    keep_values: bool = True,
    discovered: Found | None = None,
    score: Scorer = score_office,
    verifier: Verifier | None = None,
) -> BatchResult:
    """Score every submission found under ``paths``. Never raises for a bad submission.

    ``on_values(file, sha256, values)`` receives each file's values as soon as it is scored,
    in file order (results.xlsx streams its audit trail from it). With ``keep_values`` they are
    also kept, in a temporary file, for :meth:`BatchResult.iter_values` (CSV output).
    ``discovered`` is :func:`discover`'s answer for ``paths`` when the caller already has it,
    so the folders are not walked twice. ``score`` reads one file (see :data:`Scorer`).
    ``verifier`` (the review, data and correction files) is laid over each office's answers: the
    verified scores are the official ones (ranks, bands), the self-assessed ones are kept beside.
    """
    files, skipped, own_outputs = discovered if discovered is not None else discover(paths)
    options = options or BatchOptions()
    results: list[ScoredOffice] = []
    count = 0
    with tempfile.NamedTemporaryFile(
        prefix="pmqa-values-", suffix=".pickle", delete=False
    ) as handle:

        def on_result(result: ScoredOffice) -> None:
            nonlocal count
            if keep_values:
                pickle.dump((result.path, result.sha256, result.values), handle)
            count += len(result.values)
            if on_values is not None:
                on_values(result.path, result.sha256, result.values)
            results.append(replace(result, values=()))
            if progress is not None:
                progress(len(results), len(files), result.path)

        try:
            if files:
                _score_all(files, rubric, registry, options, on_result, score, verifier)
        except BaseException:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
            raise
    places = [_Place(r) for r in results]
    duplicates = _mark_duplicates(places)
    if verifier is not None:
        # Without a registry the offices scored are the known ones: rows for any other office
        # code, or for an indicator that does not apply to the office's type, are findings.
        types = {p.office.office.code: p.office.office.type for p in places
                 if p.office.readable and p.scored and p.office.office.code}  # fmt: skip
        verifier.check_offices(types, rubric)
    _mark_provisional(places, registry)
    _rank(places)
    missing = _missing(places, registry)
    return BatchResult(
        rubric, registry, [p.placed() for p in places], skipped, missing, duplicates,
        Path(handle.name), count, outputs_skipped=own_outputs, verification=verifier,
    )  # fmt: skip


@dataclass
class _Place:
    """An office's place in the batch while the batch gathers: the findings the batch adds
    (copies, conflicts), whether it is the one scored, why it is provisional, its ranks."""

    office: ScoredOffice
    findings: list[Finding] = field(default_factory=list)
    scored: bool = True
    provisional: list[str] = field(default_factory=list)
    rank: int | None = None
    rank_in_type: int | None = None
    info: OfficeInfo | None = None  # the registry's details for a file that cannot be read

    @property
    def path(self) -> str:
        return self.office.path

    def placed(self) -> ScoredOffice:
        """The office as the batch gives it: built once, from the worker's office and its place."""
        return replace(
            self.office,
            office=self.info or self.office.office,
            findings=(*self.office.findings, *self.findings),
            scored=self.scored,
            provisional=tuple(self.provisional),
            rank=self.rank,
            rank_in_type=self.rank_in_type,
        )


def _mark_duplicates(places: list[_Place]) -> list[Duplicate]:
    """Several files for one office: byte-identical copies count once; different files are a
    conflict, resolved by the workbook's own submission date, then by file name (never by the
    file system's times, which change when files are copied)."""
    by_code: dict[str, list[_Place]] = defaultdict(list)
    for p in places:
        if p.office.readable and p.office.office.code:
            by_code[p.office.office.code].append(p)
    duplicates: list[Duplicate] = []
    for code, group in sorted(by_code.items()):
        if len(group) < 2:
            continue
        group.sort(key=lambda p: (Path(p.path).name, p.path))
        originals: dict[str, _Place] = {}
        for p in group:
            originals.setdefault(p.office.sha256, p)
        distinct = list(originals.values())
        chosen = choose(distinct, lambda p: p.office.office.submitted_on, lambda p: p.path)
        for p in group:
            original = originals[p.office.sha256]
            p.scored = p is chosen
            copy_of = None if p is original else original.path
            submitted = p.office.office.submitted_on
            duplicates.append(
                Duplicate(code, p.path, submitted, p.office.sha256, p is chosen, copy_of)
            )
            if copy_of is not None:
                p.findings.append(
                    make_finding("office-copy", file=p.path, value=code, same=Path(copy_of).name)
                )
            elif len(distinct) > 1:
                p.findings.append(
                    make_finding(
                        "office-duplicate",
                        file=p.path,
                        value=code,
                        count=len(distinct),
                        chosen=Path(chosen.path).name,
                    )
                )
        if len(distinct) > 1:
            chosen.provisional.append("conflict")
    return duplicates


def _mark_provisional(places: list[_Place], registry: Registry | None) -> None:
    """Give each scored office the reasons its result is not final (see PROVISIONAL)."""
    for p in places:
        r = p.office
        if not (r.readable and p.scored):
            continue
        own = [f for f in (*r.findings, *p.findings)
               if f.code not in {"office-duplicate", "office-code-unknown"}]  # fmt: skip
        reasons = ["errors"] if has_errors(own) else []
        reasons += [x for x in p.provisional if x not in reasons]
        if registry is not None and r.office.code and r.office.code not in registry.offices:
            reasons.append("not-in-registry")
        p.provisional = [x for x in PROVISIONAL if x in reasons]


def _rank(places: list[_Place]) -> None:
    scored = [
        p
        for p in places
        if p.office.readable
        and p.scored
        and p.office.overall is not None
        and "not-in-registry" not in p.provisional
    ]
    for p, rank in zip(scored, competition_ranks([p.office.overall for p in scored]), strict=True):
        p.rank = rank
    for office_type in OfficeType:
        group = [p for p in scored if p.office.office.type is office_type]
        ranks = competition_ranks([p.office.overall for p in group])
        for p, rank in zip(group, ranks, strict=True):
            p.rank_in_type = rank


def _code_in_name(path: str, registry: Registry) -> str | None:
    """The one registry code that the file's name carries as a word (P022.xlsx, สพป P022 v2)."""
    words = {w.upper() for w in re.split(r"[^0-9A-Za-z]+", Path(path).stem) if w}
    found = [code for code in words if code in registry.offices]
    return found[0] if len(found) == 1 else None


def _missing(places: list[_Place], registry: Registry | None) -> list[Office]:
    """Offices in the registry with no file. A file that could not be read, or has no office
    code, counts for the office its name carries, so that office is reported once (as
    unreadable or with its errors), not also as "did not send"."""
    if registry is None:
        return []
    seen = {p.office.office.code for p in places if p.office.readable and p.office.office.code}
    for p in places:
        r = p.office
        if not r.readable or not r.office.code:
            code = _code_in_name(r.path, registry)
            if code is not None:
                seen.add(code)
                if not r.readable:
                    office = registry.offices[code]
                    p.info = OfficeInfo(
                        code=office.code, name=office.name, type=office.type,
                        province=office.province, region=office.region,
                    )  # fmt: skip
    return [o for o in registry if o.code not in seen]
