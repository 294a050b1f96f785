"""Breakdowns of one round by office type, region (ภาค) and province: statistics, distributions of
bands and PMQA 4.0 statuses (counts and percentages of offices), top and bottom offices.

pandas does the grouping and the joins (imported here only, when a breakdown is made); the
arithmetic on scores stays exact in Decimal and is rounded half-up once, for reporting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pmqa_cli.compare.comparison import PARTS, mean
from pmqa_cli.compare.snapshot import OfficeScore, Snapshot, number
from pmqa_cli.core.numbers import rounded
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = [
    "ALL",
    "DIMENSIONS",
    "UNKNOWN",
    "Breakdowns",
    "Describe",
    "Group",
    "Share",
    "breakdowns",
    "describe",
    "percent",
]

ALL = "รวม"
UNKNOWN = "(ไม่ระบุ)"
TOP = 10
PERCENT_DECIMALS = 2
#: The dimensions offices are grouped by: key, Thai heading.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("type", "ประเภทหน่วยงาน"),
    ("region", "ภาค"),
    ("province", "จังหวัด"),
)


@dataclass(frozen=True)
class Describe:
    """Count, mean, median, min and max of one score (rounded half-up once)."""

    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "count": self.count,
            "mean": number(self.mean),
            "median": number(self.median),
            "min": number(self.minimum),
            "max": number(self.maximum),
        }


def describe(values: Sequence[Decimal], decimals: int) -> Describe:
    """Exact statistics of reported scores."""
    if not values:
        return Describe(0, None, None, None, None)
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Describe(
        len(ordered),
        rounded(mean(ordered), decimals),
        rounded(median, decimals),
        ordered[0],
        ordered[-1],
    )


def percent(count: int, total: int) -> Decimal | None:
    """count / total as a percentage, half-up to two places."""
    if total == 0:
        return None
    return rounded(Decimal(count) * 100 / total, PERCENT_DECIMALS)


@dataclass(frozen=True)
class Share:
    """How many offices of a group carry a label, and what percentage of the group that is."""

    count: int
    percent: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"count": self.count, "percent": number(self.percent)}


@dataclass(frozen=True)
class Group:
    """One group of offices (a type, a region or a province)."""

    dimension: str  # type, region or province
    name: str
    count: int
    scores: dict[str, Describe]  # overall, pmqa, results
    bands: dict[str, Share]  # by band label, in the rubric's order
    statuses: dict[str, Share]  # by PMQA 4.0 status label

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "dimension": self.dimension,
            "name": self.name,
            "count": self.count,
            "scores": {k: v.to_dict() for k, v in self.scores.items()},
            "bands": {k: v.to_dict() for k, v in self.bands.items()},
            "statuses": {k: v.to_dict() for k, v in self.statuses.items()},
        }


@dataclass
class Breakdowns:
    """Every group of every dimension, and the top and bottom offices overall and by type."""

    groups: list[Group]
    band_labels: list[str]
    status_labels: list[str]
    top: dict[str, list[OfficeScore]] = field(default_factory=dict)  # รวม, สพป., สพม.
    bottom: dict[str, list[OfficeScore]] = field(default_factory=dict)

    def by(self, dimension: str) -> list[Group]:
        """The groups of one dimension (type: สพป., สพม., then รวม)."""
        return [g for g in self.groups if g.dimension == dimension]

    def to_dict(self) -> dict[str, Any]:
        """JSON form (docs/json-output.md)."""

        def listed(offices: list[OfficeScore]) -> list[dict[str, Any]]:
            return [
                {
                    "code": o.code,
                    "name": o.name,
                    "type": o.type.value if o.type else None,
                    "overall": number(o.overall),
                    "rank": o.rank,
                    "rank_in_type": o.rank_in_type,
                }
                for o in offices
            ]

        return {
            dimension: [g.to_dict() for g in self.by(dimension)] for dimension, _ in DIMENSIONS
        } | {
            "top": {k: listed(v) for k, v in self.top.items()},
            "bottom": {k: listed(v) for k, v in self.bottom.items()},
        }


def _frame(offices: list[OfficeScore]) -> Any:
    import pandas as pd  # heavy: imported only when a batch is summarised (docs/architecture.md)

    return pd.DataFrame(
        {
            "code": [o.code for o in offices],
            "type": [o.type_th or UNKNOWN for o in offices],
            "region": [o.region or UNKNOWN for o in offices],
            "province": [o.province or UNKNOWN for o in offices],
            "band": [o.band_th for o in offices],
            "status": [o.status_th for o in offices],
            **{key: pd.Series([o.part(key) for o in offices], dtype=object) for key, _ in PARTS},
        }
    )


def _shares(frame: Any, dimension: str, column: str, labels: list[str]) -> dict[str, Any]:
    """group -> label -> Share, from one cross-tabulation."""
    import pandas as pd  # heavy: imported only when a batch is summarised

    table = pd.crosstab(frame[dimension], frame[column]).reindex(columns=labels, fill_value=0)
    totals = frame.groupby(dimension).size()
    return {
        group: {
            label: Share(int(table.at[group, label]), percent(int(table.at[group, label]), total))
            for label in labels
        }
        for group, total in totals.items()
    }


def _groups(
    frame: Any, dimension: str, rubric: Rubric, labels: tuple[list[str], list[str]]
) -> list[Group]:
    decimals = rubric.scoring.decimals
    bands = _shares(frame, dimension, "band", labels[0])
    statuses = _shares(frame, dimension, "status", labels[1])
    groups = []
    for name, rows in frame.groupby(dimension, sort=True):
        scores = {
            key: describe([v for v in rows[key] if v is not None], decimals) for key, _ in PARTS
        }
        groups.append(Group(dimension, str(name), len(rows), scores, bands[name], statuses[name]))
    return groups


def breakdowns(snapshot: Snapshot, rubric: Rubric) -> Breakdowns:
    """Group the scored offices of a round by type, region and province."""
    offices = snapshot.scored()
    band_labels = [b.label_th for b in rubric.scoring.overall_bands]
    status_labels = [b.label_th for b in rubric.scoring.pmqa_status_bands]
    labels = (band_labels, status_labels)
    result = Breakdowns([], band_labels, status_labels)
    if offices:
        frame = _frame(offices)
        type_order = [t.abbrev_th for t in OfficeType] + [UNKNOWN]
        by_type = sorted(
            _groups(frame, "type", rubric, labels), key=lambda g: type_order.index(g.name)
        )
        frame["all"] = ALL
        (total,) = _groups(frame, "all", rubric, labels)
        result.groups += [*by_type, Group("type", ALL, total.count, total.scores, total.bands,
                                          total.statuses)]  # fmt: skip
        result.groups += _groups(frame, "region", rubric, labels)
        result.groups += _groups(frame, "province", rubric, labels)
    else:
        empty = {key: describe([], rubric.scoring.decimals) for key, _ in PARTS}
        result.groups.append(
            Group("type", ALL, 0, empty, {b: Share(0, None) for b in band_labels},
                  {s: Share(0, None) for s in status_labels})
        )  # fmt: skip
    for scope, group in (
        (ALL, offices),
        *((t.abbrev_th, [o for o in offices if o.type is t]) for t in OfficeType),
    ):
        within = scope != ALL

        def order(o: OfficeScore, within: bool = within) -> tuple[int, str]:
            return ((o.rank_in_type if within else o.rank) or 10**9, o.code)

        result.top[scope] = sorted(group, key=order)[:TOP]
        lowest = sorted(group, key=lambda o: (o.overall, o.code))
        result.bottom[scope] = lowest[:TOP]
    return result
