"""The committee's review workbook: every office's claims, with cells for the verdicts.

One long sheet with a filter rather than one sheet per office. A committee splits the offices
between its members; each filters the sheet to their offices (or sorts it by reviewer), fills
in their copy, and all copies are passed back with ``--review`` (one each). A single sheet also
keeps every office's rows in one place for the chair to scan across offices, to copy verdicts
down a column, and to print: a page break after each office starts every office on a new page,
the header row repeats on every page, and every row names its office. 245 sheets would have to
be paged through one tab at a time, could not be filtered or sorted together, and break the
sheet list of both Excel and LibreOffice.

Claims are protected (no password: protection guards against accidents, not people); the
verdict, verified value, comment and reviewer cells are open and yellow, the verdict a dropdown.
:mod:`.inputs` reads the filled-in workbook back (its headers are the review columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.assess.submission import Submission
from pmqa_cli.assess.trace import VERDICT_TH, shown_value
from pmqa_cli.core.thai import thai_datetime
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.printing import page_marks
from pmqa_cli.report.template import GUIDE_WIDTH, unit_th
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.writer import (
    INPUT_FILL,
    body_font,
    fit_row_height,
    header_style,
    mark_pages,
    output_timestamp,
    put,
    save_atomic,
    setup_page,
    thin_border,
)
from pmqa_cli.rubric.model import Rubric

__all__ = ["REVIEW_COLUMNS", "REVIEW_SHEET", "ReviewColumn", "write_review_sheet"]

REVIEW_SHEET = "ตรวจสอบ"
GUIDE_SHEET = "คำชี้แจง"
HEADER_ROW = 3
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
UNLOCKED = Protection(locked=False)
CLOSED_FILL = PatternFill("solid", fgColor="D9D9D9")


@dataclass(frozen=True)
class ReviewColumn:
    """A column of the review sheet: its key, header and width; ``open`` for the committee."""

    key: str
    header: str
    width: float
    open: bool = False


REVIEW_COLUMNS: tuple[ReviewColumn, ...] = (
    ReviewColumn("office", "รหัสหน่วยงาน", 14),
    ReviewColumn("name", "ชื่อหน่วยงาน", 20),
    ReviewColumn("item", "รหัสรายการ", 11),
    ReviewColumn("group", "ประเด็น/มิติ", 13),
    ReviewColumn("text", "เกณฑ์ / ตัวชี้วัด", 38),
    ReviewColumn("claim", "ที่หน่วยงานรายงาน", 14),
    ReviewColumn("evidence", "หลักฐานที่อ้างอิง", 22),
    ReviewColumn("verdict", "ผลการตรวจ\n(ยืนยัน/ไม่ยืนยัน)", 12, open=True),
    ReviewColumn("verified", "ค่าที่ตรวจสอบแล้ว\n(ตัวชี้วัด)", 11, open=True),
    ReviewColumn("comment", "ความเห็นกรรมการ", 22, open=True),
    ReviewColumn("person", "ผู้ตรวจ", 14, open=True),
)
_COL = {c.key: n for n, c in enumerate(REVIEW_COLUMNS, start=1)}
#: The columns whose wrapped text decides a row's height.
_WRAPPED = {
    _COL[c.key]: c.width for c in REVIEW_COLUMNS if c.key in ("name", "text", "evidence", "claim")
}


def _guide(ws: Worksheet, rubric: Rubric, offices: int) -> None:
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    lines: list[tuple[str, bool]] = [
        (f"แบบตรวจสอบผลการประเมินตนเอง {rubric.title_th}", True),
        (f"เกณฑ์ {rubric.id} ฉบับ {rubric.version}   จำนวนหน่วยงาน {offices}   "
         f"จัดทำเมื่อ {thai_datetime(output_timestamp())}", False),
        ("", False),
        ("วิธีตรวจ", True),
        (f"1. แผ่นงาน '{REVIEW_SHEET}' มีหนึ่งแถวต่อหนึ่งรายการของแต่ละหน่วยงาน ใช้ตัวกรองที่หัว"
         "คอลัมน์ 'รหัสหน่วยงาน' เพื่อแสดงเฉพาะหน่วยงานที่ได้รับมอบหมาย", False),
        ("2. ช่องสีเทาคือสิ่งที่หน่วยงานรายงาน แก้ไขไม่ได้ ช่องสีเหลืองสำหรับกรรมการกรอก", False),
        ("3. ผลการตรวจ: เลือก ยืนยัน (หลักฐานสนับสนุนสิ่งที่หน่วยงานรายงาน) หรือ ไม่ยืนยัน "
         "จากรายการ เว้นว่างไว้หากยังไม่ได้ตรวจ", False),
        ("4. ตัวชี้วัด: หากค่าที่ถูกต้องต่างจากที่รายงาน กรอกค่าที่ตรวจสอบแล้ว (ตัวเลขในหน่วยเดียวกัน"
         " หรือ N/A เมื่อเกณฑ์อนุญาต) ค่านี้ใช้แทนค่าที่รายงาน", False),
        ("5. เกณฑ์ที่ไม่ยืนยัน: ที่รายงานว่าผ่านจะนับเป็นไม่ผ่าน และที่รายงานว่าไม่ผ่านจะนับเป็นผ่าน", False),
        ("6. ตัวชี้วัดที่ไม่ยืนยันและไม่กรอกค่า: ไม่นับค่าที่หน่วยงานรายงาน (ใช้ข้อมูลส่วนกลางหรือ"
         "การแก้ไข ถ้ามี มิฉะนั้นได้ 0 คะแนน)", False),
        ("7. กรอกความเห็นและชื่อผู้ตรวจทุกแถวที่ตรวจ กรรมการแต่ละคนกรอกสำเนาของตนได้ แล้วส่งทุกไฟล์"
         " (pmqa batch ... --review ไฟล์1.xlsx --review ไฟล์2.xlsx)", False),
        ("8. พิมพ์: แต่ละหน่วยงานขึ้นหน้าใหม่ หัวตารางพิมพ์ซ้ำทุกหน้า", False),
        ("", False),
        ("How to review (English)", True),
        (f"Sheet '{REVIEW_SHEET}' has one row per item of each office; filter the office code "
         "column to your offices. Grey cells are the office's claims (protected, no password); "
         "fill in the yellow cells: the verdict (ยืนยัน = confirmed, ไม่ยืนยัน = not "
         "confirmed), for an indicator the verified value when it differs, a comment and your "
         "name. Leave a row blank if you did not review it. Precedence and formats: "
         "docs/verification.md.", False),
    ]  # fmt: skip
    for row, (text, bold) in enumerate(lines, start=1):
        put(ws, row, 1, text, font=body_font(bold=bold, size=18 if row == 1 else 16),
            alignment=WRAP)  # fmt: skip
        fit_row_height(ws, row, {1: GUIDE_WIDTH})
    setup_page(ws, landscape=False)


def _claims(rubric: Rubric, sub: Submission) -> list[dict[str, object]]:
    """The rows of one office: every criterion, then every indicator that applies to it."""
    office = sub.office
    rows: list[dict[str, object]] = []
    for issue, tier, criterion in rubric.criteria():
        rows.append(
            {
                "item": criterion.id,
                "group": f"{issue.id} {rubric.tier_default(tier.id).title_th}",
                "text": criterion.text_th,
                "claim": shown_value(met=sub.criteria.get(criterion.id)),
                "evidence": sub.evidence.get(criterion.id, ""),
                "indicator": False,
            }
        )
    # What the office typed, for a value pmqa could not read ("ประมาณ 84.82"): the committee
    # sees it and can give the verified value.
    typed = {v.item_id: v.raw for v in sub.values if v.field == "value" and v.value is None}
    for ind in rubric.indicators:
        if not ind.applies(office.type):
            continue
        answer = sub.indicators.get(ind.id)
        if answer is not None and answer.value is not None and ind.unit == "pass/fail":
            claim = shown_value(met=answer.value >= 1)
        elif answer is not None and (answer.value is not None or answer.not_applicable):
            claim = shown_value(answer=answer)
            if answer.value is not None:
                claim += f" {unit_th(ind.unit)}"
        elif typed.get(ind.id, "").strip():
            claim = f"อ่านไม่ได้: {typed[ind.id].strip()}"
        else:
            claim = shown_value(met=None)
        rows.append(
            {
                "item": ind.id,
                "group": ind.dimension,
                "text": ind.title_th,
                "claim": claim,
                "evidence": sub.evidence.get(ind.id, ""),
                "indicator": True,
            }
        )
    return rows


def write_review_sheet(rubric: Rubric, submissions: Sequence[Submission], path: Path) -> int:
    """Write the committee's workbook for these offices (in office-code order); returns the
    number of item rows."""
    wb = Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    ordered = sorted(submissions, key=lambda s: (s.office.code, str(s.path)))
    _guide(guide, rubric, len(ordered))
    ws = wb.create_sheet(REVIEW_SHEET)
    put(ws, 1, 1, f"แบบตรวจสอบผลการประเมินตนเอง ({rubric.id} ฉบับ {rubric.version})",
        font=body_font(bold=True, size=18))  # fmt: skip
    put(ws, 2, 1, "ช่องสีเหลืองสำหรับคณะกรรมการ: ผลการตรวจ ค่าที่ตรวจสอบแล้ว ความเห็น และชื่อผู้ตรวจ",
        font=body_font(size=16, color="595959"))  # fmt: skip
    # Tall enough for their type: at the default height the title ran into the line below.
    ws.row_dimensions[1].height = row_height(1, 18)
    ws.row_dimensions[2].height = row_height(1, 16)
    for col, column in enumerate(REVIEW_COLUMNS, start=1):
        put(ws, HEADER_ROW, col, column.header, **header_style())
        ws.column_dimensions[column_letter(col)].width = column.width
    fit_row_height(ws, HEADER_ROW, {n: c.width for n, c in enumerate(REVIEW_COLUMNS, start=1)})
    verdicts = DataValidation(
        type="list", formula1=f'"{",".join(VERDICT_TH.values())}"', allow_blank=True
    )
    verdicts.error = verdicts.prompt = "เลือก ยืนยัน หรือ ไม่ยืนยัน"
    verdicts.errorTitle = "ข้อมูลไม่ถูกต้อง"
    verdicts.showErrorMessage = verdicts.showInputMessage = True
    ws.add_data_validation(verdicts)
    row = HEADER_ROW
    for sub in ordered:
        for claim in _claims(rubric, sub):
            row += 1
            values = {"office": sub.office.code, "name": sub.office.name, **claim}
            for col, column in enumerate(REVIEW_COLUMNS, start=1):
                closed = column.key == "verified" and not claim["indicator"]
                if column.open and not closed:
                    put(ws, row, col, None, fill=INPUT_FILL, protection=UNLOCKED,
                        border=thin_border(), alignment=WRAP)  # fmt: skip
                    continue
                value = values.get(column.key)
                centered = column.key in ("office", "item", "group", "claim")
                put(ws, row, col, value if value != "" else None, border=thin_border(),
                    alignment=CENTER if centered else WRAP,
                    fill=CLOSED_FILL if closed else PatternFill())  # fmt: skip
            ws.cell(row=row, column=_COL["office"]).number_format = "@"
            fit_row_height(ws, row, _WRAPPED)
        if row > HEADER_ROW:
            ws.row_breaks.append(Break(id=row))
    last = max(row, HEADER_ROW + 1)
    verdicts.add(
        f"{column_letter(_COL['verdict'])}{HEADER_ROW + 1}:{column_letter(_COL['verdict'])}{last}"
    )
    ws.auto_filter.ref = f"A{HEADER_ROW}:{column_letter(len(REVIEW_COLUMNS))}{last}"
    setup_page(ws, landscape=True, freeze=f"A{HEADER_ROW + 1}", header_row=HEADER_ROW)
    # Every printed page of both sheets: the title and sheet, the fiscal year, the date, page n.
    for sheet in (guide, ws):
        title = f"แบบตรวจสอบผลการประเมินตนเอง: {sheet.title}"
        mark_pages(sheet, page_marks(title, rubric.fiscal_year, when=output_timestamp()))
    # No password: protection guards against accidents. Filtering, sorting and resizing stay.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    wb.active = wb.index(ws)
    save_atomic(wb, path, kind=Kind.REVIEW)
    return row - HEADER_ROW
