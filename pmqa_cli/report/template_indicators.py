"""The template's indicator sheet (ตัวชี้วัด): one row per indicator, with the office's value,
N/A mark and own target as yellow input cells validated from the rubric."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.assess.aggregate import ratio_needed
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.io.layout import indicator_columns
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.template_sheet import (
    CENTER,
    HEADER_ROW,
    NA_MARK,
    WRAP,
    YES_NO,
    header_row,
    input_cell,
    protect,
    text_widths,
    title,
    validation,
)
from pmqa_cli.report.writer import fit_row_height, put, setup_page, thin_border
from pmqa_cli.rubric.model import Indicator, Method, OfficeType, Rubric

__all__ = ["has_target_column", "indicator_sheet", "ratio_level_labels", "unit_th"]

_UNITS_TH = {
    "percent": "ร้อยละ",
    "days": "วัน",
    "score": "คะแนน",
    "count": "จำนวน",
    "baht": "บาท",
    "level": "ระดับ",
    "pass/fail": "ผ่าน/ไม่ผ่าน",
}


def unit_th(unit: str) -> str:
    """A unit's Thai label."""
    return _UNITS_TH.get(unit, unit)


def has_target_column(rubric: Rubric) -> bool:
    """Whether the rubric's indicator sheet has a target column (any target-ratio indicator)."""
    return any(i.method is Method.TARGET_RATIO for i in rubric.indicators)


def ratio_level_labels(rubric: Rubric, indicator: Indicator) -> list[str]:
    """Levels 1-5 of a target-ratio indicator as the success rate each needs ("≥100%",
    ">101%")."""
    labels = []
    for score in rubric.scoring.level_scores:
        needed = ratio_needed(rubric.ratio_bands(indicator), score)
        if needed is None:
            labels.append("")
            continue
        rate, strict = needed
        shown = f"{round_half_up(rate, 2).normalize():f}"
        labels.append(f"{'>' if strict else '≥'}{shown}%")
    return labels


def indicator_sheet(
    ws: Worksheet, rubric: Rubric, office_type: OfficeType | None, gap_after: str | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Write the indicator sheet; returns column key -> column and indicator id -> row."""
    title(ws, "หมวด 7 ผลลัพธ์การดำเนินการ", "Outcome indicators: enter each result in its unit")
    columns = indicator_columns(has_target_column(rubric))
    cols = header_row(ws, columns)
    checks = _Validations(ws, "target" in cols)
    rows: dict[str, int] = {}
    row = HEADER_ROW + 1
    for indicator in rubric.indicators:
        _indicator_row(ws, row, cols, rubric, indicator, office_type, checks)
        fit_row_height(ws, row, text_widths(columns, ("indicator",)))
        rows[indicator.id] = row
        row += 1
        if indicator.id == gap_after:
            row += 1
    setup_page(ws, freeze=f"B{HEADER_ROW + 1}")
    ws.auto_filter.ref = f"A{HEADER_ROW}:{column_letter(len(columns))}{row - 1}"
    protect(ws)
    return cols, rows


class _Validations:
    """The sheet's data validations, each added to the sheet as it is made: N/A, pass/fail,
    steps, the own target (when the sheet has a target column), and one per numeric range,
    made when an indicator first needs it."""

    def __init__(self, ws: Worksheet, targets: bool) -> None:
        self.ws = ws
        self.na = validation(
            ws,
            DataValidation(type="list", formula1=f'"{NA_MARK}"', allow_blank=True),
            "เลือก 'ไม่เกี่ยวข้อง' เฉพาะเมื่อไม่มีผลการดำเนินงานในปีนี้ / "
            "Choose ไม่เกี่ยวข้อง (N/A) only when there is no result this year",
        )
        self.pass_fail = validation(
            ws,
            DataValidation(type="list", formula1=f'"{",".join(YES_NO)}"', allow_blank=True),
            "เลือก ผ่าน หรือ ไม่ผ่าน / Choose ผ่าน (met) or ไม่ผ่าน (not met)",
        )
        self.steps = validation(
            ws,
            DataValidation(
                type="whole", operator="between", formula1="0", formula2="5", allow_blank=True
            ),
            "กรอกจำนวนขั้นตอนที่ทำสำเร็จ 0-5 (จำนวนเต็ม) / Enter the steps completed, a whole number 0-5",
        )
        self.targets = None
        if targets:
            self.targets = validation(
                ws,
                DataValidation(
                    type="decimal", operator="greaterThan", formula1="0", allow_blank=True
                ),
                "กรอกค่าเป้าหมายของหน่วยงาน (ตัวเลขมากกว่า 0)",
            )
        self.ranges: dict[tuple[Decimal, Decimal], DataValidation] = {}

    def range(self, low: Decimal, high: Decimal) -> DataValidation:
        """A number from ``low`` to ``high``."""
        bounds = (low, high)
        if bounds not in self.ranges:
            self.ranges[bounds] = validation(
                self.ws,
                DataValidation(
                    type="decimal",
                    operator="between",
                    formula1=f"{low:g}",
                    formula2=f"{high:g}",
                    allow_blank=True,
                ),
                f"กรอกตัวเลข {low:g} ถึง {high:g} / Enter a number from {low:g} to {high:g}",
            )
        return self.ranges[bounds]


def _indicator_row(
    ws: Worksheet,
    row: int,
    cols: dict[str, int],
    rubric: Rubric,
    indicator: Indicator,
    office_type: OfficeType | None,
    checks: _Validations,
) -> None:
    """One indicator: its description and levels (locked), its target, and the office's
    value, N/A, evidence and note (yellow, or a dash where the indicator does not apply)."""
    values: dict[str, object] = {
        "id": indicator.id,
        "dimension": indicator.dimension,
        "indicator": _indicator_text(indicator),
        "unit": unit_th(indicator.unit),
    }
    for level, threshold in enumerate(_level_labels(rubric, indicator), start=1):
        values[f"level{level}"] = threshold
    for key, value in values.items():
        align = WRAP if key == "indicator" else CENTER
        put(ws, row, cols[key], value, border=thin_border(), alignment=align)
    if checks.targets is not None:
        _target_cell(ws, row, cols["target"], indicator, office_type, checks.targets)
    if not indicator.applies(office_type):
        for key in ("value", "na"):
            put(ws, row, cols[key], "—", border=thin_border(), alignment=CENTER)
    else:
        _value_cell(ws, row, cols["value"], indicator, checks)
        if indicator.na_allowed:
            input_cell(ws, row, cols["na"])
            checks.na.add(f"{column_letter(cols['na'])}{row}")
        else:
            put(ws, row, cols["na"], "—", border=thin_border(), alignment=CENTER)
    for key in ("evidence", "note"):
        input_cell(ws, row, cols[key])


def _value_cell(
    ws: Worksheet, row: int, col: int, indicator: Indicator, checks: _Validations
) -> None:
    """The office's value: steps 0-5, a choice, or a number (in its range when it has one)."""
    input_cell(ws, row, col)
    ref = f"{column_letter(col)}{row}"
    if indicator.method is Method.STEPS:
        checks.steps.add(ref)
    elif indicator.method is Method.PASS_FAIL:
        checks.pass_fail.add(ref)
    else:
        ws.cell(row=row, column=col).number_format = "0.00"
        low, high = indicator.value_range
        if low is not None and high is not None:
            checks.range(low, high).add(ref)


def _target_cell(
    ws: Worksheet,
    row: int,
    col: int,
    indicator: Indicator,
    office_type: OfficeType | None,
    targets: DataValidation,
) -> None:
    """The target: the rubric's (locked), an input for the office's own, or a dash."""
    if indicator.target_from_workbook and indicator.applies(office_type):
        input_cell(ws, row, col)
        ws.cell(row=row, column=col).number_format = "0.00"
        targets.add(f"{column_letter(col)}{row}")
    elif indicator.rubric_target is not None:
        put(ws, row, col, float(indicator.rubric_target), border=thin_border(), alignment=CENTER)
    else:
        put(ws, row, col, "—", border=thin_border(), alignment=CENTER)


def _indicator_text(indicator: Indicator) -> str:
    text = f"{indicator.title_th}\n{indicator.title_en}"
    notes = []
    if indicator.direction.value == "lower" and indicator.method in (
        Method.INTERPOLATE,
        Method.TARGET_RATIO,
    ):
        notes.append("ค่ายิ่งน้อยยิ่งดี / lower is better")
    if indicator.method is Method.TARGET_RATIO:
        whose = "ของหน่วยงาน (กรอกเอง)" if indicator.target_from_workbook else ""
        notes.append(f"คะแนนเทียบค่าเป้าหมาย{whose}: ระดับ 1-5 = ร้อยละความสำเร็จที่ต้องได้")
    if indicator.applies_to != "both":
        notes.append("เฉพาะ สพป." if indicator.applies_to == "primary" else "เฉพาะ สพม.")
    if indicator.evidence_required:
        notes.append("ต้องระบุหลักฐาน")
    if indicator.source_th:
        notes.append(f"แหล่งข้อมูล: {indicator.source_th}")
    if notes:
        text += "\n[" + "; ".join(notes) + "]"
    if indicator.steps:
        text += "\n" + "\n".join(f"ขั้นที่ {n}: {s}" for n, s in enumerate(indicator.steps, 1))
    return text


def _level_labels(rubric: Rubric, indicator: Indicator) -> list[object]:
    if indicator.method is Method.TARGET_RATIO:
        return list(ratio_level_labels(rubric, indicator))
    if indicator.method is Method.INTERPOLATE:
        return [float(t) for t in indicator.thresholds or []]  # short decimals: exact as floats
    if indicator.method is Method.STEPS:
        return [f"{n} ขั้น" for n in range(1, 6)]
    return ["", "", "", "", "ผ่าน"]
