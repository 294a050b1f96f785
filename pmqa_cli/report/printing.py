"""What every printed page of a pmqa workbook carries: a header and a footer.

Header: the document's title on the left, the office in the middle where the page is about one
office, the fiscal year (Buddhist era) on the right. Footer: pmqa and the run date (Buddhist
era) on the left, "หน้า n จาก m" on the right. The codes are Excel's header/footer codes,
which openpyxl, xlsxwriter, Excel and LibreOffice all understand, built here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from pmqa_cli.core.thai import thai_date
from pmqa_cli.report.outputs import FONT_NAME

__all__ = [
    "MARK_SIZE",
    "SIDE_MARGIN",
    "SMALLEST_PRINT",
    "TOP_BOTTOM_MARGIN",
    "PageMarks",
    "excel_column_points",
    "fitted_scale",
    "mark_size",
    "page_marks",
    "print_setup",
    "printable_area",
    "printable_width",
]

#: The smallest text a printed page carries, in points: a sheet is fitted to the page's width
#: only where its text stays at least this size; a wider table prints across pages instead.
SMALLEST_PRINT = 9.0
#: The page's left and right margins, inches (the top and bottom hold the header and footer).
SIDE_MARGIN = 0.4
#: The page's top and bottom margins, inches: they hold the header and footer.
TOP_BOTTOM_MARGIN = 0.75
_A4 = (595.3, 841.9)  # points, short side and long side

_FONT = f'&"{FONT_NAME},Regular"&'
#: The header's and footer's size on a page printed at full size, points.
MARK_SIZE = 12
PAGE_OF = "หน้า &P จาก &N"


def _text(value: str) -> str:
    """Literal text inside a header code: "&" is the code character, so it is doubled."""
    return value.replace("&", "&&")


@dataclass(frozen=True)
class PageMarks:
    """A sheet's header and footer: the text of each part, already in Excel's codes."""

    header: dict[str, str]  # "L", "C", "R" -> text
    footer: dict[str, str]
    size: int = MARK_SIZE  # points: larger on a sheet printed smaller (page_marks' scale)

    def _codes(self, parts: dict[str, str]) -> str:
        return "".join(f"&{side}{_FONT}{self.size}{text}" for side, text in parts.items() if text)

    @property
    def header_codes(self) -> str:
        """The header as one string of codes (xlsxwriter's set_header)."""
        return self._codes(self.header)

    @property
    def footer_codes(self) -> str:
        """The footer as one string of codes (xlsxwriter's set_footer)."""
        return self._codes(self.footer)


def mark_size(scale: float) -> int:
    """The header's and footer's size on a sheet printed at ``scale``: clients scale them with
    the page, so they print at ``SMALLEST_PRINT`` at least (1% to spare for the estimate)."""
    return max(MARK_SIZE, math.ceil(SMALLEST_PRINT / scale * 1.01))


def page_marks(
    title: str,
    fiscal_year: int | str,
    *,
    office: str = "",
    when: date | None = None,
    note: str = "",
    scale: float = 1.0,
) -> PageMarks:
    """The header and footer of one sheet.

    ``when`` is the run date, printed in the Buddhist era; ``note`` replaces it where a
    document has no run date (the blank template names its rubric instead). ``scale`` is the
    scale the sheet prints at: clients scale the header and footer with the page, so on a
    sheet printed smaller they are set larger, to print at ``SMALLEST_PRINT`` at least.
    """
    left = note or (f"pmqa ประมวลผลวันที่ {thai_date(when)}" if when else "pmqa")
    # Titles are kept short (a few words): three parts share one line of a portrait page.
    header = {
        "L": _text(title),
        "C": f"&B{_text(office)}&B" if office else "",
        "R": _text(f"ปีงบประมาณ พ.ศ. {fiscal_year}"),
    }
    size = mark_size(scale)
    return PageMarks(header, {"L": _text(left), "R": PAGE_OF}, size)


def print_setup(ws: Any, marks: PageMarks, *, landscape: bool = True, center: bool = True) -> None:
    """An xlsxwriter sheet printed as every pmqa sheet is: A4, centred, pmqa's header and footer
    on every page (the sheet's own scale or fit-to-width is left as it is). ``center`` False
    for a sheet of pictures: LibreOffice shifts pictures off the page when it centres."""
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if center:
        ws.center_horizontally()
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=TOP_BOTTOM_MARGIN,
                   bottom=TOP_BOTTOM_MARGIN)  # fmt: skip
    ws.set_header(marks.header_codes, {"margin": 0.3})
    ws.set_footer(marks.footer_codes, {"margin": 0.3})


def printable_width(*, landscape: bool = True) -> float:
    """The width of A4 between pmqa's side margins, in points (784 landscape, 538 portrait)."""
    return printable_area(landscape=landscape)[0]


def printable_area(
    *, landscape: bool, side: float = SIDE_MARGIN, top_bottom: float = TOP_BOTTOM_MARGIN
) -> tuple[float, float]:
    """A4's width and height between its margins (``side`` and ``top_bottom``, inches: pmqa's
    by default), in points."""
    short, long = _A4
    wide, tall = (long, short) if landscape else (short, long)
    return wide - 2 * 72 * side, tall - 2 * 72 * top_bottom


def excel_column_points(width: float) -> float:
    """A column ``width`` units wide as Excel lays it out (7-pixel digits and 5 pixels of
    padding), in points: what the page-break estimates measure a sheet's width by."""
    return (width * 7 + 5) * 0.75


def fitted_scale(
    columns: float,
    rows: float,
    *,
    landscape: bool,
    wide: int = 1,
    tall: int = 0,
    side: float = SIDE_MARGIN,
    top_bottom: float = TOP_BOTTOM_MARGIN,
) -> float:
    """The scale a sheet ``columns`` points wide and ``rows`` points tall prints at when fitted
    to ``wide`` pages across and ``tall`` down (0: as many as it takes), never above 100%."""
    width, height = printable_area(landscape=landscape, side=side, top_bottom=top_bottom)
    scale = 1.0
    if wide and columns:
        scale = min(scale, wide * width / columns)
    if tall and rows:
        scale = min(scale, tall * height / rows)
    return scale
