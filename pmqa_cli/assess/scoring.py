"""The scoring engine: an office's answers in, every score OBEC reports out.

Pure computation with no I/O. The rules (docs/scoring.md) are implemented exactly as analysts
check them by hand:

* An issue scores the points of each tier, shared equally by its criteria, but a tier counts
  only when every criterion of every lower tier is met.
* An interpolated indicator maps thresholds t1..t5 onto the level scores linearly, zero below
  t1 and the top score at or beyond t5; lower-is-better mirrors this. A steps indicator scores
  the level of steps completed; pass/fail scores the top or zero.
* A target-ratio indicator scores its success rate against a target by the rubric's bands
  (pmqa_cli/assess/aggregate.py).
* A part is the weighted mean of its items that apply; an indicator that does not apply to the
  office's type, or that is marked N/A where the rubric allows it, drops out.
* Overall is the weighted mean of the two parts, or, for a rubric whose aggregation is
  ``category_mean``, the mean of the category scores (category 7 counted as one). Bands and
  statuses are read off the rounded scores so that what is shown and what is labelled always
  agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pmqa_cli.assess import aggregate
from pmqa_cli.assess.aggregate import CategoryScore, DimensionScore
from pmqa_cli.assess.findings import Finding, make_finding
from pmqa_cli.assess.rounding import round_half_up
from pmqa_cli.rubric.model import (
    DIMENSIONS,
    Aggregation,
    Band,
    Direction,
    Indicator,
    Issue,
    Method,
    OfficeType,
    Rubric,
)

__all__ = [
    "Answers",
    "CriterionResult",
    "IndicatorAnswer",
    "IndicatorResult",
    "IssueResult",
    "Location",
    "PartResult",
    "ScoreResult",
    "TierResult",
    "band_for",
    "indicator_level",
    "indicator_score",
    "score_answers",
    "target_key",
]

#: Where an item's answer sits, for findings: item id -> (sheet, cell).
Location = Callable[[str], tuple[str | None, str | None]]


@dataclass(frozen=True)
class IndicatorAnswer:
    """What an office reported for one indicator."""

    value: float | None = None
    not_applicable: bool = False
    target: float | None = None  # the office's own target (target_ratio, target: workbook)


@dataclass(frozen=True)
class Answers:
    """An office's answers: criterion id -> met (None = unanswered), indicator id -> answer."""

    office_type: OfficeType | None
    criteria: Mapping[str, bool | None] = field(default_factory=dict)
    indicators: Mapping[str, IndicatorAnswer] = field(default_factory=dict)


@dataclass(frozen=True)
class CriterionResult:
    """One criterion: whether it was met and the points it earned (0 when its tier is gated)."""

    id: str
    tier: str
    met: bool | None
    points: float


@dataclass(frozen=True)
class TierResult:
    """One tier of an issue."""

    id: str
    points: float
    earned: float
    complete: bool
    counted: bool


@dataclass(frozen=True)
class IssueResult:
    """One PMQA 4.0 issue."""

    id: str
    category: int
    weight: float
    score: float
    max_score: float
    status_id: str | None  # the highest tier reached; None below the first tier
    status_th: str
    status_en: str
    tiers: tuple[TierResult, ...]
    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True)
class IndicatorResult:
    """One category-7 indicator."""

    id: str
    dimension: str
    weight: float
    value: float | None
    applies: bool  # False when it does not apply to the office's type or is marked N/A
    not_applicable: bool
    level: float  # 0-5, fractional between thresholds
    score: float
    target: float | None = None  # target_ratio: the target the value was measured against
    success: float | None = None  # target_ratio: per cent of the target achieved


@dataclass(frozen=True)
class PartResult:
    """One part: categories 1-6 (pmqa) or category 7 (results)."""

    score: float | None  # None when nothing in the part applies
    weight: float  # the part's weight in the overall score
    items_weight: float  # the sum of the weights of the items that counted


@dataclass(frozen=True)
class ScoreResult:
    """Everything scored for one office, at full precision; ``to_dict`` rounds for display."""

    rubric: Rubric
    office_type: OfficeType | None
    issues: tuple[IssueResult, ...]
    indicators: tuple[IndicatorResult, ...]
    pmqa: PartResult
    results: PartResult
    overall: float | None
    band: Band | None
    status: Band | None
    findings: tuple[Finding, ...]
    #: Every category with items ("1"-"6", and "7" when the rubric has indicators).
    categories: tuple[CategoryScore, ...] = ()
    #: Every dimension of category 7 that has indicators in the rubric.
    dimensions: tuple[DimensionScore, ...] = ()

    def rounded(self, value: float | None) -> float | None:
        """A number rounded half-up to the rubric's decimals."""
        return None if value is None else round_half_up(value, self.rubric.scoring.decimals)

    def to_dict(self) -> dict[str, Any]:
        """The scores in the JSON form of docs/json-output.md (numbers rounded half-up)."""
        r = self.rounded
        return {
            "office_type": self.office_type.value if self.office_type else None,
            "issues": [
                {
                    "id": i.id,
                    "category": i.category,
                    "weight": i.weight,
                    "score": r(i.score),
                    "max_score": i.max_score,
                    "status": i.status_id,
                    "status_th": i.status_th,
                    "status_en": i.status_en,
                    "criteria": [
                        {"id": c.id, "tier": c.tier, "met": c.met, "points": r(c.points)}
                        for c in i.criteria
                    ],
                }
                for i in self.issues
            ],
            "indicators": [
                {
                    "id": ind.id,
                    "dimension": ind.dimension,
                    "weight": ind.weight,
                    "value": ind.value,
                    "applies": ind.applies,
                    "not_applicable": ind.not_applicable,
                    "level": r(ind.level),
                    "score": r(ind.score),
                    "target": ind.target,
                    "success": r(ind.success),
                }
                for ind in self.indicators
            ],
            "categories": [{"id": c.id, "score": r(_num(c.score))} for c in self.categories],
            "dimensions": [{"id": d.id, "score": r(_num(d.score))} for d in self.dimensions],
            "parts": {
                name: {"score": r(part.score), "weight": part.weight}
                for name, part in (("pmqa", self.pmqa), ("results", self.results))
            },
            "overall": {
                "score": r(self.overall),
                "band_th": self.band.label_th if self.band else None,
                "band_en": self.band.label_en if self.band else None,
                "status_th": self.status.label_th if self.status else None,
                "status_en": self.status.label_en if self.status else None,
            },
        }


def band_for(bands: list[Band], value: float | None) -> Band | None:
    """The band whose range holds ``value`` (the last band whose ``min`` it reaches)."""
    if value is None:
        return None
    chosen = None
    for band in bands:
        if value >= band.min:
            chosen = band
    return chosen


def indicator_level(indicator: Indicator, value: float) -> float:
    """The level 0-5 a value reaches: fractional between thresholds for interpolation."""
    if indicator.method is Method.STEPS:
        return float(min(max(math.floor(value), 0), 5))
    if indicator.method is Method.PASS_FAIL:
        return 5.0 if value >= 1 else 0.0
    thresholds = indicator.thresholds or []
    # Mirror a lower-is-better indicator so one walk up the thresholds serves both directions.
    sign = 1.0 if indicator.direction is Direction.HIGHER else -1.0
    v = sign * value
    t = [sign * x for x in thresholds]
    if v < t[0]:
        return 0.0
    if v >= t[-1]:
        return 5.0
    for i in range(4):
        if t[i] <= v < t[i + 1]:
            return (i + 1) + (v - t[i]) / (t[i + 1] - t[i])
    raise AssertionError("unreachable: thresholds are strictly monotonic")  # pragma: no cover


def indicator_score(indicator: Indicator, value: float, level_scores: list[float]) -> float:
    """The score of a value: level scores 100..500 with linear interpolation between them."""
    level = indicator_level(indicator, value)
    if level < 1:
        return 0.0
    whole = int(level)
    if whole >= 5:
        return level_scores[4]
    fraction = level - whole
    low, high = level_scores[whole - 1], level_scores[whole]
    return low + fraction * (high - low)


def _no_location(_: str) -> tuple[str | None, str | None]:
    return None, None


def _score_issue(
    rubric: Rubric, issue: Issue, met: Mapping[str, bool | None], where: Location
) -> tuple[IssueResult, list[Finding]]:
    findings: list[Finding] = []
    tiers: list[TierResult] = []
    criteria: list[CriterionResult] = []
    lower_complete = True
    status: tuple[str | None, str, str] = (
        None,
        rubric.scoring.below_first_tier_th,
        rubric.scoring.below_first_tier_en,
    )
    for tier in issue.tiers:
        points = rubric.tier_points(tier)
        share = points / len(tier.criteria)
        answers = [met.get(c.id) for c in tier.criteria]
        for criterion, answer in zip(tier.criteria, answers, strict=True):
            if answer is None:
                sheet, cell = where(criterion.id)
                findings.append(
                    make_finding("answer-missing", item_id=criterion.id, sheet=sheet, cell=cell)
                )
        earned = share * sum(1 for a in answers if a)
        complete = all(answers)
        counted = lower_complete
        if not counted and any(answers):
            default = rubric.tier_default(tier.id)
            first_met = next(c for c, a in zip(tier.criteria, answers, strict=True) if a)
            sheet, cell = where(first_met.id)
            findings.append(
                make_finding(
                    "tier-gated",
                    item_id=issue.id,
                    sheet=sheet,
                    cell=cell,
                    tier=default.title_th,
                    tier_en=default.title_en,
                )
            )
        for criterion, answer in zip(tier.criteria, answers, strict=True):
            criteria.append(
                CriterionResult(criterion.id, tier.id, answer, share if answer and counted else 0.0)
            )
        tiers.append(TierResult(tier.id, points, earned if counted else 0.0, complete, counted))
        if counted and complete:
            default = rubric.tier_default(tier.id)
            status = (tier.id, default.title_th, default.title_en)
        lower_complete = lower_complete and complete
    result = IssueResult(
        id=issue.id,
        category=issue.category,
        weight=issue.weight,
        score=sum(t.earned for t in tiers),
        max_score=rubric.issue_max(issue),
        status_id=status[0],
        status_th=status[1],
        status_en=status[2],
        tiers=tuple(tiers),
        criteria=tuple(criteria),
    )
    return result, findings


def _check_value(indicator: Indicator, value: float) -> tuple[str, dict[str, Any]] | None:
    """The finding code (and its parameters) for a value the rubric does not accept."""
    shown = f"{value:g}"
    if not math.isfinite(value):
        return "value-not-number", {"value": shown, "unit": indicator.unit}
    if indicator.unit == "percent" and value > 100:
        return "value-percent-over-100", {"value": shown}
    if indicator.method is Method.STEPS and value != int(value):
        return "value-not-whole", {"value": shown}
    low, high = indicator.value_range
    if (low is not None and value < low) or (high is not None and value > high):
        return "value-out-of-range", {
            "value": shown,
            "low": "" if low is None else f"{low:g}",
            "high": "" if high is None else f"{high:g}",
        }
    return None


def _score_indicator(
    rubric: Rubric,
    indicator: Indicator,
    answer: IndicatorAnswer | None,
    office_type: OfficeType | None,
    where: Location,
) -> tuple[IndicatorResult, list[Finding]]:
    findings: list[Finding] = []
    answer = answer or IndicatorAnswer()
    sheet, cell = where(indicator.id)

    def finding(code: str, **params: Any) -> None:
        findings.append(make_finding(code, item_id=indicator.id, sheet=sheet, cell=cell, **params))

    applies = indicator.applies(office_type)
    value = answer.value
    na = answer.not_applicable and value is None
    if answer.not_applicable and value is not None and applies:
        finding("value-and-na")
    if na and applies and not indicator.na_allowed:
        finding("value-na-not-allowed")
        na = False
    counted = applies and not na
    score = level = 0.0
    target = success = None
    if indicator.method is Method.TARGET_RATIO:
        target = _target(indicator, answer)
        if counted and target is None:
            # A target the office was to type is an answer like any other; it sits in its own
            # cell, which the reader locates as "<id>:target".
            target_sheet, target_cell = where(target_key(indicator.id))
            findings.append(
                make_finding(
                    "answer-missing", item_id=indicator.id, sheet=target_sheet, cell=target_cell
                )
            )
    if counted:
        if value is None:
            finding("answer-missing")
        else:
            problem = _check_value(indicator, value)
            if problem:
                finding(problem[0], **problem[1])
            elif indicator.method is Method.TARGET_RATIO:
                if target is not None:
                    rate = aggregate.success_rate(indicator.direction, value, target)
                    exact = aggregate.ratio_score(
                        rubric.ratio_bands(indicator), rate, rubric.scoring.max_score
                    )
                    success = float(rate)
                    score = float(exact)
                    level = float(aggregate.level_of_score(exact, rubric.scoring.level_scores))
            else:
                level = indicator_level(indicator, value)
                score = indicator_score(indicator, value, rubric.scoring.level_scores)
    result = IndicatorResult(
        id=indicator.id,
        dimension=indicator.dimension,
        weight=indicator.weight,
        value=value,
        applies=counted,
        not_applicable=na,
        level=level,
        score=score,
        target=target,
        success=success,
    )
    return result, findings


def target_key(indicator_id: str) -> str:
    """The key under which a Location finds an indicator's target cell."""
    return f"{indicator_id}:target"


def _target(indicator: Indicator, answer: IndicatorAnswer) -> float | None:
    """The target a target-ratio value is measured against: the rubric's, or the office's
    (a missing or non-positive one is None: the reader has reported it)."""
    if indicator.rubric_target is not None:
        return float(indicator.rubric_target)
    if answer.target is not None and answer.target > 0:
        return answer.target
    return None


def _num(value: Any) -> float | None:
    """The engine's number type for a Decimal from pmqa_cli.assess.aggregate."""
    return None if value is None else float(value)


def _part(items: list[tuple[float, float]], weight: float) -> PartResult:
    total = sum(w for w, _ in items)
    if total == 0:
        return PartResult(None, weight, 0.0)
    return PartResult(sum(w * s for w, s in items) / total, weight, total)


def score_answers(rubric: Rubric, answers: Answers, where: Location | None = None) -> ScoreResult:
    """Score an office's answers against a rubric.

    ``where`` maps an item id to its (sheet, cell) so findings can point at the cell; without it
    findings carry the item id only. Missing answers score zero and come back as findings.
    """
    locate = where or _no_location
    findings: list[Finding] = []
    issues = []
    for issue in rubric.issues:
        result, found = _score_issue(rubric, issue, answers.criteria, locate)
        issues.append(result)
        findings += found
    indicators = []
    for indicator in rubric.indicators:
        ind_result, found = _score_indicator(
            rubric, indicator, answers.indicators.get(indicator.id), answers.office_type, locate
        )
        indicators.append(ind_result)
        findings += found
    weights = rubric.scoring.part_weights
    pmqa = _part([(i.weight, i.score) for i in issues], weights.pmqa)
    results = _part([(i.weight, i.score) for i in indicators if i.applies], weights.results)
    overall_part = _part([(p.weight, p.score) for p in (pmqa, results) if p.score is not None], 1.0)
    overall = overall_part.score
    categories = aggregate.category_scores(
        sorted({i.category for i in issues}), [(i.category, i.weight, i.score) for i in issues]
    )
    present = {i.dimension for i in rubric.indicators}
    dimensions = aggregate.dimension_scores(
        [d for d in DIMENSIONS if d in present],
        [(i.dimension, i.weight, i.score) for i in indicators if i.applies],
    )
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        # Categories 1-6 are each the mean of their issues; category 7 the mean of its
        # dimensions; the overall the plain mean of the categories with a score.
        category7 = aggregate.mean(d.score for d in dimensions)
        scored = [c for c in categories if c.score is not None]
        pmqa = PartResult(
            _num(aggregate.mean(c.score for c in scored)),
            float(len(scored)),
            pmqa.items_weight,
        )
        results = PartResult(
            _num(category7), 1.0 if category7 is not None else 0.0, results.items_weight
        )
        overall = _num(aggregate.mean([*(c.score for c in scored), category7]))
    if rubric.indicators:
        seventh = aggregate.as_decimal(results.score) if results.score is not None else None
        categories.append(CategoryScore("7", seventh))
    decimals = rubric.scoring.decimals

    def shown(value: float | None) -> float | None:
        return None if value is None else round_half_up(value, decimals)

    return ScoreResult(
        rubric=rubric,
        office_type=answers.office_type,
        issues=tuple(issues),
        indicators=tuple(indicators),
        pmqa=pmqa,
        results=results,
        overall=overall,
        band=band_for(rubric.scoring.overall_bands, shown(overall)),
        status=band_for(rubric.scoring.pmqa_status_bands, shown(pmqa.score)),
        findings=tuple(findings),
        categories=tuple(categories),
        dimensions=tuple(dimensions),
    )
