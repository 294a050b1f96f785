"""The live checks on the sheets an office fills in.

Beside each answer a ตรวจสอบ (check) column shows that item's check, looked up by id from the
score sheet; conditional formatting colours the answer (or the office's own target) red while
the check fails; each answer sheet counts its usable answers at the top ("ตอบแล้ว 38 จาก 41
ข้อ"); the required office details stay red while empty.
"""

from __future__ import annotations

from typing import Any

from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.layout import SHEET_SCORE
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.formulas import (
    CHECK_BAD,
    CHECK_OK,
    answered_count,
    quoted,
    required_count,
)
from pmqa_cli.report.outputs import FONT_SIZE
from pmqa_cli.report.score_indicators import DECIMAL_COMMA, TARGET_NOT_POSITIVE
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.writer import body_font, text_lines, thin_border

__all__ = ["answer_count", "check_column", "red_while_empty"]

#: The longest reasons a check gives, by what it checks (docs/template.md lists them all).
_LONGEST = {
    "answer": ["ไม่ใช่ตัวเลือก / not a choice", "ค่าผิดพลาด / error value"],
    "value": [DECIMAL_COMMA, "มีทั้งค่าและไม่เกี่ยวข้อง / value and N/A"],
}
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006", bold=True)
OK_FONT = Font(color="006100")
WRAP = Alignment(wrap_text=True, vertical="top")


def _rule(formula: str, **style: Any) -> Rule:
    """A conditional-formatting rule that applies ``style`` while ``formula`` is true."""
    rule: Rule = FormulaRule(formula=[formula], **style)  # type: ignore[no-untyped-call]
    return rule


def check_column(ws: Worksheet, cols: dict[str, int], rows: dict[str, int], target: str) -> None:
    """Each item row's check (looked up by id from the score sheet) and the red answer cell
    (or, for a problem with the office's own target, the red target cell)."""
    sheet = quoted(SHEET_SCORE)
    col = cols["check"]
    # Every row tall enough for the longest reason its check can give (a formula's text: the
    # row is sized for it here, as the answer sheet's own text sizes it).
    longest = _LONGEST[target] + ([TARGET_NOT_POSITIVE] if "target" in cols else [])
    width = float(ws.column_dimensions[column_letter(col)].width or 8.43)
    tall = max(row_height(text_lines(f"{CHECK_BAD} {m}", width), FONT_SIZE) for m in longest)
    for row in rows.values():
        height = ws.row_dimensions[row].height or 0.0
        ws.row_dimensions[row].height = max(height, tall)
        cell = ws.cell(row=row, column=col)
        cell.value = f'=IFERROR(INDEX({sheet}!$B:$B,MATCH($A{row},{sheet}!$A:$A,0)),"")'
        # The body's size: the answer sheets print fitted to the page's width (57-61%), where
        # 14 pt would print at 8-8.5 pt (docs/printing.md).
        cell.font = body_font()
        cell.border = thin_border()
        cell.alignment = WRAP
    if not rows:
        return
    first, last = min(rows.values()), max(rows.values())
    check = f"${column_letter(col)}{first}"
    failed = f'LEFT({check},1)="{CHECK_BAD}"'
    about_target = f'ISNUMBER(SEARCH("ค่าเป้าหมาย",{check}))'
    answer = column_letter(cols[target])
    ws.conditional_formatting.add(
        f"{answer}{first}:{answer}{last}",
        _rule(f"AND({failed},NOT({about_target}))", fill=BAD_FILL, font=BAD_FONT),
    )
    if "target" in cols:
        own = column_letter(cols["target"])
        ws.conditional_formatting.add(
            f"{own}{first}:{own}{last}",
            _rule(f"AND({failed},{about_target})", fill=BAD_FILL, font=BAD_FONT),
        )
    checks = f"{column_letter(col)}{first}:{column_letter(col)}{last}"
    ws.conditional_formatting.add(checks, _rule(failed, font=BAD_FONT))
    ws.conditional_formatting.add(checks, _rule(f'LEFT({check},1)="{CHECK_OK}"', font=OK_FONT))


def answer_count(ws: Worksheet, col: int, pieces: list[tuple[int, int]]) -> None:
    """ "ตอบแล้ว x จาก y ข้อ" at the top of an answer sheet (row 1, column ``col``), over the
    score sheet's check cells in the runs of rows ``pieces`` (a block's rows less the
    headings repeated atop its pages)."""
    checks = [f"{quoted(SHEET_SCORE)}!$B${first}:$B${last}" for first, last in pieces]
    answered = "+".join(answered_count(c) for c in checks)
    required = "+".join(required_count(c) for c in checks)
    cell = ws.cell(row=1, column=col)
    cell.value = f'="ตอบแล้ว "&{answered}&" จาก "&{required}&" ข้อ"'
    cell.font = body_font(bold=True, size=16, color="1F4E79")
    cell.alignment = Alignment(horizontal="left", vertical="center")


def red_while_empty(ws: Worksheet, col: int, rows: list[int]) -> None:
    """The cells of column ``col`` in ``rows`` (required office details) red while empty."""
    column = column_letter(col)
    for row in rows:
        ws.conditional_formatting.add(
            f"{column}{row}",
            _rule(f"LEN(TRIM({column}{row}))=0", fill=BAD_FILL),
        )
