"""One office's feedback workbook: its scores, and what to do next.

What to do next is computed here as plain data (:func:`issue_next_step`,
:func:`indicator_next_level`) and written by :func:`write_feedback`: the unmet criteria that
stand between each issue and its next tier, and the value each indicator needs for its next level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.assess.aggregate import exact, ratio_needed
from pmqa_cli.assess.findings import SEVERITY_TH
from pmqa_cli.assess.rounding import json_number, round_half_up
from pmqa_cli.assess.scoring import IndicatorResult, IssueResult, ScoreResult
from pmqa_cli.assess.submission import WorkbookReport
from pmqa_cli.rubric.model import Aggregation, Criterion, Direction, Indicator, Method, Rubric
from pmqa_cli.thai import thai_datetime
from pmqa_cli.workbook.mark import Kind
from pmqa_cli.workbook.template import unit_th
from pmqa_cli.workbook.writer import (
    body_font,
    fit_row_height,
    header_style,
    output_timestamp,
    put,
    save_atomic,
    setup_page,
    thin_border,
)

__all__ = [
    "IndicatorNextLevel",
    "IssueNextStep",
    "indicator_next_level",
    "issue_next_step",
    "write_feedback",
]

WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class IssueNextStep:
    """The tier an issue should reach next and the criteria still unmet for it."""

    tier_id: str | None  # None when the issue is at its top tier
    tier_th: str
    unmet: tuple[Criterion, ...]


@dataclass(frozen=True)
class IndicatorNextLevel:
    """The next whole level of an indicator and the value that reaches it."""

    level: int | None  # None at the top level, or when the indicator does not count
    target: str  # e.g. "≥ 85", "≤ 0.6", "4 ขั้นตอน", "ผ่าน"


def issue_next_step(rubric: Rubric, result: IssueResult) -> IssueNextStep:
    """The lowest incomplete tier blocks everything above it: its unmet criteria come next."""
    issue = next(i for i in rubric.issues if i.id == result.id)
    met = {c.id: c.met for c in result.criteria}
    for tier in issue.tiers:
        unmet = tuple(c for c in tier.criteria if not met.get(c.id))
        if unmet:
            return IssueNextStep(tier.id, rubric.tier_default(tier.id).title_th, unmet)
    return IssueNextStep(None, "", ())


def _ratio_target_value(
    rubric: Rubric, indicator: Indicator, result: IndicatorResult, level: int
) -> str:
    """The result a target-ratio indicator needs for a level, from its target and the bands."""
    needed = ratio_needed(rubric.ratio_bands(indicator), rubric.scoring.level_scores[level - 1])
    if needed is None or result.target is None:
        return ""
    rate, strict = needed
    target = exact(result.target)
    if indicator.direction is Direction.HIGHER:
        value, sign = rate * target / 100, ">" if strict else "≥"
    else:
        value, sign = (200 - rate) * target / 100, "<" if strict else "≤"
    shown = f"{round_half_up(value, 2).normalize():f}"
    return f"{sign} {shown} (ร้อยละ {round_half_up(rate, 2).normalize():f} ของเป้าหมาย)"


def indicator_next_level(
    indicator: Indicator, result: IndicatorResult, rubric: Rubric | None = None
) -> IndicatorNextLevel:
    """The value an indicator needs to reach its next whole level (a target-ratio indicator
    needs ``rubric`` for its bands)."""
    if not result.applies:
        return IndicatorNextLevel(None, "")
    current = math.floor(result.level)  # exact: a level of exactly 3 is level 3
    if current >= 5:
        return IndicatorNextLevel(None, "")
    level = current + 1
    if indicator.method is Method.STEPS:
        return IndicatorNextLevel(level, f"{level} ขั้นตอน")
    if indicator.method is Method.PASS_FAIL:
        return IndicatorNextLevel(5, "ผ่าน")
    if indicator.method is Method.TARGET_RATIO:
        target = "" if rubric is None else _ratio_target_value(rubric, indicator, result, level)
        return IndicatorNextLevel(level, target)
    threshold = (indicator.thresholds or [])[level - 1]
    sign = "≥" if indicator.direction is Direction.HIGHER else "≤"
    return IndicatorNextLevel(level, f"{sign} {threshold:g}")


def _table(ws: Worksheet, row: int, headers: list[tuple[str, float]]) -> None:
    for col, (text, width) in enumerate(headers, start=1):
        put(ws, row, col, text, **header_style())
        ws.column_dimensions[chr(64 + col)].width = width
    fit_row_height(ws, row, {n: w for n, (_, w) in enumerate(headers, start=1)})
    setup_page(ws, freeze=f"A{row + 1}", header_row=row)


def _cells(ws: Worksheet, row: int, values: list[object], number_format: str) -> None:
    for col, value in enumerate(values, start=1):
        cell = put(ws, row, col, value, border=thin_border(), alignment=WRAP)
        if isinstance(value, float):
            cell.number_format = number_format
    widths = {n: ws.column_dimensions[chr(64 + n)].width or 10 for n in range(1, len(values) + 1)}
    fit_row_height(ws, row, widths)


def write_feedback(report: WorkbookReport, path: Path) -> None:
    """Write the feedback workbook for one scored submission."""
    rubric = report.rubric
    result = report.result
    decimals = rubric.scoring.decimals
    number_format = "0." + "0" * decimals if decimals else "0"
    office = report.submission.office
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "สรุปผล"
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 70
    # The long title wraps inside the table's width rather than running off to the right.
    put(summary, 1, 1, f"ผลการประเมิน {rubric.title_th}", font=body_font(bold=True, size=20),
        alignment=WRAP)  # fmt: skip
    summary.merge_cells("A1:B1")
    fit_row_height(summary, 1, {1: 104 * 0.8}, line_height=32)
    setup_page(summary, landscape=False)
    lines: list[tuple[str, object]] = [
        ("หน่วยงาน", f"{office.code} {office.name}".strip()),
        ("ประเภท", office.type.abbrev_th if office.type else "-"),
        ("จังหวัด", office.province),
        ("ไฟล์ที่ประเมิน", report.submission.path.name),
        ("เกณฑ์", f"{rubric.id} ฉบับ {rubric.version}"),
        ("วันที่ประมวลผล", thai_datetime(output_timestamp())),
    ]
    if result is not None:
        lines += [
            ("คะแนนรวม (0-500)", result.reported(result.overall)),
            ("ระดับผลการประเมิน", result.band.label_th if result.band else "-"),
            ("สถานะ PMQA 4.0", result.status.label_th if result.status else "-"),
            ("คะแนนหมวด 1-6 (PMQA 4.0)", result.reported(result.pmqa.score)),
        ]
        if rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
            # The overall is the mean of these: each one is worth showing.
            lines += [
                (f"  คะแนนหมวด {c.id}", result.reported(c.score))
                for c in result.categories
                if c.id != "7"
            ]
        if rubric.indicators:
            lines.append(("คะแนนหมวด 7 (ตัวชี้วัด)", result.reported(result.results.score)))
    lines += [("ข้อผิดพลาด / คำเตือน", f"{report.errors} / {report.warnings}")]
    for row, (label, value) in enumerate(lines, start=3):
        put(summary, row, 1, label, font=body_font(bold=True), border=thin_border())
        cell = put(summary, row, 2, value, border=thin_border(), alignment=WRAP)
        if isinstance(value, float):
            cell.number_format = number_format
        fit_row_height(summary, row, {1: 34, 2: 70})
    if result is not None:
        _issues_sheet(wb.create_sheet("PMQA 4.0"), result, number_format)
        if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
            _indicators_sheet(wb.create_sheet("ตัวชี้วัด"), result, number_format)
    _findings_sheet(wb.create_sheet("ปัญหาที่พบ"), report)
    save_atomic(wb, path, kind=Kind.FEEDBACK)


def _issues_sheet(ws: Worksheet, scores: ScoreResult, number_format: str) -> None:
    rubric = scores.rubric
    _table(
        ws,
        1,
        [("รหัส", 10), ("หมวด", 8), ("ประเด็น", 40), ("คะแนน", 12), ("สถานะ", 18),
         ("ระดับถัดไป", 14), ("เกณฑ์ที่ยังไม่ผ่าน (ต้องทำให้ผ่านเพื่อขึ้นระดับถัดไป)", 80)],
    )  # fmt: skip
    titles = {i.id: i.title_th for i in rubric.issues}
    for row, result in enumerate(scores.issues, start=2):
        step = issue_next_step(rubric, result)
        todo = "\n".join(f"{c.id} {c.text_th}" for c in step.unmet) or "ผ่านครบทุกระดับแล้ว"
        values: list[object] = [
            result.id,
            result.category,
            titles[result.id],
            scores.reported(result.score),
            result.status_th,
            step.tier_th or "-",
            todo,
        ]
        _cells(ws, row, values, number_format)


def _indicators_sheet(ws: Worksheet, scores: ScoreResult, number_format: str) -> None:
    rubric = scores.rubric
    _table(
        ws,
        1,
        [("รหัส", 12), ("มิติ", 7), ("ตัวชี้วัด", 50), ("หน่วย", 10), ("ผลการดำเนินงาน", 14),
         ("ระดับ", 9), ("คะแนน", 12), ("ระดับถัดไป", 11), ("ค่าที่ต้องทำได้", 16)],
    )  # fmt: skip
    for row, result in enumerate(scores.indicators, start=2):
        indicator = rubric.indicator(result.id)
        nxt = indicator_next_level(indicator, result, rubric)
        if not result.applies:
            score: object = "ไม่เกี่ยวข้อง" if result.not_applicable else "ไม่ประเมิน"
            level: object = "-"
        else:
            score, level = scores.reported(result.score), scores.reported(result.level)
        values: list[object] = [
            result.id,
            result.dimension,
            indicator.title_th,
            unit_th(indicator.unit),
            json_number(result.value) if result.value is not None else "-",
            level,
            score,
            nxt.level if nxt.level is not None else "-",
            nxt.target or "-",
        ]
        _cells(ws, row, values, number_format)


def _findings_sheet(ws: Worksheet, report: WorkbookReport) -> None:
    _table(
        ws,
        1,
        [("ความรุนแรง", 12), ("รหัสปัญหา", 22), ("แผ่นงาน", 16), ("เซลล์", 9), ("รายการ", 12),
         ("คำอธิบายและวิธีแก้", 80), ("Message", 60)],
    )  # fmt: skip
    if not report.findings:
        put(ws, 2, 1, "ไม่พบปัญหา")
    for row, f in enumerate(report.findings, start=2):
        severity = SEVERITY_TH[f.severity]
        values: list[object] = [
            severity,
            f.code,
            f.sheet or "",
            f.cell or "",
            f.item_id or "",
            f.message_th,
            f.message_en,
        ]
        _cells(ws, row, values, "General")
