"""The blank workbook an area office fills in, built from a rubric.

Sheets: คำชี้แจง (instructions), ข้อมูลหน่วยงาน (office details), PMQA 4.0 (one row per
criterion), ตัวชี้วัด (one row per indicator) and a hidden sheet tying the file to its rubric.
Input cells are unlocked and shaded; everything else is locked under sheet protection without a
password, and validation comes from the rubric (dropdowns, numeric ranges, whole steps).

This module builds the workbook and writes the office, PMQA 4.0 and hidden sheets; the guide is
template_guide.py, the indicator sheet template_indicators.py, what every sheet shares
template_sheet.py, and the provisional score sheet with its live checks provisional.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

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
)
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.printing import page_marks
from pmqa_cli.report.provisional import add_provisional
from pmqa_cli.report.template_guide import GUIDE_WIDTH, guide_sheet
from pmqa_cli.report.template_indicators import indicator_sheet, unit_th
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
from pmqa_cli.report.writer import (
    GROUP_FILL,
    body_font,
    fit_row_height,
    keep_together,
    mark_pages,
    put,
    save_atomic,
    setup_page,
    thin_border,
)
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "GUIDE_WIDTH",
    "NA_MARK",
    "YES_NO",
    "TemplateLayout",
    "build_template",
    "unit_th",
    "write_template",
]

# Templates carry a fixed date so that the same rubric always gives the same file.
TEMPLATE_STAMP = datetime(2000, 1, 1)


@dataclass
class TemplateLayout:
    """Where things are in a built template: item id -> row, column key -> column index."""

    pmqa_rows: dict[str, int] = field(default_factory=dict)
    indicator_rows: dict[str, int] = field(default_factory=dict)
    office_rows: dict[str, int] = field(default_factory=dict)
    pmqa_columns: dict[str, int] = field(default_factory=dict)
    indicator_columns: dict[str, int] = field(default_factory=dict)
    office_value_column: int = 3


def _office_sheet(ws: Worksheet, office: Office | None, layout: TemplateLayout) -> None:
    title(ws, "ข้อมูลหน่วยงาน", "กรอกข้อมูลในช่องสีเหลือง / Office details: fill in the yellow cells")
    header_row(ws, OFFICE_COLUMNS)
    # Column A holds the keys the reader finds rows by: for pmqa, not for people. Hidden, it
    # neither shows nor prints, and the labels get the room to print on one line.
    ws.column_dimensions["A"].hidden = True
    type_list = validation(
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
        input_cell(ws, row, 3, prefill.get(item.key))
        fit_row_height(ws, row, text_widths(OFFICE_COLUMNS, ("label", "value")))
        layout.office_rows[item.key] = row
        if item.key == "office_type":
            type_list.add(f"C{row}")
        if item.key == "submitted_on":
            ws.cell(row=row, column=3).number_format = "[$-107041E]d mmmm yyyy;@"
        if item.key == "office_code":
            # Codes are text: "0101" must not become 101.
            ws.cell(row=row, column=3).number_format = "@"
    setup_page(ws, landscape=False, freeze=f"A{HEADER_ROW + 1}")
    protect(ws)


def _pmqa_sheet(
    ws: Worksheet, rubric: Rubric, layout: TemplateLayout, gap_after: str | None
) -> None:
    title(
        ws,
        "PMQA 4.0 หมวด 1-6",
        "Self-assessment: choose ผ่าน (met) or ไม่ผ่าน (not met) for every criterion",
    )
    cols = header_row(ws, PMQA_COLUMNS)
    layout.pmqa_columns = cols
    answers = validation(
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
                    input_cell(ws, row, cols[key])
                answers.add(f"{column_letter(cols['answer'])}{row}")
                fit_row_height(ws, row, text_widths(PMQA_COLUMNS, ("issue", "tier", "criterion")))
                layout.pmqa_rows[criterion.id] = row
                row += 1
                if criterion.id == gap_after:
                    row += 1
        blocks.append((block_start, row - 1))
    setup_page(ws, freeze=f"B{HEADER_ROW + 1}")
    keep_together(ws, blocks, landscape=True, repeated=HEADER_ROW)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{column_letter(last)}{row - 1}"
    protect(ws)


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
    protect(ws)


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
    guide_sheet(guide, rubric)
    _office_sheet(wb.create_sheet(SHEET_OFFICE), office, layout)
    _pmqa_sheet(wb.create_sheet(SHEET_PMQA), rubric, layout, gap_after)
    if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
        layout.indicator_columns, layout.indicator_rows = indicator_sheet(
            wb.create_sheet(SHEET_INDICATORS),
            rubric,
            office.type if office else None,
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
