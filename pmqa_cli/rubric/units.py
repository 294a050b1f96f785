"""What a rubric's numbers are: the kind of each number and the units of indicator values.

A value's *kind* (a score, a percentage, a level, steps, days, baht, pass/fail) decides how it
is shown (:mod:`pmqa_cli.report.formats`); an indicator's kind comes from its method and unit.
Units are named in Thai (ร้อยละ, ระดับ, คะแนน, วัน, บาท) and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pmqa_cli.rubric.model import Indicator, Method

__all__ = ["UNITS", "Kind", "Unit", "indicator_kind", "unit_for", "unit_label"]


class Kind(str, Enum):
    """What a number is, which decides how it is shown."""

    SCORE = "score"  # a 0-500 score: the rubric's decimals
    PERCENT = "percent"  # as typed (85.57): the rubric's value decimals
    DECIMAL = "decimal"  # another measured value (a score out of 100, a level): value decimals
    LEVEL = "level"  # a computed 0-5 level, fractional between thresholds: value decimals
    WHOLE = "whole"  # steps, counts, ranks: no decimals
    DAYS = "days"  # separators and the value decimals
    BAHT = "baht"  # separators and satang
    PASS_FAIL = "pass_fail"  # ผ่าน / ไม่ผ่าน


@dataclass(frozen=True)
class Unit:
    """A unit of an indicator's value, as a person reads it."""

    th: str
    en: str
    kind: Kind


UNITS: dict[str, Unit] = {
    "percent": Unit("ร้อยละ", "percent", Kind.PERCENT),
    "level": Unit("ระดับ", "level", Kind.DECIMAL),
    "score": Unit("คะแนน", "score", Kind.DECIMAL),
    "days": Unit("วัน", "days", Kind.DAYS),
    "baht": Unit("บาท", "baht", Kind.BAHT),
    "count": Unit("จำนวน", "count", Kind.WHOLE),
    "steps": Unit("ขั้นตอน", "steps", Kind.WHOLE),
    "pass/fail": Unit("ผ่าน/ไม่ผ่าน", "pass/fail", Kind.PASS_FAIL),
}


def unit_for(unit: str) -> Unit:
    """The unit named in the rubric; an unknown name is shown as written, as a decimal."""
    return UNITS.get(unit, Unit(unit, unit, Kind.DECIMAL))


def unit_label(unit: str, lang: str = "th") -> str:
    """A unit's label in Thai (``th``), English (``en``) or both (``both``: ร้อยละ / percent)."""
    found = unit_for(unit)
    if lang == "en":
        return found.en
    if lang == "both" and found.en != found.th:
        return f"{found.th} / {found.en}"
    return found.th


def indicator_kind(indicator: Indicator) -> Kind:
    """How an indicator's value is shown: its method first (steps, pass/fail), then its unit."""
    if indicator.method is Method.STEPS:
        return Kind.WHOLE
    if indicator.method is Method.PASS_FAIL:
        return Kind.PASS_FAIL
    return unit_for(indicator.unit).kind
