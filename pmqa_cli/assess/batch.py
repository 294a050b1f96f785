"""Batch scoring: a folder of submissions in, one consolidated result out.

The files are read, validated and scored in worker processes (:mod:`.workers`: parallel,
isolated, with a time limit and a memory cap), each giving its office's
:class:`~pmqa_cli.assess.office.ScoredOffice` (the one object every output renders, rounded
once) and what the parent writes of its values, prepared in the worker. The parent gathers the
offices in file order, then places them: duplicates, provisional results, ranks, offices that
sent nothing. The values read (the audit trail, the bulk of the data) are streamed to a
temporary file rather than held in memory, and the offices beyond the first 500 wait in
another (:mod:`.kept`), so a batch of 10,000 files stays small; neither file can outlive pmqa.
"""

from __future__ import annotations

import copy
import os
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO, Any, NamedTuple

from pmqa_cli.assess import statistics
from pmqa_cli.assess.kept import Offices, OfficeStore
from pmqa_cli.assess.office import WHOLE_FILE_REFUSED, ScoredOffice, Verifier, score_office
from pmqa_cli.assess.statistics import ClaimStat, Stat
from pmqa_cli.assess.submission import OfficeInfo, ValueRead, choose
from pmqa_cli.assess.workers import BatchOptions, Delivery, Done, Prepared, Scorer, score_all
from pmqa_cli.core.findings import Finding, has_errors, make_finding
from pmqa_cli.core.numbers import competition_ranks
from pmqa_cli.io.mark import (
    SPREADSHEET_SUFFIXES,
    WRITTEN_RECORD,
    is_results_json,
    read_mark,
    recorded_output,
    written_record,
)
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = [
    "PROVISIONAL",
    "BatchOptions",
    "BatchResult",
    "ClaimStat",
    "Duplicate",
    "Found",
    "Prepared",
    "Scorer",
    "Stat",
    "discover",
    "run_batch",
]


# Why an office's result is provisional: its rank stands (except for an office not in the
# registry, which is listed but not ranked) but is not final until the reason is resolved.
PROVISIONAL: dict[str, tuple[str, str]] = {
    "errors": ("แบบฟอร์มมีข้อผิดพลาด", "the workbook has errors"),
    "conflict": ("ส่งหลายไฟล์ที่ต่างกัน", "the office sent different files"),
    "not-in-registry": ("ไม่อยู่ในทะเบียนหน่วยงาน (ไม่จัดอันดับ)", "not in the registry (not ranked)"),
    "verification": (
        "ไฟล์ตรวจสอบมีข้อผิดพลาด (ผลการตรวจยังไม่ครบ)",
        "a verification file has errors (the verified scores are not complete)",
    ),
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


@dataclass
class BatchResult:
    """Everything a batch produced. ``values_file`` holds the audit trail (see iter_values).

    ``files`` are the offices in file order, read one at a time from where the batch keeps
    them (:mod:`.kept`: in memory, or beyond a count in a scratch file): iterate them, or take
    a view (:attr:`scored`, :meth:`in_order`), rather than making a list of them; what needs
    no scores reads :attr:`summaries`. :meth:`close` lets go of them.
    """

    rubric: Rubric
    registry: Registry | None
    files: Offices
    #: Each office as placed, without its scores (what counts and findings need), held.
    summaries: Sequence[ScoredOffice]
    skipped: list[str]
    missing: list[Office]
    duplicates: list[Duplicate]
    values_file: IO[bytes]  # closed (and so deleted) by close()
    values_count: int = 0
    outputs_skipped: list[str] = field(default_factory=list)  # pmqa's own workbooks passed over
    verification: Verifier | None = None  # the review, data and correction files applied
    store: OfficeStore | None = None  # where ``files`` are kept (closed by :meth:`close`)

    @cached_property
    def _scored_positions(self) -> list[int]:
        """Where the files whose scores count are: readable, and chosen among duplicates."""
        return [n for n, f in enumerate(self.summaries) if f.readable and f.scored]

    @cached_property
    def scored(self) -> Offices:
        """The files whose scores count: readable, and chosen among duplicates."""
        return self.files.picked(self._scored_positions)

    @property
    def scored_summaries(self) -> list[ScoredOffice]:
        """The summaries of :attr:`scored` (held: reading them reads no office back)."""
        return [self.summaries[n] for n in self._scored_positions]

    def in_order(self, key: Callable[[ScoredOffice], Any], *, scored: bool = True) -> Offices:
        """The offices (with ``scored``, those whose scores count) sorted by ``key``, which is
        given each office's summary: its place, office details and findings, never its scores
        (so that sorting reads no office back)."""
        positions = list(self._scored_positions if scored else range(len(self.summaries)))
        positions.sort(key=lambda n: key(self.summaries[n]))
        return self.files.picked(positions)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every file, then those of the verification files."""
        found = [finding for f in self.summaries for finding in f.findings]
        return found + (list(self.verification.findings) if self.verification else [])

    def counts(self) -> dict[str, int]:
        """The closing summary's numbers."""
        readable = [f for f in self.summaries if f.readable]
        return {
            "files": len(self.summaries),
            "scored_clean": sum(1 for f in readable if f.scored and f.errors == 0),
            "scored_with_errors": sum(1 for f in readable if f.scored and f.errors > 0),
            "unreadable": len(self.summaries) - len(readable),
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
        """Delete the temporary files that hold the values read and the offices kept."""
        self.values_file.close()
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> BatchResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def iter_values(self) -> Iterator[tuple[str, str, ValueRead]]:
        """(file, sha256, value read) for every value of every file, in file order."""
        handle = self.values_file
        handle.flush()
        position = 0  # its own place in the file: two readers do not move each other's
        while True:
            handle.seek(position)
            try:
                path, sha, values = pickle.load(handle)
            except EOFError:
                return
            position = handle.tell()
            for value in values:
                yield path, sha, value

    @cached_property
    def _described(self) -> statistics.Described:
        """The statistics, band counts and claims: one pass over the scored offices."""
        return statistics.describe(self.rubric, self.scored)

    def statistics(self) -> list[Stat]:
        """Per part, issue and indicator: count, mean, median, min, max, standard deviation."""
        return list(self._described.statistics)

    def claim_statistics(self) -> list[ClaimStat]:
        """Per overall, issue and indicator: claims the committee did not confirm, offices whose
        verified score is below (over-claimed) or above (under-claimed) the self-assessed one,
        and the mean difference (exact, rounded once)."""
        return list(self._described.claims)

    def distribution(self) -> dict[str, dict[str, dict[str, int]]]:
        """Counts of overall bands and PMQA 4.0 statuses by office type (สพป., สพม., รวม)."""
        return copy.deepcopy(self._described.distribution)


# --- finding the files ---------------------------------------------------------------------


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


class Found(NamedTuple):
    """What :func:`discover` found under the paths given."""

    files: list[Path]  # the submissions, in order
    skipped: list[str]  # files passed over: not spreadsheets (and, once the batch has taken
    # its own inputs out, its verification files and earlier results: report/run.py)
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
    mark, io/mark.py) are never read as submissions, even when named on the command line,
    and are listed apart, as are a batch's JSON and the CSV, map and PDF files pmqa wrote into
    a folder under ``paths`` (its record there names them). Any other file named on the
    command line is always taken.
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
            record = written_record(Path(dirpath)) if WRITTEN_RECORD in filenames else {}
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith("~$") or _hidden(path):
                    continue
                if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
                    own = (name in record and recorded_output(path, record)) or (
                        path.suffix.lower() == ".json" and is_results_json(path)
                    )
                    (outputs if own else skipped).append(str(path))
                elif _own_output(path):
                    outputs.append(str(path))
                else:
                    found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve() if path.exists() else path, path)
    return Found(list(unique.values()), skipped, outputs)


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
    in file order (results.xlsx streams its audit trail from it); a :class:`Prepared` one has
    its work done in the workers. With ``keep_values`` they are also kept, in a temporary file,
    for :meth:`BatchResult.iter_values` (CSV output). ``discovered`` is :func:`discover`'s
    answer for ``paths`` when the caller already has it, so the folders are not walked twice.
    ``score`` reads one file (see :data:`Scorer`). ``verifier`` (the review, data and
    correction files) is laid over each office's answers: the verified scores are the official
    ones (ranks, bands), the self-assessed ones are kept beside.
    """
    files, skipped, own_outputs = discovered if discovered is not None else discover(paths)
    options = options or BatchOptions()
    sink = on_values if isinstance(on_values, Prepared) and on_values.prepare else None
    delivery = Delivery(
        prepare=sink.prepare if sink is not None else None,
        keep=keep_values,
        values=on_values is not None and sink is None,
    )
    store = OfficeStore(options.offices_in_memory, options.scratch)
    places: list[_Place] = []
    count = 0
    # Nameless on POSIX and deleted by Windows when closed: it cannot outlive pmqa, even killed.
    handle = tempfile.TemporaryFile(prefix="pmqa-values-", dir=options.scratch)  # noqa: SIM115

    def on_done(done: Done) -> None:
        nonlocal count
        office = done.office
        if keep_values:
            handle.write(done.kept)
        count += done.read
        if sink is not None:
            sink.add_prepared(office.path, office.sha256, done.prepared)
        elif on_values is not None:
            on_values(office.path, office.sha256, done.values)
        store.append(office)
        replaced = frozenset(c.item for c in office.changes)
        places.append(_Place(_unscored(office), office.overall, replaced=replaced))
        if progress is not None:
            progress(len(places), len(files), office.path)

    try:
        if files:
            score_all(files, rubric, registry, options, on_done, score, verifier, delivery)
    except BaseException:
        handle.close()
        store.close()
        raise
    duplicates = _mark_duplicates(places)
    if verifier is not None:
        # Without a registry the offices scored are the known ones: rows for any other office
        # code, or for an indicator that does not apply to the office's type, are findings.
        types = {p.office.office.code: p.office.office.type for p in places
                 if p.office.readable and p.scored and p.office.office.code}  # fmt: skip
        verifier.check_offices(types, rubric)
    _mark_provisional(places, registry, verifier)
    _rank(places)
    missing = _missing(places, registry)
    store.place(lambda n, office: places[n].placed(office))
    return BatchResult(
        rubric, registry, Offices(store), [p.placed(p.office) for p in places], skipped, missing,
        duplicates, handle, count, outputs_skipped=own_outputs,
        verification=verifier, store=store,
    )  # fmt: skip


def _unscored(office: ScoredOffice) -> ScoredOffice:
    """The office without its scores and audit trail: what placing it needs, held for every
    office of the batch (the whole office waits in the store)."""
    return replace(office, scores=None, self_assessed=None, changes=(), steps=None)


@dataclass
class _Place:
    """An office's place in the batch while the batch gathers: the findings the batch adds
    (copies, conflicts), whether it is the one scored, why it is provisional, its ranks."""

    office: ScoredOffice  # without its scores (_unscored)
    overall: Decimal | None  # its official overall score, by which it is ranked
    #: The items whose value a verification layer replaced (the office is held without its
    #: changes): errors about them leave the result final (ScoredOffice.open_errors).
    replaced: frozenset[str] = frozenset()
    findings: list[Finding] = field(default_factory=list)
    scored: bool = True
    provisional: list[str] = field(default_factory=list)
    rank: int | None = None
    rank_in_type: int | None = None
    info: OfficeInfo | None = None  # the registry's details for a file that cannot be read

    @property
    def path(self) -> str:
        return self.office.path

    def placed(self, office: ScoredOffice) -> ScoredOffice:
        """The office as the batch gives it: the worker's ``office`` in its place."""
        return replace(
            office,
            office=self.info or office.office,
            findings=(*office.findings, *self.findings),
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


def _mark_provisional(
    places: list[_Place], registry: Registry | None, verifier: Verifier | None = None
) -> None:
    """Give each scored office the reasons its result is not final (see PROVISIONAL): errors
    in its workbook (but not about a value a verification layer replaced), or in a
    verification file's rows about it (rows refused for their errors, a verdict on a claim
    it no longer makes: ScoredOffice.open_errors); a verification file refused whole leaves
    every office's official score open."""
    refused = verifier is not None and any(f.code in WHOLE_FILE_REFUSED for f in verifier.findings)
    for p in places:
        r = p.office
        if not (r.readable and p.scored):
            continue
        own, verifying = r.open_errors(p.findings, p.replaced)
        # A duplicate (reason "conflict") or an office not in the registry has its own reason.
        own = [f for f in own if f.code not in {"office-duplicate", "office-code-unknown"}]
        reasons = ["errors"] if own else []
        reasons += [x for x in p.provisional if x not in reasons]
        if registry is not None and r.office.code and r.office.code not in registry.offices:
            reasons.append("not-in-registry")
        if refused or verifying:
            reasons.append("verification")
        p.provisional = [x for x in PROVISIONAL if x in reasons]


def _rank(places: list[_Place]) -> None:
    scored = [
        p
        for p in places
        if p.office.readable
        and p.scored
        and p.overall is not None
        and "not-in-registry" not in p.provisional
    ]
    for p, rank in zip(scored, competition_ranks([p.overall for p in scored]), strict=True):
        p.rank = rank
    for office_type in OfficeType:
        group = [p for p in scored if p.office.office.type is office_type]
        ranks = competition_ranks([p.overall for p in group])
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
