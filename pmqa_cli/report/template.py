"""The blank workbook an area office fills in, built from a rubric.

Sheets: คำชี้แจง (instructions), ข้อมูลหน่วยงาน (office details), PMQA 4.0 (one row per
criterion), ตัวชี้วัด (one row per indicator) and a hidden sheet tying the file to its rubric.
Input cells are unlocked and shaded; everything else is locked under sheet protection without a
password, and validation comes from the rubric (dropdowns, numeric ranges, whole steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.assess.aggregate import ratio_needed
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.io.layout import (
    FORMAT_VERSION,
    META_FIELDS,
    OFFICE_COLUMNS,
    OFFICE_FIELDS,
    PMQA_COLUMNS,
    SHEET_GUIDE,
    SHEET_INDICATORS,
    SHEET_META,
    SHEET_OFFICE,
    SHEET_PMQA,
    Column,
    indicator_columns,
)
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office
from pmqa_cli.report.printing import page_marks
from pmqa_cli.report.provisional import add_provisional, guide_lines
from pmqa_cli.report.writer import (
    GROUP_FILL,
    INPUT_FILL,
    body_font,
    fit_row_height,
    header_style,
    keep_together,
    mark_pages,
    put,
    save_atomic,
    setup_page,
    thin_border,
)
from pmqa_cli.rubric.model import Aggregation, Indicator, Method, OfficeType, RatioBand, Rubric

__all__ = [
    "HEADER_ROW",
    "TemplateLayout",
    "build_template",
    "has_target_column",
    "ratio_level_labels",
    "unit_th",
    "write_template",
]

HEADER_ROW = 3
YES_NO = ("ผ่าน", "ไม่ผ่าน")
NA_MARK = "ไม่เกี่ยวข้อง"
# Templates carry a fixed date so that the same rubric always gives the same file.
TEMPLATE_STAMP = datetime(2000, 1, 1)
_UNITS_TH = {
    "percent": "ร้อยละ",
    "days": "วัน",
    "score": "คะแนน",
    "count": "จำนวน",
    "baht": "บาท",
    "level": "ระดับ",
    "pass/fail": "ผ่าน/ไม่ผ่าน",
}
# LibreOffice does not shrink a single column wider than the page to fit it, and measures
# columns in a wider fallback font where Calibri is missing: 70 fits A4 portrait in both.
GUIDE_WIDTH = 70
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
UNLOCKED = Protection(locked=False)


@dataclass
class TemplateLayout:
    """Where things are in a built template: item id -> row, column key -> column index."""

    pmqa_rows: dict[str, int] = field(default_factory=dict)
    indicator_rows: dict[str, int] = field(default_factory=dict)
    office_rows: dict[str, int] = field(default_factory=dict)
    pmqa_columns: dict[str, int] = field(default_factory=dict)
    indicator_columns: dict[str, int] = field(default_factory=dict)
    office_value_column: int = 3


def unit_th(unit: str) -> str:
    """A unit's Thai label."""
    return _UNITS_TH.get(unit, unit)


def _columns(ws: Worksheet, columns: tuple[Column, ...]) -> dict[str, int]:
    index = {}
    for col, column in enumerate(columns, start=1):
        put(ws, HEADER_ROW, col, column.header, **header_style())
        ws.column_dimensions[_letter(col)].width = column.width
        index[column.key] = col
    fit_row_height(ws, HEADER_ROW, {n: c.width for n, c in enumerate(columns, start=1)})
    return index


def _widths(columns: tuple[Column, ...], keys: tuple[str, ...]) -> dict[int, float]:
    """Column index -> width for the columns whose text decides a row's height."""
    return {n: c.width for n, c in enumerate(columns, start=1) if c.key in keys}


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _title(ws: Worksheet, text: str, subtitle: str) -> None:
    put(ws, 1, 1, text, font=body_font(bold=True, size=20))
    put(ws, 2, 1, subtitle, font=body_font(size=14, color="595959"))


def _protect(ws: Worksheet) -> None:
    # No password: protection guards against accidents, not people. Resizing stays allowed.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


def _input(ws: Worksheet, row: int, col: int, value: object = None) -> None:
    put(
        ws,
        row,
        col,
        value,
        fill=INPUT_FILL,
        protection=UNLOCKED,
        border=thin_border(),
        alignment=WRAP,
    )


def _validation(ws: Worksheet, dv: DataValidation, prompt: str) -> DataValidation:
    dv.error = prompt
    dv.errorTitle = "ข้อมูลไม่ถูกต้อง / Invalid entry"
    dv.promptTitle = "วิธีกรอก / How to fill in"
    dv.prompt = prompt
    dv.showErrorMessage = True
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    return dv


def _guide_sheet(ws: Worksheet, rubric: Rubric) -> None:
    scoring = rubric.scoring
    tiers = ", ".join(f"{t.title_th} {t.points:g} คะแนน" for t in scoring.tiers)
    lines: list[tuple[str, bool]] = [
        (rubric.title_th, True),
        (f"ปีงบประมาณ พ.ศ. {rubric.fiscal_year}   ฉบับ {rubric.version}   รหัสเกณฑ์ {rubric.id}", False),
        ("", False),
        ("วิธีกรอกข้อมูล", True),
        (f"1. แผ่นงาน '{SHEET_OFFICE}': กรอกรหัสหน่วยงาน ชื่อ ประเภท (สพป./สพม.) จังหวัด ผู้ประสานงาน "
         "และวันที่ส่งข้อมูลในช่องสีเหลือง", False),
        (f"2. แผ่นงาน '{SHEET_PMQA}': เลือก ผ่าน หรือ ไม่ผ่าน ให้ครบทุกเกณฑ์ และระบุหลักฐานอ้างอิง "
         "(ลิงก์หรือชื่อเอกสาร) ของเกณฑ์ที่ผ่าน", False),
    ]  # fmt: skip
    if rubric.indicators:
        target = (
            " ตัวชี้วัดที่มีช่องค่าเป้าหมายสีเหลืองให้กรอกค่าเป้าหมายของหน่วยงานด้วย"
            if rubric.has_workbook_targets
            else ""
        )
        lines.append(
            (f"3. แผ่นงาน '{SHEET_INDICATORS}': กรอกผลการดำเนินงานเป็นตัวเลขตามหน่วยของตัวชี้วัด "
             "(ร้อยละ กรอก 85 หรือ 85%), ตัวชี้วัดแบบขั้นตอนกรอกจำนวนขั้นตอนที่ทำสำเร็จ 0-5, "
             f"แบบผ่าน/ไม่ผ่านเลือกจากรายการ และเลือก 'ไม่เกี่ยวข้อง' เฉพาะตัวชี้วัดที่อนุญาต{target}", False)
        )  # fmt: skip
    lines += [
        (f"{4 if rubric.indicators else 3}. ห้ามเปลี่ยนชื่อแผ่นงาน หัวคอลัมน์ หรือรหัสรายการ "
         "และบันทึกไฟล์เป็น .xlsx", False),
        ("", False),
        ("ตรวจสอบก่อนส่ง (ไม่ต้องติดตั้งโปรแกรมใด ๆ)", True),
        ("• ช่องสีเหลืองตรวจค่าที่กรอกให้ทันที: Excel หรือ LibreOffice จะเตือนเมื่อกรอกค่าที่ไม่อยู่ในรายการ "
         "ไม่ใช่ตัวเลข หรืออยู่นอกช่วงที่กำหนด", False),
        ("• หาช่องที่ยังไม่ได้กรอก: กดปุ่มตัวกรองที่หัวคอลัมน์ผลการประเมินหรือผลการดำเนินงาน "
         "แล้วเลือก (ว่าง)", False),
        ("• ส่งไฟล์ให้ผู้รับผิดชอบการประเมิน ซึ่งจะตรวจไฟล์และส่งรายการปัญหาที่พบ พร้อมตำแหน่งเซลล์และวิธีแก้ "
         "กลับมาให้แก้ไขก่อนคิดคะแนน", False),
        ("", False),
        ("วิธีคิดคะแนน", True),
        (f"• ประเด็น PMQA 4.0 (หมวด 1-6): {tiers} คะแนนของแต่ละระดับเฉลี่ยเท่ากันทุกเกณฑ์ "
         "และระดับที่สูงกว่าจะนับเมื่อผ่านเกณฑ์ระดับที่ต่ำกว่าครบทุกข้อ", False),
    ]  # fmt: skip
    lines += [(line, False) for line in _scoring_lines(rubric)]
    lines += [
        ("• ระดับผลการประเมิน: " + ", ".join(
            f"{b.label_th} ≥ {b.min:g}" for b in scoring.overall_bands), False),
        ("• สถานะ PMQA 4.0: " + ", ".join(
            f"{b.label_th} ≥ {b.min:g}" for b in scoring.pmqa_status_bands), False),
    ]  # fmt: skip
    lines += guide_lines()
    if rubric.contact_th:
        lines += [("", False), ("ติดต่อสอบถาม", True), (rubric.contact_th, False)]
    # The rubric's source_note (draft content, for analysts) is shown by `pmqa rubric show` and
    # on the results' about sheet, never to the offices that fill the template in.
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    for row, (text, bold) in enumerate(lines, start=1):
        size = 20 if row == 1 else 16
        put(ws, row, 1, text, font=body_font(bold=bold, size=size), alignment=WRAP)
        if row == 1:  # 20 pt: a quarter wider and taller than body text
            fit_row_height(ws, row, {1: GUIDE_WIDTH * 0.8}, line_height=32)
        else:
            fit_row_height(ws, row, {1: GUIDE_WIDTH})
    setup_page(ws, landscape=False)
    _protect(ws)


def _scoring_lines(rubric: Rubric) -> list[str]:
    """How category 7 and the overall are scored, for the guide sheet."""
    scoring = rubric.scoring
    lines = []
    methods = {i.method for i in rubric.indicators}
    if methods - {Method.TARGET_RATIO}:
        lines.append(
            "• ตัวชี้วัด (หมวด 7): ผลการดำเนินงานเทียบเกณฑ์ระดับ 1-5 = "
            f"{', '.join(f'{s:g}' for s in scoring.level_scores)} คะแนน เทียบสัดส่วนเชิงเส้นระหว่างระดับ "
            "ต่ำกว่าระดับ 1 ได้ 0 คะแนน"
        )
    if Method.TARGET_RATIO in methods:
        lines.append(
            "• ตัวชี้วัดที่เทียบค่าเป้าหมาย: ร้อยละความสำเร็จ = ผลการดำเนินงาน ÷ ค่าเป้าหมาย × 100 "
            "(ยิ่งน้อยยิ่งดี: 200 − ผลการดำเนินงาน ÷ ค่าเป้าหมาย × 100) แล้วแปลงเป็นคะแนนตามช่วง: "
            + _bands_th(scoring.target_ratio_bands or [])
        )
    rounding = f"ปัดเศษ {scoring.decimals} ตำแหน่งแบบปัดครึ่งขึ้น"
    if scoring.aggregation is Aggregation.CATEGORY_MEAN:
        seven = " หมวด 7 = ค่าเฉลี่ยของมิติ 7.1-7.6" if rubric.indicators else ""
        lines.append(
            f"• คะแนนแต่ละหมวด = ค่าเฉลี่ยของคะแนนประเด็นในหมวด{seven} "
            f"คะแนนรวม = ค่าเฉลี่ยของคะแนนหมวด {', '.join(rubric.category_ids)} {rounding}"
        )
    elif rubric.indicators:
        weights = scoring.part_weights
        lines.append(
            f"• คะแนนรวม = ({weights.pmqa:g} × คะแนนหมวด 1-6 + {weights.results:g} × คะแนนหมวด 7) "
            f"/ {weights.pmqa + weights.results:g} {rounding}"
        )
    else:
        lines.append(f"• คะแนนรวม = คะแนนหมวด 1-6 (ค่าเฉลี่ยถ่วงน้ำหนักของประเด็น) {rounding}")
    return lines


def _bands_th(bands: list[RatioBand]) -> str:
    parts = []
    for band in bands:
        edge = f"ไม่เกินร้อยละ {band.up_to:g}" if band.up_to is not None else "สูงกว่านั้น"
        rule = (
            f"ร้อยละความสำเร็จ × {band.multiply:g}"
            if band.multiply is not None
            else f"{band.score:g} คะแนน"
        )
        parts.append(f"{edge} ได้ {rule}")
    return "; ".join(parts)


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


def _office_sheet(ws: Worksheet, office: Office | None, layout: TemplateLayout) -> None:
    _title(ws, "ข้อมูลหน่วยงาน", "กรอกข้อมูลในช่องสีเหลือง / Office details: fill in the yellow cells")
    _columns(ws, OFFICE_COLUMNS)
    # Column A holds the keys the reader finds rows by: for pmqa, not for people. Hidden, it
    # neither shows nor prints, and the labels get the room to print on one line.
    ws.column_dimensions["A"].hidden = True
    type_list = _validation(
        ws,
        DataValidation(type="list", formula1='"สพป.,สพม."', allow_blank=True),
        "เลือก สพป. หรือ สพม. / Choose สพป. (primary) or สพม. (secondary)",
    )
    prefill: dict[str, object] = {}
    if office is not None:
        prefill = {
            "office_code": office.code,
            "office_name": office.name,
            "office_type": office.type.abbrev_th if office.type else None,
            "province": office.province,
        }
    for row, item in enumerate(OFFICE_FIELDS, start=HEADER_ROW + 1):
        put(ws, row, 1, item.key, border=thin_border(), font=body_font(color="808080"))
        label = f"{item.label_th} / {item.label_en}" + (" *" if item.required else "")
        put(ws, row, 2, label, border=thin_border(), alignment=WRAP)
        _input(ws, row, 3, prefill.get(item.key))
        fit_row_height(ws, row, _widths(OFFICE_COLUMNS, ("label", "value")))
        layout.office_rows[item.key] = row
        if item.key == "office_type":
            type_list.add(f"C{row}")
        if item.key == "submitted_on":
            ws.cell(row=row, column=3).number_format = "[$-107041E]d mmmm yyyy;@"
        if item.key == "office_code":
            # Codes are text: "0101" must not become 101.
            ws.cell(row=row, column=3).number_format = "@"
    setup_page(ws, landscape=False, freeze=f"A{HEADER_ROW + 1}")
    _protect(ws)


def _pmqa_sheet(
    ws: Worksheet, rubric: Rubric, layout: TemplateLayout, gap_after: str | None
) -> None:
    _title(
        ws,
        "PMQA 4.0 หมวด 1-6",
        "Self-assessment: choose ผ่าน (met) or ไม่ผ่าน (not met) for every criterion",
    )
    cols = _columns(ws, PMQA_COLUMNS)
    layout.pmqa_columns = cols
    answers = _validation(
        ws,
        DataValidation(type="list", formula1=f'"{",".join(YES_NO)}"', allow_blank=True),
        "เลือก ผ่าน หรือ ไม่ผ่าน / Choose ผ่าน (met) or ไม่ผ่าน (not met)",
    )
    row = HEADER_ROW + 1
    last = len(PMQA_COLUMNS)
    blocks: list[tuple[int, int]] = []
    for issue in rubric.issues:
        block_start = row
        heading = (
            f"หมวด {issue.category}  {issue.id}  {issue.title_th}  "
            f"(น้ำหนัก {issue.weight:g})\n{issue.title_en}"
        )
        # The heading starts in column B: column A holds item ids only, and a heading there
        # would read as an unknown id.
        put(ws, row, 1, None, fill=GROUP_FILL)
        put(ws, row, 2, heading, font=body_font(bold=True), fill=GROUP_FILL, alignment=WRAP)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        merged_width = sum(c.width for c in PMQA_COLUMNS[1:])
        fit_row_height(ws, row, {2: merged_width})
        row += 1
        for tier in issue.tiers:
            default = rubric.tier_default(tier.id)
            for criterion in tier.criteria:
                text = criterion.text_th
                if criterion.text_en:
                    text += f"\n{criterion.text_en}"
                if criterion.evidence_required:
                    text += "\n[ต้องระบุหลักฐาน / evidence required]"
                values = {
                    "id": criterion.id,
                    "category": issue.category,
                    "issue": f"{issue.id} {issue.title_th}",
                    "tier": f"{default.title_th}\n({rubric.tier_points(tier):g} คะแนน)",
                    "criterion": text,
                }
                for key, value in values.items():
                    align = CENTER if key in ("category", "tier") else WRAP
                    put(ws, row, cols[key], value, border=thin_border(), alignment=align)
                for key in ("answer", "evidence", "note"):
                    _input(ws, row, cols[key])
                answers.add(f"{_letter(cols['answer'])}{row}")
                fit_row_height(ws, row, _widths(PMQA_COLUMNS, ("issue", "tier", "criterion")))
                layout.pmqa_rows[criterion.id] = row
                row += 1
                if criterion.id == gap_after:
                    row += 1
        blocks.append((block_start, row - 1))
    setup_page(ws, freeze=f"B{HEADER_ROW + 1}")
    keep_together(ws, blocks, landscape=True, repeated=HEADER_ROW)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{_letter(last)}{row - 1}"
    _protect(ws)


def _indicator_sheet(
    ws: Worksheet,
    rubric: Rubric,
    office_type: OfficeType | None,
    layout: TemplateLayout,
    gap_after: str | None,
) -> None:
    _title(ws, "หมวด 7 ผลลัพธ์การดำเนินการ", "Outcome indicators: enter each result in its unit")
    columns = indicator_columns(has_target_column(rubric))
    cols = _columns(ws, columns)
    layout.indicator_columns = cols
    na_list = _validation(
        ws,
        DataValidation(type="list", formula1=f'"{NA_MARK}"', allow_blank=True),
        "เลือก 'ไม่เกี่ยวข้อง' เฉพาะเมื่อไม่มีผลการดำเนินงานในปีนี้ / "
        "Choose ไม่เกี่ยวข้อง (N/A) only when there is no result this year",
    )
    pass_list = _validation(
        ws,
        DataValidation(type="list", formula1=f'"{",".join(YES_NO)}"', allow_blank=True),
        "เลือก ผ่าน หรือ ไม่ผ่าน / Choose ผ่าน (met) or ไม่ผ่าน (not met)",
    )
    steps = _validation(
        ws,
        DataValidation(
            type="whole", operator="between", formula1="0", formula2="5", allow_blank=True
        ),
        "กรอกจำนวนขั้นตอนที่ทำสำเร็จ 0-5 (จำนวนเต็ม) / Enter the steps completed, a whole number 0-5",
    )
    ranges: dict[tuple[Decimal, Decimal], DataValidation] = {}
    targets = None
    if "target" in cols:
        targets = _validation(
            ws,
            DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True),
            "กรอกค่าเป้าหมายของหน่วยงาน (ตัวเลขมากกว่า 0)",
        )
    row = HEADER_ROW + 1
    for indicator in rubric.indicators:
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
        value_ref = f"{_letter(cols['value'])}{row}"
        if targets is not None:
            _target_cell(ws, row, cols["target"], indicator, office_type, targets)
        if not indicator.applies(office_type):
            for key in ("value", "na"):
                put(ws, row, cols[key], "—", border=thin_border(), alignment=CENTER)
        else:
            _input(ws, row, cols["value"])
            if indicator.method is Method.STEPS:
                steps.add(value_ref)
            elif indicator.method is Method.PASS_FAIL:
                pass_list.add(value_ref)
            else:
                ws.cell(row=row, column=cols["value"]).number_format = "0.00"
                low, high = indicator.value_range
                if low is not None and high is not None:
                    bounds = (low, high)
                    if bounds not in ranges:
                        ranges[bounds] = _validation(
                            ws,
                            DataValidation(
                                type="decimal",
                                operator="between",
                                formula1=f"{low:g}",
                                formula2=f"{high:g}",
                                allow_blank=True,
                            ),
                            f"กรอกตัวเลข {low:g} ถึง {high:g} / Enter a number from {low:g} "
                            f"to {high:g}",
                        )
                    ranges[bounds].add(value_ref)
            if indicator.na_allowed:
                _input(ws, row, cols["na"])
                na_list.add(f"{_letter(cols['na'])}{row}")
            else:
                put(ws, row, cols["na"], "—", border=thin_border(), alignment=CENTER)
        for key in ("evidence", "note"):
            _input(ws, row, cols[key])
        fit_row_height(ws, row, _widths(columns, ("indicator",)))
        layout.indicator_rows[indicator.id] = row
        row += 1
        if indicator.id == gap_after:
            row += 1
    setup_page(ws, freeze=f"B{HEADER_ROW + 1}")
    ws.auto_filter.ref = f"A{HEADER_ROW}:{_letter(len(columns))}{row - 1}"
    _protect(ws)


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
        _input(ws, row, col)
        ws.cell(row=row, column=col).number_format = "0.00"
        targets.add(f"{_letter(col)}{row}")
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


def _meta_sheet(ws: Worksheet, rubric: Rubric) -> None:
    # The keys, in order, are layout.META_FIELDS: the one definition the reader documents.
    values = dict(
        zip(
            META_FIELDS,
            (rubric.id, rubric.version, rubric.sha256, str(rubric.fiscal_year), FORMAT_VERSION),
            strict=True,
        )
    )
    put(ws, 1, 1, "key")
    put(ws, 1, 2, "value")
    for row, (key, value) in enumerate(values.items(), start=2):
        put(ws, row, 1, key)
        put(ws, row, 2, value)
    ws.sheet_state = "hidden"
    _protect(ws)


def build_template(
    rubric: Rubric,
    office: Office | None = None,
    *,
    gap_after: str | None = None,
) -> tuple[Workbook, TemplateLayout]:
    """Build the template workbook in memory, pre-filled with ``office``'s details if given.

    ``gap_after`` leaves an empty row after that item (sample submissions use it to show that
    the reader does not depend on row positions).
    """
    wb = Workbook()
    layout = TemplateLayout()
    guide = wb.active
    assert guide is not None
    guide.title = SHEET_GUIDE
    _guide_sheet(guide, rubric)
    _office_sheet(wb.create_sheet(SHEET_OFFICE), office, layout)
    _pmqa_sheet(wb.create_sheet(SHEET_PMQA), rubric, layout, gap_after)
    if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
        _indicator_sheet(
            wb.create_sheet(SHEET_INDICATORS),
            rubric,
            office.type if office else None,
            layout,
            gap_after,
        )
    add_provisional(
        wb,
        rubric,
        layout.pmqa_rows,
        layout.indicator_rows,
        layout.pmqa_columns,
        layout.indicator_columns,
        layout.office_rows,
        layout.office_value_column,
    )
    _meta_sheet(wb.create_sheet(SHEET_META), rubric)
    office_name = f"{office.code} {office.name}".strip() if office else ""
    for ws in wb.worksheets[:-1]:
        marks = page_marks(
            f"แบบประเมินตนเอง: {ws.title}",
            rubric.fiscal_year,
            office=office_name,
            note=f"เกณฑ์ {rubric.id} ฉบับ {rubric.version}",
        )
        mark_pages(ws, marks)
    wb.active = 1
    return wb, layout


def write_template(rubric: Rubric, path: Path, office: Office | None = None) -> None:
    """Write the template to ``path`` (atomically; the same rubric gives the same bytes)."""
    wb, _ = build_template(rubric, office)
    save_atomic(wb, path, kind=Kind.TEMPLATE, stamp=TEMPLATE_STAMP)
