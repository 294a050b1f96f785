"""The feedback workbook's sheet ตำแหน่ง: where the office stands among every office of the
batch (report/standing.py computes it): its overall score and rank with the means, the national
distribution of the overall score as a table and a chart, its own band marked, and its province
on the map (report/locator.py), on one portrait A4 page.

Every row gets a height fit for its font (report/text_width.py): the 15 pt default row cuts 16 pt
Thai's marks and lets the lines of the title run into each other.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.core.numbers import Shown, format_number, show_number
from pmqa_cli.report.locator import LOCATOR_SIZE_CM, place_locator
from pmqa_cli.report.standing import Standing
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.writer import (
    FONT_SIZE,
    body_font,
    fit_row_height,
    header_style,
    put,
    setup_page,
    thin_border,
)

__all__ = ["TABLE_SIZE", "standing_sheet"]

#: The distribution table's font size: its 21 rows, the map beside them and the chart below
#: fit one portrait page.
TABLE_SIZE = 14
#: The columns of the table: the band, the other offices, this office (units of width).
_WIDTHS = {1: 17.0, 2: 14.0, 3: 14.0}
_CENTRE = Alignment(horizontal="center", vertical="center")
_CM_POINTS = 72 / 2.54


def standing_sheet(ws: Worksheet, standing: Standing, overall: Decimal, decimals: int,
                   provisional: bool = False) -> None:  # fmt: skip
    """Write the sheet; ``provisional``: the office's result (and so its rank) is not final."""
    width = standing.bin_width
    own = min(int(overall / width), len(standing.distribution) - 1) if width else 0
    mean_type = standing.of_type.get("overall")
    mean_all = standing.national.get("overall")
    lines = [
        f"คะแนนรวมของหน่วยงาน {format_number(overall, decimals)} อันดับ {standing.rank or '-'} "
        f"จาก {standing.offices} หน่วยงาน" + (" (ผลเบื้องต้น)" if provisional else ""),
        f"ค่าเฉลี่ยทั้งประเทศ {format_number(mean_all, decimals) or '-'} · ค่าเฉลี่ย "
        f"{standing.office_type or 'ประเภทเดียวกัน'} {format_number(mean_type, decimals) or '-'}",
    ]
    if standing.change is not None:
        change = show_number(standing.change, Shown.CHANGE, decimals)
        lines.append(f"เปลี่ยนแปลงจาก {standing.previous_label or 'ครั้งก่อน'} {change} คะแนน")
    for row, text in enumerate(lines, start=1):
        put(ws, row, 1, text, font=body_font(bold=row == 1))
        ws.row_dimensions[row].height = row_height(1, FONT_SIZE)  # one line, not wrapped
    first = len(lines) + 2
    for col, text in enumerate(("ช่วงคะแนนรวม", "หน่วยงานอื่น", "หน่วยงานนี้"), start=1):
        put(ws, first, col, text, **header_style())
        ws.column_dimensions[chr(64 + col)].width = _WIDTHS[col]
    fit_row_height(ws, first, _WIDTHS)
    font = body_font(size=TABLE_SIZE)
    for n, count in enumerate(standing.distribution):
        low, high = width * n, width * (n + 1)
        row = first + 1 + n
        cells = (f"{low:.0f}-{high:.0f}", count - (n == own), int(n == own))
        for col, value in enumerate(cells, start=1):
            put(ws, row, col, value, font=font, border=thin_border(), alignment=_CENTRE)
        ws.row_dimensions[row].height = row_height(1, TABLE_SIZE)
    last = first + len(standing.distribution)
    _chart(ws, first, last)
    setup_page(ws, landscape=False)
    if standing.locator is not None:
        place_locator(ws, standing.locator, first, 4)


def _chart(ws: Worksheet, first: int, last: int) -> None:
    """The distribution as stacked columns (this office's own band in purple), below both the
    table and the map: rows are counted by their heights, the map by its size."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 20
    chart.title = "การกระจายคะแนนรวมของทุกหน่วยงาน"
    chart.y_axis.title = "จำนวนหน่วยงาน"
    chart.x_axis.title = "คะแนนรวม"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first, max_row=last),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
    others, this = chart.series
    others.graphicalProperties.solidFill = "A6A6A6"
    this.graphicalProperties.solidFill = "7030A0"
    chart.width, chart.height = 17, 9
    # The map (from the table's header row down) may reach below the table's last row.
    map_bottom = LOCATOR_SIZE_CM[1] * _CM_POINTS
    below, covered = last + 1, 0.0
    while True:
        covered = sum(ws.row_dimensions[r].height or 15 for r in range(first, below))
        if covered >= map_bottom:
            break
        below += 1
    ws.add_chart(chart, f"A{below + 1}")
