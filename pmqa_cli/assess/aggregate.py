"""Scoring rules a rubric can choose beyond the weighted parts: target ratios and category means.

Pure computation in :class:`decimal.Decimal`, as analysts check it by hand (docs/scoring.md):

* **target_ratio**: the success rate is result / target x 100 (mirrored for lower-is-better:
  200 - result / target x 100), and the rubric's bands turn it into a score: the first band
  whose ``up_to`` the rate does not exceed gives a fixed score or ``multiply`` x the rate. The
  score is kept within 0 and the top score.
* **category_mean**: a category 1-6 scores the weighted mean of its issues, a dimension the
  weighted mean of its indicators that count, category 7 the plain mean of its dimensions, and
  the overall the plain mean of the categories that have a score (category 7 counted as one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pmqa_cli.rubric.model import Direction, RatioBand

__all__ = [
    "CategoryScore",
    "DimensionScore",
    "as_decimal",
    "category_scores",
    "dimension_scores",
    "level_of_score",
    "mean",
    "ratio_needed",
    "ratio_score",
    "success_rate",
    "weighted_mean",
]

HUNDRED = Decimal(100)


def as_decimal(value: Any) -> Decimal:
    """A number as an exact Decimal: the shortest text of a float, as people read it."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def success_rate(direction: Direction, value: Any, target: Any) -> Decimal:
    """Per cent of the target achieved: result / target x 100, or 200 - that when lower is
    better (a result half the target is 150 % success). ``target`` must be positive."""
    ratio = as_decimal(value) / as_decimal(target) * HUNDRED
    return ratio if direction is Direction.HIGHER else 2 * HUNDRED - ratio


def ratio_score(bands: Sequence[RatioBand], success: Decimal, top: Any) -> Decimal:
    """The score of a success rate: the first band whose ``up_to`` it does not exceed (the last
    band takes the rest), kept within 0 and ``top``."""
    band = next(b for b in bands if b.up_to is None or success <= b.up_to)
    if band.score is not None:
        raw = band.score
    else:
        assert band.multiply is not None  # the model allows exactly one of score and multiply
        raw = success * band.multiply
    return min(max(raw, Decimal(0)), as_decimal(top))


def ratio_needed(bands: Sequence[RatioBand], score: Any) -> tuple[Decimal, bool] | None:
    """The least success rate that scores at least ``score``: (rate, strict), where strict means
    the rate must be exceeded rather than reached; None when no band scores that much.

    With OPDC's bands, 300 needs 100 % (reached), 400 more than 101 %, 100 at least 33.33... %.
    """
    wanted = as_decimal(score)
    below: Decimal | None = None  # the upper edge of the band before (exclusive lower bound)
    for band in bands:
        if band.score is not None:
            if band.score >= wanted:
                return (below, True) if below is not None else (Decimal(0), False)
        else:
            assert band.multiply is not None
            needed = wanted / band.multiply
            if band.up_to is None or needed <= band.up_to:
                if below is not None and needed <= below:
                    return below, True
                return needed, False
        below = band.up_to
    return None


def level_of_score(score: Decimal, level_scores: Sequence[Any]) -> Decimal:
    """The level 0-5 a score stands at on the rubric's level scores, linear between them (300 on
    100..500 is level 3, 250 is 2.5, 60 is 0.6)."""
    levels = [as_decimal(s) for s in level_scores]
    if score <= 0:
        return Decimal(0)
    if score < levels[0]:
        return score / levels[0]
    for n in range(len(levels) - 1):
        low, high = levels[n], levels[n + 1]
        if score < high:
            return (n + 1) + (score - low) / (high - low)
    return Decimal(len(levels))


def weighted_mean(items: Iterable[tuple[Any, Any]]) -> Decimal | None:
    """sum(weight x score) / sum(weight); None when nothing is weighed."""
    pairs = [(as_decimal(w), as_decimal(s)) for w, s in items]
    total = sum((w for w, _ in pairs), Decimal(0))
    if total == 0:
        return None
    return sum((w * s for w, s in pairs), Decimal(0)) / total


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The plain mean of the values that are there; None when none is."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, Decimal(0)) / len(present)


@dataclass(frozen=True)
class DimensionScore:
    """A category 7 dimension (7.1-7.6): the weighted mean of its indicators that count."""

    id: str
    score: Decimal | None  # None when none of its indicators counts for this office


@dataclass(frozen=True)
class CategoryScore:
    """A category: "1"-"6" (the weighted mean of its issues) or "7" (of its dimensions)."""

    id: str
    score: Decimal | None


def dimension_scores(
    dimensions: Sequence[str], indicators: Iterable[tuple[str, Any, Any]]
) -> list[DimensionScore]:
    """Each dimension's score from (dimension, weight, score) of the indicators that count."""
    counted = list(indicators)
    return [
        DimensionScore(d, weighted_mean((w, s) for dim, w, s in counted if dim == d))
        for d in dimensions
    ]


def category_scores(
    categories: Sequence[int], issues: Iterable[tuple[int, Any, Any]]
) -> list[CategoryScore]:
    """Each category's score from (category, weight, score) of its issues."""
    scored = list(issues)
    return [
        CategoryScore(str(c), weighted_mean((w, s) for cat, w, s in scored if cat == c))
        for c in categories
    ]
