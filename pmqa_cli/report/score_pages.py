"""Where the provisional score sheet's pages break, so every table prints under its own header.

The sheet prints at the fixed scale of wide tables (WIDE_PRINT_SCALE), each part from a page of
its own (its print range). Inside a part, pmqa places every page break itself, estimated from
the rows' heights, before LibreOffice's or Excel's own would fall:

* the summary and the rubric's numbers: a table (the tiers, each band table) that would run
  over a page's end starts the next page (:func:`keep_whole`);
* criteria, issues, indicators, categories: a page that a part continues on starts with the
  part's title (marked continued) and column header, repeated in the sheet
  (:func:`plan_pages` plans them on the sheet written once without them; ScoreSheet writes
  them). An issue's criteria stay together on a page where they fit.
"""

from __future__ import annotations

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.report.printing import printable_area
from pmqa_cli.report.tables import WIDE_PRINT_SCALE

__all__ = ["PAGE_ROWS", "keep_whole", "plan_pages"]

#: The height of an A4 landscape page's rows at WIDE_PRINT_SCALE, points of the sheet (less
#: the margins that hold the header and footer). LibreOffice fits about 4% more (889 points:
#: measured by printing), which is the estimate's margin: pmqa's breaks come first.
PAGE_ROWS = printable_area(landscape=True)[1] / (WIDE_PRINT_SCALE / 100)


def _height(ws: Worksheet, row: int) -> float:
    return float(ws.row_dimensions[row].height or 15.0)


def keep_whole(ws: Worksheet, starts: list[int], last: int, first: int = 1) -> None:
    """Start a new page before a table (the rows from one of ``starts`` to the next) that
    would run over a page's end, in the print range from row ``first`` to ``last``; the
    sheet's title (row 1) tops every page."""
    if not starts:  # no table in the range (a rubric without category 7 has no indicators)
        return
    room = PAGE_ROWS - _height(ws, 1)  # under the title
    used = sum(_height(ws, r) for r in range(max(first, 2), starts[0]))
    ends = [*(s - 1 for s in starts[1:]), last]
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
        size = sum(_height(ws, r) for r in range(start, end + 1))
        if n and used + size > room and size <= room:
            ws.row_breaks.append(Break(id=start - 1))
            used = 0.0
        used += size
        while used > room:  # a table longer than a page runs on
            used -= room


def plan_pages(
    ws: Worksheet, item_rows: dict[int, int], parts: list[tuple[int, list[int], int]]
) -> frozenset[int]:
    """The item rows (by their number in writing order, ``item_rows``: number -> row) that
    start a page, planned on the sheet ``ws`` written without repeated headings.

    Each part is (its first row: the section's title, then its header; the rows that start a
    run of rows kept together on a page, the first of them its first item row; its last
    row). A page it continues on holds the sheet's title (row 1), the part's title and
    header repeated (as tall as its own), then rows; a run longer than a page breaks between
    rows."""
    number_of = {row: number for number, row in item_rows.items()}
    room = PAGE_ROWS - _height(ws, 1)
    plan: set[int] = set()
    for first, starts, last in parts:
        if not starts:  # a part without rows (no indicators: a rubric without category 7)
            continue
        heading = sum(_height(ws, r) for r in range(first, starts[0]))
        used = heading
        ends = [*(s - 1 for s in starts[1:]), last]
        for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
            size = sum(_height(ws, r) for r in range(start, end + 1))
            if used + size <= room:
                used += size
                continue
            if n and heading + size <= room:  # the run fits on the next page: start it there
                plan.add(number_of[start])
                used = heading + size
                continue
            for row in range(start, end + 1):  # longer than a page: break between its rows
                if used + _height(ws, row) > room and used > heading:
                    plan.add(number_of[row])
                    used = heading
                used += _height(ws, row)
    return frozenset(plan)
