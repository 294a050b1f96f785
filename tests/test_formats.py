"""Numbers as analysts write them: one format per kind, the same in workbooks and terminal."""

from __future__ import annotations

import pytest

from pmqa_cli.rubric.model import Rubric
from pmqa_cli.rubric.units import Kind, excel_format, indicator_kind, show, unit_label


@pytest.mark.parametrize(
    ("kind", "value", "text", "number_format"),
    [
        (Kind.SCORE, 432.5, "432.5000", "0.0000"),
        (Kind.SCORE, 286.40005, "286.4001", "0.0000"),  # half-up, once
        (Kind.PERCENT, 85.57, "85.57", "0.00"),
        (Kind.PERCENT, 85.565, "85.57", "0.00"),
        (Kind.WHOLE, 4.0, "4", "#,##0"),
        (Kind.WHOLE, 1250, "1,250", "#,##0"),
        (Kind.DAYS, 1234, "1,234.00", "#,##0.00"),
        (Kind.DAYS, 9.425, "9.43", "#,##0.00"),
        (Kind.BAHT, 1234567.5, "1,234,567.50", "#,##0.00"),
        (Kind.LEVEL, 2.864, "2.86", "0.00"),
        (Kind.PASS_FAIL, 1.0, "ผ่าน", '"ผ่าน";"ผ่าน";"ไม่ผ่าน"'),
        (Kind.PASS_FAIL, 0.0, "ไม่ผ่าน", '"ผ่าน";"ผ่าน";"ไม่ผ่าน"'),
    ],
)
def test_each_kind_has_one_text_and_one_excel_format(
    shipped: Rubric, kind: Kind, value: float, text: str, number_format: str
) -> None:
    assert show(kind, value, shipped) == text
    assert excel_format(kind, shipped, value) == number_format


def test_empty_values_show_nothing(shipped: Rubric) -> None:
    assert show(Kind.SCORE, None, shipped) == ""
    assert show(Kind.PASS_FAIL, 1, shipped, "en") == "pass"


def test_indicator_kinds_follow_method_then_unit(shipped: Rubric) -> None:
    kinds = {i.id: indicator_kind(i) for i in shipped.indicators}
    assert kinds["KPI-7.1.1"] is Kind.PERCENT
    assert kinds["KPI-7.3.1"] is Kind.WHOLE  # steps
    assert kinds["KPI-7.6.1"] is Kind.PASS_FAIL
    assert kinds["KPI-7.6.2"] is Kind.DAYS


def test_units_read_in_thai_with_english_beside_where_bilingual() -> None:
    assert [unit_label(u) for u in ("percent", "level", "score", "days", "baht")] == [
        "ร้อยละ", "ระดับ", "คะแนน", "วัน", "บาท"
    ]  # fmt: skip
    assert unit_label("percent", "both") == "ร้อยละ / percent"
    assert unit_label("percent", "en") == "percent"
