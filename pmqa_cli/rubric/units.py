"""What a rubric's numbers are: the kind of each number and the units of indicator values.

A value is shown by its *kind*: a score at the rubric's decimals; a percentage as typed (85.57,
not 0.8557) at the rubric's value decimals; steps, counts and ranks as whole numbers; days and
baht with thousands separators; pass/fail as ผ่าน / ไม่ผ่าน; levels at the value decimals. Each
kind has an Excel number format (for workbooks) and a text form (for the terminal, findings and
labels), so the two always agree, and both round half-up with the one rounding. An indicator's
kind comes from its method and unit. Units are named in Thai (ร้อยละ, ระดับ, คะแนน, วัน, บาท)
and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.rubric.model import Indicator, Method, Rubric

__all__ = [
    "FAIL_TH",
    "PASS_EN",
    "PASS_TH",
    "UNITS",
    "Kind",
    "Unit",
    "excel_format",
    "indicator_kind",
    "show",
    "show_indicator_value",
    "unit_for",
    "unit_label",
]


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


PASS_TH, FAIL_TH = "ผ่าน", "ไม่ผ่าน"
PASS_EN, FAIL_EN = "pass", "fail"


def _places(kind: Kind, rubric: Rubric, value: object = None) -> int:
    if kind is Kind.SCORE:
        return rubric.scoring.decimals
    if kind in (Kind.PERCENT, Kind.DECIMAL, Kind.LEVEL):
        return rubric.scoring.value_decimals
    if kind is Kind.BAHT:
        return 2
    if kind is Kind.DAYS:
        return rubric.scoring.value_decimals
    return 0


def excel_format(kind: Kind, rubric: Rubric, value: object = None) -> str:
    """The Excel number format for a number of this kind."""
    if kind is Kind.PASS_FAIL:
        return f'"{PASS_TH}";"{PASS_TH}";"{FAIL_TH}"'
    places = _places(kind, rubric, value)
    fraction = "." + "0" * places if places else ""
    if kind in (Kind.DAYS, Kind.BAHT) or kind is Kind.WHOLE:
        return "#,##0" + fraction
    return "0" + fraction


def show(kind: Kind, value: object, rubric: Rubric, lang: str = "th") -> str:
    """A number as text, exactly as :func:`excel_format` shows it (half-up rounding)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or kind is Kind.PASS_FAIL:
        met = bool(value) if not isinstance(value, str) else value in (PASS_TH, PASS_EN)
        if lang == "en":
            return PASS_EN if met else FAIL_EN
        return PASS_TH if met else FAIL_TH
    if isinstance(value, str):
        return value
    places = _places(kind, rubric, value)
    if not isinstance(value, (Fraction, Decimal, int, float)):
        value = Decimal(str(value))
    rounded = round_half_up(value, places)
    if kind in (Kind.DAYS, Kind.BAHT, Kind.WHOLE):
        return f"{rounded:,.{places}f}"
    return f"{rounded:.{places}f}"


def show_indicator_value(
    indicator: Indicator, value: object, rubric: Rubric, lang: str = "th"
) -> str:
    """An indicator's reported value as a person reads it (85.57, 4, ผ่าน, 1,250)."""
    return show(indicator_kind(indicator), value, rubric, lang)
