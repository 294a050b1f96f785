"""One scored office: the single object every output renders.

A submission is read once, validated once and scored once (:func:`score_office`, or
:func:`scored_office` of a :class:`~pmqa_cli.assess.submission.WorkbookReport`); the exact
scores are then rounded here, once, half-up, to the rubric's decimals. The terminal, ``--json``
(``score``, ``validate`` and every office of a batch: one schema), results.xlsx, the CSV files
and the feedback workbook all read this object and never round again, so every output shows
the same digits. In a batch the object is built in the worker process and sent to the parent,
which writes the feedback workbooks from it without reading any file again.

Numbers are Decimals with the rubric's decimals (scores) or as the workbook or rubric gave them
(values, weights, targets); :func:`~pmqa_cli.core.numbers.json_number` turns them into JSON
numbers and spreadsheet cells (a short decimal survives that trip exactly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scoring import ScoreResult
from pmqa_cli.assess.submission import OfficeInfo, ValueRead, WorkbookReport, score_workbook
from pmqa_cli.assess.trace import Change, ItemTrace
from pmqa_cli.core.findings import Finding, FindingCounts
from pmqa_cli.core.numbers import json_number, round_half_up
from pmqa_cli.io.registry import Registry
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.rubric.model import Band, Rubric

if TYPE_CHECKING:
    from pmqa_cli.assess.guidance import NextStep
    from pmqa_cli.verify.inputs import Verification

__all__ = [
    "CriterionScore",
    "GroupScore",
    "IndicatorScore",
    "IssueScore",
    "PartScore",
    "RubricUsed",
    "ScoredOffice",
    "Scores",
    "score_office",
    "scored_office",
]


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion of an issue: met or not (None: unanswered) and the points it earned."""

    id: str
    tier: str
    met: bool | None
    points: Decimal  # 0 when its tier is gated by an incomplete lower tier
    evidence: str = ""
    trace: ItemTrace | None = None  # the claim, the final answer and where it came from


@dataclass(frozen=True, slots=True)
class IssueScore:
    """One PMQA 4.0 issue (categories 1-6)."""

    id: str
    category: int
    weight: Decimal
    score: Decimal
    max_score: Decimal
    status_id: str | None  # the highest tier reached; None below the first tier
    status_th: str
    status_en: str
    criteria: tuple[CriterionScore, ...]


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One category-7 indicator."""

    id: str
    dimension: str
    weight: Decimal
    value: Decimal | None  # the value used, after normalisation, exactly as typed
    applies: bool  # False: not for this office's type, or marked N/A
    not_applicable: bool
    level: Decimal  # 0-5, fractional between thresholds; rounded as reported
    whole_level: int  # the whole level reached, from the exact level (2.99999 is 2)
    score: Decimal
    target: Decimal | None = None  # target_ratio: the target the value was measured against
    success: Decimal | None = None  # target_ratio: per cent of the target achieved
    evidence: str = ""
    trace: ItemTrace | None = None

    @property
    def counted_score(self) -> Decimal | None:
        """The score when the indicator counts for this office, else None (an empty cell)."""
        return self.score if self.applies else None


@dataclass(frozen=True, slots=True)
class GroupScore:
    """A category (1-7) or a dimension of category 7: its mean score (None: nothing counts)."""

    id: str
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class PartScore:
    """One part of the overall score: categories 1-6 (pmqa) or category 7 (results)."""

    score: Decimal | None  # None when nothing in the part applies
    weight: Decimal  # the part's weight in the overall score


@dataclass(frozen=True, slots=True)
class Scores:
    """One set of an office's scores, rounded once as reported."""

    issues: tuple[IssueScore, ...]
    indicators: tuple[IndicatorScore, ...]
    categories: tuple[GroupScore, ...]
    dimensions: tuple[GroupScore, ...]
    pmqa: PartScore
    results: PartScore
    overall: Decimal | None
    band: Band | None
    status: Band | None  # PMQA 4.0 status, from the categories 1-6 score

    def issue(self, item: str) -> IssueScore | None:
        """The issue with this id, if the rubric has it."""
        return next((i for i in self.issues if i.id == item), None)

    def indicator(self, item: str) -> IndicatorScore | None:
        """The indicator with this id, if the rubric has it."""
        return next((i for i in self.indicators if i.id == item), None)

    def to_dict(self) -> dict[str, Any]:
        """The scores in the JSON form of docs/json-output.md."""
        n = json_number
        return {
            "issues": [
                {
                    "id": i.id,
                    "category": i.category,
                    "weight": n(i.weight),
                    "score": n(i.score),
                    "max_score": n(i.max_score),
                    "status": i.status_id,
                    "status_th": i.status_th,
                    "status_en": i.status_en,
                    "criteria": [_criterion_dict(c) for c in i.criteria],
                }
                for i in self.issues
            ],
            "indicators": [_indicator_dict(i) for i in self.indicators],
            "parts": {
                "pmqa": {"score": n(self.pmqa.score), "weight": n(self.pmqa.weight)},
                "results": {"score": n(self.results.score), "weight": n(self.results.weight)},
            },
            "categories": [{"id": c.id, "score": n(c.score)} for c in self.categories],
            "dimensions": [{"id": d.id, "score": n(d.score)} for d in self.dimensions],
            "overall": {
                "score": n(self.overall),
                "band_th": self.band.label_th if self.band else None,
                "band_en": self.band.label_en if self.band else None,
                "status_th": self.status.label_th if self.status else None,
                "status_en": self.status.label_en if self.status else None,
            },
        }

    def summary_dict(self) -> dict[str, Any]:
        """The short form of a score set, as ``self_assessed`` and ``verified`` carry it."""
        n = json_number
        return {
            "overall": n(self.overall),
            "band_th": self.band.label_th if self.band else None,
            "status_th": self.status.label_th if self.status else None,
            "parts": {"pmqa": n(self.pmqa.score), "results": n(self.results.score)},
            "categories": [{"id": c.id, "score": n(c.score)} for c in self.categories],
            "issues": [{"id": i.id, "score": n(i.score), "status_th": i.status_th}
                       for i in self.issues],
            "indicators": [{"id": i.id, "score": n(i.counted_score)} for i in self.indicators],
        }  # fmt: skip


def _criterion_dict(c: CriterionScore) -> dict[str, Any]:
    data = {"id": c.id, "tier": c.tier, "met": c.met, "points": json_number(c.points),
            "evidence": c.evidence}  # fmt: skip
    if c.trace is not None:
        data.update(c.trace.to_dict())
    return data


def _indicator_dict(i: IndicatorScore) -> dict[str, Any]:
    n = json_number
    data = {
        "id": i.id,
        "dimension": i.dimension,
        "weight": n(i.weight),
        "value": n(i.value),
        "applies": i.applies,
        "not_applicable": i.not_applicable,
        "level": n(i.level),
        "score": n(i.score),
        "target": n(i.target),
        "success": n(i.success),
        "evidence": i.evidence,
    }
    if i.trace is not None:
        data.update(i.trace.to_dict())
    return data


@dataclass(frozen=True, slots=True)
class RubricUsed:
    """The rubric that scored the office, and the one its workbook says it was made for."""

    id: str
    version: str
    sha256: str
    decimals: int
    workbook_id: str | None = None
    workbook_version: str | None = None


@dataclass
class ScoredOffice(FindingCounts):
    """One office's submission, scored: every score already rounded as reported.

    An unreadable file has ``readable`` False and ``scores`` None; its findings say why.
    ``scores`` are the official scores: the verified ones when committee verdicts, central
    data or corrections were given (docs/verification.md), else the office's own, and
    ``self_assessed`` those of the office's own answers. ``values`` is the audit trail (each
    value read and its cell). ``steps`` (what to do next, for the feedback workbook) is
    computed only when asked for. ``scored``, ``provisional``, ``rank`` and ``rank_in_type``
    are the office's place in a batch, set by the batch and kept out of the office's JSON
    (the batch lists them in its ``ranking``).
    """

    file: str
    sha256: str
    readable: bool
    office: OfficeInfo
    rubric: RubricUsed
    findings: list[Finding]
    scores: Scores | None = None
    self_assessed: Scores | None = None
    changes: list[Change] = field(default_factory=list)
    unreviewed: int = 0
    #: Verification files were given (--review, --data, --corrections), even if none of their
    #: rows is about this office: its outputs then show the self-assessed scores beside.
    verification_applied: bool = False
    values: list[ValueRead] = field(default_factory=list)
    steps: tuple[NextStep, ...] | None = None
    mtime: float = 0.0
    # Set by a batch.
    scored: bool = True  # False for a copy or a conflicting file that was not chosen
    provisional: list[str] = field(default_factory=list)  # batch.PROVISIONAL reasons
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


def scores_of(
    result: ScoreResult,
    evidence: dict[str, str] | None = None,
    traces: dict[str, ItemTrace] | None = None,
) -> Scores:
    """A score set rounded once, half-up, to the rubric's decimals: the one place pmqa rounds
    a score. ``evidence`` and ``traces`` (by item id) ride along for the outputs."""
    decimals = result.rubric.scoring.decimals
    evidence = evidence or {}
    traces = traces or {}

    def r(value: Fraction | Decimal) -> Decimal:
        return round_half_up(value, decimals)

    def maybe(value: Fraction | Decimal | None) -> Decimal | None:
        return None if value is None else r(value)

    issues = tuple(
        IssueScore(
            i.id, i.category, i.weight, r(i.score), i.max_score, i.status_id, i.status_th,
            i.status_en,
            tuple(CriterionScore(c.id, c.tier, c.met, r(c.points), evidence.get(c.id, ""),
                                 traces.get(c.id)) for c in i.criteria),
        )
        for i in result.issues
    )  # fmt: skip
    indicators = tuple(
        IndicatorScore(
            i.id, i.dimension, i.weight, i.value, i.applies, i.not_applicable, r(i.level),
            math.floor(i.level), r(i.score), i.target, maybe(i.success),
            evidence.get(i.id, ""), traces.get(i.id),
        )
        for i in result.indicators
    )  # fmt: skip
    return Scores(
        issues=issues,
        indicators=indicators,
        categories=tuple(GroupScore(c.id, maybe(c.score)) for c in result.categories),
        dimensions=tuple(GroupScore(d.id, maybe(d.score)) for d in result.dimensions),
        pmqa=PartScore(maybe(result.pmqa.score), result.pmqa.weight),
        results=PartScore(maybe(result.results.score), result.results.weight),
        overall=maybe(result.overall),
        band=result.band,
        status=result.status,
    )


def answers_scored(scores: Scores, office: OfficeInfo) -> Answers:
    """The answers a score set was computed from (criteria met, indicator values used, office
    targets), so that a next step can be applied to them and scored again."""
    criteria = {c.id: c.met for issue in scores.issues for c in issue.criteria}
    indicators = {
        i.id: IndicatorAnswer(i.value, i.not_applicable, i.target) for i in scores.indicators
    }
    return Answers(office.type, criteria, indicators)


def scored_office(
    report: WorkbookReport, *, steps: bool = False, mtime: float = 0.0
) -> ScoredOffice:
    """The scored office of a report, rounded once. With ``steps`` the next steps of the
    feedback workbook are computed too (each one scores the office again: only when wanted)."""
    sub, rubric = report.submission, report.rubric
    office = ScoredOffice(
        file=str(sub.path),
        sha256=sub.sha256,
        readable=sub.readable,
        office=sub.office,
        rubric=RubricUsed(
            rubric.id,
            rubric.version,
            rubric.sha256,
            rubric.scoring.decimals,
            sub.rubric_id,
            sub.rubric_version,
        ),
        findings=list(report.findings),
        values=sub.values,
        mtime=mtime,
    )
    if report.result is None:
        return office
    verified = report.verified
    traces = verified.items if verified is not None else {}
    office.scores = scores_of(report.result, sub.evidence, traces)
    own = verified.self_result if verified is not None else report.result
    office.self_assessed = office.scores if own is report.result else scores_of(own)
    if verified is not None:
        office.changes, office.unreviewed = list(verified.changes), verified.unreviewed
        office.verification_applied = verified.applied
    if steps:
        from pmqa_cli.assess.guidance import next_steps

        answers = answers_scored(scores_of(report.result), sub.office)
        office.steps = tuple(next_steps(rubric, answers))
    return office


def score_office(
    path: Path | str,
    rubric: Rubric,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
    verification: Verification | None = None,
    steps: bool = False,
) -> ScoredOffice:
    """Read, validate and score one workbook into its :class:`ScoredOffice`."""
    report = score_workbook(path, rubric, registry=registry, limits=limits,
                            verification=verification)  # fmt: skip
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:
        mtime = 0.0
    return scored_office(report, steps=steps, mtime=mtime)
