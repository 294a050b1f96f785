"""An office's scores: one set of classes, exact inside, rounded once when read.

The scoring engine (:mod:`.scoring`) fills these in with exact Fractions. What every output
shows (the terminal, JSON, CSV, results.xlsx, feedback) is the *rounded* view, computed from the
exact value by the one rounding, :func:`~pmqa_cli.core.numbers.round_half_up`, to the rubric's
decimals: ``issue.score`` is the reported score, ``issue.exact`` the Fraction it comes from.
Nothing is stored twice, so no output can show a number rounded differently from another.

Numbers that are not computed (weights, values as typed, targets) are the Decimals the rubric or
the workbook gave; :func:`~pmqa_cli.core.numbers.json_number` turns them into JSON numbers and
spreadsheet cells (a short decimal survives that trip exactly).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pmqa_cli.assess.trace import ItemTrace
from pmqa_cli.core.numbers import json_number, round_half_up, rounded
from pmqa_cli.core.records import pickled_by_fields
from pmqa_cli.rubric.model import Band, OfficeType

__all__ = [
    "CriterionScore",
    "GroupScore",
    "IndicatorScore",
    "IssueScore",
    "PartScore",
    "Scores",
    "TierScore",
]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion of an issue: met or not (None: unanswered) and the points it earned."""

    id: str
    tier: str
    met: bool | None
    exact: Fraction  # the points earned: 0 when its tier is gated by an incomplete lower tier
    decimals: int
    evidence: str = ""
    trace: ItemTrace | None = None  # the claim, the final answer and where it came from

    @property
    def points(self) -> Decimal:
        """The points earned, as reported."""
        return round_half_up(self.exact, self.decimals)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TierScore:
    """One tier of an issue: its points, what it earned, and whether it counts."""

    id: str
    points: Decimal  # the rubric's points for the tier
    earned: Fraction
    complete: bool  # every criterion of the tier is met
    counted: bool  # every lower tier is complete, so this one earns


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class IssueScore:
    """One PMQA 4.0 issue (categories 1-6)."""

    id: str
    category: int
    weight: Decimal
    exact: Fraction
    max_score: Decimal
    status_id: str | None  # the highest tier reached; None below the first tier
    status_th: str
    status_en: str
    tiers: tuple[TierScore, ...]
    criteria: tuple[CriterionScore, ...]
    decimals: int

    @property
    def score(self) -> Decimal:
        """The issue's score, as reported."""
        return round_half_up(self.exact, self.decimals)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One category-7 indicator."""

    id: str
    dimension: str
    weight: Decimal
    value: Decimal | None  # the value used, after normalisation, exactly as typed
    applies: bool  # False: not for this office's type, or marked N/A
    not_applicable: bool
    exact_level: Fraction  # 0-5, fractional between thresholds
    exact: Fraction  # the score
    decimals: int
    target: Decimal | None = None  # target_ratio: the target the value was measured against
    exact_success: Fraction | None = None  # target_ratio: per cent of the target achieved
    evidence: str = ""
    trace: ItemTrace | None = None

    @property
    def score(self) -> Decimal:
        """The indicator's score, as reported."""
        return round_half_up(self.exact, self.decimals)

    @property
    def level(self) -> Decimal:
        """The level reached, as reported (2.944)."""
        return round_half_up(self.exact_level, self.decimals)

    @property
    def whole_level(self) -> int:
        """The whole level reached, from the exact level (2.99999 is 2)."""
        return math.floor(self.exact_level)

    @property
    def success(self) -> Decimal | None:
        """Per cent of the target achieved (target_ratio), as reported."""
        return rounded(self.exact_success, self.decimals)

    @property
    def counted_score(self) -> Decimal | None:
        """The score when the indicator counts for this office, else None (an empty cell)."""
        return self.score if self.applies else None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class GroupScore:
    """A category (1-7) or a dimension of category 7: its mean score (None: nothing counts)."""

    id: str
    exact: Fraction | None
    decimals: int

    @property
    def score(self) -> Decimal | None:
        """The group's score, as reported."""
        return rounded(self.exact, self.decimals)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PartScore:
    """One part of the overall score: categories 1-6 (pmqa) or category 7 (results)."""

    exact: Fraction | None  # None when nothing in the part applies
    weight: Decimal  # the part's weight in the overall score
    items_weight: Decimal  # the sum of the weights of the items that counted
    decimals: int

    @property
    def score(self) -> Decimal | None:
        """The part's score, as reported."""
        return rounded(self.exact, self.decimals)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Scores:
    """One set of an office's scores: exact, with every reported number rounded from it."""

    office_type: OfficeType | None
    issues: tuple[IssueScore, ...]
    indicators: tuple[IndicatorScore, ...]
    categories: tuple[GroupScore, ...]  # "1"-"6", and "7" when the rubric has indicators
    dimensions: tuple[GroupScore, ...]  # the dimensions of category 7 the rubric has
    pmqa: PartScore
    results: PartScore
    exact_overall: Fraction | None
    band: Band | None  # read off the reported overall
    status: Band | None  # PMQA 4.0 status, read off the reported categories 1-6 score
    decimals: int

    @property
    def overall(self) -> Decimal | None:
        """The overall score, as reported."""
        return rounded(self.exact_overall, self.decimals)

    def issue(self, item: str) -> IssueScore | None:
        """The issue with this id, if the rubric has it."""
        return next((i for i in self.issues if i.id == item), None)

    def indicator(self, item: str) -> IndicatorScore | None:
        """The indicator with this id, if the rubric has it."""
        return next((i for i in self.indicators if i.id == item), None)

    def annotated(self, evidence: Mapping[str, str], traces: Mapping[str, ItemTrace]) -> Scores:
        """The same scores with each item's evidence and trace (by item id) riding along."""
        issues = tuple(
            replace(i, criteria=tuple(
                replace(c, evidence=evidence.get(c.id, ""), trace=traces.get(c.id))
                for c in i.criteria))
            for i in self.issues
        )  # fmt: skip
        indicators = tuple(
            replace(i, evidence=evidence.get(i.id, ""), trace=traces.get(i.id))
            for i in self.indicators
        )
        return replace(self, issues=issues, indicators=indicators)

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
