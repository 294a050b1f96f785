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

Arithmetic is exact: values arrive as :class:`~decimal.Decimal` (the decimal text a cell stores),
rubric numbers are Decimals of their YAML text, and every score is a :class:`~fractions.Fraction`
computed without any rounding. A score is rounded once, half-up, only when it is reported
(:meth:`ScoreResult.rounded`, :func:`pmqa_cli.core.numbers.round_half_up`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from pmqa_cli.assess import aggregate
from pmqa_cli.assess.answers import Answers, IndicatorAnswer, Location
from pmqa_cli.assess.scores import (
    CriterionScore,
    GroupScore,
    IndicatorScore,
    IssueScore,
    PartScore,
    Scores,
    TierScore,
)
from pmqa_cli.assess.tiers import tiers_met
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.core.numbers import Number, exact, round_half_up, rounded
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
    "Tally",
    "band_for",
    "indicator_level",
    "indicator_score",
    "overall_of",
    "overall_rescored",
    "rescored",
    "score_answers",
    "score_validated",
    "scores_of",
    "tally_validated",
]


def band_for(bands: list[Band], value: Number | None) -> Band | None:
    """The band whose range holds ``value`` (the last band whose ``min`` it reaches)."""
    if value is None:
        return None
    number = exact(value)
    chosen = None
    for band in bands:
        if number >= band.min:
            chosen = band
    return chosen


_ZERO = Fraction(0)
_FIVE = Fraction(5)


def indicator_level(indicator: Indicator, value: Number) -> Fraction:
    """The level 0-5 a value reaches: fractional between thresholds for interpolation."""
    number = exact(value)
    if indicator.method is Method.STEPS:
        return min(max(Fraction(math.floor(number)), _ZERO), _FIVE)
    if indicator.method is Method.PASS_FAIL:
        return _FIVE if number >= 1 else _ZERO
    thresholds = [exact(t) for t in indicator.thresholds or []]
    # Mirror a lower-is-better indicator so one walk up the thresholds serves both directions.
    if indicator.direction is Direction.LOWER:
        number = -number
        thresholds = [-t for t in thresholds]
    if number < thresholds[0]:
        return _ZERO
    if number >= thresholds[-1]:
        return _FIVE
    for i in range(4):
        low, high = thresholds[i], thresholds[i + 1]
        if low <= number < high:
            return (i + 1) + (number - low) / (high - low)
    raise AssertionError("unreachable: thresholds are strictly monotonic")  # pragma: no cover


def level_score(level: Fraction, level_scores: Sequence[Number]) -> Fraction:
    """The score of a level 0-5: the level scores, linear between them; below 1 scores zero."""
    if level < 1:
        return _ZERO
    whole = math.floor(level)
    if whole >= 5:
        return exact(level_scores[4])
    low, high = exact(level_scores[whole - 1]), exact(level_scores[whole])
    return low + (level - whole) * (high - low)


def indicator_score(
    indicator: Indicator, value: Number, level_scores: Sequence[Number]
) -> Fraction:
    """The score of a value: level scores 100..500 with linear interpolation between them."""
    return level_score(indicator_level(indicator, value), level_scores)


def _issue_points(rubric: Rubric, issue: Issue, met: Mapping[str, bool | None]) -> Fraction:
    """An issue's score alone, as :func:`_score_issue` gives it (``exact``), without the
    tiers' and criteria's own scores (the next steps score thousands of variants for it)."""
    points = _ZERO
    for tier in tiers_met(rubric, issue, met):
        if not tier.counted:
            break  # nor any tier above it
        points += tier.earned
    return points


def _score_issue(rubric: Rubric, issue: Issue, met: Mapping[str, bool | None]) -> IssueScore:
    decimals = rubric.scoring.decimals
    tiers: list[TierScore] = []
    criteria: list[CriterionScore] = []
    status: tuple[str | None, str, str] = (
        None,
        rubric.scoring.below_first_tier_th,
        rubric.scoring.below_first_tier_en,
    )
    earned_here: list[Fraction] = []
    for scored in tiers_met(rubric, issue, met):
        tier, share, answers, counted = scored.tier, scored.share, scored.answers, scored.counted
        complete = scored.complete
        earned = scored.earned
        if counted:
            earned_here.append(earned)
        for criterion, answer in zip(tier.criteria, answers, strict=True):
            points_here = share if answer and counted else _ZERO
            criteria.append(CriterionScore(criterion.id, tier.id, answer, points_here, decimals))
        tiers.append(TierScore(tier.id, scored.points, earned, complete, counted))
        if counted and complete:
            default = rubric.tier_default(tier.id)
            status = (tier.id, default.title_th, default.title_en)
    return IssueScore(
        id=issue.id,
        category=issue.category,
        weight=issue.weight,
        exact=sum(earned_here, _ZERO),
        max_score=rubric.issue_max(issue),
        status_id=status[0],
        status_th=status[1],
        status_en=status[2],
        tiers=tuple(tiers),
        criteria=tuple(criteria),
        decimals=decimals,
    )


def _score_indicator(
    rubric: Rubric,
    indicator: Indicator,
    answer: IndicatorAnswer | None,
    office_type: OfficeType | None,
    rejected: bool,
) -> IndicatorScore:
    answer = answer or IndicatorAnswer()
    applies = indicator.applies(office_type)
    value = answer.value
    # N/A counts only with no value, and only where the rubric allows it.
    na = answer.not_applicable and value is None and (indicator.na_allowed or not applies)
    counted = applies and not na
    score = level = _ZERO
    target: Decimal | None = None
    success: Fraction | None = None
    if indicator.method is Method.TARGET_RATIO:
        target = _target(indicator, answer)
    if counted and value is not None and not rejected:
        if indicator.method is Method.TARGET_RATIO:
            if target is not None:
                success = aggregate.success_rate(indicator.direction, value, target)
                score = aggregate.ratio_score(
                    rubric.ratio_bands(indicator), success, rubric.scoring.max_score
                )
                level = aggregate.level_of_score(score, rubric.scoring.level_scores)
        else:
            level = indicator_level(indicator, value)
            score = level_score(level, rubric.scoring.level_scores)
    return IndicatorScore(
        id=indicator.id,
        dimension=indicator.dimension,
        weight=indicator.weight,
        value=value,
        applies=counted,
        not_applicable=na,
        exact_level=level,
        exact=score,
        decimals=rubric.scoring.decimals,
        target=target,
        exact_success=success,
    )


def _target(indicator: Indicator, answer: IndicatorAnswer) -> Decimal | None:
    """The target a target-ratio value is measured against: the rubric's, or the office's
    (a missing or non-positive one is None: the reader has reported it)."""
    if indicator.rubric_target is not None:
        return indicator.rubric_target
    if answer.target is not None and answer.target > 0:
        return answer.target
    return None


class Tally(NamedTuple):
    """What an office's parts and overall score are aggregated from: its items' scores, each
    category's (1-6) and dimension's sums of them, and the sums of those (all the issues, all
    the indicators that count). The next steps score many variants of one office, each with
    one item changed: :func:`rescored` scores that item again and sums again its group and the
    groups of its kind, and keeps the rest."""

    office_type: OfficeType | None
    issues: tuple[IssueScore, ...]
    indicators: tuple[IndicatorScore, ...]
    categories: tuple[aggregate.Sums, ...]
    dimensions: tuple[aggregate.Sums, ...]
    all_issues: aggregate.Sums  # the categories pooled
    all_indicators: aggregate.Sums  # the dimensions pooled


def _category(issues: Sequence[IssueScore], category: int) -> aggregate.Sums:
    """A category's issues, summed."""
    return aggregate.summed(
        str(category), [(i.weight, i.exact) for i in issues if i.category == category]
    )


def _dimension(indicators: Sequence[IndicatorScore], dimension: str) -> aggregate.Sums:
    """A dimension's indicators that count, summed."""
    counted = [(i.weight, i.exact) for i in indicators if i.applies and i.dimension == dimension]
    return aggregate.summed(dimension, counted)


def tally_validated(rubric: Rubric, answers: Answers, rejected: Collection[str] = ()) -> Tally:
    """Score validated answers item by item, and sum each category and dimension
    (:func:`score_validated` aggregates them)."""
    issues = tuple(_score_issue(rubric, issue, answers.criteria) for issue in rubric.issues)
    indicators = tuple(
        _score_indicator(rubric, indicator, answers.indicators.get(indicator.id),
                         answers.office_type, indicator.id in rejected)
        for indicator in rubric.indicators
    )  # fmt: skip
    present = {i.dimension for i in rubric.indicators}
    categories = tuple(_category(issues, c) for c in sorted({i.category for i in rubric.issues}))
    dimensions = tuple(_dimension(indicators, d) for d in DIMENSIONS if d in present)
    return Tally(answers.office_type, issues, indicators, categories, dimensions,
                 aggregate.pooled("", categories), aggregate.pooled("", dimensions))  # fmt: skip


def rescored(
    rubric: Rubric, base: Tally, answers: Answers, rejected: Collection[str], item: str
) -> Tally:
    """The tally of validated ``answers`` that differ from those ``base`` was scored from in
    one item's alone (``item``: an issue's criteria, or an indicator's answer and whether it is
    ``rejected``): that item is scored again, and its category or dimension and the pool of its
    kind moved by its change of score (summed again when an indicator starts or stops counting);
    every other item and group is ``base``'s, as scoring them again would give them."""
    for n, issue in enumerate(rubric.issues):
        if issue.id == item:
            result = _score_issue(rubric, issue, answers.criteria)
            issues = (*base.issues[:n], result, *base.issues[n + 1 :])
            return _issue_moved(base, n, issue, result.exact)._replace(issues=issues)
    n, indicator = next((n, i) for n, i in enumerate(rubric.indicators) if i.id == item)
    scored = _score_indicator(rubric, indicator, answers.indicators.get(item),
                              answers.office_type, item in rejected)  # fmt: skip
    before = base.indicators[n]
    indicators = (*base.indicators[:n], scored, *base.indicators[n + 1 :])
    if scored.applies != before.applies:  # its dimension's weight changes: summed again
        dimensions = tuple(
            _dimension(indicators, g.id) if g.id == indicator.dimension else g
            for g in base.dimensions
        )
        return base._replace(indicators=indicators, dimensions=dimensions,
                             all_indicators=aggregate.pooled("", dimensions))  # fmt: skip
    if not scored.applies:  # counted neither before nor after: no sum changes
        return base._replace(indicators=indicators)
    change = exact(indicator.weight) * (scored.exact - before.exact)
    dimensions = tuple(
        aggregate.moved(g, change) if g.id == indicator.dimension else g for g in base.dimensions
    )
    return base._replace(indicators=indicators, dimensions=dimensions,
                         all_indicators=aggregate.moved(base.all_indicators, change))  # fmt: skip


def overall_rescored(
    rubric: Rubric, base: Tally, answers: Answers, rejected: Collection[str], item: str
) -> Decimal | None:
    """``overall_of(rubric, rescored(rubric, base, answers, rejected, item))`` with less work:
    a changed issue is scored for its points alone (:func:`_issue_points`), not tier by tier
    and criterion by criterion, as the overall needs nothing more (the next steps score
    thousands of variants for it)."""
    for n, issue in enumerate(rubric.issues):
        if issue.id == item:
            points = _issue_points(rubric, issue, answers.criteria)
            # Its category and pool moved; its own IssueScore, unread here, left as base's.
            return overall_of(rubric, _issue_moved(base, n, issue, points))
    return overall_of(rubric, rescored(rubric, base, answers, rejected, item))


def _issue_moved(base: Tally, n: int, issue: Issue, points: Fraction) -> Tally:
    """``base`` with its ``n``th issue's category and the issues' pool moved to the issue's new
    score (``points``); its IssueScore is still ``base``'s."""
    change = exact(issue.weight) * (points - base.issues[n].exact)
    group = str(issue.category)
    categories = tuple(aggregate.moved(g, change) if g.id == group else g for g in base.categories)
    return base._replace(categories=categories, all_issues=aggregate.moved(base.all_issues, change))


def _aggregated(rubric: Rubric, tally: Tally) -> tuple[PartScore, PartScore, Fraction | None]:
    """The two parts and the overall score (:func:`_overall`), exactly."""
    decimals = rubric.scoring.decimals
    weights = rubric.scoring.part_weights
    issues, indicators = tally.all_issues, tally.all_indicators
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        scored, category7 = _categories(tally)
        pmqa = PartScore(aggregate.mean(scored), Decimal(len(scored)), issues.weight, decimals)
        results = PartScore(
            category7, Decimal(1 if category7 is not None else 0), indicators.weight, decimals
        )
    else:
        pmqa = PartScore(issues.score, weights.pmqa, issues.weight, decimals)
        results = PartScore(indicators.score, weights.results, indicators.weight, decimals)
    return pmqa, results, _overall(rubric, tally)


def _overall(rubric: Rubric, tally: Tally) -> Fraction | None:
    """The overall score, exactly: the one place it is aggregated (the next steps' variants
    need it alone, without the parts' scores)."""
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        # The plain mean of the categories with a score, category 7 one of them.
        scored, category7 = _categories(tally)
        return aggregate.mean([*scored, category7])
    # The weighted mean of the parts with a score (each part the weighted mean of its items).
    weights = rubric.scoring.part_weights
    parts = [(weight, part.score)
             for weight, part in ((weights.pmqa, tally.all_issues),
                                  (weights.results, tally.all_indicators))
             if part.score is not None]  # fmt: skip
    return aggregate.summed("", parts).score


def _categories(tally: Tally) -> tuple[list[Fraction], Fraction | None]:
    """A category-mean rubric's categories, exactly: categories 1-6 with a score (each the
    mean of its issues) and category 7 (the mean of its dimensions; None without one)."""
    scored = [c.score for c in tally.categories if c.score is not None]
    return scored, aggregate.mean(d.score for d in tally.dimensions)


def overall_of(rubric: Rubric, tally: Tally) -> Decimal | None:
    """The overall score of a tally, as reported (:attr:`Scores.overall` of its scores)."""
    return rounded(_overall(rubric, tally), rubric.scoring.decimals)


def score_answers(rubric: Rubric, answers: Answers, where: Location | None = None) -> Scores:
    """Validate and score an office's answers against a rubric: validation
    (:func:`pmqa_cli.assess.validate.validate_answers`, whose findings say what is missing or
    refused, with the cell from ``where``) then :func:`score_validated`. Missing answers and
    refused values score zero."""
    validated = validate_answers(rubric, answers, where)
    return score_validated(rubric, validated.answers, validated.rejected)


def score_validated(rubric: Rubric, answers: Answers, rejected: Collection[str] = ()) -> Scores:
    """Score validated answers: pure, exact arithmetic. ``rejected`` indicators (a value the
    rubric does not accept) score zero."""
    return scores_of(rubric, tally_validated(rubric, answers, rejected))


def scores_of(rubric: Rubric, tally: Tally) -> Scores:
    """Every score of a tally: its items, groups, parts, overall, band and status."""
    decimals = rubric.scoring.decimals
    pmqa, results, exact_overall = _aggregated(rubric, tally)
    categories = [GroupScore(c.id, c.score, decimals) for c in tally.categories]
    if rubric.indicators:
        categories.append(GroupScore("7", results.exact, decimals))

    def shown(value: Fraction | None) -> Decimal | None:
        # Bands and statuses are read off the reported (rounded) score, never the exact one.
        return None if value is None else round_half_up(value, decimals)

    return Scores(
        office_type=tally.office_type,
        issues=tally.issues,
        indicators=tally.indicators,
        categories=tuple(categories),
        dimensions=tuple(GroupScore(d.id, d.score, decimals) for d in tally.dimensions),
        pmqa=pmqa,
        results=results,
        exact_overall=exact_overall,
        band=band_for(rubric.scoring.overall_bands, shown(exact_overall)),
        status=band_for(rubric.scoring.pmqa_status_bands, shown(pmqa.exact)),
        decimals=decimals,
    )
