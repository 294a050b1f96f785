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
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

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
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.core.numbers import Number, exact, round_half_up
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
    "band_for",
    "indicator_level",
    "indicator_score",
    "score_answers",
    "score_validated",
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


def _score_issue(rubric: Rubric, issue: Issue, met: Mapping[str, bool | None]) -> IssueScore:
    decimals = rubric.scoring.decimals
    tiers: list[TierScore] = []
    criteria: list[CriterionScore] = []
    lower_complete = True
    status: tuple[str | None, str, str] = (
        None,
        rubric.scoring.below_first_tier_th,
        rubric.scoring.below_first_tier_en,
    )
    for tier in issue.tiers:
        points = rubric.tier_points(tier)
        share = exact(points) / len(tier.criteria)
        answers = [met.get(c.id) for c in tier.criteria]
        earned = share * sum(1 for a in answers if a)
        complete = all(answers)
        counted = lower_complete  # a tier counts once every lower tier is complete
        for criterion, answer in zip(tier.criteria, answers, strict=True):
            points_here = share if answer and counted else _ZERO
            criteria.append(CriterionScore(criterion.id, tier.id, answer, points_here, decimals))
        tiers.append(TierScore(tier.id, points, earned if counted else _ZERO, complete, counted))
        if counted and complete:
            default = rubric.tier_default(tier.id)
            status = (tier.id, default.title_th, default.title_en)
        lower_complete = lower_complete and complete
    return IssueScore(
        id=issue.id,
        category=issue.category,
        weight=issue.weight,
        exact=sum((t.earned for t in tiers), _ZERO),
        max_score=rubric.issue_max(issue),
        status_id=status[0],
        status_th=status[1],
        status_en=status[2],
        tiers=tuple(tiers),
        criteria=tuple(criteria),
        decimals=decimals,
    )


def _issue_score(
    rubric: Rubric, issue: Issue, met: Mapping[str, bool | None], memo: ItemMemo | None
) -> IssueScore:
    if memo is None:
        return _score_issue(rubric, issue, met)
    key = ("issue", issue.id, *(met.get(c.id) for tier in issue.tiers for c in tier.criteria))
    found = memo.get(key)
    if not isinstance(found, IssueScore):
        found = memo[key] = _score_issue(rubric, issue, met)
    return found


def _indicator_score(
    rubric: Rubric,
    indicator: Indicator,
    answer: IndicatorAnswer | None,
    office_type: OfficeType | None,
    rejected: bool,
    memo: ItemMemo | None,
) -> IndicatorScore:
    if memo is None:
        return _score_indicator(rubric, indicator, answer, office_type, rejected)
    given = (None,) if answer is None else (
        str(answer.value), answer.not_applicable, str(answer.target)
    )  # fmt: skip
    key = ("indicator", indicator.id, office_type, rejected, *given)
    found = memo.get(key)
    if not isinstance(found, IndicatorScore):
        found = memo[key] = _score_indicator(rubric, indicator, answer, office_type, rejected)
    return found


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
            score = indicator_score(indicator, value, rubric.scoring.level_scores)
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


def _part(items: list[tuple[Decimal, Fraction]], weight: Decimal, decimals: int) -> PartScore:
    """The weighted mean of (weight, score) pairs, exactly."""
    total = sum((w for w, _ in items), Decimal(0))
    if total == 0:
        return PartScore(None, weight, total, decimals)
    weighted = sum((exact(w) * s for w, s in items), _ZERO)
    return PartScore(weighted / exact(total), weight, total, decimals)


K = TypeVar("K", int, str)  # a category (1-6) or a dimension

#: Items already scored, by what their score depends on (see :func:`score_validated`); and
#: each category's and dimension's score by its items' identities, with the items themselves
#: (kept alive, their ids are not reused while the memo lasts).
ItemMemo = dict[
    tuple[object, ...],
    "IssueScore | IndicatorScore | tuple[tuple[IssueScore | IndicatorScore, ...], aggregate.Group]",
]


def _groups(
    kind: str,
    groups: Sequence[K],
    items: Sequence[tuple[K, IssueScore | IndicatorScore]],
    score: Callable[[K, list[tuple[K, Any, Any]]], aggregate.Group],
    memo: ItemMemo | None,
) -> list[aggregate.Group]:
    """Each group's score from its (group, item) pairs, in ``groups`` order; with ``memo`` a
    group whose items are the very objects scored before is not worked out again (the next
    steps' variants change one item: the other groups' item scores come from the memo)."""
    out = []
    for group in groups:
        members: tuple[IssueScore | IndicatorScore, ...]
        members = tuple(item for at, item in items if at == group)
        key = (kind, group, *map(id, members))
        found = None if memo is None else memo.get(key)
        if isinstance(found, tuple):
            out.append(found[1])
            continue
        scored = score(group, [(group, m.weight, m.exact) for m in members])
        if memo is not None:
            memo[key] = (members, scored)
        out.append(scored)
    return out


def score_answers(
    rubric: Rubric,
    answers: Answers,
    where: Location | None = None,
    memo: ItemMemo | None = None,
) -> Scores:
    """Validate and score an office's answers against a rubric: validation
    (:func:`pmqa_cli.assess.validate.validate_answers`, whose findings say what is missing or
    refused, with the cell from ``where``) then :func:`score_validated`. Missing answers and
    refused values score zero."""
    validated = validate_answers(rubric, answers, where)
    return score_validated(rubric, validated.answers, validated.rejected, memo)


def score_validated(
    rubric: Rubric,
    answers: Answers,
    rejected: Collection[str] = (),
    memo: ItemMemo | None = None,
) -> Scores:
    """Score validated answers: pure, exact arithmetic. ``rejected`` indicators (a value the
    rubric does not accept) score zero.

    ``memo`` (one per office and rubric) keeps each issue's and indicator's score by everything
    it depends on, for a caller that scores many variants of one office's answers (the next
    steps: one changed item each): an item whose answers are unchanged is not scored again.
    The parts, categories and the overall score are always worked out afresh."""
    decimals = rubric.scoring.decimals
    issues = [_issue_score(rubric, issue, answers.criteria, memo) for issue in rubric.issues]
    indicators = [
        _indicator_score(
            rubric,
            indicator,
            answers.indicators.get(indicator.id),
            answers.office_type,
            indicator.id in rejected,
            memo,
        )
        for indicator in rubric.indicators
    ]
    weights = rubric.scoring.part_weights
    pmqa = _part([(i.weight, i.exact) for i in issues], weights.pmqa, decimals)
    results = _part([(i.weight, i.exact) for i in indicators if i.applies], weights.results,
                    decimals)  # fmt: skip
    overall = _part(
        [(p.weight, p.exact) for p in (pmqa, results) if p.exact is not None], Decimal(1), decimals
    ).exact
    categories = _groups(
        "category", sorted({i.category for i in issues}), [(i.category, i) for i in issues],
        lambda c, pairs: aggregate.category_scores([c], pairs)[0], memo,
    )  # fmt: skip
    present = {i.dimension for i in rubric.indicators}
    dimensions = _groups(
        "dimension", [d for d in DIMENSIONS if d in present],
        [(i.dimension, i) for i in indicators if i.applies],
        lambda d, pairs: aggregate.dimension_scores([d], pairs)[0], memo,
    )  # fmt: skip
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        # Categories 1-6 are each the mean of their issues; category 7 the mean of its
        # dimensions; the overall the plain mean of the categories with a score.
        category7 = aggregate.mean(score for _, score in dimensions)
        scored = [score for _, score in categories if score is not None]
        pmqa = PartScore(aggregate.mean(scored), Decimal(len(scored)), pmqa.items_weight, decimals)
        results = PartScore(
            category7, Decimal(1 if category7 is not None else 0), results.items_weight, decimals
        )
        overall = aggregate.mean([*scored, category7])
    if rubric.indicators:
        categories.append(aggregate.Group("7", results.exact))

    def shown(value: Fraction | None) -> Decimal | None:
        # Bands and statuses are read off the reported (rounded) score, never the exact one.
        return None if value is None else round_half_up(value, decimals)

    return Scores(
        office_type=answers.office_type,
        issues=tuple(issues),
        indicators=tuple(indicators),
        categories=tuple(GroupScore(*group, decimals) for group in categories),
        dimensions=tuple(GroupScore(*group, decimals) for group in dimensions),
        pmqa=pmqa,
        results=results,
        exact_overall=overall,
        band=band_for(rubric.scoring.overall_bands, shown(overall)),
        status=band_for(rubric.scoring.pmqa_status_bands, shown(pmqa.exact)),
        decimals=decimals,
    )
