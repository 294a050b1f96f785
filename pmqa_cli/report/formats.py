"""How every number and label is shown to a person: one place for results, feedback, terminal.

A value is shown by its *kind*: a score at the rubric's decimals; a percentage as typed (85.57,
not 0.8557) at the rubric's value decimals; steps, counts and ranks as whole numbers; days and
baht with thousands separators; pass/fail as ผ่าน / ไม่ผ่าน; levels at the value decimals. Each
kind has an Excel number format (for workbooks) and a text form (for the terminal and for
labels), so the two always agree. Units are named in Thai (ร้อยละ, ระดับ, คะแนน, วัน, บาท), with
English beside them where a sheet is bilingual. Nothing here imports the CLI.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pmqa_cli.io.layout import OFFICE_FIELDS
from pmqa_cli.rubric.model import Indicator, Rubric
from pmqa_cli.rubric.units import Kind, indicator_kind

__all__ = [
    "PASS_EN",
    "PASS_TH",
    "excel_format",
    "field_label",
    "item_label",
    "show",
    "show_indicator_value",
    "used_value",
]

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


def as_decimal(value: object) -> Decimal:
    """A number held exactly as a Decimal (a Fraction to 28 significant digits)."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


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
    exact = as_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if kind in (Kind.DAYS, Kind.BAHT, Kind.WHOLE):
        return f"{exact:,.{places}f}"
    return f"{exact:.{places}f}"


def show_indicator_value(
    indicator: Indicator, value: object, rubric: Rubric, lang: str = "th"
) -> str:
    """An indicator's reported value as a person reads it (85.57, 4, ผ่าน, 1,250)."""
    return show(indicator_kind(indicator), value, rubric, lang)


_OFFICE_LABELS = {f.key: f.label_th for f in OFFICE_FIELDS}
_FIELD_LABELS = {
    "answer": "ผลการประเมินตนเอง",
    "value": "ผลการดำเนินงาน",
    "not_applicable": "ไม่เกี่ยวข้อง (N/A)",
    **_OFFICE_LABELS,
}


def item_label(item_id: str) -> str:
    """An item as a person names it: criteria and indicators by their id, office details by
    their Thai label (not the template's internal key)."""
    return _OFFICE_LABELS.get(item_id, item_id)


def field_label(name: str) -> str:
    """What a value read from a workbook is, in Thai."""
    return _FIELD_LABELS.get(name, name)


def used_value(name: str, value: object) -> object:
    """A value read from a workbook as the audit trail shows it: yes/no answers as words."""
    if isinstance(value, bool):
        if name == "answer":
            return PASS_TH if value else FAIL_TH
        return "ใช่" if value else "ไม่ใช่"
    return value
