"""One scored office: the single object every output renders, built once and frozen.

An office's workbook is read once (:func:`~pmqa_cli.assess.submission.read_submission`),
validated once and scored once; verification, when given, is part of building it, never laid on
afterwards: :func:`score_office` asks the verifier for the verified answers and their audit
trail and builds the :class:`ScoredOffice` from all of it. The terminal, ``--json`` (``score``,
``validate`` and every office of a batch: one schema), results.xlsx, the CSV files and the
feedback workbook all read this object. In a batch it is built in a worker process and sent to
the parent, which writes every output from it without reading any file again.

The verifier is given from above (:mod:`pmqa_cli.verify` implements :class:`Verifier`), so this
layer never imports verification: it only says what verification gives back
(:class:`Verified`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from pmqa_cli.assess.answers import Answers, IndicatorAnswer, Location
from pmqa_cli.assess.guidance import NextStep, ValueToFix, next_steps
from pmqa_cli.assess.provisional_check import compare_provisional
from pmqa_cli.assess.reading import read_submission
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.scoring import scores_of, tally_validated
from pmqa_cli.assess.submission import OfficeInfo, Submission, ValueRead
from pmqa_cli.assess.trace import Change, InputFile, ItemTrace, self_traces
from pmqa_cli.assess.validate import check_value, validate_answers
from pmqa_cli.core.findings import Finding, FindingCounts, Severity
from pmqa_cli.core.numbers import json_number
from pmqa_cli.io.registry import Registry
from pmqa_cli.io.values import number_in_text
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = [
    "RubricUsed",
    "ScoredOffice",
    "Verified",
    "Verifier",
    "assess_submission",
    "rubric_used",
    "score_office",
]


@dataclass(frozen=True)
class Verified:
    """What verification made of one office's answers (filled in by :mod:`pmqa_cli.verify`)."""

    answers: Answers  # the verified answers: each item from the highest layer that gives one
    items: Mapping[str, ItemTrace]  # every item: its claim, final value and where it came from
    changes: tuple[Change, ...]  # every value that replaced another, with its effect
    findings: tuple[Finding, ...]  # about this office's items (data-differs, review-incomplete)
    unreviewed: int
    #: Findings about the verification files themselves, listed first in the office's findings
    #: when one office is scored alone (a batch lists them once, for the whole batch).
    lead: tuple[Finding, ...] = ()


class Verifier(Protocol):
    """Lays the committee's verdicts, central data and corrections over an office's answers.

    ``files`` are the verification files read, ``findings`` every problem found in them (a
    batch lists them once).
    """

    @property
    def files(self) -> Sequence[InputFile]:
        """The verification files that were read."""

    @property
    def findings(self) -> Sequence[Finding]:
        """Every problem found in the verification files' rows."""

    def verify(self, rubric: Rubric, answers: Answers, office: OfficeInfo,
               where: Location) -> Verified | None:  # fmt: skip
        """The verified answers of one office; None when no verification file was given."""

    def file_findings(self) -> tuple[Finding, ...]:
        """Findings about the verification files that lead a lone office's own (none in a
        batch, which lists them once), also when the office's workbook cannot be read."""

    def check_offices(self, types: Mapping[str, OfficeType | None], rubric: Rubric) -> None:
        """Once every office of a batch is known: rows for other offices, or for indicators
        an office's type does not have, become findings (nothing when already checked)."""


@dataclass(frozen=True)
class RubricUsed:
    """The rubric that scored the office, and the one its workbook says it was made for."""

    id: str
    version: str
    sha256: str
    decimals: int
    workbook_id: str | None = None
    workbook_version: str | None = None
    file: str = ""  # the rubric file that was read


def rubric_used(rubric: Rubric, submission: Submission | None = None) -> RubricUsed:
    """The rubric's identity, with the one the workbook names when there is a workbook."""
    return RubricUsed(
        rubric.id,
        rubric.version,
        rubric.sha256,
        rubric.scoring.decimals,
        submission.rubric_id if submission else None,
        submission.rubric_version if submission else None,
        rubric.path,
    )


#: Findings by which a verification file was not used at all: every office's verified score is
#: then incomplete.
WHOLE_FILE_REFUSED = frozenset(
    {"input-over-limit", "file-not-regular", "verify-file-unreadable", "verify-header-missing"}
)
#: A verification file's findings that leave an office's verified score open: the whole file
#: refused, a verdict not applied because the office's claim changed, rows about the office
#: not applied for their errors.
OPEN_VERIFICATION = WHOLE_FILE_REFUSED | {"review-claim-changed", "verify-rows-not-applied"}


@dataclass(frozen=True)
class ScoredOffice(FindingCounts):
    """One office's submission, scored: every reported number rounded from the exact scores.

    An unreadable file has ``readable`` False and ``scores`` None; its findings say why.
    ``scores`` are the official scores: the verified ones when committee verdicts, central
    data or corrections were given (docs/verification.md), else the office's own, and
    ``self_assessed`` those of the office's own answers. ``values`` is the audit trail (each
    value read and its cell). ``steps`` (what to do next, for the feedback workbook) is
    computed only when asked for.

    ``scored``, ``provisional``, ``rank`` and ``rank_in_type`` are the office's place in a
    batch: the batch gives them when it gathers its offices (:mod:`.batch`), and keeps them out
    of the office's JSON (a batch lists them in its ``ranking``).
    """

    file: str
    sha256: str
    readable: bool
    office: OfficeInfo
    rubric: RubricUsed
    findings: tuple[Finding, ...]
    scores: Scores | None = None
    self_assessed: Scores | None = None
    changes: tuple[Change, ...] = ()
    unreviewed: int = 0
    #: Verification files were given (--review, --data, --corrections), even if none of their
    #: rows is about this office: its outputs then show the self-assessed scores beside.
    verification_applied: bool = False
    values: tuple[ValueRead, ...] = ()
    steps: tuple[NextStep, ...] | None = None
    mtime: float = 0.0
    # The office's place in a batch.
    scored: bool = True  # False for a copy or a conflicting file that was not chosen
    provisional: tuple[str, ...] = ()  # batch.PROVISIONAL reasons
    rank: int | None = None
    rank_in_type: int | None = None

    @property
    def path(self) -> str:
        """The file, as given."""
        return self.file

    @property
    def name(self) -> str:
        """The file's name without its folder."""
        return Path(self.file).name

    @property
    def overall(self) -> Decimal | None:
        """The official overall score, or None when the file could not be scored."""
        return None if self.scores is None else self.scores.overall

    @property
    def band_th(self) -> str:
        """The official band's Thai label ("" when none)."""
        band = None if self.scores is None else self.scores.band
        return band.label_th if band else ""

    @property
    def status_th(self) -> str:
        """The PMQA 4.0 status's Thai label ("" when none)."""
        status = None if self.scores is None else self.scores.status
        return status.label_th if status else ""

    def open_errors(
        self, findings: Sequence[Finding] = (), replaced: Collection[str] | None = None
    ) -> tuple[list[Finding], list[Finding]]:
        """The errors that leave the result open, of the office's findings and ``findings``
        (a batch's about it): those of its own workbook, then the verification files' findings
        that leave it open (:data:`OPEN_VERIFICATION`).
        An error about an item whose value a correction, central data or the committee
        replaced (``replaced``; by default the items of :attr:`changes`) is settled: it stays
        listed (the workbook still has it), but the official score does not use its value."""
        if replaced is None:
            replaced = {c.item for c in self.changes}
        every = (*self.findings, *findings)
        own = [f for f in every if f.severity is Severity.ERROR and f.file in (None, self.file)]
        return (
            [f for f in own if f.item_id is None or f.item_id not in replaced],
            [f for f in every if f.file not in (None, self.file) and f.code in OPEN_VERIFICATION],
        )

    @property
    def difference(self) -> Decimal | None:
        """Official (verified) overall less the self-assessed overall."""
        if self.scores is None or self.self_assessed is None:
            return None
        now, claimed = self.scores.overall, self.self_assessed.overall
        return None if now is None or claimed is None else now - claimed

    def to_dict(self) -> dict[str, Any]:
        """The one JSON form of an office (docs/json-output.md): ``pmqa score --json``, each
        file of ``pmqa validate --json`` and each office of ``pmqa batch --json``."""
        data: dict[str, Any] = {
            "file": self.file,
            "sha256": self.sha256,
            "readable": self.readable,
            "valid": self.valid,
            "stats": {"errors": self.errors, "warnings": self.warnings, "notes": self.notes},
            "office": self.office.to_dict(),
            "rubric": {
                "id": self.rubric.id,
                "version": self.rubric.version,
                "sha256": self.rubric.sha256,
                "file": self.rubric.file,
                "workbook_rubric_id": self.rubric.workbook_id,
                "workbook_rubric_version": self.rubric.workbook_version,
            },
        }
        if self.scores is not None and self.self_assessed is not None:
            data.update(self.scores.to_dict())
            data.update(
                self_assessed=self.self_assessed.summary_dict(),
                verified=self.scores.summary_dict(),
                difference=json_number(self.difference),
                unreviewed=self.unreviewed,
                changes=[c.to_dict() for c in self.changes],
            )
        else:
            data.update(issues=[], indicators=[], parts=None, categories=[], dimensions=[],
                        overall=None)  # fmt: skip
        data["findings"] = [f.to_dict() for f in self.findings]
        return data


def answers_scored(scores: Scores) -> Answers:
    """The answers a score set was computed from (criteria met, indicator values used, office
    targets), so that a next step can be applied to them and scored again."""
    criteria = {c.id: c.met for issue in scores.issues for c in issue.criteria}
    indicators = {
        i.id: IndicatorAnswer(i.value, i.not_applicable, i.target) for i in scores.indicators
    }
    return Answers(scores.office_type, criteria, indicators)


def assess_submission(
    sub: Submission,
    rubric: Rubric,
    *,
    verifier: Verifier | None = None,
    steps: bool = False,
    mtime: float = 0.0,
) -> ScoredOffice:
    """Validate and score a submission (and verify it, with ``verifier``) into its office.

    With ``steps`` the next steps of the feedback workbook are computed too (each one scores
    the office again: only when wanted).
    """
    file = str(sub.path)
    if not sub.readable:
        lead = verifier.file_findings() if verifier else ()
        return ScoredOffice(file, sub.sha256, False, sub.office, rubric_used(rubric, sub),
                            (*lead, *sub.findings), values=tuple(sub.values),
                            mtime=mtime)  # fmt: skip
    answers = sub.answers()
    # A cell already reported (not a number, a formula with no value, a missing row) is not
    # reported a second time as a missing answer.
    validated = validate_answers(rubric, answers, sub.where, reported=sub.bad_items)
    # Tallied here (score_validated, score_answers) so that the next steps start from the
    # official tally instead of tallying the same answers again.
    tally = tally_validated(rubric, validated.answers, validated.rejected)
    own = scores_of(rubric, tally)
    verified = verifier.verify(rubric, answers, sub.office, sub.where) if verifier else None
    official, rejected = own, validated.rejected
    if verified is not None and verified.changes:
        checked = validate_answers(rubric, verified.answers, sub.where)
        rejected = checked.rejected
        tally = tally_validated(rubric, checked.answers, rejected)
        official = scores_of(rubric, tally)
    traces = verified.items if verified is not None else self_traces(rubric, answers)
    scores = official.annotated(sub.evidence, traces)
    findings: list[Finding] = [*(verified.lead if verified else ()), *sub.findings]
    findings += [f.at(file=file) for f in validated.findings]
    if verified is not None:
        findings += [f.at(file=file) if f.file is None else f for f in verified.findings]
    # The template's cached provisional score is compared with the office's own (unverified)
    # score: the one its formulas compute from the same answers.
    findings += _provisional_note(sub, own, rubric)
    found_steps = None
    if steps:  # from the official tally, not tallied again
        fixes = _fixes(rubric, sub, findings, verified)
        found_steps = tuple(next_steps(rubric, answers_scored(official), fixes, (tally, rejected)))
    return ScoredOffice(
        file=file,
        sha256=sub.sha256,
        readable=True,
        office=sub.office,
        rubric=rubric_used(rubric, sub),
        findings=tuple(findings),
        scores=scores,
        self_assessed=scores if official is own else own,
        changes=verified.changes if verified is not None else (),
        unreviewed=verified.unreviewed if verified is not None else 0,
        verification_applied=verified is not None,
        values=tuple(sub.values),
        steps=found_steps,
        mtime=mtime,
    )


def _fixes(
    rubric: Rubric, sub: Submission, findings: Sequence[Finding], verified: Verified | None
) -> dict[str, ValueToFix]:
    """The indicators whose own value has an error at its cell (not replaced by a verified
    value): their next step is to fix that cell. The candidate is the one number typed in a
    cell pmqa could not read, when the rubric accepts it; a value read but refused (out of
    range) has none: what it should be is not known."""
    indicators = {i.id: i for i in rubric.indicators}
    replaced = {c.item for c in verified.changes} if verified is not None else set()
    typed = {v.item_id: v for v in sub.values if v.field == "value"}
    fixes: dict[str, ValueToFix] = {}
    for f in findings:
        item = f.item_id or ""
        if f.severity is not Severity.ERROR or item not in indicators or item in replaced:
            continue
        if not f.cell or item in fixes or f.file not in (None, str(sub.path)):
            continue
        read = typed.get(item)
        candidate = None
        if read is not None and read.value is None and (read.sheet, read.cell) == (f.sheet, f.cell):
            candidate = number_in_text(read.raw)
            if candidate is not None and check_value(indicators[item], candidate) is not None:
                candidate = None
        fixes[item] = ValueToFix(f.sheet or "", f.cell, candidate, f.message_th)
    return fixes


def _provisional_note(sub: Submission, own: Scores, rubric: Rubric) -> Sequence[Finding]:
    """A note when the template's cached provisional score is not pmqa's (same rubric only:
    another rubric's template scores differently and already has its own finding)."""
    if sub.rubric_id != rubric.id or sub.rubric_version != rubric.version:
        return []
    expected = {
        "pmqa_overall": own.exact_overall,
        "pmqa_part_pmqa": own.pmqa.exact,
        "pmqa_part_results": own.results.exact,
    }
    return compare_provisional(sub.provisional, expected, rubric.scoring.decimals, str(sub.path))


def score_office(
    path: Path | str,
    rubric: Rubric,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
    verifier: Verifier | None = None,
    steps: bool = False,
) -> ScoredOffice:
    """Read, validate, score (and verify) one workbook into its :class:`ScoredOffice`."""
    sub = read_submission(path, rubric, registry=registry, limits=limits)
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:
        mtime = 0.0
    return assess_submission(sub, rubric, verifier=verifier, steps=steps, mtime=mtime)
