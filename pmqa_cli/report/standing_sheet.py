"""The feedback workbook's sheet ตำแหน่ง: where the office stands among every office of the
batch (report/standing.py computes it): its overall score and rank with the means, the national
distribution of the overall score as a table and a chart, its own band marked, and its province
on the map (report/locator.py), on one portrait A4 page.

Every row gets a height fit for its font (report/text_width.py): the 15 pt default row cuts 16 pt
Thai's marks and lets the lines of the title run into each other.
"""

from __future__ import annotations

from decimal import Decimal

from pmqa_cli.core.numbers import Shown, format_number, show_number
from pmqa_cli.report.locator import LOCATOR_SIZE_CM, place_locator
from pmqa_cli.report.outputs import FONT_SIZE
from pmqa_cli.report.standing import Standing
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.xlsx_sheet import BODY, HEADER, Book, Sheet, Style

__all__ = [
    "TABLE_SIZE",
    "count_step",
    "standing_sheet",
]

#: The distribution table's font size: its 21 rows, the map beside them and the chart below
#: fit one portrait page.
TABLE_SIZE = 14
#: The columns of the table: the band, the other offices, this office (units of width).
_WIDTHS = {1: 17.0, 2: 14.0, 3: 14.0}
_CENTRE = Style(size=TABLE_SIZE, border=True, align="center", valign="vcenter")
_CM_POINTS = 72 / 2.54


def standing_sheet(book: Book, ws: Sheet, standing: Standing, overall: Decimal, decimals: int,
                   provisional: bool = False) -> None:  # fmt: skip
    """Write the sheet ``ws`` of ``book``; ``provisional``: the office's result (and so its
    rank) is not final."""
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
        ws.put(row, 1, text, BODY.but(bold=row == 1))
        ws.height(row, row_height(1, FONT_SIZE))  # one line, not wrapped
    first = len(lines) + 2
    for col, text in enumerate(("ช่วงคะแนนรวม", "หน่วยงานอื่น", "หน่วยงานนี้"), start=1):
        ws.put(first, col, text, HEADER)
        ws.width(col, _WIDTHS[col])
    ws.fit_row_height(first, _WIDTHS)
    for n, count in enumerate(standing.distribution):
        low, high = width * n, width * (n + 1)
        row = first + 1 + n
        cells = (f"{low:.0f}-{high:.0f}", count - (n == own), int(n == own))
        for col, value in enumerate(cells, start=1):
            ws.put(row, col, value, _CENTRE)
        ws.height(row, row_height(1, TABLE_SIZE))
    last = first + len(standing.distribution)
    _chart(book, ws, first, last, max(standing.distribution, default=0))
    ws.setup(landscape=False)
    if standing.locator is not None:
        place_locator(ws, standing.locator, first, 4)


def count_step(largest: int) -> int:
    """The step of a count axis up to ``largest``: a whole, round number of offices (1, 2, 5,
    10, 20, 50, ...) giving at most six steps."""
    steps = (n * 10**k for k in range(12) for n in (1, 2, 5))
    return next(int(step) for step in steps if step * 6 >= largest)


def _chart(book: Book, ws: Sheet, first: int, last: int, largest: int) -> None:
    """The distribution as stacked columns (this office's own band in purple), below both the
    table and the map: rows are counted by their heights, the map by its size. ``largest``,
    the most offices in one band, sets the count axis's whole-number steps (no 0.2 office)."""
    chart = book.chart({"type": "column", "subtype": "stacked"})
    for col, colour in ((1, "#A6A6A6"), (2, "#7030A0")):  # the other offices, this office
        chart.add_series({
            "name": [ws.name, first - 1, col],
            "categories": [ws.name, first, 0, last - 1, 0],
            "values": [ws.name, first, col, last - 1, col],
            "fill": {"color": colour},
            "overlap": 100,
            "gap": 20,
        })  # fmt: skip
    chart.set_title({"name": "การกระจายคะแนนรวมของทุกหน่วยงาน"})
    step = count_step(largest)
    chart.set_y_axis({"name": "จำนวนหน่วยงาน", "min": 0, "major_unit": step, "num_format": "0"})
    chart.set_x_axis({"name": "คะแนนรวม"})
    # The map (from the table's header row down) may reach below the table's last row.
    map_bottom = LOCATOR_SIZE_CM[1] * _CM_POINTS
    below = last + 1
    while sum(ws.row_points(r) for r in range(first, below)) < map_bottom:
        below += 1
    ws.insert_chart(below + 1, 1, chart, (17 / 2.54 * 96, 9 / 2.54 * 96))
