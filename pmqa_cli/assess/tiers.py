"""Which tiers of an issue count, and which comes next: the one rule, read everywhere it is used.

An issue's tiers are climbed in order: a tier earns its criteria's shares of its points only once
every criterion of every lower tier is met (docs/scoring.md). Validation reads the rule to say
that a criterion met above an incomplete tier earns nothing yet (``tier-gated``), the scoring
engine to score the issue, and the next steps and the feedback workbook to name the tier an
office should reach next and the criteria still unmet for it. Each reads :func:`tiers_met` or
:func:`next_tier`, so the rule is stated here once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from pmqa_cli.core.numbers import exact
from pmqa_cli.rubric.model import Criterion, Issue, Rubric, Tier

__all__ = ["NextTier", "TierMet", "next_tier", "tiers_met"]

_ZERO = Fraction(0)


@lru_cache(maxsize=256)
def _share(points: Decimal, criteria: int) -> Fraction:
    """A criterion's share of its tier's points (rubric numbers: the same for every office)."""
    return exact(points) / criteria


class TierMet(NamedTuple):
    """One tier of an issue as an office's criteria meet it."""

    tier: Tier
    points: Decimal  # the tier's points in the rubric
    share: Fraction  # a criterion's share of them
    answers: list[bool | None]  # each criterion met, not met, or not answered
    counted: bool  # every lower tier is complete: only then does this tier earn its shares

    @property
    def complete(self) -> bool:
        return all(self.answers)

    @property
    def earned(self) -> Fraction:
        return self.share * sum(1 for a in self.answers if a) if self.counted else _ZERO


def tiers_met(rubric: Rubric, issue: Issue, met: Mapping[str, bool | None]) -> Iterator[TierMet]:
    """The issue's tiers, lowest first, as ``met`` (criterion id: met, not met, or None for no
    answer) meets them."""
    lower_complete = True
    for tier in issue.tiers:
        points = rubric.tier_points(tier)
        answers = [met.get(c.id) for c in tier.criteria]
        yield TierMet(tier, points, _share(points, len(tier.criteria)), answers, lower_complete)
        lower_complete = lower_complete and all(answers)


class NextTier(NamedTuple):
    """The tier an issue should reach next and its criteria still unmet."""

    tier: Tier
    unmet: tuple[Criterion, ...]


def next_tier(issue: Issue, met: Mapping[str, bool | None]) -> NextTier | None:
    """The lowest incomplete tier, which blocks every tier above it, and its unmet criteria
    (not answered counts as unmet); None when every tier is complete."""
    for tier in issue.tiers:
        unmet = tuple(c for c in tier.criteria if not met.get(c.id))
        if unmet:
            return NextTier(tier, unmet)
    return None
