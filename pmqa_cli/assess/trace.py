"""How each item's final value was reached: the layers of verification and their audit trail.

The office model records, for every criterion and indicator, the office's claim, the final
value and the layer it came from (:class:`ItemTrace`), and every value that replaced another
(:class:`Change`). :mod:`pmqa_cli.verify` reads the committee's, central and correction files
and fills these in; without them every final value is the office's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.core.numbers import json_number
from pmqa_cli.core.records import pickled_by_fields
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "LAYER_TH",
    "VERDICT_TH",
    "Change",
    "ItemTrace",
    "Layer",
    "Origin",
    "Verdict",
    "self_traces",
    "shown_value",
]


class Layer(str, Enum):
    """Where an item's final value came from, lowest precedence first."""

    SELF = "self"
    CORRECTION = "correction"
    DATA = "data"
    REVIEW = "review"


LAYER_TH = {
    Layer.SELF: "หน่วยงานประเมินตนเอง",
    Layer.CORRECTION: "การแก้ไขข้อมูล",
    Layer.DATA: "ข้อมูลส่วนกลาง",
    Layer.REVIEW: "คณะกรรมการ",
}


class Verdict(str, Enum):
    """The committee's verdict on a claim."""

    CONFIRMED = "confirmed"
    REJECTED = "rejected"


VERDICT_TH = {Verdict.CONFIRMED: "ยืนยัน", Verdict.REJECTED: "ไม่ยืนยัน"}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a row came from: the file, its SHA-256, the sheet, the row and the value's cell."""

    file: str
    sha256: str
    sheet: str
    row: int
    cell: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "sheet": self.sheet,
            "row": self.row,
            "cell": self.cell,
        }


def shown_value(met: bool | None = None, answer: IndicatorAnswer | None = None) -> str:
    """How a value is shown to people: ผ่าน / ไม่ผ่าน, a number, N/A or (ไม่มีค่า)."""
    if answer is not None:
        if answer.value is not None:
            return f"{Decimal(str(answer.value)).normalize():f}"
        return "N/A" if answer.not_applicable else "(ไม่มีค่า)"
    if met is None:
        return "(ไม่ได้ตอบ)"
    return "ผ่าน" if met else "ไม่ผ่าน"


Value = bool | IndicatorAnswer | None


def _shown(value: Value) -> str:
    if isinstance(value, IndicatorAnswer):
        return shown_value(answer=value)
    return shown_value(met=value)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Change:
    """One value that replaced another: both values, where the new one came from, and why."""

    office: str
    item: str
    layer: Layer
    before: Value
    after: Value
    origin: Origin
    reason: str = ""
    person: str = ""
    source: str = ""  # central data: the source's name
    effect: Decimal | None = None  # on the office's overall score, this change alone, rounded

    @property
    def before_shown(self) -> str:
        """The replaced value as people see it."""
        return _shown(self.before)

    @property
    def after_shown(self) -> str:
        """The new value as people see it."""
        return _shown(self.after)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (docs/json-output.md)."""
        return {
            "office": self.office,
            "item": self.item,
            "source": self.layer.value,
            "before": self.before_shown,
            "after": self.after_shown,
            **self.origin.to_dict(),
            "reason": self.reason,
            "person": self.person,
            "data_source": self.source,
            "effect_on_overall": json_number(self.effect),
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ItemTrace:
    """One criterion or indicator: the claim, the final value and where it came from."""

    item: str
    indicator: bool
    claim: Value
    final: Value
    source: Layer
    reviewed: bool | None  # None when no review file was given
    verdict: Verdict | None = None
    comment: str = ""
    reviewer: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "claim": _json_value(self.claim),
            "final": _json_value(self.final),
            "source": self.source.value,
            "reviewed": self.reviewed,
            "verdict": self.verdict.value if self.verdict else None,
            "comment": self.comment,
            "reviewer": self.reviewer,
        }

    @property
    def source_th(self) -> str:
        """Where the final value came from, in Thai."""
        return LAYER_TH[self.source]

    @property
    def verdict_th(self) -> str:
        """The committee's verdict in Thai ('' when none)."""
        return VERDICT_TH[self.verdict] if self.verdict else ""


def _json_value(value: Value) -> Any:
    if isinstance(value, IndicatorAnswer):
        if value.value is None:
            return "N/A" if value.not_applicable else None
        number = Decimal(str(value.value))
        return float(number) if number != number.to_integral_value() else int(number)
    return value


def self_traces(rubric: Rubric, answers: Answers) -> dict[str, ItemTrace]:
    """Every item's trace when nothing was verified: the claim is the final value."""
    items: dict[str, ItemTrace] = {}
    for _, _, criterion in rubric.criteria():
        met = answers.criteria.get(criterion.id)
        items[criterion.id] = ItemTrace(criterion.id, False, met, met, Layer.SELF, None)
    for ind in rubric.indicators:
        own = answers.indicators.get(ind.id) or IndicatorAnswer()
        items[ind.id] = ItemTrace(ind.id, True, own, own, Layer.SELF, None)
    return items


@dataclass(frozen=True)
class InputFile:
    """A verification file that was read."""

    layer: Layer
    path: str
    sha256: str
    rows: int  # rows applied

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "layer": self.layer.value,
            "file": self.path,
            "sha256": self.sha256,
            "rows": self.rows,
        }
