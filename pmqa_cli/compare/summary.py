"""The executive summary: what leadership reads first, as data (JSON and the first sheet of
results.xlsx are both rendered from :class:`ExecutiveSummary`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pmqa_cli.compare.breakdowns import ALL, Breakdowns
from pmqa_cli.compare.comparison import PARTS, Comparison, OfficeChange, mean
from pmqa_cli.compare.snapshot import OfficeScore, Snapshot, number
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.core.thai import thai_date
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = ["LOWEST", "ExecutiveSummary", "ItemMean", "MeanRow", "executive_summary"]

LOWEST = 3  # issues and indicators with the lowest national means
NATIONAL = "ทั้งประเทศ"


@dataclass(frozen=True)
class MeanRow:
    """Mean scores of one scope (ทั้งประเทศ, สพป., สพม.) and their change from the previous round."""

    scope: str
    count: int
    means: dict[str, Decimal | None]  # overall, pmqa, results
    # None where there were no earlier scores; each over the offices scored in both rounds
    changes: dict[str, Decimal | None]
    compared: bool = False  # False without a previous result: no changes at all
    both: int = 0  # offices with an overall score in both rounds: the ones a change is over

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data: dict[str, Any] = {
            "scope": self.scope,
            "count": self.count,
            "mean": {k: number(v) for k, v in self.means.items()},
        }
        if self.compared:
            data["change"] = {k: number(v) for k, v in self.changes.items()}
            data["both_count"] = self.both
        return data


@dataclass(frozen=True)
class ItemMean:
    """An issue or indicator and its national mean."""

    id: str
    title_th: str
    mean: Decimal
    count: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "title_th": self.title_th,
            "mean": number(self.mean),
            "count": self.count,
        }


@dataclass(frozen=True)
class ExecutiveSummary:
    """Everything on the สรุปสำหรับผู้บริหาร sheet."""

    title: str
    fiscal_year: int
    round_label: str
    run_date_th: str
    expected: int | None  # offices in the registry (None without one)
    scored: int
    provisional: int
    missing: int | None
    previous_label: str | None
    means: list[MeanRow]
    band_labels: list[str]
    bands: dict[str, dict[str, tuple[int, Decimal | None]]]  # type -> band -> (count, percent)
    top: list[OfficeScore]
    improved: list[OfficeChange]
    lowest_issues: list[ItemMean]
    lowest_indicators: list[ItemMean]

    def to_dict(self) -> dict[str, Any]:
        """JSON form (docs/json-output.md); the comparison keys only with a previous result."""
        data: dict[str, Any] = {
            "title": self.title,
            "fiscal_year": self.fiscal_year,
            "round": self.round_label,
            "run_date_th": self.run_date_th,
            "offices": {
                "expected": self.expected,
                "scored": self.scored,
                "provisional": self.provisional,
                "missing": self.missing,
            },
            "means": [m.to_dict() for m in self.means],
            "bands": {
                scope: {
                    label: {"count": c, "percent": number(p)} for label, (c, p) in table.items()
                }
                for scope, table in self.bands.items()
            },
            "top": [
                {
                    "rank": o.rank,
                    "code": o.code,
                    "name": o.name,
                    "type": o.type_th,
                    "overall": number(o.overall),
                    "provisional": o.provisional,
                }
                for o in self.top
            ],
            "lowest_issues": [i.to_dict() for i in self.lowest_issues],
            "lowest_indicators": [i.to_dict() for i in self.lowest_indicators],
        }
        if self.previous_label is not None:
            data["previous"] = self.previous_label
            data["most_improved"] = [
                {
                    "code": o.code,
                    "name": o.office.name,
                    "type": o.office.type_th,
                    "previous": number(o.score("overall", True)),
                    "overall": number(o.score("overall")),
                    "change": number(o.change()),
                }
                for o in self.improved
            ]
        return data


def _lowest(snapshot: Snapshot, items: list[tuple[str, str]], decimals: int) -> list[ItemMean]:
    found = []
    offices = snapshot.scored()
    for item_id, title in items:
        values = [v for o in offices if (v := o.items.get(item_id)) is not None]
        exact = mean(values)
        if exact is not None:
            shown = round_half_up(exact, decimals)
            found.append(ItemMean(item_id, title, shown, len(values)))
    # Stable: equal means keep the rubric's order.
    return sorted(found, key=lambda i: i.mean)[:LOWEST]


def executive_summary(
    snapshot: Snapshot,
    rubric: Rubric,
    groups: Breakdowns,
    comparison: Comparison | None,
    *,
    when: datetime,
    round_label: str = "",
    expected: int | None = None,
    missing: int | None = None,
) -> ExecutiveSummary:
    """The summary of one round, built from its breakdowns and (optionally) its comparison."""
    latest = comparison.latest if comparison is not None and comparison.rounds else None
    by_type = {g.name: g for g in groups.by("type")}
    means: list[MeanRow] = []
    scopes = [(NATIONAL, ALL)] + [(t.abbrev_th, t.abbrev_th) for t in OfficeType]
    for scope, key in scopes:
        group = by_type.get(key)
        changes: dict[str, Decimal | None] = dict.fromkeys((k for k, _ in PARTS), None)
        both = 0
        if latest is not None:
            # The comparison's own changes: over the offices in both rounds, never the
            # difference of two means of different sets of offices.
            listed = latest.means[:3] if key == ALL else latest.type_means.get(key, [])
            changes = {m.key: m.change for m in listed}
            both = next((m.both_count for m in listed if m.key == "overall"), 0)
        means.append(
            MeanRow(
                scope,
                group.count if group else 0,
                {k: group.scores[k].mean if group else None for k, _ in PARTS},
                changes,
                latest is not None,
                both,
            )
        )
    bands = {
        name: {
            label: (g.bands[label].count, g.bands[label].percent) for label in groups.band_labels
        }
        for name, g in by_type.items()
    }
    offices = snapshot.scored()
    decimals = rubric.scoring.decimals
    title = f"สรุปผลการประเมิน PMQA 4.0 และตัวชี้วัดผลลัพธ์ ปีงบประมาณ พ.ศ. {rubric.fiscal_year}"
    if round_label:
        title += f" {round_label}"
    return ExecutiveSummary(
        title=title,
        fiscal_year=rubric.fiscal_year,
        round_label=round_label,
        run_date_th=thai_date(when.date()),
        expected=expected,
        scored=len(offices),
        provisional=sum(1 for o in offices if o.provisional),
        missing=missing,
        previous_label=latest.label if latest else None,
        means=means,
        band_labels=groups.band_labels,
        bands=bands,
        top=groups.top.get(ALL, []),
        improved=latest.improved.get(ALL, []) if latest else [],
        lowest_issues=_lowest(snapshot, [(i.id, i.title_th) for i in rubric.issues], decimals),
        lowest_indicators=_lowest(
            snapshot, [(i.id, i.title_th) for i in rubric.indicators], decimals
        ),
    )
