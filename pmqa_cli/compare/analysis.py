"""Everything a round's report says beyond the scores: breakdowns, the comparison with earlier
rounds (when given) and the executive summary, computed once for every output."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmqa_cli.assess.batch import BatchResult
from pmqa_cli.compare.breakdowns import Breakdowns, breakdowns
from pmqa_cli.compare.comparison import Comparison, compare
from pmqa_cli.compare.geography import Geography, geography
from pmqa_cli.compare.labels import LabelOptions
from pmqa_cli.compare.snapshot import Snapshot, snapshot_from_batch
from pmqa_cli.compare.summary import ExecutiveSummary, executive_summary
from pmqa_cli.io.values import clean_text

__all__ = ["BATCH_OPTIONS", "Analysis", "analyse", "round_label", "round_text"]

#: How ``pmqa batch`` lets the user name the rounds it compares (compare/labels.py).
BATCH_OPTIONS: LabelOptions = (
    "give the earlier result its own label with --previous-label (and this round's with --round)",
    "ระบุชื่อของผลครั้งก่อนเองด้วย --previous-label (และรอบของครั้งนี้ด้วย --round)",
)


def round_text(text: str) -> str:
    """A round as shown: "6 เดือน" and "รอบ 6 เดือน" both become "รอบ 6 เดือน"."""
    shown = clean_text(text or "")
    if shown and not shown.startswith("รอบ"):
        shown = "รอบ " + shown
    return shown


@dataclass(frozen=True)
class Analysis:
    """One round analysed: its snapshot, breakdowns, comparison and executive summary."""

    snapshot: Snapshot
    round: str  # "รอบ 12 เดือน", or empty
    breakdowns: Breakdowns
    comparison: Comparison | None
    summary: ExecutiveSummary
    geography: Geography  # the round on the map: provinces and regions

    def to_dict(self) -> dict[str, Any]:
        """The JSON keys this adds to a results document (docs/json-output.md)."""
        data: dict[str, Any] = {
            "label": self.snapshot.label,
            "fiscal_year": self.snapshot.fiscal_year,
            "round": self.round or None,
            "executive": self.summary.to_dict(),
            "breakdowns": self.breakdowns.to_dict(),
            "geography": self.geography.to_dict(),
        }
        if self.comparison is not None:
            data["comparison"] = self.comparison.to_dict()
        return data


def round_label(fiscal_year: int, round_: str) -> str:
    """The label of a round: "2567" or "2567 รอบ 6 เดือน"."""
    shown = round_text(round_)
    return f"{fiscal_year} {shown}" if shown else str(fiscal_year)


def analyse(
    batch: BatchResult,
    previous: Sequence[Snapshot] = (),
    *,
    when: datetime,
    round_: str = "",
    on_geography: Callable[[Geography, Snapshot], object] | None = None,
) -> Analysis:
    """Analyse a finished batch against earlier rounds (oldest first; none: no comparison).

    ``on_geography`` is called with the round on the map as soon as it is known, before the
    rest is worked out: a results workbook starts drawing its maps then."""
    rubric = batch.rubric
    shown = round_text(round_)
    snapshot = snapshot_from_batch(
        batch, round_label(rubric.fiscal_year, shown), round_=shown, processed=when.date()
    )
    places = geography(
        snapshot, rubric.scoring.decimals, previous=previous[-1] if previous else None
    )
    if on_geography is not None:
        on_geography(places, snapshot)
    groups = breakdowns(snapshot, rubric)
    comparison = (
        compare(snapshot, previous, rubric, batch.registry, options=BATCH_OPTIONS)
        if previous
        else None
    )
    registry = batch.registry
    summary = executive_summary(
        snapshot,
        rubric,
        groups,
        comparison,
        when=when,
        round_label=shown,
        expected=len(registry) if registry is not None else None,
        missing=len(batch.missing) if registry is not None else None,
    )
    return Analysis(snapshot, shown, groups, comparison, summary, places)
