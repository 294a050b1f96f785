"""A batch's statistics: per column of scores, how over- or under-claimed, and the bands.

Computed on the reported (rounded) numbers, exactly (as Fractions), rounded once; the standard
deviation (a square root) is the one number that is not exact. :class:`~.batch.BatchResult`
gives these as its methods; they live here so the batch's gathering stays readable.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
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
    "Described",
    "Stat",
    "describe",
    "rejected_claims",
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


#: How one column of statistics takes its number from a score set (None: not there).
Take = Callable[[Scores], Decimal | None]


def _issue(n: int) -> Take:
    return lambda s: s.issues[n].score if len(s.issues) > n else None


def _indicator(n: int) -> Take:
    return lambda s: s.indicators[n].counted_score if len(s.indicators) > n else None


def _category(n: int) -> Take:
    return lambda s: s.categories[n].score if len(s.categories) > n else None


def _score_columns(rubric: Rubric) -> list[tuple[str, str, Take]]:
    """The statistics' columns: parts, categories (category_mean rubrics), issues, indicators."""
    columns: list[tuple[str, str, Take]] = [
        ("overall", "คะแนนรวม", lambda s: s.overall),
        ("pmqa", "หมวด 1-6 (PMQA 4.0)", lambda s: s.pmqa.score),
    ]
    if rubric.indicators:
        mean = rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN
        label = "คะแนนหมวด 7 (ค่าเฉลี่ยของมิติ)" if mean else "หมวด 7 (ตัวชี้วัด)"
        columns.append(("results", label, lambda s: s.results.score))
    if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
        # The overall is the mean of the categories: their statistics come next (category
        # 7's are the "results" row above).
        for n, category in enumerate(rubric.category_ids):
            if category != "7":
                label = f"คะแนนหมวด {category} (ค่าเฉลี่ยของประเด็น)"
                columns.append((f"หมวด {category}", label, _category(n)))
    columns += [(issue.id, issue.title_th, _issue(n)) for n, issue in enumerate(rubric.issues)]
    columns += [(i.id, i.title_th, _indicator(n)) for n, i in enumerate(rubric.indicators)]
    return columns


class _Scores:
    """The statistics' numbers, column by column, as the offices go by."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.columns = _score_columns(rubric)
        self.values: list[list[Decimal]] = [[] for _ in self.columns]

    def add(self, f: ScoredOffice) -> None:
        if f.scores is None:
            return
        for (_, _, take), into in zip(self.columns, self.values, strict=True):
            value = take(f.scores)
            if value is not None:
                into.append(value)

    def result(self) -> list[Stat]:
        decimals = self.rubric.scoring.decimals
        return [
            _describe(key, label, numbers, decimals)
            for (key, label, _), numbers in zip(self.columns, self.values, strict=True)
        ]


class _Claims:
    """How far the offices' claims differ from the verified scores, as the offices go by."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.columns: list[tuple[str, str, Take, set[str]]] = [
            ("overall", "คะแนนรวม", lambda s: s.overall, set())
        ]
        for n, issue in enumerate(rubric.issues):
            ids = {c.id for t in issue.tiers for c in t.criteria}
            self.columns.append((issue.id, issue.title_th, _issue(n), ids))
        for n, ind in enumerate(rubric.indicators):
            self.columns.append((ind.id, ind.title_th, _indicator(n), {ind.id}))
        self.diffs: list[list[Fraction]] = [[] for _ in self.columns]
        self.rejected: dict[str, int] = defaultdict(int)

    def add(self, f: ScoredOffice) -> None:
        own, verified = f.self_assessed, f.scores
        if own is None or verified is None:
            return
        for item, count in rejected_claims([verified]).items():
            self.rejected[item] += count
        for (_, _, take, _), into in zip(self.columns, self.diffs, strict=True):
            a, b = take(own), take(verified)
            if a is not None and b is not None:
                into.append(Fraction(b) - Fraction(a))

    def result(self) -> list[ClaimStat]:
        decimals = self.rubric.scoring.decimals
        rejected = self.rejected
        out: list[ClaimStat] = []
        for (key, label, _, ids), ds in zip(self.columns, self.diffs, strict=True):
            count = (
                sum(rejected.values()) if key == "overall" else sum(rejected.get(i, 0) for i in ids)
            )
            mean = round_half_up(sum(ds, Fraction(0)) / len(ds), decimals) if ds else None
            lower, higher = sum(1 for d in ds if d < 0), sum(1 for d in ds if d > 0)
            out.append(ClaimStat(key, label, count, lower, higher, mean))
        return out


class _Bands:
    """Offices by overall band and PMQA 4.0 status, and by office type, as they go by."""

    def __init__(self, rubric: Rubric) -> None:
        scoring = rubric.scoring
        self.counts: dict[str, dict[str, dict[str, int]]] = {
            name: {label: {"สพป.": 0, "สพม.": 0, "รวม": 0} for label in labels}
            for name, labels in (
                ("band", [b.label_th for b in scoring.overall_bands]),
                ("status", [b.label_th for b in scoring.pmqa_status_bands]),
            )
        }

    def add(self, f: ScoredOffice) -> None:
        kind = f.office.type.abbrev_th if f.office.type else None
        for name, label in (("band", f.band_th), ("status", f.status_th)):
            counts = self.counts[name].get(label)
            if counts is None:
                continue
            if kind:
                counts[kind] += 1
            counts["รวม"] += 1

    def result(self) -> dict[str, dict[str, dict[str, int]]]:
        return self.counts


@dataclass(frozen=True)
class Described:
    """A batch's statistics, band counts and claims, from one pass over its offices."""

    statistics: list[Stat]
    distribution: dict[str, dict[str, dict[str, int]]]
    claims: list[ClaimStat]


def describe(rubric: Rubric, scored: Iterable[ScoredOffice]) -> Described:
    """Per part, issue and indicator: count, mean, median, min, max and standard deviation;
    the counts of overall bands and PMQA 4.0 statuses by office type (สพป., สพม., รวม); per
    overall, issue and indicator, the claims the committee did not confirm, the offices whose
    verified score is below (over-claimed) or above (under-claimed) the self-assessed one and
    the mean difference (exact, rounded once). One pass over the offices, holding their numbers
    only (a large batch reads each office back from its scratch file to give it)."""
    numbers, bands, claimed = _Scores(rubric), _Bands(rubric), _Claims(rubric)
    for f in scored:
        numbers.add(f)
        bands.add(f)
        claimed.add(f)
    return Described(numbers.result(), bands.result(), claimed.result())


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
