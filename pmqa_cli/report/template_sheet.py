"""How every sheet of the template is made: the header row, titles, yellow input cells,
validation with its prompt, protection.

Input cells are unlocked and shaded; everything else is locked under sheet protection without a
password.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.layout import Column
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.writer import (
    INPUT_FILL,
    body_font,
    fit_row_height,
    header_style,
    put,
    thin_border,
)

__all__ = [
    "CENTER",
    "HEADER_ROW",
    "NA_MARK",
    "WRAP",
    "YES_NO",
    "header_row",
    "input_cell",
    "protect",
    "text_widths",
    "title",
    "validation",
]

HEADER_ROW = 3
YES_NO = ("ผ่าน", "ไม่ผ่าน")
NA_MARK = "ไม่เกี่ยวข้อง"
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
UNLOCKED = Protection(locked=False)


def header_row(ws: Worksheet, columns: tuple[Column, ...]) -> dict[str, int]:
    """The header row of ``columns`` and their widths; returns column key -> index."""
    index = {}
    for col, column in enumerate(columns, start=1):
        put(ws, HEADER_ROW, col, column.header, **header_style())
        ws.column_dimensions[column_letter(col)].width = column.width
        index[column.key] = col
    fit_row_height(ws, HEADER_ROW, {n: c.width for n, c in enumerate(columns, start=1)})
    return index


def text_widths(columns: tuple[Column, ...], keys: tuple[str, ...]) -> dict[int, float]:
    """Column index -> width for the columns whose text decides a row's height."""
    return {n: c.width for n, c in enumerate(columns, start=1) if c.key in keys}


def title(ws: Worksheet, text: str, subtitle: str) -> None:
    """A sheet's title (row 1) and the line under it (row 2)."""
    put(ws, 1, 1, text, font=body_font(bold=True, size=20))
    put(ws, 2, 1, subtitle, font=body_font(size=16, color="595959"))


def protect(ws: Worksheet) -> None:
    """Lock the sheet but its input cells; filters and resizing stay allowed."""
    # No password: protection guards against accidents, not people. Resizing stays allowed.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


def input_cell(ws: Worksheet, row: int, col: int, value: object = None) -> None:
    """A yellow cell the office fills in, unlocked."""
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


def validation(ws: Worksheet, dv: DataValidation, prompt: str) -> DataValidation:
    """``dv`` added to the sheet, with ``prompt`` shown on entry and on an invalid value."""
    dv.error = prompt
    dv.errorTitle = "ข้อมูลไม่ถูกต้อง / Invalid entry"
    dv.promptTitle = "วิธีกรอก / How to fill in"
    dv.prompt = prompt
    dv.showErrorMessage = True
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    return dv
