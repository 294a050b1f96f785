"""A run of pmqa, as the commands do it: find the submissions, check every output before the
first file is read, score, and write results, JSON, CSV, feedback, PDF, comparisons, the review
workbook, the template and sample submissions. No typer or rich here: the command layer renders
what these return.

Every command that writes files writes them as one set (report/staging.py): its outputs are
locked before any work, staged beside their targets and moved into place together at the end,
so a full disk, Ctrl+C or SIGTERM part-way leaves the previous outputs whole, and a second run
aimed at the same outputs is refused at once, naming the first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pmqa_cli.assess.batch import BatchOptions, BatchResult, Found, discover, run_batch
from pmqa_cli.assess.office import ScoredOffice, score_office
from pmqa_cli.assess.reading import read_submission
from pmqa_cli.assess.submission import Submission, choose
from pmqa_cli.compare.analysis import BATCH_OPTIONS, Analysis, analyse, round_label, round_text
from pmqa_cli.compare.comparison import Comparison, compare, fill_details
from pmqa_cli.compare.labels import distinct_labels
from pmqa_cli.compare.previous import load_result
from pmqa_cli.compare.snapshot import Snapshot
from pmqa_cli.core.errors import UsageError
from pmqa_cli.core.findings import has_errors
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.report.comparison_book import (
    write_comparison,
    write_comparison_csv,
    write_comparison_json,
)
from pmqa_cli.report.feedback import write_feedback
from pmqa_cli.report.feedbacks import order_pictures, start_feedbacks
from pmqa_cli.report.given import given_paths, must_exist
from pmqa_cli.report.guard import WRITTEN_RECORD, Form, Target, check_outputs, record_written
from pmqa_cli.report.map_drawer import MapDrawer
from pmqa_cli.report.map_sheet import write_map_files
from pmqa_cli.report.outputs import output_timestamp
from pmqa_cli.report.pdf import to_pdf
from pmqa_cli.report.results import ResultsWorkbook, write_csv, write_json
from pmqa_cli.report.staging import OutputSet
from pmqa_cli.rubric.model import Rubric
from pmqa_cli.verify.apply import Layers
from pmqa_cli.verify.inputs import Verification

if TYPE_CHECKING:
    from pmqa_cli.report.sample import PlantedMistake

__all__ = [
    "BatchWritten",
    "LeftOut",
    "Outputs",
    "ReviewChoice",
    "ReviewConflict",
    "check_outputs_of",
    "choose_for_review",
    "compare_and_write",
    "compare_results",
    "files_to_check",
    "find_submissions",
    "load_previous",
    "score_and_write",
    "write_batch",
    "write_comparison_files",
    "write_review_workbook",
    "write_sample_folder",
    "write_template_file",
]

#: Called with (files done, files in all, the file just scored) as a batch goes.
Tick = Callable[[int, int, str], None]
#: Given the number of files, a context that reports progress through the Tick it yields.
Progress = Callable[[int], AbstractContextManager[Tick]]


@dataclass(frozen=True)
class Outputs:
    """What a batch or a comparison writes: its workbook (``-o``), and the JSON file, the CSV
    folder and the folder of feedback workbooks when they are asked for."""

    workbook: Path
    json: Path | None = None
    csv: Path | None = None
    feedback: Path | None = None
    maps: Path | None = None  # a folder for the maps as PNG and SVG

    def targets(self, kind: Kind, pdf: bool = False) -> list[Target]:
        """Each output as the guard checks it; the workbook is of ``kind``; with ``pdf`` the
        workbooks' PDFs too (the workbook's beside it, the feedback PDFs in their folder)."""
        targets = [Target("-o", self.workbook, Form.WORKBOOK, kind)]
        if pdf:
            targets.append(Target("--pdf", self.workbook.with_suffix(".pdf"), Form.PDF))
        if self.json is not None:
            targets.append(Target("--json", self.json, Form.JSON))
        if self.csv is not None:
            targets.append(Target("--csv", self.csv, Form.CSV_FOLDER))
        if self.feedback is not None:
            targets.append(Target("--feedback", self.feedback, Form.FEEDBACK_FOLDER, with_pdf=pdf))
        if self.maps is not None:
            targets.append(Target("--maps", self.maps, Form.MAP_FOLDER))
        return targets

    def paths(self, pdf: bool = False) -> list[Path]:
        """Every path written (the workbook first), for staging and locking."""
        found = [self.workbook, self.json, self.csv, self.feedback, self.maps]
        if pdf:
            found.append(self.workbook.with_suffix(".pdf"))
        return [p for p in found if p is not None]


def find_submissions(
    paths: Sequence[Path],
    *,
    previous: Sequence[Path] = (),
    verifying: Sequence[Path] = (),
) -> Found:
    """The submissions under ``paths`` (folders recursively, and files), checked first to exist
    with the ``previous`` results; a usage error when there are none.

    An earlier result or a verification file kept in the submissions folder is an input of
    another kind, never scored as an office: it is listed as passed over.
    """
    must_exist(*paths, *previous)
    found = discover(paths)
    others = {p.resolve() for p in [*previous, *verifying]}
    found = found._replace(
        files=[f for f in found.files if f.resolve() not in others],
        skipped=found.skipped + [str(f) for f in found.files if f.resolve() in others],
    )
    if not found.files:
        searched = ", ".join(str(p) for p in paths)
        outputs = len(found.outputs)
        raise UsageError(
            f"No submissions found (.xlsx, .xlsm, .xls, .xlsb, .ods) under: {searched}"
            + (
                f" (passed over {outputs} results/feedback workbooks pmqa wrote)" if outputs else ""
            ),
            th=f"ไม่พบแบบประเมิน (.xlsx, .xlsm, .xls, .xlsb, .ods) ใน {searched}"
            + (f" (ข้ามสมุดงานผลลัพธ์หรือแจ้งผลที่ pmqa เขียนไป {outputs:,} ไฟล์)" if outputs else ""),
        )
    return found


def files_to_check(paths: Sequence[Path]) -> list[Path]:
    """What ``pmqa validate`` checks: each file as named (a missing or unreadable one is its
    finding), and for a folder the submissions in it, found as a batch finds them (pmqa's own
    outputs and files that are not spreadsheets passed over); a usage error for a folder
    without any."""
    files: list[Path] = []
    for path in paths:
        files += find_submissions([path]).files if path.is_dir() else [path]
    return files


def check_outputs_of(
    outputs: Outputs,
    kind: Kind,
    *,
    inputs: Sequence[Path | None],
    input_folders: Sequence[Path] = (),
    force: bool = False,
    pdf: bool = False,
) -> None:
    """Every output, checked against the inputs (files given, or None for an option not given)
    and the folders searched, before the first file is read; a usage error if one is refused.
    With ``pdf`` the PDFs printed beside the workbooks are outputs too."""
    check_outputs(
        outputs.targets(kind, pdf),
        inputs=given_paths(*inputs),
        input_folders=[p for p in input_folders if p.is_dir()],
        force=force,
    )


def load_previous(files: Sequence[Path], labels: Sequence[str], rubric: Rubric) -> list[Snapshot]:
    """Earlier results to compare with, labelled; problems in them are their findings."""
    if labels and len(labels) != len(files):
        raise UsageError(
            f"Give one --previous-label for each --previous ({len(files)} files, "
            f"{len(labels)} labels), in the same order, or none.",
            th=f"ระบุ --previous-label หนึ่งชื่อต่อ --previous หนึ่งไฟล์ เรียงตามลำดับเดียวกัน "
            f"(ตอนนี้มี {len(files)} ไฟล์ {len(labels)} ชื่อ) หรือไม่ระบุเลย",
        )
    return [
        load_result(path, rubric, label=labels[n] if labels else None)
        for n, path in enumerate(files)
    ]


@dataclass
class BatchWritten:
    """A finished batch, its analysis, and every file written (results workbook first)."""

    batch: BatchResult
    analysis: Analysis
    written: list[Path] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No file with errors, no error in the earlier results compared with."""
        comparison = self.analysis.comparison
        return self.batch.clean and not (comparison and has_errors(comparison.findings))


@contextmanager
def write_batch(
    found: Found,
    paths: Sequence[Path],
    rubric: Rubric,
    outputs: Outputs,
    *,
    registry: Registry | None,
    options: BatchOptions,
    command: str,
    earlier: Sequence[Snapshot] = (),
    verification: Verification | None = None,
    round_: str = "",
    pdf: bool = False,
    progress: Progress | None = None,
    drawer: MapDrawer | None = None,
) -> Iterator[BatchWritten]:
    """Score ``found`` and write every output; yields what was written while the batch is
    still open (its values readable), and closes it after.

    results.xlsx takes in each file's values while the rest are being scored. With ``pdf``
    the results and feedback workbooks are also printed to PDF beside them. Every output is
    written into a staging folder beside its target and moved into place only when all are
    written (report/staging.py): an error, Ctrl+C or SIGTERM leaves the previous outputs whole,
    and a second run aimed at the same outputs is refused while this one runs. ``drawer``
    draws the maps (started before the batch, report/map_drawer.py), else the workbook starts
    one; either way it is ended with the workbook.
    """
    if earlier:  # rounds that cannot be told apart are refused before anything is scored
        distinct_labels(_this_round(rubric, round_), earlier, BATCH_OPTIONS)
    with OutputSet(outputs.paths(pdf), command=command) as staged:
        options = replace(options, scratch=staged.scratch)  # its temporary files stay in there
        book = staged.stage(outputs.workbook)
        with ResultsWorkbook(
            book, rubric, compared=bool(earlier), verified=verification is not None,
            scratch=staged.scratch, drawer=drawer,
        ) as workbook:  # fmt: skip
            with (progress or _no_progress)(len(found.files)) as tick:
                batch = run_batch(
                    paths, rubric, registry=registry, options=options, progress=tick,
                    on_values=workbook.add_values, keep_values=outputs.csv is not None,
                    discovered=found,
                    verifier=None if verification is None else Layers(verification),
                )  # fmt: skip
            with batch, ExitStack() as stack:
                # The round's maps go to the drawing process as soon as the geography is known
                # (this process waits for them once its tables are written), the feedback's
                # province pictures after them, once the analysis is done (its workers wait for
                # them from their start). On the 245 samples the other order had this process
                # wait ~3 s for the maps; this one has the workers wait as long while it and
                # the drawer work.
                maps_now = partial(workbook.draw_maps, last=outputs.feedback is None)
                analysis = analyse(batch, earlier, when=output_timestamp(), round_=round_,
                                   on_geography=maps_now)  # fmt: skip
                feedbacks = None
                if outputs.feedback is not None:
                    pictures = order_pictures(batch.scored_summaries, analysis.geography, rubric,
                                              workbook.drawer, staged.scratch)  # fmt: skip
                    workbook.drawer.done()
                    # Written by workers while this process writes the results.
                    changes, label = _changes(batch, analysis)
                    feedbacks = stack.enter_context(start_feedbacks(
                        batch.scored, rubric, staged.stage(outputs.feedback),
                        options.jobs or os.cpu_count() or 1, changes=changes,
                        previous_label=label, geo=analysis.geography, pictures=pictures,
                    ))  # fmt: skip
                workbook.finish(batch, command, analysis)
                written = [book, *_write_others(batch, analysis, rubric, outputs, staged, command)]
                printed = [book]
                if feedbacks is not None:
                    printed += feedbacks.wait()
                    written += printed[1:]
                if pdf:
                    written += _print(staged, outputs.workbook, printed)
                staged.commit()
                yield BatchWritten(batch, analysis, [staged.final(p) for p in written])


def _this_round(rubric: Rubric, round_: str) -> Snapshot:
    """This round as its label, round and day name it, before any office is scored: what
    :func:`~pmqa_cli.compare.labels.distinct_labels` tells rounds apart by."""
    shown = round_text(round_)
    label = round_label(rubric.fiscal_year, shown)
    return Snapshot(label, "", {}, round=shown, processed=output_timestamp().date())


def _print(staged: OutputSet, workbook: Path, workbooks: Sequence[Path]) -> list[Path]:
    """``workbooks`` (staged; the first is ``workbook``'s) printed to PDF beside them, each
    recorded as pmqa's in its folder's WRITTEN_RECORD (merged with the record there when the
    set is committed), so a later run may replace it and nothing else (report/guard.py)."""
    staged.stage(workbook.with_suffix(".pdf"))  # where to_pdf prints the first
    staged.stage(workbook.parent / WRITTEN_RECORD)  # its record, moved into place with it
    printed = to_pdf(workbooks, scratch=staged.scratch)
    for folder in dict.fromkeys(p.parent for p in printed):
        record_written(folder, [p for p in printed if p.parent == folder])
    return printed


def _write_others(
    batch: BatchResult,
    analysis: Analysis,
    rubric: Rubric,
    outputs: Outputs,
    staged: OutputSet,
    command: str,
) -> list[Path]:
    """The JSON, CSV and map files of a batch, into their staging places; the files written."""
    written: list[Path] = []
    if outputs.json is not None:
        write_json(batch, staged.stage(outputs.json), command, analysis)
        written.append(staged.stage(outputs.json))
    if outputs.csv is not None:
        written += write_csv(batch, staged.stage(outputs.csv), command, analysis)
    if outputs.maps is not None:
        subtitle = f"ปีงบประมาณ พ.ศ. {analysis.snapshot.label}"
        written += write_map_files(analysis.geography, rubric, staged.stage(outputs.maps), subtitle)
    return written


def _changes(batch: BatchResult, analysis: Analysis) -> tuple[dict[str, Decimal], str]:
    """Each office's change of overall score since the most recent earlier result, by the
    office's file (as the feedback's standings key offices), and that result's label."""
    comparison = analysis.comparison
    if comparison is None or not comparison.rounds:
        return {}, ""
    latest = comparison.latest
    by_code = {o.code: o.change("overall") for o in latest.offices}
    changes = {
        office.path: change
        for office in batch.scored
        if (change := by_code.get(office.office.code)) is not None
    }
    return changes, latest.label


def _no_progress(total: int) -> AbstractContextManager[Tick]:
    def tick(done: int, all_files: int, path: str) -> None:
        return None

    return nullcontext(tick)


def compare_results(
    old: Path,
    new: Path,
    rubric: Rubric,
    registry: Registry | None,
    *,
    old_label: str | None = None,
    new_label: str | None = None,
) -> Comparison:
    """Two result files (JSON or tables) compared without re-scoring; the later one takes the
    details it left out from the earlier one and the registry."""
    earlier = load_result(old, rubric, label=old_label)
    later = load_result(new, rubric, label=new_label)
    later = fill_details(later, earlier, registry)
    return compare(later, [earlier], rubric, registry)


def write_comparison_files(
    comparison: Comparison, rubric: Rubric, outputs: Outputs, command: str
) -> list[Path]:
    """The comparison workbook, and its JSON and CSV when asked for, as one set; the files
    written, named as the caller named them."""
    with OutputSet(outputs.paths(), command=command) as staged:
        return _write_comparison_set(comparison, rubric, outputs, staged, command)


def compare_and_write(
    old: Path,
    new: Path,
    rubric: Rubric,
    registry: Registry | None,
    outputs: Outputs,
    *,
    command: str,
    old_label: str | None = None,
    new_label: str | None = None,
) -> tuple[Comparison, list[Path]]:
    """``pmqa compare``: the outputs locked first (a second run is refused before any file is
    read), the two results compared, and every output written as one set."""
    with OutputSet(outputs.paths(), command=command) as staged:
        comparison = compare_results(
            old, new, rubric, registry, old_label=old_label, new_label=new_label
        )
        return comparison, _write_comparison_set(comparison, rubric, outputs, staged, command)


def _write_comparison_set(
    comparison: Comparison, rubric: Rubric, outputs: Outputs, staged: OutputSet, command: str
) -> list[Path]:
    write_comparison(comparison, rubric, staged.stage(outputs.workbook), command)
    written = [staged.stage(outputs.workbook)]
    if outputs.json is not None:
        write_comparison_json(comparison, staged.stage(outputs.json), command)
        written.append(staged.stage(outputs.json))
    if outputs.csv is not None:
        written += write_comparison_csv(comparison, rubric, staged.stage(outputs.csv), command)
    staged.commit()
    return [staged.final(p) for p in written]


@dataclass(frozen=True)
class LeftOut:
    """A file the review sheet has no rows for: ``readable`` False when it cannot be read,
    True when it can but names no office."""

    path: Path
    readable: bool


@dataclass(frozen=True)
class ReviewConflict:
    """An office that sent different files: the one its rows show, and the others."""

    code: str
    chosen: Path
    others: tuple[Path, ...]


@dataclass
class ReviewChoice:
    """The submissions a committee reviews, one per office, the files left out (why) and the
    offices that sent different files; once written, the rows the workbook has to review."""

    chosen: list[Submission]
    left_out: list[LeftOut]
    conflicts: list[ReviewConflict] = field(default_factory=list)
    rows: int = 0


def choose_for_review(
    files: Sequence[Path], rubric: Rubric, *, registry: Registry | None, limits: Limits
) -> ReviewChoice:
    """Every file read; of two for one office the one a batch would score (the later
    submission date, then the file name), named as a conflict unless the files are
    byte-identical copies. A file that cannot be read or has no office code is left out."""
    found: dict[str, list[Submission]] = {}
    left_out: list[LeftOut] = []
    for file in files:
        sub = read_submission(file, rubric, registry=registry, limits=limits)
        if not sub.readable or not sub.office.code:
            left_out.append(LeftOut(file, sub.readable))
            continue
        found.setdefault(sub.office.code, []).append(sub)
    chosen = [
        choose(subs, lambda s: s.office.submitted_on, lambda s: s.path) for subs in found.values()
    ]
    conflicts = [
        ReviewConflict(code, one.path, tuple(s.path for s in subs if s is not one))
        for (code, subs), one in zip(found.items(), chosen, strict=True)
        if len({s.sha256 for s in subs}) > 1
    ]
    return ReviewChoice(chosen, left_out, conflicts)


def write_review_workbook(
    files: Sequence[Path],
    rubric: Rubric,
    output: Path,
    *,
    registry: Registry | None,
    limits: Limits,
    command: str,
) -> ReviewChoice:
    """``pmqa review-sheet``: the workbook locked first, every file read and the committee's
    workbook written as a set of one (the previous one whole if anything stops it)."""
    from pmqa_cli.report.review_sheet import write_review_sheet  # heavy: openpyxl

    with OutputSet([output], command=command) as staged:
        review = choose_for_review(files, rubric, registry=registry, limits=limits)
        review.rows = write_review_sheet(rubric, review.chosen, staged.stage(output))
        staged.commit()
    return review


def score_and_write(
    file: Path,
    rubric: Rubric,
    *,
    registry: Registry | None,
    limits: Limits,
    verification: Verification | None,
    output: Path | None,
    pdf: bool,
    command: str,
) -> ScoredOffice:
    """``pmqa score``: one submission scored; with ``output`` its feedback workbook (and with
    ``pdf`` the workbook printed beside it) written as one set, locked before the file is
    read."""
    with ExitStack() as stack:
        staged = None
        if output is not None:
            staged = stack.enter_context(OutputSet(Outputs(output).paths(pdf), command=command))
        report = score_office(
            file,
            rubric,
            registry=registry,
            limits=limits,
            steps=output is not None,
            verifier=None if verification is None else Layers(verification, alone=True),
        )
        if output is not None and staged is not None:
            write_feedback(report, rubric, staged.stage(output))
            if pdf:
                _print(staged, output, [staged.stage(output)])
            staged.commit()
    return report


def write_template_file(
    rubric: Rubric, output: Path, office: Office | None, *, command: str
) -> None:
    """``pmqa template``: the blank (or pre-filled) template, written as a set of one."""
    from pmqa_cli.report.template import write_template  # heavy: openpyxl

    with OutputSet([output], command=command) as staged:
        write_template(rubric, staged.stage(output), office)
        staged.commit()


def write_sample_folder(
    rubric: Rubric,
    registry: Registry,
    count: int,
    out: Path,
    *,
    seed: int,
    jobs: int,
    command: str,
) -> list[PlantedMistake]:
    """``pmqa sample``: the folder of sample submissions, written as one set (none of them
    reaches ``out`` unless all were written); the mistakes planted."""
    from pmqa_cli.report.sample import generate_samples  # heavy: openpyxl

    with OutputSet([out], command=command) as staged:
        planted = generate_samples(rubric, registry, count, staged.stage(out), seed, jobs)
        staged.commit()
    return planted
