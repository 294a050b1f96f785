"""Scoring rules a rubric can choose beyond the weighted parts: target ratios and category means.

Pure, exact computation in :class:`fractions.Fraction` (rubric numbers and values arrive as
Decimals of their text), as analysts check it by hand (docs/scoring.md):

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
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from pmqa_cli.core.numbers import exact
from pmqa_cli.rubric.model import Direction, RatioBand

__all__ = [
    "Sums",
    "level_of_score",
    "mean",
    "moved",
    "pooled",
    "ratio_needed",
    "ratio_score",
    "success_rate",
    "summed",
]

HUNDRED = Fraction(100)


def success_rate(direction: Direction, value: Any, target: Any) -> Fraction:
    """Per cent of the target achieved: result / target x 100, or 200 - that when lower is
    better (a result half the target is 150 % success). ``target`` must be positive."""
    ratio = exact(value) / exact(target) * HUNDRED
    return ratio if direction is Direction.HIGHER else 2 * HUNDRED - ratio


def ratio_score(bands: Sequence[RatioBand], success: Fraction | Decimal, top: Any) -> Fraction:
    """The score of a success rate: the first band whose ``up_to`` it does not exceed (the last
    band takes the rest), kept within 0 and ``top``."""
    band = next(b for b in bands if b.up_to is None or success <= b.up_to)
    if band.score is not None:
        raw = Fraction(band.score)
    else:
        assert band.multiply is not None  # the model allows exactly one of score and multiply
        raw = Fraction(success) * Fraction(band.multiply)
    return min(max(raw, Fraction(0)), exact(top))


def ratio_needed(bands: Sequence[RatioBand], score: Any) -> tuple[Fraction, bool] | None:
    """The least success rate that scores at least ``score``: (rate, strict), where strict means
    the rate must be exceeded rather than reached; None when no band scores that much.

    With OPDC's bands, 300 needs 100 % (reached), 400 more than 101 %, 100 at least 33.33... %.
    """
    wanted = exact(score)
    below: Fraction | None = None  # the upper edge of the band before (exclusive lower bound)
    for band in bands:
        if band.score is not None:
            if band.score >= wanted:
                return (below, True) if below is not None else (Fraction(0), False)
        else:
            assert band.multiply is not None
            needed = wanted / Fraction(band.multiply)
            if band.up_to is None or needed <= band.up_to:
                if below is not None and needed <= below:
                    return below, True
                return needed, False
        below = None if band.up_to is None else Fraction(band.up_to)
    return None


def level_of_score(score: Fraction | Decimal, level_scores: Sequence[Any]) -> Fraction:
    """The level 0-5 a score stands at on the rubric's level scores, linear between them (300 on
    100..500 is level 3, 250 is 2.5, 60 is 0.6)."""
    levels = [exact(s) for s in level_scores]
    score = exact(score)
    if score <= 0:
        return Fraction(0)
    if score < levels[0]:
        return score / levels[0]
    for n in range(len(levels) - 1):
        low, high = levels[n], levels[n + 1]
        if score < high:
            return (n + 1) + (score - low) / (high - low)
    return Fraction(len(levels))


def mean(values: Iterable[Fraction | None]) -> Fraction | None:
    """The plain mean of the values that are there; None when none is."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, Fraction(0)) / len(present)


class Sums(NamedTuple):
    """Weighed scores summed (a category's issues, a dimension's indicators that count, or a
    part's groups): sum(weight x score), sum(weight), and so their weighted mean."""

    id: str  # the category ("1"-"6") or dimension; "" for a part or the overall
    weighted: Fraction  # sum(weight x score)
    weight: Decimal  # sum(weight)
    score: Fraction | None  # weighted / weight; None when nothing is weighed


def summed(group: str, items: Iterable[tuple[Decimal, Fraction]]) -> Sums:
    """(weight, score) pairs summed into their weighted mean."""
    return _sums(group, ((exact(weight) * score, weight) for weight, score in items))


def pooled(group: str, sums: Iterable[Sums]) -> Sums:
    """Groups' sums summed: the weighted mean of all their items, exactly as :func:`summed`
    gives it from the items themselves (sums of Fractions are exact in any order)."""
    return _sums(group, ((s.weighted, s.weight) for s in sums))


def moved(sums: Sums, change: Fraction) -> Sums:
    """The sums with one weighed item's score changed, its weight the same: ``change`` is
    weight x (new score - old score). Exact, so the sums are those :func:`summed` gives from
    the changed items themselves, without summing every item again."""
    weighted = sums.weighted + change
    return Sums(sums.id, weighted, sums.weight,
                None if sums.weight == 0 else weighted / exact(sums.weight))  # fmt: skip


def _sums(group: str, terms: Iterable[tuple[Fraction, Decimal]]) -> Sums:
    """The sums of (weight x score, weight) terms and their ratio: the one weighted mean."""
    parts: list[Fraction] = []
    weight = Decimal(0)
    for part, size in terms:
        parts.append(part)
        weight += size
    # Summed from the first term, not from zero: one Fraction addition fewer, the same sum.
    weighted = sum(parts[1:], parts[0]) if parts else Fraction(0)
    return Sums(group, weighted, weight, None if weight == 0 else weighted / exact(weight))
