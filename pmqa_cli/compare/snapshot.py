"""One round's scores, whatever they came from: this batch, a pmqa results JSON or a plain table.

A :class:`Snapshot` is what comparisons, breakdowns and the executive summary read. Scores are
:class:`~decimal.Decimal` built from the reported (already rounded) numbers' text, so a change
such as 361.875 - 350.1 is exactly 11.775 and is never rounded again. An earlier table typed with
more digits than the rubric's keeps them all (the Decimal of its text); what is shown of it is
rounded half-up once (:mod:`pmqa_cli.compare.comparison`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from sys import intern
from typing import Any

from pmqa_cli.assess.batch import BatchResult
from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.core.findings import Finding
from pmqa_cli.core.numbers import competition_ranks
from pmqa_cli.rubric.model import OfficeType

__all__ = [
    "OfficeScore",
    "Snapshot",
    "dec",
    "number",
    "office_scores",
    "snapshot_from_batch",
]


def dec(value: Any) -> Decimal | None:
    """A reported number as a Decimal (from its shortest text, as people read it)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    return None


def number(value: Decimal | None) -> float | None:
    """A Decimal for JSON and spreadsheets: the float whose shortest text is the same digits."""
    return None if value is None else float(value)


@dataclass(frozen=True)
class OfficeScore:
    """One office's reported scores in one round."""

    code: str
    name: str = ""
    type: OfficeType | None = None
    province: str = ""
    region: str = ""
    overall: Decimal | None = None
    pmqa: Decimal | None = None
    results: Decimal | None = None
    band_th: str = ""
    status_th: str = ""
    # Issue and indicator scores by id (items that did not apply are absent).
    items: Mapping[str, Decimal] = field(default_factory=dict)
    rank: int | None = None
    rank_in_type: int | None = None
    provisional: bool = False  # not final: errors, a conflict, or not in the registry

    @property
    def type_th(self) -> str:
        """สพป. / สพม. (empty when unknown)."""
        return self.type.abbrev_th if self.type else ""

    def part(self, key: str) -> Decimal | None:
        """overall, pmqa or results."""
        value: Decimal | None = getattr(self, key)
        return value


@dataclass
class Snapshot:
    """Every office of one round, by code, with a label such as "2566" or "2567 รอบ 6 เดือน"."""

    label: str
    source: str
    offices: dict[str, OfficeScore]
    findings: list[Finding] = field(default_factory=list)
    fiscal_year: int | None = None
    # What the file says of itself beyond its label, to tell two rounds of one label apart
    # (compare/labels.py): its round ("รอบ 6 เดือน") and the day it was processed.
    round: str = ""
    processed: date | None = None

    def scored(self) -> list[OfficeScore]:
        """Offices with an overall score, in code order."""
        return [o for _, o in sorted(self.offices.items()) if o.overall is not None]

    def item_ids(self) -> set[str]:
        """Every item id any office has a score for."""
        return {key for o in self.offices.values() for key in o.items}


def with_ranks(offices: Iterable[OfficeScore]) -> dict[str, OfficeScore]:
    """The offices with ranks computed from their overall scores (overall and within type)."""
    listed = list(offices)
    overall = dict(
        zip((o.code for o in listed), competition_ranks([o.overall for o in listed]), strict=True)
    )
    in_type: dict[str, int | None] = {}
    for office_type in OfficeType:
        group = [o for o in listed if o.type is office_type]
        in_type.update(
            zip((o.code for o in group), competition_ranks([o.overall for o in group]), strict=True)
        )
    return {
        o.code: replace(o, rank=overall[o.code], rank_in_type=in_type.get(o.code)) for o in listed
    }


def office_scores(scored: Iterable[ScoredOffice]) -> dict[str, OfficeScore]:
    """A batch's scored offices by code (ranks as the batch gave them); an office without a code
    or a score is left out, and of two files of one code the later one stands."""
    offices: dict[str, OfficeScore] = {}
    for f in scored:
        if not f.office.code or f.scores is None:
            continue
        own = f.scores
        # The words every office repeats are kept once (a batch of 10,000 reads each office
        # back from its scratch file, with its own copy of each).
        items: dict[str, Decimal] = {intern(i.id): i.score for i in own.issues}
        items.update({intern(i.id): i.score for i in own.indicators if i.applies})
        o = f.office
        offices[o.code] = OfficeScore(
            code=o.code,
            name=o.name,
            type=o.type,
            province=intern(o.province),
            region=intern(o.region),
            overall=own.overall,
            pmqa=own.pmqa.score,
            results=own.results.score,
            band_th=intern(f.band_th),
            status_th=intern(f.status_th),
            items=items,
            rank=f.rank,
            rank_in_type=f.rank_in_type,
            provisional=bool(f.provisional),  # batch.PROVISIONAL: errors, conflict, registry
        )
    return offices


def snapshot_from_batch(
    batch: BatchResult, label: str, *, round_: str = "", processed: date | None = None
) -> Snapshot:
    """The scored offices of a finished batch (ranks as the batch gave them)."""
    offices = office_scores(batch.scored)
    return Snapshot(
        label, "", offices, fiscal_year=batch.rubric.fiscal_year, round=round_,
        processed=processed,
    )  # fmt: skip
