"""The template's first sheet, คำชี้แจง: how to fill the workbook in, check it and how it is
scored, from the rubric."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.layout import SHEET_INDICATORS, SHEET_OFFICE, SHEET_PMQA
from pmqa_cli.report.provisional import guide_lines
from pmqa_cli.report.template_sheet import WRAP, protect
from pmqa_cli.report.writer import body_font, fit_row_height, keep_together, put, setup_page
from pmqa_cli.rubric.model import Aggregation, Method, RatioBand, Rubric

__all__ = ["GUIDE_WIDTH", "guide_sheet"]

# LibreOffice does not shrink a single column wider than the page to fit it, and measures
# columns in a wider fallback font where Calibri is missing: 70 fits A4 portrait in both.
GUIDE_WIDTH = 70


def guide_sheet(ws: Worksheet, rubric: Rubric) -> None:
    """Write the guide's lines, one per row, in one wide column."""
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
        fit_row_height(ws, row, {1: GUIDE_WIDTH})  # each line at its own size (20 pt title)
    setup_page(ws, landscape=False)
    # Every page break placed here, before the client's own: a heading (with the blank line
    # above it) never ends a page, it starts the next with its first paragraph.
    keep_together(ws, _kept(lines), landscape=False)
    protect(ws)


def _kept(lines: list[tuple[str, bool]]) -> list[tuple[int, int]]:
    """The guide's rows as runs kept on one page: each heading with the blank line above it
    and its first paragraph, every other line on its own."""
    runs: list[tuple[int, int]] = []
    row = 1
    while row <= len(lines):
        last = row
        if row + 1 <= len(lines) and not lines[row - 1][0] and lines[row][1]:
            last = row + 1  # a blank line before a heading
        if lines[last - 1][1] and last < len(lines):
            last += 1  # a heading and its first paragraph
        runs.append((row, last))
        row = last + 1
    return runs


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
