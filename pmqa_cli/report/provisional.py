"""The template checks and scores itself: live checks and the provisional score sheet.

Everything here is generated from the rubric and written as ordinary, visible, protected
formulas, so an office that fills the workbook in Excel 2010+ or LibreOffice (and has no pmqa)
sees at once which answers are missing or invalid and what it would score:

* the sheet คะแนนเบื้องต้น reads every answer by its item id (INDEX/MATCH, so sorted or moved
  rows still count), reproduces pmqa's reading of it (docs/workbook-format.md) and its scoring
  (docs/scoring.md) from the rubric's numbers, which it shows as labelled cells;
* a ตรวจสอบ (check) column beside each answer shows that item's check, and conditional
  formatting colours the answer cell red while the check fails;
* each answer sheet counts its usable answers ("ตอบแล้ว 38 จาก 41 ข้อ");
* workbook-level names (``pmqa_overall`` ...) point at the headline cells, whose keys in column
  A pmqa reads but nobody sees (number format ``;;;``); until the answers are complete the
  headline says ยังกรอกไม่ครบ with the count instead of a score;
* the sheet prints at 57% across pages, each part from a page of its own and every page of a
  part under its title and column header, repeated in the sheet where the part continues on a
  new page (score_pages.py plans the pages; docs/printing.md).

Only functions that Excel 2010 and LibreOffice both have are used (no LET, IFS, XLOOKUP,
FILTER...). No text from the rubric is put inside a formula: formulas refer to the cells that
hold it. The official score stays pmqa's; the sheet says so.

The formula vocabulary is formulas.py; the score sheet is written by score_sheet.py (its frame)
with its blocks from score_summary.py, score_criteria.py (categories 1-6) and
score_indicators.py (category 7); the answer sheets' checks are live_checks.py.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.layout import (
    OFFICE_FIELDS,
    SHEET_INDICATORS,
    SHEET_OFFICE,
    SHEET_PMQA,
    SHEET_SCORE,
)
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.formulas import CHECK_BAD, CHECK_OK, quoted
from pmqa_cli.report.live_checks import answer_count, check_column, red_while_empty
from pmqa_cli.report.score_criteria import Spans, categories_block, criteria_block, issues_block
from pmqa_cli.report.score_indicators import indicators_block
from pmqa_cli.report.score_pages import keep_whole, plan_pages
from pmqa_cli.report.score_sheet import (
    HEADLINE_NAMES,
    KEY,
    LABEL,
    WIDTHS,
    WRAP,
    Pieces,
    ScoreSheet,
)
from pmqa_cli.report.score_summary import constants_block, headline_formulas, summary_block
from pmqa_cli.report.tables import WIDE_PRINT_SCALE
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.writer import body_font, fit_row_height, put, setup_page
from pmqa_cli.rubric.model import Rubric

__all__ = ["HEADLINE_NAMES", "add_provisional", "guide_lines"]

_NOTICE = (
    "คะแนนในแผ่นงานนี้เป็นคะแนนเบื้องต้นที่สูตรในไฟล์คำนวณจากคำตอบของหน่วยงาน "
    "เพื่อให้เห็นผลระหว่างกรอกข้อมูลเท่านั้น คะแนนทางการคือคะแนนที่ สพฐ. คำนวณ "
    "ห้ามแก้ไขแผ่นงานนี้\n"
    "This sheet's scores are provisional, computed by the workbook's formulas from your "
    "answers while you fill it in. The official score is the one OBEC computes."
)


def add_provisional(
    wb: Workbook,
    rubric: Rubric,
    pmqa_rows: dict[str, int],
    indicator_rows: dict[str, int],
    pmqa_cols: dict[str, int],
    kpi_cols: dict[str, int],
    office_rows: dict[str, int],
    office_value_column: int,
) -> None:
    """Add the score sheet (after the indicator sheet), the check columns, the red answer
    cells, the completeness counts and the defined names to a template being built."""
    # After the indicator sheet (a rubric of categories 1-6 only has none: after PMQA 4.0).
    last_input = SHEET_INDICATORS if SHEET_INDICATORS in wb.sheetnames else SHEET_PMQA
    ws = wb.create_sheet(SHEET_SCORE, wb.sheetnames.index(last_input) + 1)
    score = _score_sheet(ws, rubric, pmqa_cols, kpi_cols)
    k = score.key_rows
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    inputs = [(SHEET_PMQA, pmqa_cols, pmqa_rows, "answer", "criteria")]
    if rubric.indicators and SHEET_INDICATORS in wb.sheetnames:
        inputs.append((SHEET_INDICATORS, kpi_cols, indicator_rows, "value", "indicators"))
    for name, cols, rows, target, block in inputs:
        ws_input = wb[name]
        assert isinstance(ws_input, Worksheet)
        check_column(ws_input, cols, rows, target)
        answer_count(ws_input, cols[target], score.block_pieces(block))
    office = wb[SHEET_OFFICE]
    assert isinstance(office, Worksheet)
    # Required office details: red while empty.
    required = [office_rows[f.key] for f in OFFICE_FIELDS if f.required and f.key in office_rows]
    red_while_empty(office, office_value_column, required)
    sheet = quoted(SHEET_SCORE)
    for name in HEADLINE_NAMES:
        ref = f"{sheet}!${column_letter(LABEL)}${k[name]}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _score_sheet(
    ws: Worksheet, rubric: Rubric, pmqa_cols: dict[str, int], kpi_cols: dict[str, int]
) -> ScoreSheet:
    """Write the คะแนนเบื้องต้น sheet: once on a scratch sheet, to see where its parts' pages
    would break, then for real with each part's title and header repeated atop every page it
    continues on (score_pages.py)."""
    plan = _plan(rubric, pmqa_cols, kpi_cols)
    sheet = ScoreSheet(ws, rubric, pmqa_cols, kpi_cols, plan)
    _, parts, _ = _write(ws, sheet)
    areas = [(top, last, _last_column(ws, top, last)) for top, last in parts]
    # The notice spans the first part's columns, as tall as its lines.
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=areas[0][2])
    fit_row_height(ws, 2, {1: sum(WIDTHS[c] for c in range(1, areas[0][2] + 1))})
    _print_setup(ws, areas)
    # Tables kept whole on a page where they fit: the summary, the rubric's numbers (its
    # tiers, its bands); then the pages planned for the other parts.
    k = sheet.key_rows
    tables = [4, k["level_scores"] - 1, k["tier:" + rubric.scoring.tiers[0].id] - 1]
    tables += [k[n] - 1 for n in ("overall_bands", "status_bands")]
    keep_whole(ws, tables, parts[0][1])
    for row in sheet.breaks:
        ws.row_breaks.append(Break(id=row))
    return sheet


#: The page plans made in this process: a rubric's (by identity, kept alive with it) and the
#: answer sheets' columns -> the plan. ``pmqa sample`` writes a template per office.
_PLANS: dict[tuple[object, ...], tuple[Rubric, frozenset[int]]] = {}


def _plan(rubric: Rubric, pmqa_cols: dict[str, int], kpi_cols: dict[str, int]) -> frozenset[int]:
    """Where the score sheet's parts break into pages (the item rows that start a page):
    planned on a scratch sheet written without repeated headings, once per rubric and layout
    (it depends on nothing else: the office's answers are not on it)."""
    key = (id(rubric), tuple(sorted(pmqa_cols.items())), tuple(sorted(kpi_cols.items())))
    if key in _PLANS and _PLANS[key][0] is rubric:
        return _PLANS[key][1]
    scratch = Workbook().active
    assert isinstance(scratch, Worksheet)
    draft, parts, spans = _write(scratch, ScoreSheet(scratch, rubric, pmqa_cols, kpi_cols))
    units = []
    for n, (top, last) in enumerate(parts[1:]):
        rows = sorted(r for r in draft.item_rows.values() if top <= r <= last)
        if n == 0:  # the criteria: an issue's criteria kept together
            rows = sorted({pieces[0][0] for pieces in _issue_spans(spans, rubric).values()})
        units.append((top, rows, last))
    plan = plan_pages(scratch, draft.item_rows, units)
    if len(_PLANS) >= 8:  # a handful of rubrics at most in one run
        _PLANS.clear()
    _PLANS[key] = (rubric, plan)
    return plan


def _issue_spans(spans: Spans, rubric: Rubric) -> dict[str, Pieces]:
    """Each issue's criteria rows (the pieces of its tiers, in order)."""
    return {
        issue.id: [p for tier in issue.tiers for p in spans[(issue.id, tier.id)]]
        for issue in rubric.issues
    }


def _write(ws: Worksheet, sheet: ScoreSheet) -> tuple[ScoreSheet, list[tuple[int, int]], Spans]:
    """Write the sheet's title, notice and parts; returns the sheet, each part's first and last
    rows (the summary with the rubric's numbers first) and the criteria's rows by tier."""
    for col, width in WIDTHS.items():
        ws.column_dimensions[column_letter(col)].width = width
    put(ws, 1, 1, "คะแนนเบื้องต้น (คำนวณในไฟล์นี้) / Provisional score",
        font=body_font(bold=True, size=20))  # fmt: skip
    ws.row_dimensions[1].height = row_height(1, 20)  # printed atop every page
    put(ws, 2, 1, _NOTICE, font=body_font(bold=True, color="9C0006"), alignment=WRAP)
    sheet.row = 3  # under the title and the notice
    # Each part is printed on pages of its own, as wide as its own columns.
    _written(sheet, summary_block)
    parts = [(1, _written(sheet, constants_block))]
    spans: Spans = {}

    def criteria(s: ScoreSheet) -> None:
        spans.update(criteria_block(s))

    for write in (
        criteria,
        lambda s: issues_block(s, spans),
        indicators_block,
        categories_block,
    ):
        first = sheet.row + 1  # the section's title (a blank row above it)
        parts.append((first, _written(sheet, write)))
    headline_formulas(sheet)
    for (cell,) in ws.iter_rows(min_row=3, max_col=KEY):
        if cell.value is not None and cell.border.left.style:  # ids and keys, not titles
            cell.alignment = WRAP
    return sheet, parts, spans


def _written(sheet: ScoreSheet, write: Callable[[ScoreSheet], None]) -> int:
    """Write a block; returns its last row."""
    write(sheet)
    return sheet.row - 1


def _last_column(ws: Worksheet, first: int, last: int) -> int:
    """The last column holding anything in rows ``first`` to ``last``."""
    used = [
        cell.column
        for row in ws.iter_rows(min_row=first, max_row=last)
        for cell in row
        if cell.value not in (None, "")
    ]
    return max(used, default=LABEL)


def _print_setup(ws: Worksheet, areas: list[tuple[int, int, int]]) -> None:
    """Print each part (the summary and the rubric's numbers; criteria; issues; indicators;
    categories) from a page of its own, as wide as its columns, at the fixed scale of wide
    tables (16 pt prints at 9.1 pt): a part wider than a page continues on the next, pages
    running left to right, each starting with the labels (id, check, title) and the sheet's
    title. The rubric's numbers start a page of their own under the summary."""
    setup_page(ws, freeze=None)
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = WIDE_PRINT_SCALE
    ws.page_setup.pageOrder = "overThenDown"
    ws.print_title_rows = "1:1"
    ws.print_title_cols = f"A:{column_letter(LABEL)}"
    ws.print_area = [f"A{first}:{column_letter(col)}{last}" for first, last, col in areas]


def guide_lines() -> list[tuple[str, bool]]:
    """The instruction sheet's lines about the colours and the provisional score."""
    return [
        ("", False),
        ("สีและการตรวจสอบอัตโนมัติ", True),
        ("• ช่องสีเหลือง คือช่องที่หน่วยงานกรอก ช่องอื่นถูกล็อกไว้", False),
        (f"• ช่องคำตอบเปลี่ยนเป็นสีแดง และคอลัมน์ 'ตรวจสอบ' แสดง {CHECK_BAD} พร้อมเหตุผล "
         "เมื่อยังไม่ได้ตอบ คำตอบไม่ใช่ตัวเลือกในรายการ ไม่ใช่ตัวเลข หรืออยู่นอกช่วงที่ตัวชี้วัดยอมรับ "
         f"แก้จนขึ้น {CHECK_OK} ทุกข้อ (ปัญหาเดียวกับที่ สพฐ. จะแจ้งกลับ)", False),
        ("• ด้านบนของแผ่นงาน PMQA 4.0 และตัวชี้วัด แสดงจำนวนข้อที่ตอบแล้ว เช่น "
         "'ตอบแล้ว 38 จาก 41 ข้อ'", False),
        ("", False),
        ("คะแนนเบื้องต้น", True),
        (f"• แผ่นงาน '{SHEET_SCORE}' คำนวณคะแนนรายเกณฑ์ รายประเด็น รายตัวชี้วัด คะแนนหมวด 1-6 "
         "หมวด 7 คะแนนรวม ระดับผลการประเมิน และสถานะ PMQA 4.0 ด้วยสูตรจากคำตอบในไฟล์นี้ "
         "ตามวิธีคิดคะแนนด้านบน แผ่นงานนี้ถูกล็อกไว้ ห้ามแก้ไข", False),
        ("• คะแนนนี้เป็นคะแนนเบื้องต้นเพื่อดูผลระหว่างกรอกเท่านั้น คะแนนทางการคือคะแนนที่ สพฐ. "
         "คำนวณจากไฟล์ที่ส่ง หากคะแนนในไฟล์ไม่ตรงกับที่ สพฐ. คำนวณ "
         "(เช่น มีการแก้สูตร หรือโปรแกรมไม่ได้คำนวณใหม่) จะได้รับแจ้งเป็นข้อสังเกต", False),
        ("Colours: yellow cells are yours to fill; an answer turns red, with the reason in "
         "the check column, while it is missing, not one of the choices or out of range. "
         f"The sheet '{SHEET_SCORE}' shows a provisional score computed by formulas; the "
         "official score is the one OBEC computes.", False),
    ]  # fmt: skip
