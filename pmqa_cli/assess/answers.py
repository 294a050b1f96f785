"""What an office answered, in the scoring engine's terms: criteria met and indicator values.

Read from a workbook by :mod:`.submission`, checked by :mod:`.validate`, scored by
:mod:`.scoring`, and replaced item by item by verification (:mod:`pmqa_cli.verify`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pmqa_cli.core.numbers import as_decimal
from pmqa_cli.rubric.model import OfficeType

__all__ = ["Answers", "IndicatorAnswer", "Location", "target_key"]


#: Where an item's answer sits, for findings: item id -> (sheet, cell).
Location = Callable[[str], tuple[str | None, str | None]]


@dataclass(frozen=True, init=False)
class IndicatorAnswer:
    """What an office reported for one indicator: exact decimals (an int or float given here,
    by a library caller, is taken as its decimal text)."""

    value: Decimal | None  # the decimal text the cell stores
    not_applicable: bool
    target: Decimal | None  # the office's own target (target_ratio, target: workbook)

    def __init__(
        self,
        value: Decimal | int | float | None = None,
        not_applicable: bool = False,
        target: Decimal | int | float | None = None,
    ) -> None:
        object.__setattr__(self, "value", None if value is None else as_decimal(value))
        object.__setattr__(self, "not_applicable", not_applicable)
        object.__setattr__(self, "target", None if target is None else as_decimal(target))


@dataclass(frozen=True)
class Answers:
    """An office's answers: criterion id -> met (None = unanswered), indicator id -> answer."""

    office_type: OfficeType | None
    criteria: Mapping[str, bool | None] = field(default_factory=dict)
    indicators: Mapping[str, IndicatorAnswer] = field(default_factory=dict)


def target_key(indicator_id: str) -> str:
    """The key under which a Location finds an indicator's target cell."""
    return f"{indicator_id}:target"
