"""A batch's statistics: per column of scores, how over- or under-claimed, and the bands.

Computed on the reported (rounded) numbers, exactly (as Fractions), rounded once; the standard
deviation (a square root) is the one number that is not exact. :class:`~.batch.BatchResult`
gives these as its methods; they live here so the batch's gathering stays readable.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.trace import Verdict
from pmqa_cli.core.numbers import json_number, round_half_up
from pmqa_cli.rubric.model import Aggregation, Rubric

__all__ = [
    "ClaimStat",
    "Stat",
    "claim_statistics",
    "distribution",
    "rejected_claims",
    "score_statistics",
]


@dataclass(frozen=True)
class Stat:
    """Descriptive statistics of one column of scores (on the reported, rounded numbers)."""

    key: str
    label: str
    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    stdev: Decimal | None  # sample standard deviation (n - 1), as Excel's STDEV.S

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "mean": json_number(self.mean),
            "median": json_number(self.median),
            "min": json_number(self.minimum),
            "max": json_number(self.maximum),
            "stdev": json_number(self.stdev),
        }


@dataclass(frozen=True)
class ClaimStat:
    """How far offices over- or under-claim the overall, one issue or one indicator."""

    key: str
    label: str
    rejected: int  # claims (criteria or indicator values) the committee did not confirm
    lower: int  # offices whose verified score is below their self-assessed one: over-claimed
    higher: int  # offices whose verified score is above it: under-claimed
    mean_difference: Decimal | None  # mean of verified - self-assessed, over the offices

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"key": self.key, "label": self.label, "rejected": self.rejected,
                "lower": self.lower, "higher": self.higher,
                "mean_difference": json_number(self.mean_difference)}  # fmt: skip


def score_statistics(rubric: Rubric, scored: Sequence[ScoredOffice]) -> list[Stat]:
    """Per part, issue and indicator: count, mean, median, min, max, standard deviation."""
    sets = [f.scores for f in scored if f.scores is not None]
    columns: list[tuple[str, str, Sequence[Decimal | None]]] = [
        ("overall", "คะแนนรวม", [s.overall for s in sets]),
        ("pmqa", "หมวด 1-6 (PMQA 4.0)", [s.pmqa.score for s in sets]),
    ]
    if rubric.indicators:
        mean = rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN
        label = "คะแนนหมวด 7 (ค่าเฉลี่ยของมิติ)" if mean else "หมวด 7 (ตัวชี้วัด)"
        columns.append(("results", label, [s.results.score for s in sets]))
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        # The overall is the mean of the categories: their statistics come next (category
        # 7's are the "results" row above).
        for n, category in enumerate(rubric.category_ids):
            if category == "7":
                continue
            scores = [s.categories[n].score for s in sets if len(s.categories) > n]
            what = "มิติ" if category == "7" else "ประเด็น"
            label = f"คะแนนหมวด {category} (ค่าเฉลี่ยของ{what})"
            columns.append((f"หมวด {category}", label, scores))
    for n, issue in enumerate(rubric.issues):
        values = [s.issues[n].score for s in sets if len(s.issues) > n]
        columns.append((issue.id, issue.title_th, values))
    for n, ind in enumerate(rubric.indicators):
        counted = [s.indicators[n].counted_score for s in sets if len(s.indicators) > n]
        columns.append((ind.id, ind.title_th, counted))
    decimals = rubric.scoring.decimals
    return [
        _describe(key, label, [v for v in values if v is not None], decimals)
        for key, label, values in columns
    ]


def claim_statistics(rubric: Rubric, scored: Sequence[ScoredOffice]) -> list[ClaimStat]:
    """Per overall, issue and indicator: claims the committee did not confirm, offices whose
    verified score is below (over-claimed) or above (under-claimed) the self-assessed one,
    and the mean difference (exact, rounded once)."""
    pairs = [(f.self_assessed, f.scores) for f in scored
             if f.self_assessed is not None and f.scores is not None]  # fmt: skip
    rejected = rejected_claims(verified for _, verified in pairs)
    decimals = rubric.scoring.decimals
    out: list[ClaimStat] = []

    def stat(key: str, label: str, both: list[tuple[Decimal, Decimal]], count: int) -> None:
        diffs = [Fraction(verified) - Fraction(own) for own, verified in both]
        mean = round_half_up(sum(diffs, Fraction(0)) / len(diffs), decimals) if diffs else None
        lower, higher = sum(1 for d in diffs if d < 0), sum(1 for d in diffs if d > 0)
        out.append(ClaimStat(key, label, count, lower, higher, mean))

    overall = [(own.overall, verified.overall) for own, verified in pairs
               if own.overall is not None and verified.overall is not None]  # fmt: skip
    stat("overall", "คะแนนรวม", overall, sum(rejected.values()))
    for n, issue in enumerate(rubric.issues):
        ids = {c.id for t in issue.tiers for c in t.criteria}
        both = [(own.issues[n].score, verified.issues[n].score) for own, verified in pairs
                if len(own.issues) > n and len(verified.issues) > n]  # fmt: skip
        stat(issue.id, issue.title_th, both, sum(rejected.get(i, 0) for i in ids))
    for n, ind in enumerate(rubric.indicators):
        both = []
        for own, verified in pairs:
            if len(own.indicators) <= n or len(verified.indicators) <= n:
                continue
            a, b = own.indicators[n].counted_score, verified.indicators[n].counted_score
            if a is not None and b is not None:
                both.append((a, b))
        stat(ind.id, ind.title_th, both, rejected.get(ind.id, 0))
    return out


def distribution(
    rubric: Rubric, scored: Sequence[ScoredOffice]
) -> dict[str, dict[str, dict[str, int]]]:
    """Counts of overall bands and PMQA 4.0 statuses by office type (สพป., สพม., รวม)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    scoring = rubric.scoring
    for name, labels, attr in (
        ("band", [b.label_th for b in scoring.overall_bands], "band_th"),
        ("status", [b.label_th for b in scoring.pmqa_status_bands], "status_th"),
    ):
        table = {label: {"สพป.": 0, "สพม.": 0, "รวม": 0} for label in labels}
        for f in scored:
            label = getattr(f, attr)
            if label not in table:
                continue
            kind = f.office.type.abbrev_th if f.office.type else None
            if kind:
                table[label][kind] += 1
            table[label]["รวม"] += 1
        out[name] = table
    return out


def rejected_claims(score_sets: Iterable[Scores]) -> dict[str, int]:
    """Item id -> how many offices' claims the committee did not confirm."""
    counts: dict[str, int] = defaultdict(int)
    for scores in score_sets:
        traces = [c.trace for i in scores.issues for c in i.criteria]
        traces += [i.trace for i in scores.indicators]
        for trace in traces:
            if trace is not None and trace.verdict is Verdict.REJECTED:
                counts[trace.item] += 1
    return counts


def _describe(key: str, label: str, values: list[Decimal], decimals: int) -> Stat:
    if not values:
        return Stat(key, label, 0, None, None, None, None, None)
    # The reported scores are short decimals: as Fractions, the mean and median are exact
    # before their one rounding (the standard deviation, a square root, is not).
    exact = [Fraction(v) for v in values]

    def r(x: Fraction | float) -> Decimal:
        return round_half_up(x, decimals)

    stdev = r(statistics.stdev(exact)) if len(exact) > 1 else None
    return Stat(
        key,
        label,
        len(values),
        r(sum(exact, Fraction(0)) / len(exact)),
        r(statistics.median(exact)),
        min(values),
        max(values),
        stdev,
    )
